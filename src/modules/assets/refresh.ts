/**
 * Daily cron: refresh the valuations of linked assets (collectibles linked to
 * a catalog item, real estate with a looked-up property). One automatic
 * valuation per asset per UTC day: the row carries `refresh_day` under a
 * unique index, so a second run the same day (or a retried one) adds nothing.
 * A value recorded by hand the same day (a refresh or sync, same source and value) is not copied either.
 * A disposed asset (sold: `disposed_on` set) is not refreshed: the space no
 * longer holds it, and a valuation after its disposal day would be refused.
 */
import type { Services } from "../../env";
import { newId } from "../../lib/ids";
import { logError } from "../../lib/log";
import { ZESTIMATE_SOURCE } from "../../providers/real-estate/client";
import { mayValueAsCollectible } from "../collectibles/providers";
import { linkedValue } from "../collectibles/service";
import { zestimateFor } from "../real-estate/service";
import { todayIn } from "../../lib/dates";
import { type AssetRow, latestValuation, recordsAlready } from "./service";

const PAGE = 100;

interface Candidate { id: string; timezone: string }

export async function refreshLinkedValuations(svc: Services): Promise<{ recorded: number; skipped: number; failed: number }> {
  const now = svc.clock.now();
  const day = new Date(now).toISOString().slice(0, 10);
  let after = "";
  let recorded = 0, skipped = 0, failed = 0;
  for (;;) {
    // Linked assets still held, without today's automatic valuation, in id order, a page at a time.
    const { results } = await svc.env.DB.prepare(
      `SELECT a.id, s.timezone FROM manual_assets a JOIN spaces s ON s.id = a.space_id
        WHERE a.id > ?1 AND s.deleted_at IS NULL AND a.disposed_on IS NULL
          AND (a.collectible_provider IS NOT NULL OR (a.type = 'real_estate' AND a.property_id IS NOT NULL))
          AND NOT EXISTS (SELECT 1 FROM asset_valuations v WHERE v.asset_id = a.id AND v.refresh_day = ?2)
        ORDER BY a.id LIMIT ${PAGE}`,
    ).bind(after, day).all<Candidate>();
    for (const c of results) {
      try {
        (await refreshOne(svc, c, day, now)) ? recorded++ : skipped++;
      } catch (err) {
        failed++;
        logError(undefined, "assets.refresh_failed", err, { assetId: c.id });
      }
    }
    if (results.length < PAGE) break;
    after = results[results.length - 1]!.id;
  }
  return { recorded, skipped, failed };
}

async function refreshOne(svc: Services, c: Candidate, day: string, now: number): Promise<boolean> {
  const r = await svc.env.DB.prepare("SELECT * FROM manual_assets WHERE id = ?").bind(c.id).first<Record<string, unknown>>();
  if (!r) return false;
  const asset = {
    id: String(r.id), spaceId: String(r.space_id), type: r.type, currency: String(r.currency), addressLine: r.address_line, city: r.city, state: r.state,
    zipCode: r.zip_code, propertyId: r.property_id, collectibleProvider: r.collectible_provider, collectibleCategory: r.collectible_category,
    collectibleExternalId: r.collectible_external_id, disposedOn: r.disposed_on,
  } as AssetRow;
  if (asset.disposedOn !== null) return false;
  // A catalog link the asset's type does not take (made before links were checked) is passed over: a house keeps its
  // Zestimate, not a sneaker's price.
  const byCatalog = asset.collectibleProvider !== null && mayValueAsCollectible(asset.type, String(asset.collectibleCategory));
  if (!byCatalog && !(asset.type === "real_estate" && asset.propertyId)) return false;
  const { value, source } = byCatalog
    ? await linkedValue(svc, asset)
    : { value: (await zestimateFor(svc, asset)).z.zestimate, source: ZESTIMATE_SOURCE };
  // A value a refresh or sync by hand already recorded today (same source and value, still the asset's latest) is not
  // copied: the history would show it twice on one day.
  const date = todayIn(now, c.timezone);
  if (recordsAlready(await latestValuation(svc, asset.id), { value, date, source })) return false;
  // Only while it is still held: a disposal recorded while the provider answered keeps the value out.
  const res = await svc.env.DB.prepare(
    `INSERT OR IGNORE INTO asset_valuations (id, asset_id, space_id, value, currency, date, valued_at, source, notes, refresh_day, created_by, created_at)
     SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'daily refresh', ?9, NULL, ?10
      WHERE EXISTS (SELECT 1 FROM manual_assets WHERE id = ?2 AND disposed_on IS NULL)`,
  ).bind(newId("val", now), asset.id, asset.spaceId, value, asset.currency, date, now, source, day, now).run();
  return (res.meta.changes ?? 0) > 0;
}
