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
import type { AppEnv } from "../env";
import { unauthorized } from "../lib/errors";
import { withSessionCheck } from "../modules/spaces/access";
import { authenticate, verifyAccessToken } from "../modules/auth/tokens";
import { exactNumbers } from "./exact-numbers";
import { rateLimit } from "./rate-limit";

export const requireAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw unauthorized("Missing bearer token");
  const svc = c.get("services");
  const request = { method: c.req.method, path: new URL(c.req.url).pathname };
  if (c.req.method !== "GET") {
    c.set("auth", { ...(await authenticate(svc, match[1]!)), request });
    return next();
  }
  const auth = { ...(await verifyAccessToken(svc, match[1]!)), email: "", twoFactorEnabled: false, stepUpAt: null, unverified: true, request };
  c.set("auth", auth);
  await next();
  // Whatever the route answered, a session that has ended gets a 401 instead.
  if (auth.unverified) await withSessionCheck(svc, auth, []);
};

/**
 * Middleware stacks for createRoute's `middleware`, by who may call and which
 * policy applies. The body's numbers are checked last: after the caller is
 * known and counted, so a large body costs an anonymous or limited client nothing.
 */
export const guards: Record<"publicAuth" | "userAuthPolicy" | "user" | "bulk", MiddlewareHandler<AppEnv>[]> = {
  /** Anyone; the `auth` policy keyed by client IP. */
  publicAuth: [rateLimit("auth"), exactNumbers],
  /** A signed-in user; the `auth` policy (2FA endpoints). */
  userAuthPolicy: [requireAuth, rateLimit("auth"), exactNumbers],
  /** A signed-in user; the `general` policy. */
  user: [requireAuth, rateLimit("general"), exactNumbers],
  /** A signed-in user; the `bulk` policy. */
  bulk: [requireAuth, rateLimit("bulk"), exactNumbers],
};
