#!/usr/bin/env node
// `npm run dev`: local config, migrations, demo data, then the API on :8787, all offline.
//
// Ready means seeded: the public port is held by a readiness gate that answers
// 503 {"status":"starting"} (to /v1/health too) while `wrangler dev` starts on
// an internal port and the demo data goes in through it; only then does the
// gate pass requests through. A script that waits for /v1/health and logs in
// as the demo user therefore never gets a 401 on a fresh clone.
//   PORT=8787 PERSIST_TO=<dir> npm run dev [-- <wrangler dev args>]
// The docs page's Swagger UI files, copied again here: postinstall may not have run where node_modules came from
// elsewhere (a cache, a link), and /docs would load blank.
import "./docs-assets.mjs";
import { copyFileSync, existsSync } from "node:fs";
import { freePort, readinessGate } from "./readiness-gate.mjs";
import { seedLocal } from "./seed-local.mjs";
import { runCrons } from "./dev-crons.mjs";
import { applyMigrations, persistArgs, wranglerSpawn } from "./wrangler.mjs";

const port = process.env.PORT ?? "8787";
const persistTo = process.env.PERSIST_TO || undefined;

if (!existsSync(".dev.vars")) {
  copyFileSync(".dev.vars.example", ".dev.vars");
  console.log("Created .dev.vars from .dev.vars.example (safe local defaults).");
}

// Take the public port first, so a busy port fails before anything else starts.
const internal = await freePort();
const gateTarget = `http://127.0.0.1:${internal}`;
const gate = await readinessGate({ port, target: gateTarget }).catch((err) => {
  console.error(`Cannot listen on 127.0.0.1:${port}: ${err.message}`);
  process.exit(1);
});
console.log(`Starting on http://localhost:${port}; /v1/health answers 503 until the demo data is in.`);

const migrated = applyMigrations(persistTo);
if (migrated !== 0) process.exit(migrated);

// --test-scheduled: `/__scheduled?cron=…` runs a cron's tasks. wrangler's own `/cdn-cgi/handler/scheduled` answers
// "exception" (500) for this Worker in wrangler 4.86 without running anything.
// The debugger's usual port when it is free; another instance (PORT=…) holding it used to stop this one at start.
const extra = process.argv.slice(2);
const inspector = extra.some((a) => a.startsWith("--inspector-port")) ? [] : ["--inspector-port", String(await freePort("127.0.0.1", 9229).catch(() => freePort()))];
if (inspector.length && inspector[1] !== "9229") console.log(`Port 9229 is taken; the debugger listens on ${inspector[1]}.`);
const server = wranglerSpawn(["dev", "--port", String(internal), "--ip", "127.0.0.1", "--test-scheduled", ...inspector, ...persistArgs(persistTo), ...extra]);
const stop = (sig) => {
  if (server.exitCode === null) server.kill(sig);
};
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, () => stop(sig));
process.on("exit", () => stop("SIGTERM"));
server.on("exit", (code) => process.exit(code ?? 0));

try {
  await seedLocal(gateTarget, { persistTo });
} catch (err) {
  // Not ready and never will be: say why and stop rather than serve without the demo data.
  console.error("Seeding demo data failed:", err);
  stop("SIGTERM");
  process.exit(1);
}
gate.open();
// The Cron Triggers at their times, as a deployed Worker runs them (dev-crons.mjs).
if (process.env.DEV_CRONS !== "off") {
  const crons = runCrons(gateTarget);
  console.log(`Cron Triggers run at their minutes, UTC (${crons.join(", ")}), the hourly one now; DEV_CRONS=off turns them off.`);
}
console.log(`\nDhanam Ledger is up: http://localhost:${port}  (docs: http://localhost:${port}/docs)`);
console.log("Demo login: demo@dhanam.app / demo123\n");
