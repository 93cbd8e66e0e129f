import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// Every test file starts from a database with all migrations applied.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

// Many files take "today" when they load (a Plaid item is anchored to the day it is linked, budgets and dashboards to
// the space's today), and a file that runs across 00:00 UTC would see two todays. A file starting in the last three
// minutes of a UTC day waits for the next one (files take well under three minutes); a run at another hour never waits.
const NEAR_MIDNIGHT_MS = 3 * 60_000;
const untilMidnight = 86_400_000 - (Date.now() % 86_400_000);
if (untilMidnight < NEAR_MIDNIGHT_MS) await new Promise((resolve) => setTimeout(resolve, untilMidnight + 2_000));
