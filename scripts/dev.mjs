#!/usr/bin/env node
// `npm run dev`: local config, migrations, demo data, then `wrangler dev` on :8787, all offline.
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";
import { seedLocal } from "./seed-local.mjs";

const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", CI: "true" };
const wrangler = (args, opts = {}) => spawnSync("npx", ["wrangler", ...args], { stdio: "inherit", env, ...opts });

if (!existsSync(".dev.vars")) {
  copyFileSync(".dev.vars.example", ".dev.vars");
  console.log("Created .dev.vars from .dev.vars.example (safe local defaults).");
}

const migrate = wrangler(["d1", "migrations", "apply", "DB", "--local"]);
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

const port = process.env.PORT ?? "8787";
const server = spawn("npx", ["wrangler", "dev", "--port", port, "--ip", "127.0.0.1", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...env, CI: undefined },
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => server.kill(sig));
server.on("exit", (code) => process.exit(code ?? 0));

try {
  await seedLocal(`http://127.0.0.1:${port}`);
  console.log(`\nDhanam Ledger is up: http://localhost:${port}  (docs: http://localhost:${port}/docs)`);
  console.log("Demo login: demo@dhanam.app / demo123\n");
} catch (err) {
  console.error("Seeding demo data failed:", err);
}
