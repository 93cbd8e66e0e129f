// The SQL time of a Dhanam write's D1 batch, measured on a copy of the local D1 file with the
// sqlite3 CLI: D1 runs one database's queries one at a time (its limits FAQ), so the SQL time of a
// batch bounds how many batches one database commits per second. Each replayed write copies an
// existing Dhanam transaction's rows under new keys with the statements the space's ledger sends
// (ledger transaction, two entries, two volume and two ledger-account upserts, the log row, the
// Dhanam row, the account and space counters; with a key, the idempotency record), one write per
// transaction, or `group` writes per transaction as a group commit sends them.
// PRAGMA synchronous=NORMAL (WAL): SQL and page work without an fsync per commit; D1's own
// durability (copies in several locations) is not in this figure.
//
//   node bench/d1-sql-time.mjs <path to the local D1 .sqlite file> [writes]
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const q = (v) => (v === null ? "NULL" : typeof v === "number" ? String(v) : `'${String(v).replaceAll("'", "''")}'`);

function sqlite(file, sql) {
  return execFileSync("sqlite3", ["-json", file], { input: sql, maxBuffer: 1 << 26 }).toString().trim();
}
const rows = (file, sql) => {
  const out = sqlite(file, sql);
  return out ? JSON.parse(out) : [];
};
const columns = (file, table) => rows(file, `PRAGMA table_info(${table});`).map((c) => c.name);

/** `SELECT` list of a table's columns with some replaced by expressions. */
const selectList = (cols, replace) => cols.map((c) => replace[c] ?? `"${c}"`).join(", ");

export function sqlTimePerWrite(d1File, { writes = 1000, groups = [1, 16] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "dhanam-d1-sql-"));
  const file = join(dir, "d1.sqlite");
  copyFileSync(d1File, file);
  if (existsSync(`${d1File}-wal`)) copyFileSync(`${d1File}-wal`, `${file}-wal`);
  sqlite(file, "PRAGMA wal_checkpoint(TRUNCATE);");

  // A categorized Dhanam expense with a keyed write in its space, as the model of a write.
  const [model] = rows(file, `SELECT t.id, t.space_id, t.account_id, t.ledger_seq FROM transactions t
    WHERE t.type = 'expense' AND t.category_id IS NOT NULL
      AND EXISTS (SELECT 1 FROM idempotency_keys k WHERE k.space_id = t.space_id)
    ORDER BY t.created_at DESC LIMIT 1;`);
  if (!model) throw new Error("no keyed, categorized Dhanam expense to model a write on");
  const S = model.space_id;
  const entries = rows(file, `SELECT address, asset FROM ledger_entries WHERE space_id = ${q(S)} AND seq = ${model.ledger_seq};`);
  const [{ seq: maxSeq }] = rows(file, `SELECT MAX(seq) AS seq FROM ledger_transactions WHERE space_id = ${q(S)};`);
  const [{ id: maxLog }] = rows(file, `SELECT MAX(id) AS id FROM ledger_logs WHERE space_id = ${q(S)};`);
  const txCols = columns(file, "ledger_transactions");
  const entryCols = columns(file, "ledger_entries");
  const logCols = columns(file, "ledger_logs");
  const rowCols = columns(file, "transactions");
  const keyCols = columns(file, "idempotency_keys");

  const writeSql = (k, keyed) => {
    const seq = maxSeq + 1 + k;
    const s = [
      `INSERT INTO ledger_transactions (${txCols.join(", ")}) SELECT ${selectList(txCols, { seq: String(seq), reference: "NULL" })} FROM ledger_transactions WHERE space_id = ${q(S)} AND seq = ${model.ledger_seq};`,
      `INSERT INTO ledger_entries (${entryCols.join(", ")}) SELECT ${selectList(entryCols, { seq: String(seq) })} FROM ledger_entries WHERE space_id = ${q(S)} AND seq = ${model.ledger_seq};`,
      `INSERT INTO ledger_volumes (space_id, address, asset, input, output, rebased) VALUES ${entries.map((e) => `(${q(S)}, ${q(e.address)}, ${q(e.asset)}, ${seq}, ${k}, '0')`).join(", ")} ON CONFLICT (space_id, address, asset) DO UPDATE SET input = excluded.input, output = excluded.output, rebased = excluded.rebased;`,
      `INSERT INTO ledger_accounts (space_id, address, metadata, first_seq, created_at) VALUES ${entries.map((e) => `(${q(S)}, ${q(e.address)}, '{}', ${seq}, 0)`).join(", ")} ON CONFLICT (space_id, address) DO UPDATE SET first_seq = COALESCE(ledger_accounts.first_seq, excluded.first_seq);`,
      `INSERT INTO ledger_logs (${logCols.join(", ")}) SELECT ${selectList(logCols, { id: String(maxLog + 1 + k) })} FROM ledger_logs WHERE space_id = ${q(S)} AND id = ${maxLog};`,
      `INSERT INTO transactions (${rowCols.join(", ")}) SELECT ${selectList(rowCols, { id: q(`bench-sql-${k}`), ledger_seq: String(seq) })} FROM transactions WHERE id = ${q(model.id)};`,
      `UPDATE accounts SET transaction_count = transaction_count + 1 WHERE id = ${q(model.account_id)};`,
      `UPDATE spaces SET transaction_count = transaction_count + 1 WHERE id = ${q(S)};`,
    ];
    if (keyed) s.unshift(`INSERT INTO idempotency_keys (${keyCols.join(", ")}) SELECT ${selectList(keyCols, { key: q(`bench-sql-${k}`) })} FROM idempotency_keys WHERE space_id = ${q(S)} LIMIT 1;`);
    return s.join("\n");
  };

  const time = (sql) => {
    const t0 = performance.now();
    sqlite(file, `PRAGMA synchronous = NORMAL;\n${sql}`);
    return performance.now() - t0;
  };
  const empty = Math.min(time("SELECT 1;"), time("SELECT 1;"), time("SELECT 1;"));
  const results = { method: "sqlite3 CLI on a copy of the local D1 file (WAL, synchronous=NORMAL); wall time minus an empty invocation", model: { spaceId: S, entries: entries.length }, writes };
  let k = 0;
  for (const keyed of [false, true]) {
    for (const group of groups) {
      const parts = [];
      for (let i = 0; i < writes; i += group) {
        parts.push("BEGIN;");
        for (let j = 0; j < group && i + j < writes; j++) parts.push(writeSql(k++, keyed));
        parts.push("COMMIT;");
      }
      const ms = time(parts.join("\n")) - empty;
      results[`${keyed ? "keyed" : "unkeyed"}_${group}PerBatch`] = { msPerWrite: +(ms / writes).toFixed(3), writesPerSecond: Math.round((writes / ms) * 1000) };
    }
  }
  const [{ n }] = rows(file, "SELECT COUNT(*) AS n FROM transactions WHERE id LIKE 'bench-sql-%';");
  if (n !== k) throw new Error(`replayed ${k} writes but ${n} rows landed`);
  results.rowsLanded = n;
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [file, n] = process.argv.slice(2);
  const result = sqlTimePerWrite(file, { writes: Number(n ?? 1000) });
  const out = `bench/results/d1-sql-time-${new Date().toISOString().slice(0, 10)}.json`;
  writeFileSync(out, JSON.stringify({ measured: new Date().toISOString(), source: file, ...result }, null, 2) + "\n");
  console.log(JSON.stringify(result, null, 2));
  console.log(`written to ${out}`);
}
