/**
 * How long ended sign-ins are kept. Every refresh writes a token row (a client refreshing every 15 minutes writes
 * ~2,900 a month), and nothing removed them or their sessions, so the two tables grew without bound. A session
 * expires REFRESH_TTL_MS after it began (never extended), so one that began more than that plus ENDED_SESSION_DAYS
 * ago has been over for at least ENDED_SESSION_DAYS, whether it expired or was revoked sooner: it goes, with its
 * refresh tokens, a bounded number a run of the daily cron. Until then a used token of it still reads as reuse.
 * Nothing else keys on a session (a Life Beat owner's activity is their rate-limit bucket's, lib/user-activity.ts;
 * a document link naming a removed session is refused as one whose session ended).
 */
import type { Services } from "../../env";
import { idFloor } from "../../lib/ids";
import { logInfo } from "../../lib/log";
import { pruneInBatches, type PruneBatches } from "../../lib/prune";
import { REFRESH_TTL_MS } from "./tokens";

export const ENDED_SESSION_DAYS = 30;

/** Sessions removed a batch, and batches a run: 100,000 sessions a day. */
const PRUNE: PruneBatches = { size: 500, batches: 200 };
/** Refresh tokens removed a batch: a session refreshed every 15 minutes holds ~2,900, so a batch's sessions can hold far more than one statement should delete. */
const TOKENS_A_BATCH = 5_000;

/** Removes the sessions over for ENDED_SESSION_DAYS and their refresh tokens; how many sessions went. */
export async function pruneEndedSessions(svc: Services): Promise<number> {
  const db = svc.env.DB;
  // Session ids begin with their creation time, so the primary key's order is the age order: no scan of the recent.
  const before = idFloor("ses", svc.clock.now() - REFRESH_TTL_MS - ENDED_SESSION_DAYS * 86_400_000);
  const oldest = `SELECT id FROM sessions WHERE id < ? ORDER BY id LIMIT ${PRUNE.size}`;
  // A batch removes up to TOKENS_A_BATCH tokens of the oldest sessions, then those of them with no token left (a
  // session goes only after its last token): the next batch goes on with the same sessions until they are gone.
  const removed = await pruneInBatches(
    db,
    () => [
      db.prepare(`DELETE FROM refresh_tokens WHERE token_hash IN (SELECT token_hash FROM refresh_tokens WHERE session_id IN (${oldest}) LIMIT ${TOKENS_A_BATCH})`).bind(before),
      db.prepare(`DELETE FROM sessions WHERE id IN (SELECT o.id FROM (${oldest}) o WHERE NOT EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.session_id = o.id))`).bind(before),
    ],
    PRUNE,
    ([tokens, sessions]) => (tokens!.meta.changes ?? 0) >= TOKENS_A_BATCH || (sessions!.meta.changes ?? 0) >= PRUNE.size,
  );
  if (removed > 0 && svc.env.LOG_LEVEL !== "error") logInfo(undefined, "auth.ended_sessions_pruned", { removed });
  return removed;
}
