/**
 * Balances by value date. Every entry carries the date its transaction is
 * for (the day the user wrote, or the instant of a timestamp), and statements
 * list entries in that order. An account that may not overdraw must not be
 * negative at the end of any instant of that order (a bare date is its day's
 * instant), so a back-dated write (one dated before the account's latest
 * entry) is checked against every later instant too, not only against the
 * balance at the end. The end of an instant, not each entry: entries of one
 * instant are ordered only by sequence, which means nothing to the user, and a
 * void takes its original's date, so a transaction and its void cancel out
 * there whichever was written first (an expense voided before the income that
 * paid for it was, say). And a bounded address's balance at the end of every
 * instant (what holdings read; statements add up entries in bigints) stays
 * within 2^53 - 1 either way, as balances in sequence order do: an address
 * whose volumes were never rebased (engine.ts) cannot leave that range in any
 * order, but once they have been, a back-dated write to it is checked for
 * that. The unbounded counterparties (world, income, expense, equity) are not:
 * nothing reads them by date, and their sums are the whole space's.
 *
 * The check needs the running balance at the new entries' places among the
 * stored ones. New entries sort after stored ones of the same instant (they
 * get higher sequence numbers), so with new entries at instants s1 ≤ … ≤ sk
 * the stored entries fall into gaps (−∞, s1], (s1, s2], …, (sk, ∞). One D1
 * statement per gap after s1 returns its total and the lowest and highest
 * balances at the ends of the instants strictly inside it, from its start
 * (the stored entries at its upper end come before new ones, so that
 * instant ends after them); the first gap's total is the balance before the
 * write less theirs. A refusal inside a gap reads which instant it is with one
 * more statement (firstInstantOutside), so the error names the day it happens.
 */
import { MAX_MINOR } from "../../lib/money";
import { exactSumSql, readExactSum } from "../../lib/sql";
import type { Entry } from "./types";

/** A gap's figures as D1 returns them: exact decimal text (sums can pass 2^53, where a double rounds). */
export interface GapRow {
  total: string;
  /** Lowest and highest running sums at the end of each instant strictly inside the gap, "low high". */
  instants: string | null;
}

interface Gap {
  total: bigint;
  instantLow: bigint | null;
  instantHigh: bigint | null;
}

const ENTRIES = "FROM ledger_entries WHERE space_id = ? AND address = ? AND asset = ?";

/** An instant's net movement, summed in two parts so that no order of its entries overflows SQLite's SUM. */
const INSTANT_NET = "(SUM(amount >> 26) * 67108864 + SUM(amount & 67108863))";

/**
 * Rows (timestamp, run): the running sum at the end of each instant of the entries `where` picks, in
 * value-date order; `partition` runs one sum per value of that column (the rows then carry it).
 */
export const instantEndsSql = (where: string, partition?: string) => {
  const by = partition ? `${partition}, ` : "";
  return `SELECT ${by}timestamp, SUM(net) OVER (${partition ? `PARTITION BY ${partition} ` : ""}ORDER BY timestamp ROWS UNBOUNDED PRECEDING) AS run
    FROM (SELECT ${by}timestamp, ${INSTANT_NET} AS net FROM ledger_entries WHERE ${where} GROUP BY ${by}timestamp)`;
};

/** The stored entries of a gap after `after` (through `until`, or all later ones), and those strictly inside it. */
function gapBounds(after: number, until: number | undefined) {
  const whole = until === undefined ? "" : " AND timestamp <= ?";
  const inside = until === undefined ? "" : " AND timestamp < ?";
  const params = until === undefined ? [after] : [after, until];
  return { whole, inside, params };
}

/** The statements that measure the gaps around `pending` (sorted by timestamp, then sequence). */
export function gapStatements(db: D1Database, spaceId: string, address: string, asset: string, pending: Entry[]): D1PreparedStatement[] {
  // No statement for the first gap (−∞, s1]: its total is the balance before the write less the later gaps'
  // (firstOutOfRange), so the check reads only the entries after s1, not the whole history before it.
  const out: D1PreparedStatement[] = [];
  for (let j = 0; j < pending.length; j++) {
    const after = pending[j]!.timestamp;
    const until = pending[j + 1]?.timestamp;
    if (until === after) {
      out.push(db.prepare("SELECT '0 0' AS total, NULL AS instants"));
      continue;
    }
    const { whole, inside, params } = gapBounds(after, until);
    const ends = instantEndsSql(`space_id = ? AND address = ? AND asset = ? AND timestamp > ?${inside}`);
    out.push(
      db.prepare(
        `SELECT (SELECT ${exactSumSql("amount")} ${ENTRIES} AND timestamp > ?${whole}) AS total,
                (SELECT CAST(MIN(run) AS TEXT) || ' ' || CAST(MAX(run) AS TEXT) FROM (${ends})) AS instants`,
      ).bind(spaceId, address, asset, ...params, spaceId, address, asset, ...params),
    );
  }
  return out;
}

function readGap(r: GapRow): Gap {
  const [low, high] = r.instants === null ? [null, null] : r.instants.split(" ");
  return {
    total: readExactSum(r.total),
    instantLow: low ? BigInt(low) : null,
    instantHigh: high ? BigInt(high) : null,
  };
}

const MAX = BigInt(MAX_MINOR);

type Kind = "negative" | "too_large";
/** Where the balance leaves its range: at an instant of the write's own, or somewhere inside a gap after one. */
export type OutOfRange =
  | { kind: Kind; at: number }
  | { kind: Kind; gap: { after: number; until: number | undefined; start: bigint } };

/**
 * Walks the merged order and returns the first place at which the balance would be below zero at the end of
 * an instant (`mayNotOverdraw`), or, with `range`, beyond 2^53 - 1 either way there; null when neither.
 * Exact: sums by date can pass 2^53 once an address's volumes have been rebased.
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
    // Stored entries of this instant came before it, so after its last new entry the instant has ended.
    if (pending[j + 1]?.timestamp !== at) {
      if (check.mayNotOverdraw && balance < 0n) return { kind: "negative", at };
      if (check.range && outside(balance)) return { kind: "too_large", at };
    }
    const { instantLow: low, instantHigh: high, total } = gaps[j]!;
    const gap = { after: at, until: pending[j + 1]?.timestamp, start: balance };
    if (check.mayNotOverdraw && low !== null && balance + low < 0n) return { kind: "negative", gap };
    if (check.range && ((low !== null && outside(balance + low)) || (high !== null && outside(balance + high)))) {
      return { kind: "too_large", gap };
    }
    balance += total;
  }
  return null;
}

/**
 * The statement that finds the first instant inside a gap at whose end the balance (from `gap.start`) is
 * out of range: `{ at }`. Bounds go as text: past 2^53 a JavaScript number would round them.
 */
export function firstInstantOutside(db: D1Database, spaceId: string, address: string, asset: string, out: Extract<OutOfRange, { gap: unknown }>): D1PreparedStatement {
  const { after, until, start } = out.gap;
  const { inside, params } = gapBounds(after, until);
  const ends = instantEndsSql(`space_id = ? AND address = ? AND asset = ? AND timestamp > ?${inside}`);
  const [below, above] = out.kind === "negative" ? [-start, null] : [-MAX - start, MAX - start];
  const past = above === null ? "" : " OR run > CAST(? AS INTEGER)";
  return db
    .prepare(`SELECT MIN(timestamp) AS at FROM (${ends}) WHERE run < CAST(? AS INTEGER)${past}`)
    .bind(spaceId, address, asset, ...params, below.toString(), ...(above === null ? [] : [above.toString()]));
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
