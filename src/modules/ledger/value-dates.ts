/**
 * Balances by value date. Every entry carries the date its transaction is
 * for (the day the user wrote, or the instant of a timestamp), and statements
 * list entries in that order. An account that may not overdraw must not show a
 * negative balance at any point of that order, so a back-dated write (one
 * dated before the account's latest entry) is checked against every later
 * entry too, not only against the balance at the end. And a bounded address's
 * balance at every date (what statements and holdings read) stays within
 * 2^53 - 1 either way, as balances in sequence order do: an address whose
 * volumes were never rebased (engine.ts) cannot leave that range in any order,
 * but once they have been, a back-dated write to it is checked for that. The
 * unbounded counterparties (world, income, expense, equity) are not: nothing
 * reads them by date, and their sums are the whole space's.
 *
 * The check needs the running balance at the new entries' places among the
 * stored ones. New entries sort after stored ones of the same instant (they
 * get higher sequence numbers), so with new entries at instants s1 ≤ … ≤ sk
 * the stored entries fall into gaps (−∞, s1], (s1, s2], …, (sk, ∞). One D1
 * statement per gap returns its total and its lowest and highest running sums.
 */
import { MAX_MINOR } from "../../lib/money";
import { exactSumSql, readExactSum } from "../../lib/sql";
import type { Entry } from "./types";

/** A gap's figures as D1 returns them: exact decimal text (sums can pass 2^53, where a double rounds). */
export interface GapRow {
  total: string;
  lowest: string | null;
  highest: string | null;
}

interface Gap {
  total: bigint;
  /** Lowest and highest running sums within the gap, from the gap's start; null when empty. */
  lowest: bigint | null;
  highest: bigint | null;
}

const ENTRIES = "FROM ledger_entries WHERE space_id = ? AND address = ? AND asset = ?";

/** The statements that measure the gaps around `pending` (sorted by timestamp, then sequence). */
export function gapStatements(db: D1Database, spaceId: string, address: string, asset: string, pending: Entry[]): D1PreparedStatement[] {
  const out = [
    db.prepare(`SELECT ${exactSumSql("amount")} AS total, NULL AS lowest, NULL AS highest ${ENTRIES} AND timestamp <= ?`).bind(spaceId, address, asset, pending[0]!.timestamp),
  ];
  for (let j = 0; j < pending.length; j++) {
    const after = pending[j]!.timestamp;
    const until = pending[j + 1]?.timestamp;
    if (until === after) {
      out.push(db.prepare("SELECT '0 0' AS total, NULL AS lowest, NULL AS highest"));
      continue;
    }
    const upper = until === undefined ? "" : " AND timestamp <= ?";
    const params: (string | number)[] = [spaceId, address, asset, after, ...(until === undefined ? [] : [until])];
    // Running sums in value-date order stay within twice the largest balance (every balance by date does,
    // see firstOutOfRange), so the window's SUM cannot overflow; read as text, exactly.
    out.push(
      db.prepare(
        `SELECT ${exactSumSql("amount")} AS total, CAST(MIN(run) AS TEXT) AS lowest, CAST(MAX(run) AS TEXT) AS highest FROM (
           SELECT amount, SUM(amount) OVER (ORDER BY timestamp, seq, posting_index ROWS UNBOUNDED PRECEDING) AS run
             ${ENTRIES} AND timestamp > ?${upper})`,
      ).bind(...params),
    );
  }
  return out;
}

const readGap = (r: GapRow): Gap => ({
  total: readExactSum(r.total),
  lowest: r.lowest === null ? null : BigInt(r.lowest),
  highest: r.highest === null ? null : BigInt(r.highest),
});

const MAX = BigInt(MAX_MINOR);

export type OutOfRange = { at: number; kind: "negative" | "too_large" };

/**
 * Walks the merged order and returns the first instant at which the balance would be below `floor` (zero for
 * an address that may not overdraw, -(2^53 - 1) for any other) or above 2^53 - 1, or null when it never is.
 * Exact: the stored entries' sums by date can pass 2^53 once an address's volumes have been rebased.
 */
export function firstOutOfRange(pending: Entry[], rows: GapRow[], floor: "zero" | "largest"): OutOfRange | null {
  const gaps = rows.map(readGap);
  const low = floor === "zero" ? 0n : -MAX;
  const check = (balance: bigint, at: number): OutOfRange | null =>
    balance < low ? { at, kind: low === 0n ? "negative" : "too_large" } : balance > MAX ? { at, kind: "too_large" } : null;
  let balance = gaps[0]!.total;
  for (let j = 0; j < pending.length; j++) {
    const at = pending[j]!.timestamp;
    balance += BigInt(pending[j]!.amount);
    const here = check(balance, at);
    if (here) return here;
    const gap = gaps[j + 1]!;
    const inGap = (gap.lowest !== null && check(balance + gap.lowest, at)) || (gap.highest !== null && check(balance + gap.highest, at));
    if (inGap) return inGap;
    balance += gap.total;
  }
  return null;
}

/** Whether `pending` (in sequence order) lands anywhere but after every stored entry, in timestamp order. */
export function isBackDated(pending: Entry[], lastStored: number | null): boolean {
  let last = lastStored ?? Number.NEGATIVE_INFINITY;
  for (const e of pending) {
    if (e.timestamp < last) return true;
    last = e.timestamp;
  }
  return false;
}

/** `pending` sorted by value date; entries of one instant keep their sequence order. */
export const byValueDate = (pending: Entry[]) =>
  [...pending].sort((a, b) => a.timestamp - b.timestamp || a.seq - b.seq || a.postingIndex - b.postingIndex);
