/**
 * A value recorded over time, at most one point a thing per day (DeFi positions, gaming rows): the first sync
 * of a day that changes a thing's value writes a point at its instant, holding the value until the next
 * point; a point with no value (NULL) says the thing was no longer held from then on. A later sync of the same
 * day that changes the value (or no longer sees the thing, or sees it again) replaces that point's value and
 * keeps its instant, so the last sync of the day wins and the history grows by at most a point a thing a day
 * however often a wallet is synced (a manual sync is allowed 5 a minute, and real values change on each).
 * Within the current day a past instant therefore shows the day's latest value; a past day is never
 * rewritten, as the day is the space's (`historyDayStart`): a UTC day would let today's syncs rewrite the end
 * of a local day that ended earlier in the same UTC day (the net-worth history's point for it). Used by the
 * DeFi and gaming net-worth sources.
 *
 * A history table has `space_id`, the thing's key columns, `synced_at` and `value_usd`, with the key and
 * `synced_at` as its primary key and an index on `(space_id, synced_at) WHERE value_usd IS NULL`.
 */
import type { SqlGuard } from "./sql";
import { zonedDate, zonedMidnight } from "./zoned-time";

/** The instant the day of `now` began in the space's zone `tz`: a history keeps one point a thing from then on. */
export const historyDayStart = (now: number, tz: string) => zonedMidnight(zonedDate(now, tz), tz);

/**
 * SQL: the instant a sync at `now` writes a thing's point at: that of the point it already has since
 * `dayStart` (replaced: one point a day), else `now`. `match` ties `v` (the table's alias here) to the thing.
 * MAX: a day written before points were one a day may hold several, and only the last is in effect now.
 */
export const dayPointAt = (table: string, match: string, dayStart: string, now: string) =>
  `COALESCE((SELECT MAX(v.synced_at) FROM ${table} v WHERE ${match} AND v.synced_at >= ${dayStart}), ${now})`;

/**
 * SQL: true while no sync of wallet `wallet` later than `now` has written (`defi_wallets.last_synced_at`, set by a
 * wallet sync's DeFi batch; its gaming batch carries the same instant). Two syncs of a wallet may race (the
 * cron's and a manual one, or two manual ones): the one that started earlier but writes last must change
 * nothing, so positions and their histories converge to the later sync's answer whatever order batches land in.
 */
export const notSuperseded = (wallet: string, now: string) => `NOT EXISTS (SELECT 1 FROM defi_wallets WHERE id = ${wallet} AND last_synced_at > ${now})`;

/** SQL: the value of a thing's latest point (NULL when it has none, or its latest says it is gone). */
export const latestValue = (table: string, match: string) => `(SELECT v.value_usd FROM ${table} v WHERE ${match} ORDER BY v.synced_at DESC LIMIT 1)`;

/** Inclusive instants (ms) a valuation asks about. */
export interface Span {
  lo: number;
  hi: number;
}

export interface HistoryTable {
  table: string;
  /** The columns that name one thing (its points share them). */
  keys: string[];
  /** SQL selecting the keys of what is held now (its current rows) in the space `(SELECT id FROM sp)`. */
  current: string;
}

/**
 * `WITH sp(id), r(lo, hi), ids(keys...), pts(keys..., synced_at)`: the points that decide the value at every
 * instant of `spans` of the things of the space `space` names: per thing, the one in effect at each span's
 * start and those inside it (not every point since it was first seen: a daily sync makes a year of them).
 * The things are what is held now and what stopped being held after the earliest span's start (the
 * partial index holds those): anything that stopped before holds nothing at any instant asked about.
 * Every lookup is an index seek; the spans are one JSON parameter, whatever their number.
 */
export function historyPointsCte(t: HistoryTable, space: SqlGuard, spans: Span[]): { sql: string; params: unknown[] } {
  const keys = t.keys.join(", ");
  const same = (a: string, b: string) => t.keys.map((k) => `${a}.${k} = ${b}.${k}`).join(" AND ");
  const sql = `WITH sp(id) AS MATERIALIZED (SELECT ${space.sql}),
    r(lo, hi) AS (SELECT value ->> '$[0]', value ->> '$[1]' FROM json_each(?)),
    ids(${keys}) AS (
      ${t.current}
      UNION SELECT ${keys} FROM ${t.table} WHERE space_id = (SELECT id FROM sp) AND value_usd IS NULL AND synced_at > (SELECT MIN(lo) FROM r)),
    pts(${keys}, synced_at) AS (
      SELECT ${t.keys.map((k) => `ids.${k}`).join(", ")}, (SELECT MAX(v.synced_at) FROM ${t.table} v WHERE ${same("v", "ids")} AND v.synced_at <= r.lo) FROM ids, r
      UNION
      SELECT ${t.keys.map((k) => `v.${k}`).join(", ")}, v.synced_at FROM ids, r, ${t.table} v WHERE ${same("v", "ids")} AND v.synced_at > r.lo AND v.synced_at <= r.hi)`;
  return { sql, params: [...space.params, JSON.stringify(spans.map((s) => [Math.floor(s.lo), Math.floor(s.hi)]))] };
}

export interface ValuePoint {
  synced_at: number;
  value_usd: string | null;
}

/** Consecutive rows of one thing (`keyOf`), in the order read (the SQL sorts by key, then instant). */
export function groupRuns<R>(rows: R[], keyOf: (r: R) => string): R[][] {
  const out: R[][] = [];
  let key: string | undefined;
  for (const r of rows) {
    const k = keyOf(r);
    if (k !== key || out.length === 0) out.push([]);
    key = k;
    out[out.length - 1]!.push(r);
  }
  return out;
}

/**
 * For each of `instants` (ascending), the point of `points` (one thing's, ascending by instant) in effect
 * then when it holds a value: undefined before the first point and from a point with no value on.
 */
export function valuesInEffect<P extends ValuePoint>(points: P[], instants: number[]): (P | undefined)[] {
  let i = -1;
  return instants.map((at) => {
    while (i + 1 < points.length && points[i + 1]!.synced_at <= at) i++;
    const p = i >= 0 ? points[i] : undefined;
    return p && p.value_usd !== null ? p : undefined;
  });
}
