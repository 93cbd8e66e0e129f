/** Bearer-token authentication: sets `auth` for the route or answers 401. */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { unauthorized } from "../lib/errors";
import { authenticate } from "../modules/auth/tokens";
import { rateLimit } from "./rate-limit";

export const requireAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw unauthorized("Missing bearer token");
  c.set("auth", await authenticate(c.get("services"), match[1]!));
  await next();
};

/** Middleware stacks for createRoute's `middleware`, by who may call and which policy applies. */
export const guards: Record<"publicAuth" | "userAuthPolicy" | "user" | "bulk", MiddlewareHandler<AppEnv>[]> = {
  /** Anyone; the `auth` policy keyed by client IP. */
  publicAuth: [rateLimit("auth")],
  /** A signed-in user; the `auth` policy (2FA endpoints). */
  userAuthPolicy: [requireAuth, rateLimit("auth")],
  /** A signed-in user; the `general` policy. */
  user: [requireAuth, rateLimit("general")],
  /** A signed-in user; the `bulk` policy. */
  bulk: [requireAuth, rateLimit("bulk")],
};
