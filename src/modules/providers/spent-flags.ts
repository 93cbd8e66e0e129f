/**
 * Review flags nothing can resolve any more are closed, not left open: once none of a flag's candidates is a
 * pending row (another flag's merge, or a sync, made one the posted transaction; or it was removed), or its
 * posted transaction was removed, a `merge` could only answer 409 and the person would be left with a flag
 * they cannot clear. Closed is `resolved_at` set with no `resolution` (no person chose one): the API's
 * status `closed`. A flag touched by a merge still in flight is left for later (that merge may yet be undone).
 */
import type { Services } from "../../env";
import { mergeInFlight, mergesSince } from "./merge-claims";

/** Closes the space's spent open flags; returns how many. */
export async function closeSpentFlags(svc: Services, spaceId: string): Promise<number> {
  const res = await svc.env.DB.prepare(
    `UPDATE provider_review_flags AS f SET resolved_at = ?1
      WHERE f.space_id = ?2 AND f.resolved_at IS NULL
        AND (NOT EXISTS (SELECT 1 FROM json_each(f.candidate_transaction_ids) c JOIN transactions t ON t.id = c.value WHERE t.status = 'pending')
             OR NOT EXISTS (SELECT 1 FROM transactions t WHERE t.id = f.transaction_id AND t.status != 'cancelled'))
        AND NOT EXISTS (SELECT 1 FROM provider_review_flags m WHERE m.space_id = ?2 AND ${mergeInFlight("m.", "?3")})`,
  )
    .bind(svc.clock.now(), spaceId, mergesSince(svc))
    .run();
  return res.meta.changes;
}
