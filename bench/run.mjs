#!/usr/bin/env node
// `npm run bench`: starts wrangler dev on a fresh local state, runs the scenarios, prints and writes the figures.
import { mkdirSync, writeFileSync } from "node:fs";
import { ledgerBench } from "./ledger.mjs";
import { startServer } from "./lib/server.mjs";

const rows = Number(process.env.BENCH_LIST_ROWS ?? 100_000);
const server = await startServer();
try {
  const started = new Date().toISOString();
  const ledger = await ledgerBench(server.base, { listRows: rows });
  const report = { started, node: process.version, ledger };
  mkdirSync("bench/results", { recursive: true });
  const file = `bench/results/ledger-${started.slice(0, 10)}.json`;
  writeFileSync(file, JSON.stringify(report, null, 2) + "\n");
  console.log(JSON.stringify(report, null, 2));
  console.log(`\nwritten to ${file}`);
} finally {
  server.stop();
}
