/**
 * The first middleware: a request id for every response and log line, and the
 * services object that handlers pass to the domain layer.
 */
import type { MiddlewareHandler } from "hono";
import { lazyDb } from "../db/client";
import type { AppEnv } from "../env";
import { systemClock } from "../lib/clock";
import { newId } from "../lib/ids";
import { logInfo } from "../lib/log";

/** Path segments after which a bearer secret follows (a signed upload or download link, a household invitation). */
const SECRET_AFTER = new Set(["uploads", "downloads", "invitations"]);

/**
 * A segment as the router reads it: percent-decoded (`%64ownloads` is routed as `downloads`), and in any case, so a
 * near miss that reaches no route is not logged with the secret after it either.
 */
function routedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment).toLowerCase();
  } catch {
    return segment.toLowerCase();
  }
}

/** The path as logged: a secret segment is written `:token`, so reading the logs does not hand out its power. */
export function loggedPath(pathname: string): string {
  const parts = pathname.split("/");
  for (let i = 1; i < parts.length; i++) if (parts[i] && SECRET_AFTER.has(routedSegment(parts[i - 1]!))) parts[i] = ":token";
  return parts.join("/");
}

/** Client-supplied ids are kept only when they look harmless, so they cannot inject into logs. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export const requestContext: MiddlewareHandler<AppEnv> = async (c, next) => {
  const incoming = c.req.header("x-request-id");
  const requestId = incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : newId("req");
  c.set("requestId", requestId);
  const db = lazyDb(c.env.DB);
  c.set("services", { env: c.env, get db() { return db(); }, clock: systemClock });
  c.header("X-Request-Id", requestId);
  const started = Date.now();
  await next();
  // Responses built outside the handler chain (errors, 404s) get the id too.
  if (!c.res.headers.has("X-Request-Id")) c.res.headers.set("X-Request-Id", requestId);
  // One access-log line per request: the path without its query string or secrets, never headers or bodies.
  if (c.env.LOG_LEVEL !== "error") logInfo(requestId, "request", {
    method: c.req.method,
    path: loggedPath(new URL(c.req.url).pathname),
    status: c.res.status,
    ms: Date.now() - started,
    userId: c.get("auth")?.userId,
  });
};
