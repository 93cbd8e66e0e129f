#!/usr/bin/env node
// `npm run bench`: runs the scenarios against local workerd and writes bench/results/<scenario>-<date>.json.
// BENCH_ONLY=speed|ledger|categorize|load|startup|projections runs one; each figure sits next to a same-run baseline.
// BENCH_ONLY=scaling (never part of the plain run) measures the figures of docs/SCALING.md.
import { mkdirSync, writeFileSync } from "node:fs";
import { analyticsBench } from "./analytics.mjs";
import { categorizeBench } from "./categorize.mjs";
import { ledgerBench } from "./ledger.mjs";
import { scalingBench } from "./scaling.mjs";
import { loadBench } from "./load.mjs";
import { projectionsBench } from "./projections.mjs";
import { providerSyncBench } from "./provider-sync.mjs";
import { watchNoise } from "./lib/noise.mjs";
import { startServer } from "./lib/server.mjs";
import { speedBench, speedTable } from "./speed.mjs";
import { startupBench } from "./startup.mjs";

const only = process.env.BENCH_ONLY;
const wants = (name) => !only || only === name;
const started = new Date().toISOString();
const report = { started, node: process.version };

if (wants("startup")) report.startup = await startupBench();

if (wants("projections")) report.projections = await projectionsBench({ runs: Number(process.env.BENCH_PROJECTION_RUNS ?? 30) });

if (wants("speed")) {
  // Issue 10's table on a fresh server of its own (serving the last commit), rate limits raised as for the ledger scenario.
  const server = await startServer({ port: 8797, fromHead: true });
  const noise = watchNoise();
  try {
    report.speed = await speedBench(server.base, {
      writes: Number(process.env.BENCH_SPEED_WRITES ?? 1600),
      listRows: Number(process.env.BENCH_LIST_ROWS ?? 100_000),
      noise,
      pgid: server.pgid,
    });
    report.speed.machine = { source: server.source, reloads: server.reloads(), runtimeNotices: server.notices(), ...noise.stop() };
    report.speedServerErrors = server.errors().slice(0, 20);
  } finally {
    server.stop();
  }
}

if (only === "scaling") {
  const server = await startServer({ port: 8796, fromHead: true });
  const noise = watchNoise();
  try {
    report.scaling = await scalingBench(server, {
      seconds: Number(process.env.BENCH_SCALING_SECONDS ?? 15),
      bytesN: Number(process.env.BENCH_SCALING_BYTES_N ?? 3000),
      noise,
    });
    report.scaling.machine = { source: server.source, reloads: server.reloads(), runtimeNotices: server.notices(), ...noise.stop() };
    report.scalingServerErrors = server.errors().slice(0, 20);
  } finally {
    server.stop();
  }
}

if (wants("analytics")) {
  // Dashboard, net worth and forecast over a space of 100,000 transactions (serving the last commit; the scenario restarts it once).
  const noise = watchNoise();
  report.analytics = await analyticsBench((state) => startServer({ port: 8794, fromHead: true, state }), {
    rows: Number(process.env.BENCH_ANALYTICS_ROWS ?? 100_000),
    requests: Number(process.env.BENCH_ANALYTICS_REQUESTS ?? 200),
  });
  report.analytics.machine = noise.stop();
}

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

if (only === "providersync") {
  // Issue 11: a 10,000-transaction provider sync beside the same run's bare insert (BENCH_ONLY=providersync).
  const server = await startServer({ port: 8795 });
  try {
    report.providerSync = await providerSyncBench(server.base, { days: Number(process.env.BENCH_PROVIDER_DAYS ?? 3230) });
    report.providerSync.phases = server.events("sync.timing");
    report.providerSyncServerErrors = server.errors().slice(0, 20);
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
if (report.speed) console.log(`\n${speedTable(report.speed)}`);
console.log(`\nwritten to ${file}`);
