/**
 * Balances by value date. Every entry carries the date its transaction is
 * for (the day the user wrote, or the instant of a timestamp), and statements
 * list entries in that order. An account that may not overdraw must not show a
 * negative balance at any point of that order, so a back-dated write (one
 * dated before the account's latest entry) is checked against every later
 * entry too, not only against the balance at the end. And a bounded address's
 * balance at the end of every instant (what holdings read; statements add up
 * entries in bigints) stays within 2^53 - 1 either way, as balances in
 * sequence order do: an address whose volumes were never rebased (engine.ts)
 * cannot leave that range in any order, but once they have been, a back-dated
 * write to it is checked for that. The unbounded counterparties (world,
 * income, expense, equity) are not: nothing reads them by date, and their sums
 * are the whole space's.
 *
 * The check needs the running balance at the new entries' places among the
 * stored ones. New entries sort after stored ones of the same instant (they
 * get higher sequence numbers), so with new entries at instants s1 ≤ … ≤ sk
 * the stored entries fall into gaps (−∞, s1], (s1, s2], …, (sk, ∞). One D1
 * statement per gap after s1 returns its total, its lowest running sum and,
 * for the range check, the lowest and highest balances at its instants' ends;
 * the first gap's total is the balance before the write less theirs.
 */
import { MAX_MINOR } from "../../lib/money";
import { exactSumSql, readExactSum } from "../../lib/sql";
import type { Entry } from "./types";

/** A gap's figures as D1 returns them: exact decimal text (sums can pass 2^53, where a double rounds). */
export interface GapRow {
  total: string;
  /** Lowest running sum after each entry, from the gap's start. */
  lowest: string | null;
  /** Lowest and highest running sums at the end of each instant strictly inside the gap, "low high". */
  instants: string | null;
}

interface Gap {
  total: bigint;
  lowest: bigint | null;
  instantLow: bigint | null;
  instantHigh: bigint | null;
}

const ENTRIES = "FROM ledger_entries WHERE space_id = ? AND address = ? AND asset = ?";

/** An instant's net movement, summed in two parts so that no order of its entries overflows SQLite's SUM. */
const INSTANT_NET = "(SUM(amount >> 26) * 67108864 + SUM(amount & 67108863))";

/**
 * The statements that measure the gaps around `pending` (sorted by timestamp, then sequence); with
 * `instants`, each gap also measures the balances at the end of the instants inside it (the range check).
 */
export function gapStatements(db: D1Database, spaceId: string, address: string, asset: string, pending: Entry[], instants: boolean): D1PreparedStatement[] {
  // No statement for the first gap (−∞, s1]: its total is the balance before the write less the later gaps'
  // (firstOutOfRange), so the check reads only the entries after s1, not the whole history before it.
  const out: D1PreparedStatement[] = [];
  for (let j = 0; j < pending.length; j++) {
    const after = pending[j]!.timestamp;
    const until = pending[j + 1]?.timestamp;
    if (until === after) {
      out.push(db.prepare("SELECT '0 0' AS total, NULL AS lowest, NULL AS instants"));
      continue;
    }
    const upper = until === undefined ? "" : " AND timestamp <= ?";
    const params: (string | number)[] = [spaceId, address, asset, after, ...(until === undefined ? [] : [until])];
    // The instants strictly inside the gap: the stored entries of the next pending instant come before the
    // pending ones, so that instant's end is checked in the walk.
    const inside = until === undefined ? "" : " AND timestamp < ?";
    const instantSql = instants
      ? `(SELECT CAST(MIN(run) AS TEXT) || ' ' || CAST(MAX(run) AS TEXT) FROM (
           SELECT SUM(net) OVER (ORDER BY timestamp ROWS UNBOUNDED PRECEDING) AS run FROM (
             SELECT timestamp, ${INSTANT_NET} AS net ${ENTRIES} AND timestamp > ?${inside} GROUP BY timestamp)))`
      : "NULL";
    const instantParams = instants ? [spaceId, address, asset, after, ...(until === undefined ? [] : [until])] : [];
    out.push(
      db.prepare(
        `SELECT ${exactSumSql("amount")} AS total, CAST(MIN(run) AS TEXT) AS lowest, ${instantSql} AS instants FROM (
           SELECT amount, SUM(amount) OVER (ORDER BY timestamp, seq, posting_index ROWS UNBOUNDED PRECEDING) AS run
             ${ENTRIES} AND timestamp > ?${upper})`,
      ).bind(...instantParams, ...params),
    );
  }
  return out;
}

function readGap(r: GapRow): Gap {
  const [low, high] = r.instants === null ? [null, null] : r.instants.split(" ");
  return {
    total: readExactSum(r.total),
    lowest: r.lowest === null ? null : BigInt(r.lowest),
    instantLow: low ? BigInt(low) : null,
    instantHigh: high ? BigInt(high) : null,
  };
}

const MAX = BigInt(MAX_MINOR);

export type OutOfRange = { at: number; kind: "negative" | "too_large" };

/**
 * Walks the merged order and returns the first instant at which the balance would be below zero after any
 * entry (`mayNotOverdraw`), or, with `range`, beyond 2^53 - 1 either way at the end of an instant; null when
 * neither. The range is an instant's: entries of one instant that cancel (an income and its void) never
 * held the sum between them at any later instant, so they cannot refuse earlier writes. Exact: sums by date
 * can pass 2^53 once an address's volumes have been rebased.
 */
export function firstOutOfRange(
  pending: Entry[],
  rows: GapRow[],
  /** The address's balance before this write (all its stored entries: D1 holds them, the caller made sure). */
  before: bigint,
  check: { mayNotOverdraw: boolean; range: boolean },
): OutOfRange | null {
  const gaps = rows.map(readGap);
  const outside = (b: bigint) => b > MAX || b < -MAX;
  // The stored entries up to s1 are all of them but those of the later gaps.
  let balance = gaps.reduce((b, g) => b - g.total, before);
  for (let j = 0; j < pending.length; j++) {
    const at = pending[j]!.timestamp;
    balance += BigInt(pending[j]!.amount);
    if (check.mayNotOverdraw && balance < 0n) return { at, kind: "negative" };
    const endOfInstant = pending[j + 1]?.timestamp !== at;
    if (check.range && endOfInstant && outside(balance)) return { at, kind: "too_large" };
    const gap = gaps[j]!;
    if (check.mayNotOverdraw && gap.lowest !== null && balance + gap.lowest < 0n) return { at, kind: "negative" };
    if (check.range && ((gap.instantLow !== null && outside(balance + gap.instantLow)) || (gap.instantHigh !== null && outside(balance + gap.instantHigh)))) {
      return { at, kind: "too_large" };
    }
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
