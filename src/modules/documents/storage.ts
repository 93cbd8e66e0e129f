/**
 * Streaming a request body into R2 without holding it in memory, with a hard
 * byte cap: a body longer than the cap fails with 413 and leaves no object.
 *
 * - With a Content-Length: a cap check before a byte is read, then the body
 *   flows through a byte counter into a FixedLengthStream, whose readable side
 *   R2 accepts as a stream of known length (one `put`, no buffering).
 * - Without one (chunked): R2 needs a known length per write, so the body goes
 *   up as a multipart upload, one 5 MiB part held at a time; the counter
 *   stops it past the cap and the upload is aborted, so nothing is stored.
 *
 * A refused body is never cancelled here: what is left of it is the route's
 * to drain (discardBody, routes.ts), or local workerd's connection gets stuck.
 */
import { ApiError } from "../../lib/errors";

/** R2's smallest part size for all but the last part of a multipart upload. */
export const PART_BYTES = 5 * 1024 * 1024;

export const tooLarge = (cap: number) => new ApiError(413, "PAYLOAD_TOO_LARGE", `The file exceeds this upload's limit of ${cap} bytes`);

class CapExceeded extends Error {}

/** Thrown by a `through` stream when the write is no longer this request's: what the key holds is another's, left alone. */
export class WriteHandedOver extends Error {}

/** A pass-through that counts bytes, errors the stream once more than `cap` have gone by, and knows when the body ended. */
export function byteCounter(cap: number): TransformStream<Uint8Array, Uint8Array> & { count(): number; ended(): boolean } {
  let seen = 0;
  let ended = false;
  const t = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > cap) controller.error(new CapExceeded(`more than ${cap} bytes`));
      else controller.enqueue(chunk);
    },
    flush() {
      ended = true;
    },
  });
  return Object.assign(t, { count: () => seen, ended: () => ended });
}

export interface StoredObject {
  size: number;
}

/**
 * Writes `body` to `key` with at most `cap` bytes. Throws 413 (and stores
 * nothing) past the cap; any other failure removes whatever was written.
 */
export async function streamToR2(
  bucket: R2Bucket,
  key: string,
  body: ReadableStream<Uint8Array>,
  opts: {
    cap: number; contentLength: number | null; contentType: string; customMetadata?: Record<string, string>;
    /** A pass-through after the byte counter (the upload's claim keeper); its WriteHandedOver stops the write and deletes nothing. */
    through?: TransformStream<Uint8Array, Uint8Array>;
  },
): Promise<StoredObject> {
  const { cap, contentLength } = opts;
  const httpMetadata = { contentType: opts.contentType };
  // Refused before a byte is read, and left unread (not cancelled) for the route to drain.
  if (contentLength !== null && contentLength > cap) throw tooLarge(cap);
  const counter = byteCounter(cap);
  // Past the cap the counter errors; preventCancel leaves the rest of the body to that drain too (a pipe cancels its source by default).
  const passed = body.pipeThrough(counter, { preventCancel: true });
  const counted = opts.through ? passed.pipeThrough(opts.through) : passed;
  try {
    if (contentLength !== null) {
      const fixed = new FixedLengthStream(contentLength);
      const stored = await bucket.put(key, counted.pipeThrough(fixed), { httpMetadata, customMetadata: opts.customMetadata });
      return { size: stored!.size };
    }
    return await multipart(bucket, key, counted, { httpMetadata, customMetadata: opts.customMetadata });
  } catch (err) {
    if (err instanceof WriteHandedOver) throw err;
    await bucket.delete(key).catch(() => {});
    if (err instanceof CapExceeded || counter.count() > cap) throw tooLarge(cap);
    // More bytes than the Content-Length said, or the body ended short of it: the client's, not a fault here.
    if (contentLength !== null && (counter.count() > contentLength || (counter.ended() && counter.count() !== contentLength))) {
      throw new ApiError(400, "BAD_REQUEST", `The body's length does not match its Content-Length of ${contentLength} bytes`);
    }
    throw err;
  }
}

async function multipart(bucket: R2Bucket, key: string, stream: ReadableStream<Uint8Array>, options: R2MultipartOptions): Promise<StoredObject> {
  const upload = await bucket.createMultipartUpload(key, options);
  const parts: R2UploadedPart[] = [];
  const reader = stream.getReader();
  let buffer = new Uint8Array(PART_BYTES);
  let filled = 0;
  const flush = async () => {
    parts.push(await upload.uploadPart(parts.length + 1, buffer.slice(0, filled)));
    filled = 0;
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      let offset = 0;
      while (offset < value.byteLength) {
        const n = Math.min(PART_BYTES - filled, value.byteLength - offset);
        buffer.set(value.subarray(offset, offset + n), filled);
        filled += n;
        offset += n;
        if (filled === PART_BYTES) await flush();
      }
    }
    if (filled > 0 || parts.length === 0) await flush();
    buffer = new Uint8Array(0);
    const obj = await upload.complete(parts);
    return { size: obj.size };
  } catch (err) {
    await upload.abort().catch(() => {});
    throw err;
  }
}

/** Deletes objects in R2's batches of at most 1000 keys. */
export async function deleteObjects(env: Env, keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 1000) await env.DOCS.delete(keys.slice(i, i + 1000));
}
