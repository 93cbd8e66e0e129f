/**
 * What a provider's "the login is needed again" webhook does (Plaid's ITEM_LOGIN_REQUIRED, Belvo's invalid_credentials
 * or token_required), once the provider has been asked how the item or link stands now: the webhook may be late or
 * replayed, the login repaired since. Needed still: reauth_required. Fine now: nothing (`healthy`, the action said).
 * The provider could not be asked: a sync is queued, which finds the login needed if it is.
 */
import type { Services } from "../../env";
import { type ConnectionRow, setStatus } from "./connections";
import { enqueueSync } from "./sync";

export async function actOnLoginAlarm(
  svc: Services, conn: ConnectionRow, neededNow: boolean | undefined, reason: string, healthy: string,
): Promise<string> {
  if (neededNow === true) {
    await setStatus(svc, conn.id, "reauth_required", reason);
    return "reauth_required";
  }
  if (neededNow === false) return healthy;
  if (conn.status === "reauth_required") return "ignored";
  const { jobId, created } = await enqueueSync(svc, conn, "webhook");
  return created ? `unconfirmed;sync_enqueued:${jobId}` : `unconfirmed;sync_in_progress:${jobId}`;
}
