// Runs the project's own wrangler (node_modules, not npx) offline: no Cloudflare
// API calls, no telemetry. Spawning its bin directly means the process we hold
// is wrangler itself, so stopping it stops its workerd too.
import { spawn, spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const bin = createRequire(import.meta.url).resolve("wrangler/bin/wrangler.js");

export const offlineEnv = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" };

/** `--persist-to <dir>` when a state directory other than .wrangler/state is wanted. */
export const persistArgs = (persistTo) => (persistTo ? ["--persist-to", persistTo] : []);

/** A one-shot command (migrations, d1 execute); CI=true keeps it non-interactive. */
export function wranglerSync(args, opts = {}) {
  return spawnSync(process.execPath, [bin, ...args], { stdio: "inherit", env: { ...offlineEnv, CI: "true" }, ...opts });
}

export function wranglerSpawn(args, opts = {}) {
  return spawn(process.execPath, [bin, ...args], { stdio: "inherit", env: offlineEnv, ...opts });
}
