#!/usr/bin/env node
// `npm run bench`: runs the scenarios against local workerd and writes bench/results/<scenario>-<date>.json.
// BENCH_ONLY=ledger|categorize|load|startup runs one; each figure sits next to a same-run baseline.
import { mkdirSync, writeFileSync } from "node:fs";
import { categorizeBench } from "./categorize.mjs";
import { ledgerBench } from "./ledger.mjs";
import { loadBench } from "./load.mjs";
import { startServer } from "./lib/server.mjs";
import { startupBench } from "./startup.mjs";

const only = process.env.BENCH_ONLY;
const wants = (name) => !only || only === name;
const started = new Date().toISOString();
const report = { started, node: process.version };

if (wants("startup")) report.startup = await startupBench();

if (wants("ledger") || wants("categorize")) {
  // Throughput scenarios raise the rate limits so that they measure the API, not the limiter.
  const server = await startServer({ port: 8799 });
  try {
    if (wants("ledger")) report.ledger = await ledgerBench(server.base, { listRows: Number(process.env.BENCH_LIST_ROWS ?? 100_000) });
    if (wants("categorize")) report.categorize = await categorizeBench(server.base, { n: Number(process.env.BENCH_CATEGORIZE_N ?? 10_000) });
    report.throughputServerErrors = server.errors().slice(0, 20);
  } finally {
    server.stop();
  }
}

if (wants("load")) {
  // The load scenarios run at production rate limits: the credential-stuffing check depends on them.
  const server = await startServer({ port: 8798, vars: { RATE_LIMIT_MULTIPLIER: "1" } });
  try {
    report.load = await loadBench(server.base);
    report.loadServerErrors = server.errors().slice(0, 20);
  } finally {
    server.stop();
  }
}

mkdirSync("bench/results", { recursive: true });
const file = `bench/results/${only ?? "all"}-${started.slice(0, 10)}.json`;
writeFileSync(file, JSON.stringify(report, null, 2) + "\n");
console.log(JSON.stringify(report, null, 2));
console.log(`\nwritten to ${file}`);
