/**
 * Balances by value date. Every entry carries the date its transaction is
 * for (the day the user wrote, or the instant of a timestamp), and statements
 * list entries in that order. An account that may not overdraw must not show a
 * negative balance at any point of that order, so a back-dated write (one
 * dated before the account's latest entry) is checked against every later
 * entry too, not only against the balance at the end.
 *
 * The check needs the running balance at the new entries' places among the
 * stored ones. New entries sort after stored ones of the same instant (they
 * get higher sequence numbers), so with new entries at instants s1 ≤ … ≤ sk
 * the stored entries fall into gaps (−∞, s1], (s1, s2], …, (sk, ∞). One D1
 * statement per gap returns its total and its lowest running sum.
 */
import type { Entry } from "./types";

export interface Gap {
  total: number;
  /** Lowest running sum within the gap, from the gap's start; null when empty. */
  lowest: number | null;
}

const ENTRIES = "FROM ledger_entries WHERE space_id = ? AND address = ? AND asset = ?";

/** The statements that measure the gaps around `pending` (sorted by timestamp, then sequence). */
export function gapStatements(db: D1Database, spaceId: string, address: string, asset: string, pending: Entry[]): D1PreparedStatement[] {
  const out = [db.prepare(`SELECT COALESCE(SUM(amount), 0) AS total, NULL AS lowest ${ENTRIES} AND timestamp <= ?`).bind(spaceId, address, asset, pending[0]!.timestamp)];
  for (let j = 0; j < pending.length; j++) {
    const after = pending[j]!.timestamp;
    const until = pending[j + 1]?.timestamp;
    if (until === after) {
      out.push(db.prepare("SELECT 0 AS total, NULL AS lowest"));
      continue;
    }
    const upper = until === undefined ? "" : " AND timestamp <= ?";
    const params: (string | number)[] = [spaceId, address, asset, after, ...(until === undefined ? [] : [until])];
    out.push(
      db.prepare(
        `SELECT COALESCE(SUM(amount), 0) AS total, MIN(run) AS lowest FROM (
           SELECT amount, SUM(amount) OVER (ORDER BY timestamp, seq, posting_index ROWS UNBOUNDED PRECEDING) AS run
             ${ENTRIES} AND timestamp > ?${upper})`,
      ).bind(...params),
    );
  }
  return out;
}

/**
 * Walks the merged order and returns the first instant at which the balance
 * would be negative, or null when it never is.
 */
export function firstNegative(pending: Entry[], gaps: Gap[]): number | null {
  let balance = gaps[0]!.total;
  for (let j = 0; j < pending.length; j++) {
    balance += pending[j]!.amount;
    if (balance < 0) return pending[j]!.timestamp;
    const gap = gaps[j + 1]!;
    if (gap.lowest !== null && balance + gap.lowest < 0) return pending[j]!.timestamp;
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
