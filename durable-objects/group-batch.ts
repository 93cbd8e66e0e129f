/**
 * The D1 batch of a group commit. Each write of a group used to add its own statements (its ledger
 * transaction, entries, volumes, log row, Dhanam row, counters…), about a dozen a write; on D1 every
 * statement costs its own execution and its own result. Here the rows of each table are gathered from
 * every write and inserted by one statement per table, and the counters are summed, so a group of N
 * writes sends a few statements a write (its guard and key record, its reads) plus a fixed number.
 *
 * The order of the batch: every write's guard and key record, in the writes' order (nothing of the group
 * lands unless all of them hold); then the rows, table by table, parents before the rows that refer to
 * them; then the writes' other statements and the summed counters; then the writes' reads, which see the
 * whole group (none of them reads rows a later write of the group changes the meaning of).
 */
import { insertJsonRows, type SqlValue } from "../src/lib/sql";
import type { LedgerResult } from "../src/modules/ledger/operations";

/** Where an answer's `readAfter` rows are in its batch's results: `count` results from index `at`. */
export interface ReadSlot {
  result: Extract<LedgerResult, { ok: true }>;
  at: number;
  count: number;
}

/**
 * The tables whose rows a group gathers, in the order they are inserted. An upsert keeps one row per key
 * (the key's leading columns): the last for volumes (the state after the group), the first for a ledger
 * account's first sequence.
 */
const GATHERED: Record<string, { keyColumns: number; keep: "first" | "last" } | null> = {
  accounts: null,
  ledger_transactions: null,
  ledger_entries: null,
  ledger_volumes: { keyColumns: 3, keep: "last" },
  ledger_accounts: { keyColumns: 2, keep: "first" },
  ledger_logs: null,
  transactions: null,
  event_outbox: null,
  provider_review_flags: null,
};
const ORDER = Object.keys(GATHERED);

export const gathers = (table: string) => table in GATHERED;

/** A counter that lists report as their total, kept with the rows it counts. */
export function countStatement(db: D1Database, table: "accounts" | "spaces", id: string, n: number): D1PreparedStatement {
  return db.prepare(`UPDATE ${table} SET transaction_count = transaction_count + ? WHERE id = ?`).bind(n, id);
}

export class GroupBatch {
  private checks: D1PreparedStatement[] = [];
  private rest: D1PreparedStatement[] = [];
  private rows = new Map<string, { table: string; columns: string[]; suffix: string; rows: SqlValue[][] }>();
  private counts = new Map<string, { table: "accounts" | "spaces"; id: string; n: number }>();
  private reads: { result: ReadSlot["result"]; statements: D1PreparedStatement[] }[] = [];

  addRows(table: string, columns: string[], rows: SqlValue[][], suffix: string): void {
    if (!gathers(table)) throw new Error(`A group does not gather rows of ${table}`);
    const key = `${table}\n${columns.join(",")}\n${suffix}`;
    const set = this.rows.get(key) ?? { table, columns, suffix, rows: [] };
    set.rows.push(...rows);
    this.rows.set(key, set);
  }

  addCount(table: "accounts" | "spaces", id: string, n: number): void {
    const key = `${table}\n${id}`;
    const c = this.counts.get(key) ?? { table, id, n: 0 };
    c.n += n;
    this.counts.set(key, c);
  }

  /** One write's own statements: `checks` (its guard, its key record) go before every row of the group. */
  addWrite(checks: D1PreparedStatement[], rest: D1PreparedStatement[], reads: { result: ReadSlot["result"]; statements: D1PreparedStatement[] } | null): void {
    this.checks.push(...checks);
    this.rest.push(...rest);
    if (reads && reads.statements.length > 0) this.reads.push(reads);
  }

  /** The batch, and where each write's reads are in its results. */
  assemble(db: D1Database): { statements: D1PreparedStatement[]; reads: ReadSlot[] } {
    const statements = [...this.checks];
    const sets = [...this.rows.values()].sort((a, b) => ORDER.indexOf(a.table) - ORDER.indexOf(b.table));
    for (const set of sets) statements.push(...insertJsonRows(db, set.table, set.columns, onePerKey(set.table, set.rows), set.suffix));
    statements.push(...this.rest);
    for (const c of this.counts.values()) statements.push(countStatement(db, c.table, c.id, c.n));
    const slots: ReadSlot[] = [];
    for (const r of this.reads) {
      slots.push({ result: r.result, at: statements.length, count: r.statements.length });
      statements.push(...r.statements);
    }
    return { statements, reads: slots };
  }
}

/** An upsert's rows, one per key: two rows of one key in one statement would leave the order to SQLite. */
function onePerKey(table: string, rows: SqlValue[][]): SqlValue[][] {
  const rule = GATHERED[table];
  if (!rule) return rows;
  const byKey = new Map<string, SqlValue[]>();
  for (const row of rows) {
    const key = JSON.stringify(row.slice(0, rule.keyColumns));
    if (rule.keep === "last" || !byKey.has(key)) {
      byKey.delete(key);
      byKey.set(key, row);
    }
  }
  return [...byKey.values()];
}
