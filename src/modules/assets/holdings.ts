/**
 * Manual assets as a net-worth source (for analytics): each asset of a space
 * once, at its latest valuation taking effect at or before an instant. An
 * asset with no valuation by then contributes nothing, and neither does one
 * disposed of by then (from the start of its `disposed_on` day in the space's
 * zone): the days before keep it. One statement reads every valuation up to
 * the last instant, for any number of instants.
 */
import type { Services } from "../../env";
import { iso } from "../../lib/clock";
import { instantIn } from "../../lib/dates";
import type { SqlGuard } from "../../lib/sql";

export interface AssetHolding {
  source: "asset";
  id: string;
  name: string;
  currency: string;
  /** Integer minor units of `currency`. */
  valueMinor: bigint;
  /** ISO 8601 instant the valuation took effect. */
  asOf: string;
  /**
   * Set when the asset was entered with its value as of the moment it was recorded (no earlier valuation date):
   * when it was recorded. It was owned before at a value nobody wrote down, so a comparison from before then
   * cannot count it as a gain (the dashboard's change). An asset entered with an earlier valuation date has a
   * past, and is compared like any holding: a car bought ten days ago from a counted account is no loss.
   */
  knownSince?: number;
}

interface ValuationRow {
  id: string;
  name: string;
  currency: string;
  value: number;
  valued_at: number;
  created_at: number;
  disposed_on: string | null;
  /** The space's zone, read with a disposed asset's rows only. */
  tz: string | null;
}

const RECORDED_SLACK_MS = 60_000;

// Each asset's valuations in the order that makes the last one by an instant the one in effect then: the latest
// day's (`date`), of those the last entered, then the greatest id (as assets' latestValuationRead: a correction
// dated a past day wins over a value recorded during that day)
const HISTORY_SQL = (space: string) => `
  SELECT a.id, a.name, a.currency, v.value, v.valued_at, a.created_at, a.disposed_on,
         CASE WHEN a.disposed_on IS NOT NULL THEN (SELECT timezone FROM spaces WHERE id = a.space_id) END AS tz
    FROM manual_assets a JOIN asset_valuations v ON v.asset_id = a.id AND v.valued_at <= ?
   WHERE a.space_id = ${space}
   ORDER BY a.created_at, a.id, v.date, v.created_at, v.id`;

/** The valuations of the assets of the space `space` names (a guarded value) up to `lastMs`. */
export const assetHistoryStatement = (db: D1Database, space: SqlGuard, lastMs: number) =>
  db.prepare(HISTORY_SQL(space.sql)).bind(Math.floor(lastMs), ...space.params);

/** Each asset at its valuation in effect at each of `instants`, from `assetHistoryStatement`'s rows. */
export function assetHoldingsAt(rows: ValuationRow[], instants: number[]): AssetHolding[][] {
  // Each disposed asset's first instant out, from its day in the space's zone as it is now (as the points' days are).
  const goneAt = new Map<string, number>();
  for (const r of rows) if (r.disposed_on !== null && r.tz !== null && !goneAt.has(r.id)) goneAt.set(r.id, instantIn(r.disposed_on, r.tz));
  // Each asset's first valuation is its first row. One taking effect when the asset was recorded (a minute's
  // slack for the two clock readings) was written with no earlier date; a dated one starts a day or more before.
  const knownSince = new Map<string, number>();
  const seen = new Set<string>();
  for (const r of rows) {
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    if (r.valued_at >= r.created_at - RECORDED_SLACK_MS) knownSince.set(r.id, r.created_at);
  }
  return instants.map((atMs) => {
    const at = Math.floor(atMs);
    const inEffect = new Map<string, ValuationRow>();
    for (const r of rows) if (r.valued_at <= at && at < (goneAt.get(r.id) ?? Infinity)) inEffect.set(r.id, r);
    return [...inEffect.values()].map((r) => {
      const since = knownSince.get(r.id);
      return { source: "asset", id: r.id, name: r.name, currency: r.currency, valueMinor: BigInt(r.value), asOf: iso(r.valued_at), ...(since === undefined ? {} : { knownSince: since }) };
    });
  });
}

export async function assetHoldings(svc: Services, spaceId: string, atMs: number): Promise<AssetHolding[]> {
  const { results } = await assetHistoryStatement(svc.env.DB, { sql: "?", params: [spaceId] }, atMs).all<ValuationRow>();
  return assetHoldingsAt(results, [atMs])[0]!;
}
