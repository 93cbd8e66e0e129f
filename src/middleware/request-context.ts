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

/**
 * A path segment with every `%XX` escape decoded, escape by escape (a malformed one is kept as it is, so one bad
 * escape does not stop the rest), as often as that still changes it (`%25252564` is `d`). Bytes decode to code units
 * alone: only ASCII names are looked for in it.
 */
function decodedEscapes(segment: string): string {
  let text = segment;
  for (let round = 0; round < 8 && text.includes("%"); round++) {
    let out = "";
    for (let i = 0; i < text.length; i++) {
      const hex = text.charAt(i) === "%" ? text.slice(i + 1, i + 3) : "";
      const byte = hex.length === 2 && isHex(hex) ? parseInt(hex, 16) : -1;
      if (byte < 0) out += text.charAt(i);
      else (out += String.fromCharCode(byte)), (i += 2);
    }
    if (out === text) break;
    text = out;
  }
  return text;
}

const isHex = (s: string) => [...s].every((c) => (c >= "0" && c <= "9") || (c >= "a" && c <= "f") || (c >= "A" && c <= "F"));

/** A segment's name as a route would read it, or a near miss of one: no control characters, `;` parameters or spaces, in any case. */
const nameOf = (segment: string) =>
  [...segment].filter((c) => c >= " " && c !== "\x7f").join("").split(";")[0]!.trim().toLowerCase();

/**
 * The path as logged: whatever follows a segment named like `downloads` (routed or a near miss: encoded, in
 * another case, with `;x`, a space or an encoded slash, after a double slash) is written `:token`, so reading the
 * logs does not hand out the power of a signed link or an invitation.
 */
export function loggedPath(pathname: string): string {
  // Decoded segment by segment, then split again: an encoded slash (`downloads%2F<token>`) separates too.
  const segments = pathname.split("/").flatMap((s) => decodedEscapes(s).split("/"));
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
