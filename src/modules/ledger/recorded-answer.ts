/**
 * A retry of a write that committed, refused by the Worker's own checks since (its category deleted, its
 * account deactivated after the first attempt): with the same Idempotency-Key it must replay the first
 * answer, as the ledger object replays a retry that its own checks refuse; a refusal would tell the client
 * that nothing was written, and it might write again under another key.
 */
import type { Services } from "../../env";
import { ApiError } from "../../lib/errors";
import type { Idempotency } from "./operations";

/**
 * The `returns` recorded under `idempotency` in the space, when `refusal` (a 409 or 422) came from a request's checks and the
 * key is recorded for the same request; a 422 IDEMPOTENCY_KEY_REUSED for another request's key; otherwise the
 * refusal itself. Call it only once the caller's access to `spaceId` has been checked.
 */
export async function recordedAnswerOr(svc: Services, spaceId: string, idempotency: Idempotency | undefined, refusal: unknown): Promise<Record<string, unknown>> {
  // Only a refusal of the request's content or state: one of access (401, 403, 404) stands whoever asks.
  if (!idempotency || !(refusal instanceof ApiError) || (refusal.status !== 409 && refusal.status !== 422)) throw refusal;
  const prior = await svc.env.DB.prepare("SELECT fingerprint, result FROM idempotency_keys WHERE space_id = ? AND key = ?")
    .bind(spaceId, idempotency.key)
    .first<{ fingerprint: string; result: string }>();
  if (!prior) throw refusal;
  if (prior.fingerprint !== idempotency.fingerprint) {
    throw new ApiError(422, "IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was already used with a different request");
  }
  const returns = (JSON.parse(prior.result) as { returns?: Record<string, unknown> }).returns;
  if (!returns) throw refusal;
  return returns;
}
