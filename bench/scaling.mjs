// Figures for docs/SCALING.md, on local workerd: the sustained write ceiling of one space's ledger
// object (batches of 100 through the ledger's batch route; single writes, which group commit joins)
// and of the one D1 database (many spaces written in parallel); the CPU time the server spent per
// request; and the bytes (and rows) a transaction adds to D1, read from the local D1 SQLite file
// with SQLite's `dbstat` table (sqlite3 CLI) before and after N transactions of each kind.
// Opt-in: BENCH_ONLY=scaling (it is not part of a plain `npm run bench`).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { sqlTimePerWrite } from "./d1-sql-time.mjs";
import { benchUser, verifyLog } from "./lib/api.mjs";
import { runFor, run, summarize } from "./lib/load.mjs";
import { dhanamSpace, dhanamWrite } from "./speed.mjs";

const TICK = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;

const cpuOf = (stat) => {
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { pgrp: Number(f[2]), seconds: (Number(f[11]) + Number(f[12])) / TICK };
};

/**
 * CPU seconds used so far by the processes of a group: workerd's and the others' (wrangler, npx),
 * and per workerd thread (to see whether one thread does all the work).
 */
export function groupCpu(pgid) {
  let workerd = 0;
  let other = 0;
  const threads = {};
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue;
    }
    const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const { pgrp, seconds } = cpuOf(stat);
    if (pgrp !== pgid) continue;
    if (!comm.startsWith("workerd")) {
      other += seconds;
      continue;
    }
    workerd += seconds;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        threads[`${pid}/${tid}`] = cpuOf(readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8")).seconds;
      } catch {}
    }
  }
  return { workerd, other, threads };
}

/** The local D1 database file that `wrangler dev --persist-to <state>` keeps. */
function d1File(state) {
  const dir = join(state, "v3", "d1", "miniflare-D1DatabaseObject");
  const name = readdirSync(dir).find((f) => /^[0-9a-f]{64}\.sqlite$/.test(f));
  return join(dir, name);
}

function sqlite(file, sql) {
  return execFileSync("sqlite3", ["-readonly", "-separator", "\t", file, sql]).toString().trim().split("\n").filter(Boolean).map((l) => l.split("\t"));
}

/** Pages (bytes) per table and index from dbstat, rows per table, and the file's size on disk. */
function snapshot(file) {
  const bytes = Object.fromEntries(sqlite(file, "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").map(([n, b]) => [n, Number(b)]));
  const tables = sqlite(file, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'").map(([n]) => n);
  const rows = Object.fromEntries(sqlite(file, tables.map((t) => `SELECT '${t}', COUNT(*) FROM "${t}"`).join(" UNION ALL ")).map(([n, c]) => [n, Number(c)]));
  const owner = Object.fromEntries(sqlite(file, "SELECT name, tbl_name FROM sqlite_schema WHERE type IN ('table', 'index')"));
  const indexes = {};
  for (const [name, table] of Object.entries(owner)) if (name !== table) indexes[table] = (indexes[table] ?? 0) + 1;
  const size = (f) => {
    try {
      return statSync(f).size;
    } catch {
      return 0;
    }
  };
  return { bytes, rows, owner, indexes, fileBytes: size(file), walBytes: size(`${file}-wal`) };
}

/** What `n` transactions added: bytes by table (its indexes included), rows, and index entries. */
function growth(before, after, n) {
  const byTable = {};
  for (const [name, b] of Object.entries(after.bytes)) {
    const table = after.owner[name] ?? name;
    const d = b - (before.bytes[name] ?? 0);
    if (d !== 0) byTable[table] = (byTable[table] ?? 0) + d;
  }
  const rows = {};
  let rowsAdded = 0;
  let indexEntries = 0;
  for (const [t, c] of Object.entries(after.rows)) {
    const d = c - (before.rows[t] ?? 0);
    if (d === 0) continue;
    rows[t] = +(d / n).toFixed(2);
    rowsAdded += d;
    indexEntries += d * (after.indexes[t] ?? 0);
  }
  const total = Object.values(byTable).reduce((a, b) => a + b, 0);
  return {
    transactions: n,
    dbstatBytes: total,
    bytesPerTransaction: +(total / n).toFixed(1),
    bytesPerTransactionByTable: Object.fromEntries(Object.entries(byTable).sort((a, b) => b[1] - a[1]).map(([t, b]) => [t, +(b / n).toFixed(1)])),
    rowsPerTransaction: rows,
    rowsInsertedPerTransaction: +(rowsAdded / n).toFixed(2),
    indexEntriesPerTransaction: +(indexEntries / n).toFixed(2),
    fileGrowthBytes: after.fileBytes + after.walBytes - before.fileBytes - before.walBytes,
  };
}

export async function scalingBench(server, { seconds = 15, bytesN = 3000, noise } = {}) {
  const { base, pgid } = server;
  const api = await benchUser(base, "scaling");
  const runId = Date.now().toString(36);
  const results = { secondsPerPhase: seconds };
  const spaces = [];
  // A user owns at most 50 spaces (MAX_OWNED_SPACES) and this scenario opens more: each 40 have an owner of their own,
  // who writes to them.
  const owners = [api];
  const ownerOfNext = async () => {
    if (spaces.length >= owners.length * 40) owners.push(await benchUser(base, `scaling-${owners.length}`));
    return owners.at(-1);
  };
  const rawSpace = async (name) => {
    const owner = await ownerOfNext();
    const s = { id: (await owner.json("POST", "/v1/spaces", { name, type: "personal", currency: "USD" })).id, opening: 0, accepted: 0, api: owner };
    spaces.push(s);
    return s;
  };
  const dhanam = async (name) => {
    const owner = await ownerOfNext();
    const s = await dhanamSpace(owner, name);
    const entry = { id: s.id, opening: 1, accepted: 0, s, api: owner };
    spaces.push(entry);
    return entry;
  };
  const posting = (i) => ({ source: "world", destination: `users:u${i % 50}`, amount: 1 + (i % 997), asset: "USD/2" });
  const batch = (space, i) => space.api.post(`/v1/spaces/${space.id}/ledger/transactions/batch`, { transactions: Array.from({ length: 100 }, (_, k) => ({ postings: [posting(i * 100 + k)] })) });
  const single = (space, i) => space.api.post(`/v1/spaces/${space.id}/ledger/transactions`, { postings: [posting(i)] });
  const dhanamPost = (space, i, tag) => {
    const w = dhanamWrite(i, `${tag}-${runId}`, space.s.cats);
    return space.api.post("/v1/transactions", { spaceId: space.id, accountId: space.s.accountId, ...w.body });
  };

  /** Runs a phase for `seconds` at `concurrency`, counting transactions committed and the server's CPU time. */
  async function phase(name, { concurrency, txPerRequest = 1, makeRequest }) {
    noise?.mark(name);
    const failures = [];
    const cpu0 = groupCpu(pgid);
    const client0 = process.cpuUsage();
    const r = await runFor({
      seconds,
      concurrency,
      makeRequest: async (i) => {
        const res = await makeRequest(i);
        if (res.status >= 400 && failures.length < 5) failures.push({ status: res.status, body: (await res.clone().text()).slice(0, 300) });
        return res;
      },
    });
    const cpu1 = groupCpu(pgid);
    const client = process.cpuUsage(client0);
    const ok = (r.statuses[200] ?? 0) + (r.statuses[201] ?? 0);
    const wallS = r.elapsedMs / 1000;
    results[name] = summarize(r.latencies, r.elapsedMs, {
      concurrency,
      statuses: r.statuses,
      ...(txPerRequest ? { txPerSecond: +((ok * txPerRequest) / wallS).toFixed(1) } : {}),
      workerdCpuMsPerRequest: +(((cpu1.workerd - cpu0.workerd) * 1000) / r.latencies.length).toFixed(2),
      // Of the machine's cores: how busy the server (workerd, wrangler) and this load generator were.
      coresBusy: {
        workerd: +((cpu1.workerd - cpu0.workerd) / wallS).toFixed(2),
        workerdBusiestThread: +(Math.max(0, ...Object.entries(cpu1.threads).map(([t, c]) => c - (cpu0.threads[t] ?? 0))) / wallS).toFixed(2),
        wrangler: +((cpu1.other - cpu0.other) / wallS).toFixed(2),
        client: +((client.user + client.system) / 1e6 / wallS).toFixed(2),
      },
      ...(failures.length ? { failures } : {}),
    });
    return ok;
  }

  await run({ total: 300, concurrency: 16, makeRequest: () => api.get("/v1/health") });
  await phase("baselineHealth16", { concurrency: 16, txPerRequest: 0, makeRequest: () => api.get("/v1/health") });

  // One space's ledger object.
  const b = await rawSpace("ceiling-batches");
  for (const c of [1, 4, 8]) b.accepted += 100 * (await phase(`oneSpaceBatches100_c${c}`, { concurrency: c, txPerRequest: 100, makeRequest: (i) => batch(b, 1e6 * c + i) }));
  const s1 = await rawSpace("ceiling-singles");
  for (const c of [16, 64]) s1.accepted += await phase(`oneSpaceLedgerSingles_c${c}`, { concurrency: c, makeRequest: (i) => single(s1, i) });
  const d1 = await dhanam("ceiling-dhanam");
  for (const c of [16, 64]) d1.accepted += await phase(`oneSpaceDhanamPosts_c${c}`, { concurrency: c, makeRequest: (i) => dhanamPost(d1, 1e6 * c + i, `d1-${c}`) });

  // The one D1 database: many spaces' ledger objects at once.
  const many = [];
  for (let i = 0; i < 16; i++) many.push(await rawSpace(`many-batches-${i}`));
  const manyAccepted = new Array(16).fill(0);
  await phase("sixteenSpacesBatches100_c16", {
    concurrency: 16, txPerRequest: 100,
    makeRequest: async (i) => {
      const res = await batch(many[i % 16], i);
      if (res.status === 201) manyAccepted[i % 16] += 100;
      return res;
    },
  });
  many.forEach((s, i) => (s.accepted += manyAccepted[i]));
  const manySingles = [];
  for (let i = 0; i < 64; i++) manySingles.push(await rawSpace(`many-singles-${i}`));
  await phase("sixtyFourSpacesLedgerSingles_c64", {
    concurrency: 64,
    makeRequest: async (i) => {
      const s = manySingles[i % 64];
      const res = await single(s, i);
      if (res.status === 201) s.accepted++;
      return res;
    },
  });
  const manyDhanam = [];
  for (let i = 0; i < 64; i++) manyDhanam.push(await dhanam(`many-dhanam-${i}`));
  await phase("sixtyFourSpacesDhanamPosts_c64", {
    concurrency: 64,
    makeRequest: async (i) => {
      const s = manyDhanam[i % 64];
      const res = await dhanamPost(s, i, "many");
      if (res.status === 201) s.accepted++;
      return res;
    },
  });

  noise?.mark("storage");
  // Bytes per transaction: N of each kind into fresh spaces, dbstat before and after each.
  const file = d1File(server.state);
  results.storage = { method: "SQLite dbstat (SUM(pgsize) per table and index) on the local D1 file, read with the sqlite3 CLI; plus the file's growth (main file + WAL)", pageSize: Number(sqlite(file, "PRAGMA page_size")[0][0]) };
  const eightD = [];
  for (let i = 0; i < 8; i++) eightD.push(await dhanam(`bytes-dhanam-${i}`));
  const rawB = await rawSpace("bytes-raw");
  const settle = () => new Promise((r) => setTimeout(r, 1000));
  await settle();
  let before = snapshot(file);
  const dhanamRun = async (tag, keyed) => {
    await run({
      total: bytesN,
      concurrency: 16,
      makeRequest: async (i) => {
        const s = eightD[i % 8];
        const w = dhanamWrite(i, `${tag}-${runId}`, s.s.cats);
        const res = await s.api.post("/v1/transactions", { spaceId: s.id, accountId: s.s.accountId, ...w.body }, keyed ? { "idempotency-key": `${tag}-${runId}-${i}` } : {});
        if (res.status === 201) s.accepted++;
        return res;
      },
    });
  };
  await dhanamRun("bytes", false);
  await settle();
  let after = snapshot(file);
  results.storage.dhanamPost = growth(before, after, bytesN);
  before = after;
  await dhanamRun("bytes-keyed", true);
  await settle();
  after = snapshot(file);
  results.storage.dhanamPostWithKey = growth(before, after, bytesN);
  before = after;
  const rawRun = await run({ total: Math.ceil(bytesN / 100), concurrency: 4, makeRequest: (i) => batch(rawB, i) });
  rawB.accepted += 100 * (rawRun.statuses[201] ?? 0);
  await settle();
  after = snapshot(file);
  results.storage.ledgerBatch = growth(before, after, Math.ceil(bytesN / 100) * 100);
  results.storage.databaseBytesAtEnd = after.fileBytes + after.walBytes;
  results.storage.dbstatBytesAtEnd = Object.values(after.bytes).reduce((a, b) => a + b, 0);
  // Nothing lost: every space written above holds what was answered, its chain verifies, its assets sum to zero.
  const checks = [];
  for (const s of spaces) {
    const stats = await s.api.json("GET", `/v1/spaces/${s.id}/ledger/stats`);
    const verify = await verifyLog(s.api, s.id);
    const balances = await s.api.json("GET", `/v1/spaces/${s.id}/ledger/balances`);
    checks.push({ count: stats.data.transactions === s.accepted + s.opening, chain: verify.data.valid, zero: Object.values(balances.data).every((v) => v === 0) });
  }
  results.invariants = {
    spaces: checks.length,
    transactions: spaces.reduce((a, s) => a + s.accepted + s.opening, 0),
    countsExact: checks.every((c) => c.count),
    chainsValid: checks.every((c) => c.chain),
    assetsSumToZero: checks.every((c) => c.zero),
  };
  // The SQL time of a Dhanam write's batch, on a copy of the same file (see d1-sql-time.mjs). After the
  // checks: it holds the event loop for a while, and the server closes the client's idle connections.
  noise?.mark("sqlTime");
  results.d1SqlTime = sqlTimePerWrite(file, { writes: 1000 });
  return results;
}
