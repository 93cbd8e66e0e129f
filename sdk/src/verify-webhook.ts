/**
 * Checks a Dhanam webhook delivery's signature on the receiving side (README, "Webhooks"): `X-Dhanam-Signature`
 * is `sha256=` + hex HMAC-SHA256, keyed with the whole secret string, of `<X-Dhanam-Timestamp>.<raw body>`.
 * Web Crypto only (browsers, Node 18+, Deno, Bun, Workers). The comparison takes the same time whatever the
 * first differing character, and a timestamp further than `toleranceSeconds` from now is refused (a replayed
 * request keeps its old timestamp, and changing it breaks the signature).
 */

/** Request headers as a `Headers`, or Node's `IncomingHttpHeaders`-style record (lower-case names). */
export type WebhookHeaders = Headers | Record<string, string | readonly string[] | undefined>;

export interface VerifyWebhookOptions {
  /** Largest distance between the signed timestamp and now, in seconds (default 300). */
  toleranceSeconds?: number;
  /** "Now" in Unix seconds (default the clock). */
  nowSeconds?: number;
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | readonly string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  // A header sent twice is not a signature this API sends: refuse rather than pick one.
  return typeof value === "string" ? value : undefined;
}

function bytesOf(body: string | Uint8Array | ArrayBuffer): Uint8Array {
  if (typeof body === "string") return new TextEncoder().encode(body);
  return body instanceof Uint8Array ? body : new Uint8Array(body);
}

/** Equal-length-independent, data-independent comparison of two byte strings. */
function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/**
 * Whether a delivery is signed with `secret` (the subscription's `whsec_...`) and recent. Pass the **raw** body as
 * received (the string or bytes, before any JSON parsing: re-serialised JSON does not verify).
 *
 *     const raw = await request.text();
 *     if (!(await verifyWebhook(SECRET, request.headers, raw))) return new Response("bad signature", { status: 401 });
 */
export async function verifyWebhook(
  secret: string,
  headers: WebhookHeaders,
  rawBody: string | Uint8Array | ArrayBuffer,
  opts: VerifyWebhookOptions = {},
): Promise<boolean> {
  const timestamp = header(headers, "x-dhanam-timestamp")?.trim();
  const signature = header(headers, "x-dhanam-signature")?.trim();
  if (!secret || !timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  const now = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > (opts.toleranceSeconds ?? 300)) return false;
  const enc = new TextEncoder();
  const prefix = enc.encode(`${timestamp}.`);
  const body = bytesOf(rawBody);
  const signed = new Uint8Array(prefix.length + body.length);
  signed.set(prefix);
  signed.set(body, prefix.length);
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, signed));
  const expected = `sha256=${[...mac].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
  return timingSafeEqual(enc.encode(expected), enc.encode(signature));
}
