/**
 * Password hashing with PBKDF2-SHA256. Cloudflare's production runtime refuses
 * more than 100,000 iterations (local workerd allows more), so the constant is
 * pinned at that cap and a test holds it there.
 */
import { fromBase64, randomBytes, timingSafeEqual, toBase64 } from "./crypto";

export const PBKDF2_ITERATIONS = 100_000;
const KEY_BITS = 256;
const SALT_BYTES = 16;

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, KEY_BITS);
  return toBase64(new Uint8Array(bits));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  return `pbkdf2-sha256$${PBKDF2_ITERATIONS}$${toBase64(salt)}$${await derive(password, salt, PBKDF2_ITERATIONS)}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, iter, saltB64, hash] = stored.split("$");
  if (scheme !== "pbkdf2-sha256" || !iter || !saltB64 || !hash) return false;
  const candidate = await derive(password, fromBase64(saltB64), Number(iter));
  return timingSafeEqual(candidate, hash);
}

/**
 * A well-formed hash of a random password. Logins for unknown emails verify
 * against it so that they cost the same PBKDF2 work as a real account.
 */
export const DECOY_PASSWORD_HASH = `pbkdf2-sha256$${PBKDF2_ITERATIONS}$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`;
