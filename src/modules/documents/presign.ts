/**
 * R2 presigned S3 URLs (SigV4 query signing through aws4fetch), used instead
 * of worker-signed URLs when R2's S3 credentials are configured. Path style on
 * the account endpoint: `https://<accountid>.r2.cloudflarestorage.com/<bucket>/<key>`,
 * region `auto`, service `s3`. An upload URL signs `content-type`, so R2
 * refuses a PUT with any other type, and `If-None-Match: *`, so R2 writes the
 * object only if there is none yet: the URL uploads once, and the document's
 * bytes, checked against its cap when they arrive, cannot be replaced by a
 * second PUT afterwards (R2's conditional writes); `X-Amz-Expires` bounds its life.
 * The URL also signs `content-length`, the size the request declared: SigV4
 * covers every signed header's value, so R2 refuses a body of any other size
 * before it stores a byte. (A presigned PUT cannot sign a range of sizes: an
 * upload of undeclared size is worker-signed instead, service.ts.)
 */
import { AwsV4Signer } from "aws4fetch";
import type { S3Config } from "./config";

/** `YYYYMMDDTHHMMSSZ` for SigV4, from an injected clock. */
export const amzDate = (ms: number) => new Date(ms).toISOString().replace(/[:-]|\.\d{3}/g, "");

export const objectUrl = (s3: S3Config, key: string) =>
  `https://${s3.accountId}.r2.cloudflarestorage.com/${encodeURIComponent(s3.bucket)}/${key.split("/").map(encodeURIComponent).join("/")}`;

async function presign(s3: S3Config, method: "PUT" | "GET", key: string, nowMs: number, expiresSeconds: number, opts: { headers?: Record<string, string>; query?: Record<string, string> }) {
  const url = new URL(objectUrl(s3, key));
  url.searchParams.set("X-Amz-Expires", String(Math.max(1, Math.min(604_800, Math.floor(expiresSeconds)))));
  for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
  const signer = new AwsV4Signer({
    method, url: url.toString(), headers: opts.headers, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey,
    service: "s3", region: "auto", signQuery: true, datetime: amzDate(nowMs),
    // aws4fetch leaves content-type out of the signature by default; an upload URL must bind it.
    allHeaders: true,
  });
  const signed = (await signer.sign()).url;
  // aws4fetch signs the canonical query (a space as %20) but hands back URLSearchParams' serialization, a space as
  // '+' (aws4fetch issue #83): S3's SigV4 specification asks for %20, and a store that reads '+' as itself computes
  // another signature (every download link has spaces). The query goes out in the encoding that was signed.
  const query = [...signed.searchParams].map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`).join("&");
  return `${signed.origin}${signed.pathname}?${query}`;
}

/** RFC 3986 percent-encoding, as SigV4 canonicalizes a query: only `A-Za-z0-9-._~` stay as they are. */
const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The headers an upload URL's PUT must carry, as signed. */
export const uploadHeaders = (contentType: string) => ({ "Content-Type": contentType, "If-None-Match": "*" });

/**
 * A URL a browser PUTs the file to, with exactly `uploadHeaders`, once, and a body of exactly `size` bytes
 * (browsers and HTTP clients send Content-Length from the body themselves; a chunked PUT has none, and fails).
 */
export const presignUpload = (s3: S3Config, key: string, contentType: string, nowMs: number, expiresSeconds: number, size: number) =>
  presign(s3, "PUT", key, nowMs, expiresSeconds, {
    headers: { ...Object.fromEntries(Object.entries(uploadHeaders(contentType)).map(([k, v]) => [k.toLowerCase(), v])), "content-length": String(size) },
  });

/** A URL that downloads the object with the given Content-Disposition and type. */
export const presignDownload = (s3: S3Config, key: string, disposition: string, contentType: string, nowMs: number, expiresSeconds: number) =>
  presign(s3, "GET", key, nowMs, expiresSeconds, { query: { "response-content-disposition": disposition, "response-content-type": contentType } });
