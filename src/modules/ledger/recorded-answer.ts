/**
 * What an Idempotency-Key recorded in a space, read in one place for the space's ledger object (a retry that
 * its checks refuse) and for the Worker (a retry that its own checks refuse, its category deleted or its
 * account deactivated after the first attempt committed): either replays the first answer, since a refusal
 * would tell the client that nothing was written, and it might write again under another key.
 */
import type { Services } from "../../env";
import { ApiError } from "../../lib/errors";
import type { Idempotency } from "./operations";

export const KEY_REUSED_MESSAGE = "This Idempotency-Key was already used with a different request; send a new key for a new request, or the first request's body to get its answer again";

/**
 * The answer recorded under `idempotency` in the space, parsed; "reused" when the key was recorded for another
 * request (another fingerprint); null when it is unused.
 */
export async function recordedUnder(db: D1Database, spaceId: string, idempotency: Idempotency): Promise<Record<string, unknown> | "reused" | null> {
  const prior = await db.prepare("SELECT fingerprint, result FROM idempotency_keys WHERE space_id = ? AND key = ?")
    .bind(spaceId, idempotency.key)
    .first<{ fingerprint: string; result: string }>();
  if (!prior) return null;
  return prior.fingerprint === idempotency.fingerprint ? (JSON.parse(prior.result) as Record<string, unknown>) : "reused";
}

/**
 * The `returns` recorded under `idempotency` in the space, when `refusal` (a 409 or 422) came from a request's
 * checks and the key is recorded for the same request; a 422 IDEMPOTENCY_KEY_REUSED for another request's key;
 * otherwise the refusal itself. Call it only once the caller's access to `spaceId` has been checked.
 */
export async function recordedAnswerOr(svc: Services, spaceId: string, idempotency: Idempotency | undefined, refusal: unknown): Promise<Record<string, unknown>> {
  // Only a refusal of the request's content or state: one of access (401, 403, 404) stands whoever asks.
  if (!idempotency || !(refusal instanceof ApiError) || (refusal.status !== 409 && refusal.status !== 422)) throw refusal;
  const recorded = await recordedUnder(svc.env.DB, spaceId, idempotency);
  if (recorded === "reused") throw new ApiError(422, "IDEMPOTENCY_KEY_REUSED", KEY_REUSED_MESSAGE);
  const returns = recorded?.returns as Record<string, unknown> | undefined;
  if (!returns) throw refusal;
  return returns;
}
