/**
 * How every JSON request body is read as text: as UTF-8, strictly. JSON is UTF-8 (RFC 8259 section 8.1);
 * `Request.text()` would replace each byte that is not UTF-8 with U+FFFD, so a Latin-1 "García" was stored
 * as "Garc\uFFFDa" and answered 201. Here a body whose bytes are not UTF-8 is a 400 (as malformed JSON is),
 * and a body that declares another charset is a 415 (as a body that is not JSON is), before any route sees it.
 * A leading UTF-8 byte-order mark is dropped, as `Request.text()` drops it (RFC 8259 allows a parser to
 * ignore one): it says nothing but "this is UTF-8".
 *
 * The text is read lazily, on the first `c.req.text()` or `c.req.json()` of the request, wherever that is (a
 * rate-limit key read from the body, a webhook's signature check, exact-numbers.ts, the route's validator):
 * a refused caller's body is not read unless something reads it, and nothing can read it leniently first.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/errors";

/** Whether a Content-Type is JSON: `application/json` or a `+json` type, any case, with any parameters. */
export function isJsonMediaType(contentType: string | undefined): boolean {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  return type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"));
}

/**
 * The charsets a Content-Type declares (`charset=ISO-8859-1`, `charset="utf-8"`), lower case and unquoted, found
 * by splitting (no RegExp on client text).
 */
function declaredCharsets(contentType: string): string[] {
  return contentType
    .split(";")
    .slice(1)
    .map((param) => {
      const eq = param.indexOf("=");
      return eq < 0 ? ["", ""] : [param.slice(0, eq).trim().toLowerCase(), param.slice(eq + 1).trim()];
    })
    .filter(([name]) => name === "charset")
    .map(([, value]) => {
      const v = value!.length >= 2 && value!.startsWith('"') && value!.endsWith('"') ? value!.slice(1, -1) : value!;
      return v.trim().toLowerCase();
    });
}

/** `utf8` is the Encoding Standard's other label for UTF-8, which some clients write: the same bytes, so taken. */
const UTF8_LABELS = new Set(["utf-8", "utf8"]);

export const NOT_UTF8 = "The request body is not valid UTF-8: send JSON encoded as UTF-8 (RFC 8259)";
export const OTHER_CHARSET = "Send the request body as UTF-8 JSON: application/json with no charset, or charset=utf-8";

async function strictText(c: Context<AppEnv>): Promise<string> {
  // c.req.raw now, not when the middleware ran: the body limit replaces it with the buffered body of a chunked request.
  const bytes = await c.req.raw.arrayBuffer();
  // An empty body is in no charset: a bodiless DELETE or logout whose client sends its default Content-Type (some
  // send charset=ISO-8859-1 on every request) was refused for it (a review found it).
  if (bytes.byteLength > 0 && declaredCharsets(c.req.header("content-type") ?? "").some((charset) => !UTF8_LABELS.has(charset))) {
    throw new ApiError(415, "UNSUPPORTED_MEDIA_TYPE", OTHER_CHARSET);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ApiError(400, "BAD_REQUEST", NOT_UTF8);
  }
}

/**
 * Puts the strict reading in Hono's body cache as the request's text, so `c.req.text()` and `c.req.json()` (and a
 * read of another form, which Hono derives from the cached text) all get it; a rejected reading rejects every read.
 */
export const utf8Json: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.method !== "GET" && c.req.method !== "HEAD" && isJsonMediaType(c.req.header("content-type"))) {
    let text: Promise<string> | undefined;
    Object.defineProperty(c.req.bodyCache, "text", { enumerable: true, configurable: true, get: () => (text ??= strictText(c)) });
  }
  await next();
};
