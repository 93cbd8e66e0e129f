/**
 * Access tokens this isolate has already verified. A client sends the same
 * token with every request of its 15 minutes, and jose's work on it (the HMAC
 * check, base64 and JSON decoding, the claim checks) was about 0.3 ms of
 * every authenticated request.
 *
 * Only a token jose accepted enters, keyed by its whole text, under the secret
 * that verified it. The time claims are checked again on every use, the
 * same way jose checks them, and anything that fails them goes back through
 * jose, which gives its own answer. This changes nothing about revocation:
 * a request's session is still read from D1 on every request.
 */
export interface VerifiedClaims {
  userId: string;
  sessionId: string;
  lng: unknown;
  /** Seconds since the epoch, as in the token. */
  iat: number;
  exp: number;
  nbf?: number;
}

/** Enough for every client an isolate serves at once; past it the oldest are forgotten first. */
export const MAX_VERIFIED_TOKENS = 4096;

let secretOf: string | null = null;
const verified = new Map<string, VerifiedClaims>();

/** The claims of `token` if it was verified under `secret` and is still inside its time claims at `nowSec`. */
export function recallVerified(secret: string, token: string, nowSec: number, maxAgeSec: number): VerifiedClaims | null {
  if (secret !== secretOf) return null;
  const c = verified.get(token);
  if (!c) return null;
  // jose: exp <= now fails; nbf > now fails; an iat older than maxTokenAge or in the future fails.
  const live = c.exp > nowSec && (c.nbf === undefined || c.nbf <= nowSec) && nowSec - c.iat <= maxAgeSec && nowSec >= c.iat;
  if (!live) {
    verified.delete(token);
    return null;
  }
  return c;
}

export function rememberVerified(secret: string, token: string, claims: VerifiedClaims): void {
  if (secret !== secretOf) {
    verified.clear();
    secretOf = secret;
  }
  if (verified.size >= MAX_VERIFIED_TOKENS) verified.delete(verified.keys().next().value!);
  verified.set(token, claims);
}
