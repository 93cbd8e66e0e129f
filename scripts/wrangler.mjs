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

/**
 * What `npm run dev` prints of `wrangler d1 migrations apply`: wrangler redraws the table of every migration after each
 * one (50 migrations, some 7,000 lines on a fresh state), which buried the lines a newcomer needs. A success is one
 * line (how many were applied, first and last); a failure is wrangler's whole output, as it wrote it.
 */
export function migrationSummary(output, status) {
  if (status !== 0) return output;
  if (/No migrations to apply/.test(output)) return "D1 migrations: none to apply, the local database is up to date.";
  const listed = output.split("About to apply")[0];
  const names = [...listed.matchAll(/│ (\S+\.sql)\s*│/g)].map((m) => m[1]);
  if (names.length === 0) return output;
  return `D1 migrations: applied ${names.length} (${names[0]}${names.length > 1 ? ` to ${names[names.length - 1]}` : ""}).`;
}

/**
 * How much of wrangler's output is held: its tables grow with the square of the migrations (51 wrote 0.6 MB on a fresh
 * state), and spawnSync's default of 1 MB would kill wrangler mid-way (ENOBUFS) some 16 migrations from now.
 */
const MIGRATION_OUTPUT_BYTES = 256 * 1024 * 1024;

/** `wrangler d1 migrations apply DB --local`, printing its summary; wrangler's exit status. */
export function applyMigrations(persistTo, run = wranglerSync) {
  const res = run(["d1", "migrations", "apply", "DB", "--local", ...persistArgs(persistTo)], {
    stdio: ["ignore", "pipe", "pipe"], encoding: "utf8", maxBuffer: MIGRATION_OUTPUT_BYTES,
  });
  // A wrangler that could not run, or was stopped, says why after what it wrote.
  const output = `${res.stdout ?? ""}${res.stderr ?? ""}${res.error ? `\n${res.error.message}\n` : ""}`;
  const summary = migrationSummary(output, res.status);
  (res.status === 0 ? console.log : console.error)(summary);
  return res.status ?? 1;
}
