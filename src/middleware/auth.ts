/** Bearer-token authentication: sets `auth` for the route or answers 401. */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { unauthorized } from "../lib/errors";
import { authenticate } from "../modules/auth/tokens";
import { exactNumbers } from "./exact-numbers";
import { rateLimit } from "./rate-limit";

export const requireAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw unauthorized("Missing bearer token");
  c.set("auth", await authenticate(c.get("services"), match[1]!));
  await next();
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
