/**
 * Review-flag merges in flight. Resolving a flag by `merge` claims it first (resolution 'merge', no merged
 * transaction yet) and names the merged transaction only when the merge is done: until then its rows are
 * between two states, and syncs and flag housekeeping leave them alone.
 */
import type { Services } from "../../env";

/** A merge claimed this long ago and still not done has crashed: syncs take its rows back (a merge takes seconds). */
const MERGE_STALE_MS = 10 * 60_000;

/**
 * The SQL condition on a `provider_review_flags` row of a merge in flight: `col` prefixes its columns (an alias),
 * `since` is the placeholder bound to `mergesSince`.
 */
export const mergeInFlight = (col = "", since = "?") => `${col}resolution = 'merge' AND ${col}merged_transaction_id IS NULL AND ${col}resolved_at > ${since}`;

/** The bound value of `mergeInFlight`: claims made after it are live. */
export const mergesSince = (svc: Services) => svc.clock.now() - MERGE_STALE_MS;

/** Ids of the transactions (posted and candidates) of review flags claimed for a merge that is not done yet. */
export async function rowsBeingMerged(svc: Services, spaceId: string): Promise<Set<string>> {
  const rows = await svc.env.DB.prepare(`SELECT transaction_id, candidate_transaction_ids FROM provider_review_flags WHERE space_id = ? AND ${mergeInFlight()}`)
    .bind(spaceId, mergesSince(svc))
    .all<{ transaction_id: string; candidate_transaction_ids: string }>();
  const ids = new Set<string>();
  for (const f of rows.results) {
    ids.add(f.transaction_id);
    for (const id of JSON.parse(f.candidate_transaction_ids) as string[]) ids.add(id);
  }
  return ids;
}
