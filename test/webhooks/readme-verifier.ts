/**
 * The receiver's verifier, written only from README.md "Verifying webhook
 * deliveries" (its code block, as a receiver would paste it). It imports
 * nothing from src/: if the README's instructions did not match what the
 * sender does, verification here would fail.
 */
export async function verifyDhanamWebhook(secret: string, headers: Headers, rawBody: string, nowSeconds = Math.floor(Date.now() / 1000)): Promise<boolean> {
  const timestamp = headers.get("x-dhanam-timestamp");
  const signature = headers.get("x-dhanam-signature");
  if (!timestamp || !signature || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > 300) return false; // stale or from the future: reject
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, enc.encode(`${timestamp}.${rawBody}`));
  const expected = "sha256=" + [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("");
  // Constant-time comparison (Node: crypto.timingSafeEqual on equal-length buffers does the same).
  const a = enc.encode(expected), b = enc.encode(signature);
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}
