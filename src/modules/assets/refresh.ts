/**
 * Daily cron: refresh the valuations of linked assets (collectibles linked to
 * a catalog item, real estate with a looked-up property). The cron only lists
 * the assets due and sends one queue message per asset; the queue's consumer
 * calls the provider. One invocation walking every linked asset of every user
 * would hit a Worker's subrequest and time limits long before the list ends
 * (25,000 provider calls for one owner of 50 spaces at the asset cap), and the
 * queue retries nothing that failed: a provider's failure is logged and the
 * next day's run tries again, as before.
 *
 * One automatic valuation per asset per UTC day: the row carries `refresh_day`
 * under a unique index, so a second run the same day (or a message delivered
 * twice) adds nothing; and at most one per day of the space's zone (its `date`),
 * which a message delivered late may have filled already. A message still queued when its UTC day is over is
 * passed over: that day's refresh is missed, and the next run records today's.
 * A value recorded by hand the same day (a refresh or sync, same source and
 * value) is not copied either. A disposed asset (sold: `disposed_on` set) is
 * not refreshed: the space no longer holds it, and a valuation after its
 * disposal day would be refused.
 */
import type { Services } from "../../env";
import { newId } from "../../lib/ids";
import { logError } from "../../lib/log";
import { sendAll } from "../../lib/queues";
import { ZESTIMATE_SOURCE } from "../../providers/real-estate/client";
import { mayValueAsCollectible } from "../collectibles/providers";
import { linkedValue } from "../collectibles/service";
import { zestimateFor } from "../real-estate/service";
import { todayIn } from "../../lib/dates";
import { type AssetRow, latestValuation, recordsAlready } from "./service";

export const VALUATION_REFRESH = "assets.valuation.refresh";

const PAGE = 1000;

export type RefreshOutcome = "recorded" | "skipped" | "failed";

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The cron's part: a message per linked asset still held and without today's automatic valuation. */
export async function enqueueValuationRefreshes(svc: Services): Promise<number> {
  const day = utcDay(svc.clock.now());
  let after = "";
  let sent = 0;
  for (;;) {
    const { results } = await svc.env.DB.prepare(
      `SELECT a.id FROM manual_assets a JOIN spaces s ON s.id = a.space_id
        WHERE a.id > ?1 AND s.deleted_at IS NULL AND a.disposed_on IS NULL
          AND (a.collectible_provider IS NOT NULL OR (a.type = 'real_estate' AND a.property_id IS NOT NULL))
          AND NOT EXISTS (SELECT 1 FROM asset_valuations v WHERE v.asset_id = a.id AND v.refresh_day = ?2)
        ORDER BY a.id LIMIT ${PAGE}`,
    ).bind(after, day).all<{ id: string }>();
    await sendAll(svc.env.BACKGROUND_QUEUE, results.map((r) => ({ type: VALUATION_REFRESH, assetId: r.id, day })));
    sent += results.length;
    if (results.length < PAGE) return sent;
    after = results[results.length - 1]!.id;
  }
}

/** The queue's part: one asset's refresh for `day` (a UTC day), if that day is still today. Never throws. */
export async function runValuationRefresh(svc: Services, assetId: string, day: string): Promise<RefreshOutcome> {
  const now = svc.clock.now();
  if (utcDay(now) !== day) return "skipped";
  try {
    return (await refreshOne(svc, assetId, day, now)) ? "recorded" : "skipped";
  } catch (err) {
    logError(undefined, "assets.refresh_failed", err, { assetId });
    return "failed";
  }
}

async function refreshOne(svc: Services, assetId: string, day: string, now: number): Promise<boolean> {
  const r = await svc.env.DB.prepare(
    "SELECT a.*, s.timezone AS space_timezone FROM manual_assets a JOIN spaces s ON s.id = a.space_id WHERE a.id = ? AND s.deleted_at IS NULL",
  ).bind(assetId).first<Record<string, unknown>>();
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
  const date = todayIn(now, String(r.space_timezone));
  if (recordsAlready(await latestValuation(svc, asset.id), { value, date, source })) return false;
  // Only while it is still held in a live space: a disposal, or the space's deletion, recorded while the provider
  // answered keeps the value out. And only while the space's day has no automatic valuation yet: a message delivered late lands on the next day of a zone west of
  // UTC (the 04:00 UTC run is 23:00 in Bogota, 00:30 there an hour and a half on), which that day's own run, on time,
  // would value a second time under another UTC refresh_day.
  const res = await svc.env.DB.prepare(
    `INSERT OR IGNORE INTO asset_valuations (id, asset_id, space_id, value, currency, date, valued_at, source, notes, refresh_day, created_by, created_at)
     SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'daily refresh', ?9, NULL, ?10
      WHERE EXISTS (SELECT 1 FROM manual_assets a JOIN spaces s ON s.id = a.space_id WHERE a.id = ?2 AND a.disposed_on IS NULL AND s.deleted_at IS NULL)
        AND NOT EXISTS (SELECT 1 FROM asset_valuations d WHERE d.asset_id = ?2 AND d.date = ?6 AND d.refresh_day IS NOT NULL)`,
  ).bind(newId("val", now), asset.id, asset.spaceId, value, asset.currency, date, now, source, day, now).run();
  return (res.meta.changes ?? 0) > 0;
}
