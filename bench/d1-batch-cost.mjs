#!/usr/bin/env node
// What one D1 batch costs the local runtime in CPU, by its number of statements: a minimal Worker
// (bench/d1-batch-cost/worker.js, served like the bench serves the app: wrangler's unstable_startWorker,
// no inspector, local D1) answers each request with one batch of k single-row inserts into k tables, or
// with no batch at all (k = 0, the baseline); the server's CPU is read from /proc around 16 clients.
// The difference k = 1 − k = 0 is a batch's fixed cost (the binding's fetch to the local D1 object, its
// JSON both ways, SQLite's transaction), the slope is a statement's. `trigger` rows do the same k
// inserts from one statement (a view's INSTEAD OF trigger), to separate a statement's overhead from its
// SQL work. On Cloudflare, D1 runs in its own processes: none of this is the Worker's CPU there.
//   node bench/d1-batch-cost.mjs [requests per row = 1500] [rounds = 2]
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { unstable_startWorker } from "wrangler";
import { groupCpu } from "./scaling.mjs";
import { run } from "./lib/load.mjs";

const PORT = 8798;
const here = fileURLToPath(new URL("./d1-batch-cost/", import.meta.url));

if (process.argv[2] === "--serve") {
  // The server, in a process group of its own (workerd is its child), so its CPU is read apart from the clients'.
  process.chdir(here);
  const worker = await unstable_startWorker({
    config: "wrangler.toml",
    dev: { inspector: false, server: { hostname: "127.0.0.1", port: PORT }, persist: process.argv[3], watch: false, logLevel: "warn" },
  });
  await worker.ready;
  console.log("ready");
  process.on("SIGTERM", async () => { await worker.dispose().catch(() => {}); process.exit(0); });
} else {
  const [, , nArg = "1500", roundsArg = "2"] = process.argv;
  const n = Number(nArg);
  const state = mkdtempSync(join(tmpdir(), "d1-batch-cost-"));
  const server = spawn(process.execPath, [fileURLToPath(import.meta.url), "--serve", state], { stdio: ["ignore", "pipe", "inherit"], detached: true });
  await new Promise((resolve, reject) => {
    server.stdout.on("data", (d) => String(d).includes("ready") && resolve());
    server.once("exit", (code) => reject(new Error(`server exited (${code})`)));
  });
  const cpuMs = () => { const c = groupCpu(server.pid); return (c.workerd + c.other) * 1000; };
  try {
    await fetch(`http://127.0.0.1:${PORT}/setup`).then((r) => r.text());
    const rows = [[0, "separate"], [1, "separate"], [2, "separate"], [5, "separate"], [10, "separate"], [5, "trigger"], [10, "trigger"]];
    const results = {};
    for (let round = 0; round < Number(roundsArg); round++) {
      for (const [k, mode] of rows) {
        const url = `http://127.0.0.1:${PORT}/?k=${k}&mode=${mode}`;
        const makeRequest = () => fetch(url);
        await run({ total: 200, concurrency: 16, makeRequest });
        const c0 = cpuMs();
        const t0 = performance.now();
        const r = await run({ total: n, concurrency: 16, makeRequest });
        if (Object.keys(r.statuses).some((s) => s !== "200")) throw new Error(`${k} ${mode}: ${JSON.stringify(r.statuses)}`);
        const perRequest = (cpuMs() - c0) / n;
        const key = `${mode} k=${k}`;
        (results[key] ??= []).push(+perRequest.toFixed(3));
        console.log(`${key.padEnd(14)} ${perRequest.toFixed(3)} ms CPU per request, ${(n / ((performance.now() - t0) / 1000)).toFixed(0)} req/s`);
      }
    }
    const mean = (key) => results[key].reduce((a, b) => a + b, 0) / results[key].length;
    console.log(JSON.stringify({
      cpuMsPerRequest: results,
      batchFixedMs: +(mean("separate k=1") - mean("separate k=0")).toFixed(3),
      perStatementMs: +((mean("separate k=10") - mean("separate k=1")) / 9).toFixed(3),
      perTriggeredInsertMs: +((mean("trigger k=10") - mean("separate k=1")) / 9).toFixed(3),
    }));
  } finally {
    process.kill(-server.pid, "SIGTERM");
    rmSync(state, { recursive: true, force: true });
  }
}
