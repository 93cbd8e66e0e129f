/**
 * The size limit of every request body but an upload's (those stream into R2 under their own signed cap): at
 * most 1 MiB, a 413 past it, whether the body declares its length or comes chunked.
 *
 * Hono's bodyLimit answered a chunked body's 413 with the rest of the body unread and its reader still locked,
 * so nothing after it could drain it either: local workerd (wrangler dev) then left the kept-alive connection
 * stuck, and the next request, from any client, waited minutes for an answer. Here a refused body is read on to
 * its end (within a bound, after which it is cancelled) before the 413 goes out, as an upload's refused body is
 * (lib/discard-body.ts).
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { discardBody } from "../lib/discard-body";
import { ApiError } from "../lib/errors";
import { errorResponse } from "./errors";

/** JSON bodies above this size are refused with 413 before they are parsed. */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;

/** How much of a refused body is read and thrown away to keep the connection usable; past it the stream is cancelled. */
const DRAIN_BYTES = 16 * MAX_JSON_BODY_BYTES;

const tooLarge = () => new ApiError(413, "PAYLOAD_TOO_LARGE", `Request body exceeds ${MAX_JSON_BODY_BYTES} bytes`);

/** A Content-Length that is one plain decimal number (not "-1", "2e6", "1, 2" or empty), which frames the body. */
const isPlainLength = (value: string) => value.length > 0 && value.length <= 16 && [...value].every((ch) => ch >= "0" && ch <= "9");

export const jsonBodyLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  const body = c.req.raw.body;
  if (!body) return next();
  // No route reads a GET's or HEAD's body, and a Request of those methods cannot be given one again (rebuilding it
  // below threw, a 500): what was sent is read away, within the bound, and the request goes on without it.
  if (c.req.method === "GET" || c.req.method === "HEAD") {
    await discardBody(c.req.raw, DRAIN_BYTES);
    return next();
  }
  const chunked = c.req.raw.headers.has("transfer-encoding");
  const declared = c.req.raw.headers.get("content-length");
  // A plain length frames the body (the runtime reads no more than it says), so it is judged as declared; any
  // other value is not trusted, and the body is counted as it is read, as a chunked one is.
  if (declared !== null && !chunked && isPlainLength(declared)) {
    if (Number(declared) <= MAX_JSON_BODY_BYTES) return next();
    await discardBody(c.req.raw, DRAIN_BYTES);
    return errorResponse(c, tooLarge());
  }
  // A chunked body (or one of an untrusted length) is buffered here, so the limit holds however it is read later.
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_JSON_BODY_BYTES) {
      reader.releaseLock();
      await discardBody(c.req.raw, DRAIN_BYTES);
      return errorResponse(c, tooLarge());
    }
    chunks.push(value);
  }
  const buffer = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    buffer.set(chunk, offset);
    offset += chunk.byteLength;
  }
  c.req.raw = new Request(c.req.raw, { body: buffer });
  return next();
};
