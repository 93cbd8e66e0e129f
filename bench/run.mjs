#!/usr/bin/env node
// `npm run bench`: starts wrangler dev on a fresh local state, runs the scenarios, prints and writes the figures.
import { mkdirSync, writeFileSync } from "node:fs";
import { categorizeBench } from "./categorize.mjs";
import { ledgerBench } from "./ledger.mjs";
import { startServer } from "./lib/server.mjs";

const rows = Number(process.env.BENCH_LIST_ROWS ?? 100_000);
const categorizeN = Number(process.env.BENCH_CATEGORIZE_N ?? 10_000);
const only = process.env.BENCH_ONLY; // "ledger" or "categorize" to run one scenario
const server = await startServer();
try {
  const started = new Date().toISOString();
  const report = { started, node: process.version };
  if (!only || only === "ledger") report.ledger = await ledgerBench(server.base, { listRows: rows });
  if (!only || only === "categorize") report.categorize = await categorizeBench(server.base, { n: categorizeN });
  mkdirSync("bench/results", { recursive: true });
  const file = `bench/results/${only ?? "all"}-${started.slice(0, 10)}.json`;
  writeFileSync(file, JSON.stringify(report, null, 2) + "\n");
  console.log(JSON.stringify(report, null, 2));
  console.log(`\nwritten to ${file}`);
} finally {
  server.stop();
}
