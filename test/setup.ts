import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// TEST_CLOCK_AT (vitest.config.ts passes the variable through) runs the file as if it had started at that instant: the
// clock still advances, from there. The way to check a test at the 1st of a month, a late hour in a far zone or a year's
// end, without waiting for one. A test's own vi.setSystemTime still pins its time, and vi.useRealTimers goes back to the
// real clock.
if (env.TEST_CLOCK_AT) {
  const RealDate = Date;
  const offset = RealDate.parse(env.TEST_CLOCK_AT) - RealDate.now();
  if (!Number.isFinite(offset)) throw new Error(`TEST_CLOCK_AT is not an instant: ${env.TEST_CLOCK_AT}`);
  class ShiftedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...(args as [string]));
    }
    static override now() {
      return RealDate.now() + offset;
    }
  }
  globalThis.Date = ShiftedDate as DateConstructor;
}

// Every test file starts from a database with all migrations applied.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

// Many files take "today" when they load (a Plaid item is anchored to the day it is linked, budgets and dashboards to
// the space's today), and a file that runs across 00:00 UTC would see two todays. A file starting in the last three
// minutes of a UTC day waits for the next one (files take well under three minutes); a run at another hour never waits.
const NEAR_MIDNIGHT_MS = 3 * 60_000;
const untilMidnight = 86_400_000 - (Date.now() % 86_400_000);
if (untilMidnight < NEAR_MIDNIGHT_MS) await new Promise((resolve) => setTimeout(resolve, untilMidnight + 2_000));
