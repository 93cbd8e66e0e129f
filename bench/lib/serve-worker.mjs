#!/usr/bin/env node
// Serves the Worker locally for a benchmark the way `wrangler dev` does (same workerd, same local
// D1 and Durable Objects, same wrangler.toml), but without the DevTools inspector that `wrangler dev`
// always attaches. With it attached, workerd reports every subrequest (each D1 query, each Durable
// Object call) to the inspector's Network domain and every console line to Runtime, and wrangler's
// Node process receives each of those events over HTTP and appends it to its debug log file: measured
// on this machine, that tripled the CPU of a `POST /v1/transactions` (14 ms → 40 ms per write across
// workerd and Node) while adding little to `GET /v1/health` (no subrequests). A deployed Worker has
// no inspector attached, so the bench measures without it. BENCH_INSPECTOR=1 in bench/lib/server.mjs
// goes back to plain `wrangler dev`.
//
// Usage: node bench/lib/serve-worker.mjs --port <n> --persist-to <dir> --env-file <file> [--var NAME:value]...
import { readFileSync } from "node:fs";
import { unstable_startWorker } from "wrangler";

const args = process.argv.slice(2);
const opt = (name) => args[args.indexOf(name) + 1];
const vars = {};
for (const line of readFileSync(opt("--env-file"), "utf8").split("\n")) {
  const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
  // dotenv quoting, as wrangler reads .dev.vars: KEY="value" or KEY='value' stands for value.
  if (m) vars[m[1]] = /^(["'])(.*)\1$/.exec(m[2])?.[2] ?? m[2];
}
args.forEach((a, i) => {
  if (a === "--var") {
    const v = args[i + 1];
    vars[v.slice(0, v.indexOf(":"))] = v.slice(v.indexOf(":") + 1);
  }
});
const worker = await unstable_startWorker({
  config: "wrangler.toml",
  bindings: Object.fromEntries(Object.entries(vars).map(([k, value]) => [k, { type: "plain_text", value }])),
  dev: {
    inspector: false,
    server: { hostname: opt("--ip") ?? "127.0.0.1", port: Number(opt("--port")) },
    persist: opt("--persist-to"),
    watch: false,
    logLevel: "log",
  },
});
await worker.ready;
const stop = async () => {
  await worker.dispose().catch(() => {});
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
