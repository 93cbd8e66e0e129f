/**
 * Bearer-token authentication: sets `auth` for the route or answers 401.
 *
 * A write checks its session before anything else. A read (GET) checks the
 * token's signature and claims at once, and its session in the batch of its
 * first D1 round trip (the membership check of the space it reads), so a read
 * costs one round trip fewer; if the route never made that check, the session
 * is checked before the response leaves. Either way nothing is answered to a
 * revoked or expired session but 401.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv, AuthContext } from "../env";
import { unauthorized } from "../lib/errors";
import { withSessionCheck } from "../modules/spaces/access";
import { ACCESS_TTL_SECONDS, authenticate, verifyAccessToken } from "../modules/auth/tokens";
import { bodyLanguage } from "./body-language";
import { exactNumbers } from "./exact-numbers";
import { rateLimit, refundTaken } from "./rate-limit";

/**
 * Sessions this isolate saw end, until any access token of theirs has expired: their next reads are refused before
 * they cost anything (a rate-limit token, a D1 read, a provider call). Bounded: forgotten all at once when full, after
 * which each is refused again by its session check, as before it was remembered.
 */
const endedSessions = new Map<string, number>();
const MAX_ENDED_SESSIONS = 10_000;

function rememberEnded(sessionId: string, now: number): void {
  if (endedSessions.size >= MAX_ENDED_SESSIONS) endedSessions.clear();
  endedSessions.set(sessionId, now + ACCESS_TTL_SECONDS * 1000);
}

const endedLately = (sessionId: string, now: number) => (endedSessions.get(sessionId) ?? 0) > now;

const bearerAuth = (deferWrites: boolean): MiddlewareHandler<AppEnv> => async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw unauthorized("Missing bearer token: send Authorization: Bearer <accessToken>, as POST /v1/auth/login returns it");
  const svc = c.get("services");
  const request = { method: c.req.method, path: new URL(c.req.url).pathname };
  if (c.req.method !== "GET" && !deferWrites) {
    c.set("auth", { ...(await authenticate(svc, match[1]!)), request });
    return next();
  }
  const auth: AuthContext = { ...(await verifyAccessToken(svc, match[1]!)), email: "", twoFactorEnabled: false, stepUpAt: null, unverified: true, request };
  if (endedLately(auth.sessionId, svc.clock.now())) throw unauthorized("Session has ended");
  c.set("auth", auth);
  await next();
  // Whatever the route answered, a session that has ended gets a 401 instead (seen in the route's batch, or checked now).
  if (!auth.sessionEnded && auth.unverified) {
    try {
      await withSessionCheck(svc, auth, []);
    } catch (err) {
      if (!auth.sessionEnded) throw err;
    }
  }
  if (auth.sessionEnded) {
    // The rate-limit token it took is given back: a stolen token, once logged out, spends nothing of its user's limits.
    rememberEnded(auth.sessionId, svc.clock.now());
    await refundTaken(c);
    throw unauthorized("Session has ended");
  }
};

export const requireAuth = bearerAuth(false);

/**
 * For a write route whose first D1 call is a batch through `withSessionCheck`
 * (so the session is verified before anything is read, let alone written):
 * the session check rides in that batch as a read's does, saving the write a
 * round trip. Only for routes that write nothing before that batch; any error
 * they answer before it is replaced by the 401 of an ended session, as for reads.
 */
const requireAuthInFirstBatch = bearerAuth(true);

/**
 * Middleware stacks for createRoute's `middleware`, by who may call and which
 * policy applies. The body's numbers are checked last: after the caller is
 * known and counted, so a large body costs an anonymous or limited client nothing.
 */
export const guards: Record<"publicAuth" | "register" | "userAuthPolicy" | "user" | "userSessionInBatch" | "bulk", MiddlewareHandler<AppEnv>[]> = {
  /** Anyone; the `auth` policy keyed by client IP. */
  publicAuth: [rateLimit("auth"), exactNumbers],
  /** As `publicAuth`, answering in the language the body names (a registration's `locale`). */
  register: [rateLimit("auth"), bodyLanguage, exactNumbers],
  /** A signed-in user; the `auth` policy (2FA endpoints). */
  userAuthPolicy: [requireAuth, rateLimit("auth"), exactNumbers],
  /** A signed-in user; the `general` policy. */
  user: [requireAuth, rateLimit("general"), exactNumbers],
  /** As `user`, for a write whose service checks the session in its first D1 batch (see requireAuthInFirstBatch). */
  userSessionInBatch: [requireAuthInFirstBatch, rateLimit("general"), exactNumbers],
  /** A signed-in user; the `bulk` policy. */
  bulk: [requireAuth, rateLimit("bulk"), exactNumbers],
};
