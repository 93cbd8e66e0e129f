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
}

interface ValuationRow {
  id: string;
  name: string;
  currency: string;
  value: number;
  valued_at: number;
  disposed_on: string | null;
  /** The space's zone, read with a disposed asset's rows only. */
  tz: string | null;
}

// Each asset's valuations in the order that makes the last one by an instant the one in effect then
// (the latest valuation date, then the latest recorded, then the greatest id).
const HISTORY_SQL = (space: string) => `
  SELECT a.id, a.name, a.currency, v.value, v.valued_at, a.disposed_on,
         CASE WHEN a.disposed_on IS NOT NULL THEN (SELECT timezone FROM spaces WHERE id = a.space_id) END AS tz
    FROM manual_assets a JOIN asset_valuations v ON v.asset_id = a.id AND v.valued_at <= ?
   WHERE a.space_id = ${space}
   ORDER BY a.created_at, a.id, v.valued_at, v.created_at, v.id`;

/** The valuations of the assets of the space `space` names (a guarded value) up to `lastMs`. */
export const assetHistoryStatement = (db: D1Database, space: SqlGuard, lastMs: number) =>
  db.prepare(HISTORY_SQL(space.sql)).bind(Math.floor(lastMs), ...space.params);

/** Each asset at its valuation in effect at each of `instants`, from `assetHistoryStatement`'s rows. */
export function assetHoldingsAt(rows: ValuationRow[], instants: number[]): AssetHolding[][] {
  // Each disposed asset's first instant out, from its day in the space's zone as it is now (as the points' days are).
  const goneAt = new Map<string, number>();
  for (const r of rows) if (r.disposed_on !== null && r.tz !== null && !goneAt.has(r.id)) goneAt.set(r.id, instantIn(r.disposed_on, r.tz));
  return instants.map((atMs) => {
    const at = Math.floor(atMs);
    const inEffect = new Map<string, ValuationRow>();
    for (const r of rows) if (r.valued_at <= at && at < (goneAt.get(r.id) ?? Infinity)) inEffect.set(r.id, r);
    return [...inEffect.values()].map((r) => ({ source: "asset", id: r.id, name: r.name, currency: r.currency, valueMinor: BigInt(r.value), asOf: iso(r.valued_at) }));
  });
}

export async function assetHoldings(svc: Services, spaceId: string, atMs: number): Promise<AssetHolding[]> {
  const { results } = await assetHistoryStatement(svc.env.DB, { sql: "?", params: [spaceId] }, atMs).all<ValuationRow>();
  return assetHoldingsAt(results, [atMs])[0]!;
}
