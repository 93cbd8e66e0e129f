// The everyday paths of issue 10 on local workerd, each next to the same run's `GET /v1/health`
// at the same concurrency (16 clients): Dhanam writes (`POST /v1/transactions`, all for one day)
// into one space and spread over 8 spaces, without and with an Idempotency-Key, plus back-dated
// writes into one space for reference (the value-date check's slow path); a list page
// (`GET /v1/transactions?limit=50`) on a space of a few thousand rows; and the serial p99 of the
// ledger's first list page on a space of 100,000 transactions. After the writes every space is
// checked: each write answered 201 is stored once and nothing else is, the list total (a counter)
// equals the rows, the account balance equals the opening balance plus the amounts, the log's
// hash chain verifies and every asset sums to zero.
import { benchUser, verifyLog } from "./lib/api.mjs";
import { run, summarize } from "./lib/load.mjs";
import { groupCpu } from "./scaling.mjs";

const CONCURRENCY = 16;
const OPENING_CENTS = 100_000_000; // 1,000,000.00: no expense run can overdraw it.

/** The day everyday writes are for: one day, as when people record what they spent today. */
const TODAY = "2025-06-15";

/**
 * The i-th Dhanam write: mostly expenses (half categorized), every fourth an income; amounts in cents.
 * `backDated` spreads the dates over nine months in no order instead: an expense dated before the
 * account's last entry needs the value-date check (a D1 read) and cannot share a group commit with
 * another write to the same account.
 */
export function dhanamWrite(i, tag, cats, { backDated = false } = {}) {
  const income = i % 4 === 3;
  const cents = income ? 1000 + (i % 5000) : -(100 + (i % 9900));
  const categoryId = income ? cats.salary : i % 2 === 0 ? cats.groceries : undefined;
  return {
    cents,
    body: {
      description: `${tag}-${i}`,
      amount: (cents / 100).toFixed(2),
      date: backDated ? `2025-0${1 + (i % 9)}-${String(1 + (i % 28)).padStart(2, "0")}` : TODAY,
      type: income ? "income" : "expense",
      ...(categoryId ? { categoryId } : {}),
      ...(income ? {} : { merchantName: `Shop ${i % 40}` }),
    },
  };
}

/** "-1234.5" → -123450, exactly. */
function toCents(decimal) {
  const neg = decimal.startsWith("-");
  const [units, frac = ""] = decimal.replace(/^[-+]/, "").split(".");
  const cents = Number(units) * 100 + Number(frac.padEnd(2, "0"));
  return neg ? -cents : cents;
}

/** A space with one manual checking account (its opening balance warms the ledger object) and two categories. */
export async function dhanamSpace(api, name) {
  const space = await api.json("POST", "/v1/spaces", { name, type: "personal", currency: "USD" });
  const acc = await api.json("POST", "/v1/accounts", { spaceId: space.id, name: "Checking", type: "checking", currency: "USD", openingBalance: (OPENING_CENTS / 100).toFixed(2) });
  const groceries = await api.json("POST", "/v1/categories", { spaceId: space.id, name: "Groceries", type: "expense" });
  const salary = await api.json("POST", "/v1/categories", { spaceId: space.id, name: "Payroll", type: "income" });
  return { id: space.id, accountId: acc.id, cats: { groceries: groceries.id, salary: salary.id }, accepted: new Map() };
}

const rate = (n, ms) => +((n / ms) * 1000).toFixed(1);
const ratio = (a, b) => (b ? +(a / b).toFixed(2) : null);

export async function speedBench(base, { writes = 1600, listRequests = 1000, listRows = 100_000, healthRequests = 3000, noise, pgid } = {}) {
  // CPU per request of the server's processes (workerd; wrangler's Node and npx) in each phase, read
  // from /proc: unlike req/s it barely moves when other work shares the cores, and on a saturated
  // machine the throughput ratio tends to the inverse ratio of these.
  let cpu0 = null;
  const mark = (phase) => {
    noise?.mark(phase);
    if (pgid) cpu0 = groupCpu(pgid);
  };
  const cpuPer = (n) => {
    if (!pgid || !cpu0 || !n) return {};
    const c = groupCpu(pgid);
    return { cpuMsPerRequest: { workerd: +(((c.workerd - cpu0.workerd) * 1000) / n).toFixed(2), other: +(((c.other - cpu0.other) * 1000) / n).toFixed(2) } };
  };
  const api = await benchUser(base, "speed");
  const runId = Date.now().toString(36);
  const results = { concurrency: CONCURRENCY, writesPerRow: writes };

  const newSpace = (name) => dhanamSpace(api, name);

  /** `writes` Dhanam transactions at 16 clients, round robin over `spaces`; records what was answered 201. */
  async function dhanamWrites(spaces, tag, keyed, { backDated = false, total = writes } = {}) {
    const failures = [];
    const r = await run({
      total,
      concurrency: CONCURRENCY,
      makeRequest: async (i) => {
        const s = spaces[i % spaces.length];
        const w = dhanamWrite(i, `${tag}-${runId}`, s.cats, { backDated });
        const res = await api.post("/v1/transactions", { spaceId: s.id, accountId: s.accountId, ...w.body }, keyed ? { "idempotency-key": `${tag}-${runId}-${i}` } : {});
        if (res.status === 201) s.accepted.set(w.body.description, w.cents);
        else if (failures.length < 5) failures.push({ status: res.status, body: (await res.clone().text()).slice(0, 300) });
        return res;
      },
    });
    return summarize(r.latencies, r.elapsedMs, { statuses: r.statuses, txPerSecond: rate(r.statuses[201] ?? 0, r.elapsedMs), ...cpuPer(total), ...(failures.length ? { failures } : {}) });
  }

  // Warm up the runtime (and the client's connection pool), then the baseline at the same concurrency.
  await run({ total: 300, concurrency: CONCURRENCY, makeRequest: () => api.get("/v1/health") });
  mark("baselineHealth");
  const health = await run({ total: healthRequests, concurrency: CONCURRENCY, makeRequest: () => api.get("/v1/health") });
  results.baselineHealth = summarize(health.latencies, health.elapsedMs, { statuses: health.statuses, ...cpuPer(healthRequests) });

  const one = await newSpace("speed-one");
  mark("oneSpacePost");
  results.oneSpacePost = await dhanamWrites([one], "one", false);
  mark("oneSpacePostKeyed");
  results.oneSpacePostKeyed = await dhanamWrites([one], "one-keyed", true);

  const eight = [];
  for (let i = 0; i < 8; i++) eight.push(await newSpace(`speed-eight-${i}`));
  mark("eightSpacesPost");
  results.eightSpacesPost = await dhanamWrites(eight, "eight", false);
  mark("eightSpacesPostKeyed");
  results.eightSpacesPostKeyed = await dhanamWrites(eight, "eight-keyed", true);

  // Back-dated expenses (dates over nine months in no order) into a space of their own: the slow path.
  const backDated = await newSpace("speed-back-dated");
  mark("oneSpacePostBackDated");
  results.oneSpacePostBackDated = await dhanamWrites([backDated], "back-dated", false, { backDated: true, total: Math.ceil(writes / 2) });

  // A retry of keyed writes after the fact: answered from the record, never stored again.
  let replayed = 0;
  const replays = await run({
    total: 32,
    concurrency: CONCURRENCY,
    makeRequest: async (i) => {
      const w = dhanamWrite(i, `one-keyed-${runId}`, one.cats);
      const res = await api.post("/v1/transactions", { spaceId: one.id, accountId: one.accountId, ...w.body }, { "idempotency-key": `one-keyed-${runId}-${i}` });
      if (res.headers.get("idempotency-replayed") === "true") replayed++;
      return res;
    },
  });
  results.keyedReplays = { sent: 32, statuses: replays.statuses, markedReplayed: replayed };

  // List pages on the one space (2 × `writes` rows plus its opening balance), newest first, at 16 clients.
  await run({ total: 50, concurrency: CONCURRENCY, makeRequest: () => api.get(`/v1/transactions?spaceId=${one.id}&limit=50`) });
  mark("listOneSpace");
  const list = await run({ total: listRequests, concurrency: CONCURRENCY, makeRequest: (i) => api.get(`/v1/transactions?spaceId=${one.id}&limit=50&offset=${(i % 10) * 50}`) });
  results.listOneSpace = summarize(list.latencies, list.elapsedMs, { statuses: list.statuses, rowsInSpace: one.accepted.size + 1, offsets: "0..450", ...cpuPer(listRequests) });

  // The baseline again, to show how much the machine drifted over the run.
  mark("baselineHealthAfter");
  const healthAfter = await run({ total: healthRequests, concurrency: CONCURRENCY, makeRequest: () => api.get("/v1/health") });
  results.baselineHealthAfter = summarize(healthAfter.latencies, healthAfter.elapsedMs, { statuses: healthAfter.statuses, ...cpuPer(healthRequests) });

  // The serial list at 100,000 rows (as the ledger scenario measures it): a space filled by ledger batches.
  if (listRows > 0) {
    const big = (await api.json("POST", "/v1/spaces", { name: "speed-big", type: "personal", currency: "USD" })).id;
    mark("bigFill");
    const batches = Math.ceil(listRows / 100);
    const posting = (i) => ({ source: "world", destination: `users:u${i % 50}`, amount: 1 + (i % 997), asset: "USD/2" });
    const fill = await run({
      total: batches,
      concurrency: 4,
      makeRequest: (b) => api.post(`/v1/spaces/${big}/ledger/transactions/batch`, { transactions: Array.from({ length: 100 }, (_, k) => ({ postings: [posting(b * 100 + k)] })) }),
    });
    results.bigFill = { rows: batches * 100, seconds: +(fill.elapsedMs / 1000).toFixed(1), statuses: fill.statuses, txPerSecond: rate(batches * 100, fill.elapsedMs) };
    await run({ total: 20, concurrency: 1, makeRequest: () => api.get(`/v1/spaces/${big}/ledger/transactions?pageSize=15`) });
    mark("listSerial100k");
    const serial = await run({ total: 500, concurrency: 1, makeRequest: () => api.get(`/v1/spaces/${big}/ledger/transactions?pageSize=15`) });
    results.listSerial100k = summarize(serial.latencies, serial.elapsedMs, { statuses: serial.statuses });
    const healthSerial = await run({ total: 500, concurrency: 1, makeRequest: () => api.get("/v1/health") });
    results.baselineHealthSerial = summarize(healthSerial.latencies, healthSerial.elapsedMs, { statuses: healthSerial.statuses });
    const stats = await api.json("GET", `/v1/spaces/${big}/ledger/stats`);
    const verify = await verifyLog(api, big);
    const balances = await api.json("GET", `/v1/spaces/${big}/ledger/balances`);
    results.bigCheck = { transactions: stats.data.transactions, expected: batches * 100, chainValid: verify.data.valid, assetsSumToZero: Object.values(balances.data).every((v) => v === 0) };
  }

  mark("checks");
  // Invariants after the writes, per space.
  const checks = [];
  for (const s of [one, ...eight, backDated]) {
    const stored = new Map();
    let total = null;
    let rows = 0;
    for (let offset = 0; ; offset += 200) {
      const page = await api.json("GET", `/v1/transactions?spaceId=${s.id}&limit=200&offset=${offset}`);
      total ??= page.pagination.total;
      for (const t of page.transactions) {
        rows++;
        if (t.subtype === "opening_balance") continue;
        stored.set(t.description, (stored.get(t.description) ?? 0) + 1);
      }
      if (page.transactions.length < 200) break;
    }
    const account = await api.json("GET", `/v1/accounts/${s.accountId}`);
    const stats = await api.json("GET", `/v1/spaces/${s.id}/ledger/stats`);
    const verify = await verifyLog(api, s.id);
    const balances = await api.json("GET", `/v1/spaces/${s.id}/ledger/balances`);
    const expectedCents = OPENING_CENTS + [...s.accepted.values()].reduce((a, b) => a + b, 0);
    const balanceCents = toCents(account.balanceDecimal);
    checks.push({
      spaceId: s.id,
      answered201: s.accepted.size,
      rowsStored: [...stored.values()].reduce((a, b) => a + b, 0),
      exactlyOnce: s.accepted.size === stored.size && [...s.accepted.keys()].every((d) => stored.get(d) === 1),
      listTotal: total,
      listTotalMatchesRows: total === rows,
      ledgerTransactions: stats.data.transactions,
      ledgerMatches: stats.data.transactions === s.accepted.size + 1,
      balanceCents,
      balanceMatches: balanceCents === expectedCents,
      chainValid: verify.data.valid,
      assetsSumToZero: Object.values(balances.data).every((v) => v === 0),
    });
  }
  const sent = 4 * writes + Math.ceil(writes / 2);
  const answered = checks.reduce((a, c) => a + c.answered201, 0);
  results.invariants = {
    spaces: checks.length,
    sent,
    answered201: answered,
    stored: checks.reduce((a, c) => a + c.rowsStored, 0),
    allExactlyOnce: checks.every((c) => c.exactlyOnce && c.listTotalMatchesRows && c.ledgerMatches && c.balanceMatches),
    allChainsValid: checks.every((c) => c.chainValid),
    allAssetsSumToZero: checks.every((c) => c.assetsSumToZero),
    replaysStoredNothing: checks[0].rowsStored === one.accepted.size,
    perSpace: checks,
  };

  // Issue 10's table: each row against the same run's baseline.
  const base16 = results.baselineHealth;
  const cpuOf = (r) => (r.cpuMsPerRequest ? r.cpuMsPerRequest.workerd + r.cpuMsPerRequest.other : null);
  const row = (path, r, unit, target) => ({
    path,
    value: unit === "tx/s" ? r.txPerSecond : r.perSecond,
    unit,
    p50ms: r.p50ms,
    p99ms: r.p99ms,
    baselinePerSecond: base16.perSecond,
    ratio: ratio(unit === "tx/s" ? r.txPerSecond : r.perSecond, base16.perSecond),
    target,
    ...(cpuOf(r) !== null && cpuOf(base16) ? { cpuMsPerRequest: r.cpuMsPerRequest, cpuRatio: ratio(cpuOf(base16), cpuOf(r)) } : {}),
  });
  results.table = [
    row("POST /v1/transactions, one space", results.oneSpacePost, "tx/s", ">= 0.6x"),
    row("POST /v1/transactions, one space, Idempotency-Key", results.oneSpacePostKeyed, "tx/s", ">= 0.6x"),
    row("POST /v1/transactions, 8 spaces", results.eightSpacesPost, "tx/s", ">= 0.6x"),
    row("POST /v1/transactions, 8 spaces, Idempotency-Key", results.eightSpacesPostKeyed, "tx/s", ">= 0.6x"),
    row("GET /v1/transactions?limit=50, one space", results.listOneSpace, "req/s", ">= 0.5x"),
    row("POST /v1/transactions, one space, back-dated (dates over 9 months)", results.oneSpacePostBackDated, "tx/s", "(slow path, for reference)"),
  ];
  if (results.listSerial100k) {
    results.table.push({
      path: `GET /v1/spaces/{id}/ledger/transactions?pageSize=15 at ${results.bigFill.rows.toLocaleString("en-US")} rows, serial`,
      value: results.listSerial100k.p99ms,
      unit: "p99 ms",
      p50ms: results.listSerial100k.p50ms,
      p99ms: results.listSerial100k.p99ms,
      baselineP99ms: results.baselineHealthSerial.p99ms,
      ratio: ratio(results.listSerial100k.p99ms, results.baselineHealthSerial.p99ms),
      target: "< 25 ms",
    });
  }
  results.eightSpacesVsOne = {
    unkeyed: ratio(results.eightSpacesPost.txPerSecond, results.oneSpacePost.txPerSecond),
    keyed: ratio(results.eightSpacesPostKeyed.txPerSecond, results.oneSpacePostKeyed.txPerSecond),
    target: ">= 1.5x where cores allow",
  };
  results.baselineDrift = ratio(results.baselineHealthAfter.perSecond, results.baselineHealth.perSecond);
  return results;
}

/** The table as text, for the console. */
export function speedTable(r) {
  const lines = ["path | value | p50 ms | p99 ms | baseline | ratio | target | CPU ms/request (workerd + other) | CPU ratio", "---|---|---|---|---|---|---|---|---"];
  const cpu = (c) => (c ? `${c.workerd} + ${c.other}` : "-");
  for (const t of r.table) {
    const baseline = t.baselineP99ms !== undefined ? `${t.baselineP99ms} ms p99 (serial health)` : `${t.baselinePerSecond} req/s`;
    lines.push(`${t.path} | ${t.value} ${t.unit} | ${t.p50ms} | ${t.p99ms} | ${baseline} | ${t.ratio}x | ${t.target} | ${cpu(t.cpuMsPerRequest)} | ${t.cpuRatio ?? "-"}${t.cpuRatio ? "x" : ""}`);
  }
  lines.push(`GET /v1/health CPU ms/request: ${cpu(r.baselineHealth.cpuMsPerRequest)} (after: ${cpu(r.baselineHealthAfter.cpuMsPerRequest)})`);
  lines.push(`8 spaces / one space: ${r.eightSpacesVsOne.unkeyed}x (keyed ${r.eightSpacesVsOne.keyed}x); baseline after/before: ${r.baselineDrift}`);
  return lines.join("\n");
}
