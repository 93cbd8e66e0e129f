/**
 * A user's own sessions: the live ones listed (never their token hashes), and
 * any of them ended, one by id or all but the caller's, so that a stolen
 * device or token can be signed out from another. Ending a session is the
 * revocation logout uses (tokens.ts), so it is refused everywhere at once.
 */
import { and, eq, gt } from "drizzle-orm";
import type { AuthContext, Services } from "../../env";
import { sessions } from "../../db/schema";
import { iso } from "../../lib/clock";
import { notFound } from "../../lib/errors";
import { pagination } from "../../lib/pagination";
import { withSessionCheck } from "../spaces/access";
import { otherLiveSessions, revokeSessionsWhere } from "./tokens";

interface SessionListRow {
  id: string;
  created_at: number;
  expires_at: number;
  last_refreshed_at: number | null;
}

const LIVE = "FROM sessions s WHERE s.user_id = ? AND s.revoked_at IS NULL AND s.expires_at > ?";

/**
 * The caller's live sessions, newest first, with the session check in the same batch (one round trip).
 * A session's refresh tokens are stored one per start or refresh, so the newest one's time is its last
 * refresh; requests themselves are not recorded (that would be a write on every read).
 */
export async function listSessions(svc: Services, auth: AuthContext, q: { limit: number; offset: number }) {
  const db = svc.env.DB;
  const now = svc.clock.now();
  const [page, total] = await withSessionCheck(svc, auth, [
    db
      .prepare(
        `SELECT s.id, s.created_at, s.expires_at, (SELECT MAX(r.created_at) FROM refresh_tokens r WHERE r.session_id = s.id) AS last_refreshed_at
           ${LIVE} ORDER BY s.created_at DESC, s.id DESC LIMIT ? OFFSET ?`,
      )
      .bind(auth.userId, now, q.limit, q.offset),
    db.prepare(`SELECT COUNT(*) AS n ${LIVE}`).bind(auth.userId, now),
  ]);
  const rows = page!.results as unknown as SessionListRow[];
  return {
    sessions: rows.map((r) => ({
      id: r.id,
      createdAt: iso(r.created_at),
      lastRefreshedAt: iso(r.last_refreshed_at ?? r.created_at),
      expiresAt: iso(r.expires_at),
      current: r.id === auth.sessionId,
    })),
    pagination: pagination((total!.results[0] as { n: number }).n, q.limit, q.offset),
  };
}

/** Ends one of the caller's own live sessions (the current one too: that is a logout). Anyone else's is a 404. */
export async function revokeOwnSession(svc: Services, auth: AuthContext, sessionId: string): Promise<void> {
  const res = await revokeSessionsWhere(
    svc,
    and(eq(sessions.id, sessionId), eq(sessions.userId, auth.userId), gt(sessions.expiresAt, svc.clock.now())),
    "revoked_by_user",
  ).run();
  if (res.meta.changes !== 1) throw notFound("Session");
}

/** Ends every live session of the caller's but the one making the request. */
export async function revokeOtherSessions(svc: Services, auth: AuthContext): Promise<{ revokedSessions: number }> {
  const res = await revokeSessionsWhere(svc, otherLiveSessions(svc, auth.userId, auth.sessionId), "revoked_by_user").run();
  return { revokedSessions: res.meta.changes };
}
