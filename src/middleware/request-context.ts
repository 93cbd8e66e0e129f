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

/** After the token: the words a route with one ends in (`.../invitations/:token/accept`); anything else is redacted too. */
const SAFE_AFTER_TOKEN = new Set(["accept", "decline"]);

/** The path percent-decoded as often as it still changes (`%2564` is `%64` is `d`), as far as it decodes. */
function fullyDecoded(pathname: string): string {
  let path = pathname;
  for (let i = 0; i < 3; i++) {
    let next: string;
    try {
      next = decodeURIComponent(path);
    } catch {
      break;
    }
    if (next === path) break;
    path = next;
  }
  return path;
}

/** A segment's name as a route would read it, or a near miss of one: no `;` parameters, no spaces, in any case. */
const nameOf = (segment: string) => segment.split(";")[0]!.trim().toLowerCase();

/**
 * The path as logged: whatever follows a segment named like `downloads` (routed or a near miss: encoded, in
 * another case, with `;x`, a space or an encoded slash, after a double slash) is written `:token`, so reading the
 * logs does not hand out the power of a signed link or an invitation.
 */
export function loggedPath(pathname: string): string {
  const segments = fullyDecoded(pathname).split("/");
  const at = segments.findIndex((s) => SECRET_AFTER.has(nameOf(s)));
  if (at < 0) return pathname;
  const tail = segments.slice(at + 1).filter((s) => s !== "");
  const redacted = tail.map((s, i) => (i > 0 && SAFE_AFTER_TOKEN.has(nameOf(s)) ? s : ":token"));
  return [...segments.slice(0, at + 1), ...redacted].join("/");
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
