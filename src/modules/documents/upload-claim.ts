/**
 * The claim a worker-mode upload holds on its document while its body streams into R2. Only one request holds it
 * (two PUTs of one link at once: one 200, the other 409). A request the client abandoned never gets to give it back:
 * QA cut a streamed PUT off a second in, and the Worker saw no end to its body (no error, no log line), so the
 * link answered 409 TOKEN_ALREADY_USED until it expired, its pending row counting against the space's limits.
 *
 * So a claim is kept alive by its bytes: while they flow, the holder renews `claimed_at` every CLAIM_BEAT_MS (on a
 * chunk, never on a timer) and as its body ends, and a claim with no renewal for CLAIM_IDLE_MS may be taken by a new
 * PUT of the same link. The holder renews, gives back and completes only the claim it holds (`claimed_at` as it last
 * wrote it), so one taken over stops at its next chunk or at its end. A takeover writes an object of its own
 * (CLAIM_KEY_SQL, recorded with the claim so the cleanup finds it): a quiet request whose write completes, or fails and
 * is cleaned up, after it lost its claim (its last bytes were in before the takeover) touches only its own object.
 */
import { WriteHandedOver } from "./storage";

/** A claim renewed this long ago or more may be taken over by the link's next PUT. */
export const CLAIM_IDLE_MS = 15_000;
/** How often a streaming upload renews its claim (at most; only as bytes arrive). */
export const CLAIM_BEAT_MS = 5_000;

/** The claim's condition in the UPDATE that takes it (binds ?1 = now): free, or left idle by its holder. */
export const CLAIMABLE_SQL = `(status = 'pending' OR (status = 'uploading' AND claimed_at <= ?1 - ${CLAIM_IDLE_MS}))`;

/**
 * The object key a claim taken at ?1 writes (SET evaluates against the row as it was): a free document's key as it
 * stands (the key as issued, for every upload nobody abandoned); a takeover's, the key as issued (before any `~`), then
 * `~` and the instant, so the request it took over, whose write may yet complete, never writes the successor's object.
 */
export const CLAIM_KEY_SQL = "CASE WHEN status = 'uploading' THEN substr(r2_key, 1, instr(r2_key || '~', '~') - 1) || '~' || ?1 ELSE r2_key END";

/** An upload whose claim a later PUT of its link took over: it stops, and its request is answered 409. */
export class ClaimTakenOver extends WriteHandedOver {}

/** The claim a request holds: the `claimed_at` it last wrote. */
export interface HeldClaim {
  docId: string;
  at: number;
}

/**
 * Passes the body through, renewing `claim` as its chunks arrive (every CLAIM_BEAT_MS of the clock at most); errors
 * with ClaimTakenOver, before passing the chunk on, when the claim is no longer this request's.
 */
export function claimKeeper(db: D1Database, claim: HeldClaim, now: () => number): TransformStream<Uint8Array, Uint8Array> {
  const renew = async (t: number) => {
    const renewed = await db.prepare("UPDATE asset_documents SET claimed_at = ?1 WHERE id = ?2 AND status = 'uploading' AND claimed_at = ?3")
      .bind(t, claim.docId, claim.at).run();
    if (!renewed.meta.changes) throw new ClaimTakenOver();
    claim.at = t;
  };
  return new TransformStream({
    async transform(chunk, controller) {
      const t = now();
      if (t - claim.at >= CLAIM_BEAT_MS) await renew(t);
      controller.enqueue(chunk);
    },
    // As the body ends: the write then completes as this claim's, or not at all.
    async flush() {
      const t = now();
      if (t !== claim.at) await renew(t);
    },
  });
}

/** Gives the claim back (the same unexpired link may be tried again), if it is still this request's. */
export const releaseClaim = (db: D1Database, claim: HeldClaim) =>
  db.prepare("UPDATE asset_documents SET status = 'pending', claimed_at = NULL WHERE id = ? AND status = 'uploading' AND claimed_at = ?")
    .bind(claim.docId, claim.at).run();
