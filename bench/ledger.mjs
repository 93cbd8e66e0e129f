// Ledger throughput and list latency on local workerd (issue: the ledger).
// Every figure sits next to the same run's bare-endpoint baseline (GET /v1/health).
import { benchUser, verifyLog } from "./lib/api.mjs";
import { run, summarize } from "./lib/load.mjs";

const posting = (i) => ({ source: "world", destination: `users:u${i % 50}`, amount: 1 + (i % 997), asset: "USD/2" });
const batchBody = (start, n = 100) => ({ transactions: Array.from({ length: n }, (_, k) => ({ postings: [posting(start + k)] })) });

export async function ledgerBench(base, { listRows = 100_000, concurrency = 8 } = {}) {
  const api = await benchUser(base, "ledger");
  const newSpace = async (name) => (await api.json("POST", "/v1/spaces", { name, type: "personal", currency: "USD" })).id;
  const results = {};

  const health = await run({ total: 2000, concurrency, makeRequest: () => api.get("/v1/health") });
  results.baselineHealth = summarize(health.latencies, health.elapsedMs, { statuses: health.statuses });

  const single = await newSpace("single");
  const singles = await run({
    total: 1000, concurrency,
    makeRequest: (i) => api.post(`/v1/spaces/${single}/ledger/transactions`, { postings: [posting(i)] }),
  });
  results.oneSpaceSingleTx = summarize(singles.latencies, singles.elapsedMs, { statuses: singles.statuses, txPerSecond: +((1000 / singles.elapsedMs) * 1000).toFixed(1) });

  // The same with an Idempotency-Key on each write, as API.md asks clients to send.
  const keyedSpace = await newSpace("single-keyed");
  const runId = Date.now().toString(36);
  const keyed = await run({
    total: 1000, concurrency,
    makeRequest: (i) => api.post(`/v1/spaces/${keyedSpace}/ledger/transactions`, { postings: [posting(i)] }, { "idempotency-key": `bench-${runId}-${i}` }),
  });
  results.oneSpaceSingleTxWithKey = summarize(keyed.latencies, keyed.elapsedMs, { statuses: keyed.statuses, txPerSecond: +((1000 / keyed.elapsedMs) * 1000).toFixed(1) });

  const batched = await newSpace("batched");
  const batches = await run({
    total: 100, concurrency,
    makeRequest: (i) => api.post(`/v1/spaces/${batched}/ledger/transactions/batch`, batchBody(i * 100)),
  });
  results.oneSpaceBatches100 = summarize(batches.latencies, batches.elapsedMs, { statuses: batches.statuses, txPerSecond: +((10_000 / batches.elapsedMs) * 1000).toFixed(1) });

  const eight = await Promise.all(Array.from({ length: 8 }, (_, i) => newSpace(`par-${i}`)));
  const par = await run({
    total: 160, concurrency: 16,
    makeRequest: (i) => api.post(`/v1/spaces/${eight[i % 8]}/ledger/transactions/batch`, batchBody(i * 100)),
  });
  results.eightSpacesBatches100 = summarize(par.latencies, par.elapsedMs, { statuses: par.statuses, txPerSecond: +((16_000 / par.elapsedMs) * 1000).toFixed(1) });

  // Fill one space to `listRows` transactions, then time list pages.
  const big = await newSpace("big");
  const fill = await run({
    total: Math.ceil(listRows / 100), concurrency: 4,
    makeRequest: (i) => api.post(`/v1/spaces/${big}/ledger/transactions/batch`, batchBody(i * 100)),
  });
  results.fill = { rows: listRows, seconds: +(fill.elapsedMs / 1000).toFixed(1), statuses: fill.statuses, txPerSecond: +((listRows / fill.elapsedMs) * 1000).toFixed(1) };

  const first = await run({ total: 500, concurrency: 1, makeRequest: () => api.get(`/v1/spaces/${big}/ledger/transactions?pageSize=15`) });
  results.listFirstPage = summarize(first.latencies, first.elapsedMs, { statuses: first.statuses });
  const page = await api.json("GET", `/v1/spaces/${big}/ledger/transactions?pageSize=100`);
  let cursor = page.cursor.next;
  const deep = await run({
    total: 300, concurrency: 1,
    makeRequest: async () => {
      const res = await api.get(`/v1/spaces/${big}/ledger/transactions?cursor=${cursor}`);
      const body = await res.clone().json();
      cursor = body.cursor.next ?? page.cursor.next;
      return res;
    },
  });
  results.listCursorPages100 = summarize(deep.latencies, deep.elapsedMs, { statuses: deep.statuses });
  const byAccount = await run({ total: 300, concurrency: 1, makeRequest: (i) => api.get(`/v1/spaces/${big}/ledger/transactions?account=users:u${i % 50}&pageSize=15`) });
  results.listByAccount = summarize(byAccount.latencies, byAccount.elapsedMs, { statuses: byAccount.statuses });
  const healthSerial = await run({ total: 500, concurrency: 1, makeRequest: () => api.get("/v1/health") });
  results.baselineHealthSerial = summarize(healthSerial.latencies, healthSerial.elapsedMs);

  // Nothing lost: the big space holds exactly what was sent and its chain verifies.
  const stats = await api.json("GET", `/v1/spaces/${big}/ledger/stats`);
  const verify = await verifyLog(api, big);
  const balances = await api.json("GET", `/v1/spaces/${big}/ledger/balances`);
  results.check = { transactions: stats.data.transactions, expected: Math.ceil(listRows / 100) * 100, chainValid: verify.data.valid, assetSum: balances.data["USD/2"] };

  results.ratios = {
    batchTxPerSecondVsHealthRps: +(results.oneSpaceBatches100.txPerSecond / results.baselineHealth.perSecond).toFixed(2),
    listFirstPageP99VsHealthP99: +(results.listFirstPage.p99ms / results.baselineHealthSerial.p99ms).toFixed(2),
  };
  return results;
}
