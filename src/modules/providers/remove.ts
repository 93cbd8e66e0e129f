/** Removing a connection at its provider, where the provider supports it. */
import type { Services } from "../../env";
import { logError } from "../../lib/log";
import { ProviderError } from "../../providers/errors";
import { type ConnectionRow, PENDING_REMOVALS, REMOVAL_PENDING, settleRetired } from "./connections";
import { IN_JSON_LIST, jsonList } from "../../lib/sql";
import { removeBelvoLink } from "./belvo";
import { removePlaidItem } from "./plaid";

export async function removeAtProvider(svc: Services, row: ConnectionRow): Promise<void> {
  try {
    if (row.provider === "plaid") await removePlaidItem(svc, row);
    if (row.provider === "belvo") await removeBelvoLink(svc, row);
  } catch (e) {
    // Gone at the provider already: an earlier removal that took effect there but whose answer was lost (a timeout).
    if (!(e instanceof ProviderError && alreadyGone(e))) throw e;
  }
  // Bitso API keys are revoked by the user in Bitso; disconnecting forgets the secret here.
}

/** A provider's answer that the item or link to remove no longer exists there. */
const alreadyGone = (e: ProviderError) =>
  (e.provider === "plaid" && (e.code === "INVALID_ACCESS_TOKEN" || e.code === "ITEM_NOT_FOUND")) || (e.provider === "belvo" && e.status === 404);

/** Providers whose connections are removed at the provider (others have nothing to remove there). */
export const REMOVABLE_SQL = "('plaid', 'belvo')";

/** How long a deleted space's connection is tried again at its provider before its credentials go all the same. */
const REMOVAL_RETRY_MS = 7 * 86_400_000;

/**
 * A disconnected connection still to be removed at its provider (PENDING_REMOVALS: a deleted space's, REMOVAL_PENDING,
 * or one an admin disconnected while the provider could not be told): removed at its provider, then given its final
 * reason with its credentials wiped and its accounts inactive (settleRetired). A failure is logged by provider and code
 * only (never a token) and the credentials stay, sealed, for the hourly retry; past REMOVAL_RETRY_MS they go all the
 * same. True when the removal succeeded.
 */
export async function retireDeletedSpaceConnection(svc: Services, c: ConnectionRow): Promise<boolean> {
  // A row read before its space's deletion moved it (spaces/service.ts) still has its old reason: a deleted space's.
  const pendingAs = c.status_reason !== null && Object.hasOwn(PENDING_REMOVALS, c.status_reason) ? c.status_reason : REMOVAL_PENDING;
  const next = PENDING_REMOVALS[pendingAs]!;
  const event = pendingAs === REMOVAL_PENDING ? "space.delete" : "connection.disconnect";
  let removed = false;
  try {
    await removeAtProvider(svc, c);
    removed = true;
  } catch (err) {
    const safe = err instanceof ProviderError ? `${err.provider} ${err.code} (HTTP ${err.status})` : (err as Error)?.name ?? "error";
    logError(undefined, `${event}.provider_remove_failed`, new Error(safe), { connectionId: c.id, provider: c.provider });
  }
  const givenUp = !removed && (c.disconnected_at ?? 0) <= svc.clock.now() - REMOVAL_RETRY_MS;
  if (givenUp) logError(undefined, `${event}.provider_remove_given_up`, new Error("removal at the provider kept failing"), { connectionId: c.id, provider: c.provider });
  // Still pending: to the back of the hourly queue, so a few that keep failing do not hold the others back for a week.
  await svc.env.DB.prepare("UPDATE provider_connections SET status_reason = ?, updated_at = ? WHERE id = ? AND status_reason = ?")
    .bind(removed ? next.removed : givenUp ? next.givenUp : pendingAs, svc.clock.now(), c.id, pendingAs).run();
  try {
    await settleRetired(svc, c.id);
  } catch (err) {
    logError(undefined, `${event}.connection_settle_failed`, new Error((err as Error)?.name ?? "error"), { connectionId: c.id });
  }
  return removed;
}

/** Pending removals tried again per hourly run. */
const REMOVALS_PER_RUN = 20;

/** Hourly: disconnected connections whose removal at their provider failed are tried again (retireDeletedSpaceConnection). */
export async function retryPendingRemovals(svc: Services): Promise<number> {
  const { results } = await svc.env.DB.prepare(
    `SELECT * FROM provider_connections WHERE status = 'disconnected' AND status_reason ${IN_JSON_LIST} ORDER BY updated_at LIMIT ${REMOVALS_PER_RUN}`,
  )
    .bind(jsonList(Object.keys(PENDING_REMOVALS)))
    .all<ConnectionRow>();
  let n = 0;
  for (const c of results) if (await retireDeletedSpaceConnection(svc, c)) n++;
  return n;
}
