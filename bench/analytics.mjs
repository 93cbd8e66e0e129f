// Analytics over a big space: GET /v1/analytics/dashboard (30d and 1y), the net-worth history (weekly over a
// year) and the forecast (from cache, and recomputed) on a space of 100,000 transactions, each serial, next to
// the same run's serial GET /v1/health.
//
// Setup: the space, accounts, categories and a year of rates go through the API; the 100,000 transactions
// are bulk-loaded into the stopped server's local D1 with `wrangler d1 execute --file`: the Dhanam rows
// (cash flow, categories, recurring detection read them) and both sides' ledger entries with running
// balances (net worth reads them). The write path is not what is measured here, and 100,000 POST
// /v1/transactions would take ~25 minutes at its ~70/s; the ledger batch route refuses postings to the
// Dhanam-mirrored addresses (accounts:, income:, expense:) by design. 90% USD, 10% MXN.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { client } from "./lib/api.mjs";
import { run, summarize } from "./lib/load.mjs";

const DAY = 86_400_000;
const ratio = (a, b) => (b ? +(a / b).toFixed(2) : null);

/**
 * `start(state?)` starts a server (on `state` when given) and returns it; the scenario stops the first one
 * to bulk-load the Dhanam rows into its state, then serves that state again for the measurements.
 */
export async function analyticsBench(start, { rows = 100_000, requests = 200 } = {}) {
  let server = await start();
  try {
    return await measure(server, start, (s) => (server = s), { rows, requests });
  } finally {
    server.stop();
  }
}

async function measure(first, start, swap, { rows, requests }) {
  let server = first;
  const { base, state } = server;
  const email = `analytics-${Date.now()}@bench.local`;
  const reg = await client(base).json("POST", "/v1/auth/register", { name: "analytics", email, password: "bench-password-123" });
  let token = reg.tokens.accessToken;
  let api = client(base, token);
  // Access tokens are short-lived and the load takes minutes: each measured section signs in again first.
  const signIn = async () => {
    token = (await client(base).json("POST", "/v1/auth/login", { email, password: "bench-password-123" })).tokens.accessToken;
    api = client(base, token);
  };
  const patch = (path, body) => fetch(`${base}${path}`, { method: "PATCH", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  const results = { rows, requests };
  const space = (await api.json("POST", "/v1/spaces", { name: "analytics-big", type: "personal", currency: "USD", timezone: "America/Mexico_City" })).id;
  const usd = await api.json("POST", "/v1/accounts", { spaceId: space, name: "Checking", type: "checking", currency: "USD", openingBalance: "10000000.00" });
  const mxn = await api.json("POST", "/v1/accounts", { spaceId: space, name: "Banamex", type: "checking", currency: "MXN", openingBalance: "10000000.00" });
  const cats = [];
  for (let c = 0; c < 12; c++) cats.push((await api.json("POST", "/v1/categories", { spaceId: space, name: `Cat ${c}`, type: c === 0 ? "income" : "expense" })).id);
  // Rates for every day of the year (the provider's, through the read-through route).
  const today = Date.now();
  for (let d = 0; d <= 370; d++) await api.json("GET", `/v1/rates?base=USD&quote=MXN&date=${new Date(today - d * DAY).toISOString().slice(0, 10)}`);

  // The i-th transaction: a day of the last year (noon UTC), an account, a category, an amount.
  const tx = (i) => {
    const onMxn = i % 10 === 9;
    const income = i % 5 === 0;
    const cents = income ? 50_000 + (i % 997) * 100 : 100 + ((i * 7919) % 20_000);
    const cat = income ? cats[0] : cats[1 + (i % 11)];
    const acc = onMxn ? mxn.id : usd.id;
    const ts = Math.floor((today - (i % 365) * DAY) / DAY) * DAY + 12 * 3_600_000 - (i % 365 === 0 ? DAY : 0);
    return { onMxn, income, cents, cat, acc, ts };
  };
  // The rows, bulk-loaded (see the header): Dhanam rows and both sides' ledger entries, with running balances.
  const batches = Math.ceil(rows / 100);
  const seqs = await api.json("GET", `/v1/spaces/${space}/ledger/stats`);
  const entries = [];
  for (let k = 0; k < batches * 100; k++) {
    const t = tx(k);
    const amount = t.income ? t.cents : -t.cents;
    entries.push({ address: `accounts:${t.acc}`, asset: t.onMxn ? "MXN/2" : "USD/2", seq: k + 10, amount, ts: t.ts });
    entries.push({ address: "world", asset: t.onMxn ? "MXN/2" : "USD/2", seq: k + 10, amount: -amount, ts: t.ts });
  }
  entries.sort((a, b) => a.ts - b.ts || a.seq - b.seq);
  const running = new Map([[`accounts:${usd.id}|USD/2`, 1_000_000_000], [`accounts:${mxn.id}|MXN/2`, 1_000_000_000], ["world|USD/2", -1_000_000_000], ["world|MXN/2", -1_000_000_000]]);
  const dir = mkdtempSync(join(tmpdir(), "dhanam-an-"));
  const file = join(dir, "rows.sql");
  const lines = [];
  const now = Date.now();
  for (let i = 0; i < batches * 100; i += 200) {
    const values = [];
    for (let k = i; k < Math.min(i + 200, batches * 100); k++) {
      const t = tx(k);
      const amount = t.income ? t.cents : -t.cents;
      const merchant = t.income ? "payroll" : `shop ${k % 300}`;
      values.push(`('txn_bench${String(k).padStart(17, "0")}','${space}','${t.acc}',${k + 10},${amount},'${t.onMxn ? "MXN" : "USD"}','bench ${k}','${merchant}','${merchant}',${t.ts},'${t.income ? "income" : "expense"}','posted','${t.cat}','[]',${now},${now})`);
    }
    lines.push(`INSERT INTO transactions (id, space_id, account_id, ledger_seq, amount, currency, description, merchant_name, normalized_merchant, date, type, status, category_id, tags, created_at, updated_at) VALUES ${values.join(",")};`);
  }
  for (let i = 0; i < entries.length; i += 200) {
    const values = entries.slice(i, i + 200).map((e) => {
      const key = `${e.address}|${e.asset}`;
      const after = (running.get(key) ?? 0) + e.amount;
      running.set(key, after);
      return `('${space}','${e.address}','${e.asset}',${e.seq},0,${e.amount},${after},${e.ts})`;
    });
    lines.push(`INSERT INTO ledger_entries (space_id, address, asset, seq, posting_index, amount, balance_after, timestamp) VALUES ${values.join(",")};`);
  }
  lines.push(`UPDATE spaces SET transaction_count = transaction_count + ${batches * 100} WHERE id = '${space}';`);
  writeFileSync(file, lines.join("\n"));
  const loadStart = performance.now();
  server.stop();
  await new Promise((r) => setTimeout(r, 1500));
  execFileSync("npx", ["wrangler", "d1", "execute", "DB", "--local", "--persist-to", state, "--file", file, "-y"], { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, CI: "true" } });
  server = swap(await start(state));
  results.dhanamRowsLoad = { rows: batches * 100, seconds: +((performance.now() - loadStart) / 1000).toFixed(1), ledgerTransactions: seqs.data.transactions };

  const serial = async (label, path, n = requests) => {
    await signIn();
    await run({ total: 5, concurrency: 1, makeRequest: () => api.get(path) });
    const r = await run({ total: n, concurrency: 1, makeRequest: () => api.get(path) });
    results[label] = summarize(r.latencies, r.elapsedMs, { statuses: r.statuses });
  };
  await serial("baselineHealthSerial", "/v1/health");
  await serial("dashboard30d", `/v1/analytics/dashboard?spaceId=${space}&period=30d`);
  await serial("dashboard1y", `/v1/analytics/dashboard?spaceId=${space}&period=1y`);
  await serial("netWorthWeekly1y", `/v1/analytics/net-worth?spaceId=${space}&interval=week&from=${new Date(today - 364 * DAY).toISOString().slice(0, 10)}`, Math.ceil(requests / 4));
  await serial("forecastCached", `/v1/analytics/forecast?spaceId=${space}`);
  // Recomputed each time: a decision (restoring a series nobody dismissed) clears the cache first; only the GET is timed.
  await signIn();
  const fresh = [];
  const statuses = {};
  const freshStart = performance.now();
  for (let i = 0; i < 20; i++) {
    await patch(`/v1/analytics/recurring/rec_000000000000000000000000`, { spaceId: space, action: "restore" });
    const t0 = performance.now();
    const res = await api.get(`/v1/analytics/forecast?spaceId=${space}`);
    const body = await res.json();
    fresh.push(performance.now() - t0);
    const key = `${res.status}${body.cache?.hit ? " hit" : " miss"}`;
    statuses[key] = (statuses[key] ?? 0) + 1;
  }
  results.forecastRecomputed = summarize(fresh, performance.now() - freshStart, { statuses });
  await serial("baselineHealthSerialAfter", "/v1/health");
  await signIn();
  const check = await api.json("GET", `/v1/analytics/dashboard?spaceId=${space}&period=1y`);
  results.check = { cashFlow1y: check.cashFlow, netWorth: check.netWorth.currentDecimal, conversionComplete: check.conversion.complete, ratesUsed: check.conversion.ratesUsedCount, notes: check.notes.slice(0, 3) };
  const h = results.baselineHealthSerial;
  results.vsHealth = {
    dashboard30dP50: ratio(results.dashboard30d.p50ms, h.p50ms), dashboard30dP99: ratio(results.dashboard30d.p99ms, h.p99ms),
    dashboard1yP50: ratio(results.dashboard1y.p50ms, h.p50ms), dashboard1yP99: ratio(results.dashboard1y.p99ms, h.p99ms),
  };
  results.server = { source: server.source, errors: server.errors().slice(0, 20) };
  return results;
}
