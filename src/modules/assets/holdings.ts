/**
 * Manual assets as a net-worth source (for analytics): each asset of a space
 * once, at its latest valuation taking effect at or before `atMs`. An asset
 * with no valuation by then contributes nothing.
 */
import type { Services } from "../../env";
import { iso } from "../../lib/clock";

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

// One row per asset: the valuation is picked by a correlated subquery, so an asset counts once however many valuations it has.
const HOLDINGS_SQL = `
  SELECT a.id, a.name, a.currency, v.value, v.valued_at
    FROM manual_assets a
    JOIN asset_valuations v ON v.id = (
      SELECT id FROM asset_valuations
       WHERE asset_id = a.id AND valued_at <= ?2
       ORDER BY valued_at DESC, created_at DESC, id DESC LIMIT 1)
   WHERE a.space_id = ?1
   ORDER BY a.created_at, a.id`;

export async function assetHoldings(svc: Services, spaceId: string, atMs: number): Promise<AssetHolding[]> {
  const { results } = await svc.env.DB.prepare(HOLDINGS_SQL)
    .bind(spaceId, Math.floor(atMs))
    .all<{ id: string; name: string; currency: string; value: number; valued_at: number }>();
  return results.map((r) => ({ source: "asset", id: r.id, name: r.name, currency: r.currency, valueMinor: BigInt(r.value), asOf: iso(r.valued_at) }));
}
