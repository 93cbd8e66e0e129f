/**
 * Verifying a Plaid webhook as Plaid specifies: the `Plaid-Verification`
 * header is a JWT signed with ES256 (nothing else is accepted); its key is the
 * JWK named by the header's `kid`, fetched from /webhook_verification_key/get
 * and cached (a `kid` not in the cache is fetched; an expired key is refused);
 * the token's `iat` is at most 5 minutes old (and at most 30 seconds ahead of our clock); and the SHA-256 of the raw body
 * equals the token's `request_body_sha256`, compared in constant time.
 *
 * Anyone can send a token naming a key id of their choosing, so fetches of
 * unknown keys are capped per client address and over all callers
 * (`OUTBOUND_LIMITS`): past a cap an unknown key id is refused for now
 * (`KeyFetchRefused`, which Plaid retries). Only a webhook that could be
 * genuine spends them: its (not yet trusted) token is fresh and hashes this
 * body, and the body is a JSON object. It then takes one of its sender's own
 * fetches, whatever the item, and only one naming an item we hold
 * (`knownItem`) goes on to the fetches shared by all callers: Plaid's item ids
 * are not public, so a forger who holds none cannot spend the fetches a
 * genuine webhook under Plaid's next key needs. A webhook naming another item
 * gets exactly the answer of a key id Plaid does not know (`unknownKey`), and
 * its sender's 503 comes after as many of them, so the answers do not say
 * whether the item exists (the time one takes may: a held item's key is asked
 * of Plaid).
 * The daily re-check of a cached key has a bucket of its own (once an hour
 * per key id), which those fetches cannot spend. It needs no item gate: only
 * key ids Plaid gave us are cached, so a forger naming one can at most bring
 * that key's re-check forward, which is the fetch a genuine webhook would
 * have made, and a re-check that succeeds is not due again for a day.
 */
import { decodeJwt, decodeProtectedHeader, importJWK, jwtVerify, type JWK } from "jose";
import type { Services } from "../../env";
import { sha256Hex, timingSafeEqual } from "../../lib/crypto";
import { OUTBOUND_LIMITS } from "../../lib/rate-limits";
import { ProviderError, shownValue } from "../errors";
import { PlaidClient } from "./client";

export const MAX_WEBHOOK_AGE_SECONDS = 5 * 60;
/**
 * How far ahead of our clock a token's `iat` may be. Plaid's clock and ours differ by some fraction of a second, and
 * `iat` is in whole seconds: with none, a share of genuine webhooks was refused as "issued in the future" (QA-9 saw
 * +1 s refused). Plaid itself only asks that a token be at most 5 minutes old, which still holds exactly.
 */
export const WEBHOOK_CLOCK_SKEW_SECONDS = 30;
/** A cached key that has not expired is re-checked with Plaid after this long (it may have expired since). */
const KEY_RECHECK_MS = 24 * 3_600_000;
/** A key whose re-check keeps failing is used unchecked until it is this old, no longer. */
const KEY_UNCHECKED_AT_MOST_MS = 2 * KEY_RECHECK_MS;

export class WebhookRejected extends Error {}

/** The refusal of a key id we cannot use: the same words whether Plaid does not know it or we did not ask. */
const unknownKey = (kid: string) => new WebhookRejected(`Unknown key id ${kid}`);

/** Longer than any Plaid item id (37 characters today); anything longer is not one, and is not looked up. */
const MAX_ITEM_ID_LENGTH = 128;

/** A key would have to be fetched, and the fetches' cap is spent: retry after `retryAfterMs`. */
export class KeyFetchRefused extends Error {
  constructor(readonly retryAfterMs: number) {
    super("Too many webhook keys fetched recently");
  }
}

interface CachedKey {
  jwk: JWK & { expired_at?: number | null };
  expiredAt: number | null;
  fetchedAt: number;
}

async function cachedKey(svc: Services, kid: string): Promise<CachedKey | null> {
  const row = await svc.env.DB.prepare("SELECT jwk, expired_at, fetched_at FROM provider_webhook_keys WHERE provider = 'plaid' AND kid = ?")
    .bind(kid)
    .first<{ jwk: string; expired_at: number | null; fetched_at: number }>();
  return row ? { jwk: JSON.parse(row.jwk), expiredAt: row.expired_at, fetchedAt: row.fetched_at } : null;
}

/** Takes one of the key fetches allowed to `client` (an address's subject); the wait when refused. */
async function takeOwnKeyFetch(svc: Services, client: string, now: number): Promise<{ allowed: boolean; retryAfterMs: number }> {
  const ns = svc.env.RATE_LIMITER;
  return ns.get(ns.idFromName(`outbound:plaid-webhook-key:${client}`)).take(OUTBOUND_LIMITS.plaidWebhookKeyFetchPerClient, now);
}

/** Takes one of the key fetches allowed over all callers; the wait when refused. */
async function takeSharedKeyFetch(svc: Services, now: number): Promise<{ allowed: boolean; retryAfterMs: number }> {
  const ns = svc.env.RATE_LIMITER;
  return ns.get(ns.idFromName("outbound:plaid-webhook-key")).take(OUTBOUND_LIMITS.plaidWebhookKeyFetch, now);
}

/**
 * Takes the hour's re-check of cached key `kid`. Its own bucket: fetches of unknown key ids, which forgers
 * can spend, never hold back the re-check of a key we hold, and a re-check that succeeds is not due again
 * for a day, so anyone naming the key id only brings its re-check forward.
 */
async function takeKeyRecheck(svc: Services, kid: string, now: number): Promise<{ allowed: boolean; retryAfterMs: number }> {
  const ns = svc.env.RATE_LIMITER;
  return ns.get(ns.idFromName(`outbound:plaid-webhook-key-recheck:${kid}`)).take(OUTBOUND_LIMITS.plaidWebhookKeyRecheck, now);
}

async function fetchKey(svc: Services, kid: string): Promise<CachedKey> {
  let res;
  try {
    res = await new PlaidClient(svc.env).webhookVerificationKeyGet(kid);
  } catch (e) {
    if (e instanceof ProviderError && !e.transient) throw unknownKey(kid);
    throw e;
  }
  const key = res.key;
  const now = svc.clock.now();
  // Plaid gives times in seconds.
  const expiredAt = key.expired_at === null || key.expired_at === undefined ? null : key.expired_at * 1000;
  const jwk: JWK = { kty: key.kty, crv: key.crv, x: key.x, y: key.y, alg: key.alg, use: key.use, kid: key.kid };
  await svc.env.DB.prepare(
    "INSERT INTO provider_webhook_keys (provider, kid, jwk, expired_at, fetched_at) VALUES ('plaid', ?, ?, ?, ?) ON CONFLICT (provider, kid) DO UPDATE SET jwk = excluded.jwk, expired_at = excluded.expired_at, fetched_at = excluded.fetched_at",
  )
    .bind(kid, JSON.stringify(jwk), expiredAt, now)
    .run();
  return { jwk, expiredAt, fetchedAt: now };
}

/**
 * Refuses (WebhookRejected) a webhook whose key we would have to fetch unless it could be genuine, by what can be
 * checked without the key (nothing here is trusted yet; the same checks are made again once the signature is):
 * the token is fresh and hashes this very body (as jwtVerify and the hash check below would find), and the body
 * is a JSON object. Returns the item it names (undefined: none), which the caller checks after taking the sender's
 * own fetch, so that every answer before the item's check is the same whatever the item.
 */
async function couldBeGenuine(rawBody: string, header: string, now: number): Promise<unknown> {
  let claims;
  try {
    claims = decodeJwt(header);
  } catch {
    throw new WebhookRejected("Malformed Plaid-Verification token");
  }
  if (typeof claims.iat !== "number") throw new WebhookRejected("Token has no iat");
  // jose's own reckoning (whole seconds, the same tolerance), so nothing jwtVerify would accept is refused here.
  const age = Math.floor(now / 1000) - claims.iat;
  if (age > MAX_WEBHOOK_AGE_SECONDS || age < -WEBHOOK_CLOCK_SKEW_SECONDS) throw new WebhookRejected("Token rejected: iat is not within the last 5 minutes");
  const claimed = claims.request_body_sha256;
  if (typeof claimed !== "string") throw new WebhookRejected("Token has no request_body_sha256");
  if (!timingSafeEqual(await sha256Hex(rawBody), claimed.toLowerCase())) throw new WebhookRejected("Body does not match request_body_sha256");
  let itemId: unknown;
  try {
    const body = JSON.parse(rawBody) as unknown;
    itemId = body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>).item_id : undefined;
  } catch {
    throw new WebhookRejected("Body is not a JSON object");
  }
  return itemId;
}

/**
 * Verifies and returns the parsed body; throws WebhookRejected with the reason otherwise. `knownItem` says whether
 * an item id belongs to a live connection of ours: a key is only fetched for a webhook naming one.
 */
export async function verifyPlaidWebhook(
  svc: Services, rawBody: string, header: string | undefined, client: string, knownItem: (itemId: string) => Promise<boolean>,
): Promise<Record<string, unknown>> {
  if (!header) throw new WebhookRejected("Missing Plaid-Verification header");
  let protectedHeader;
  try {
    protectedHeader = decodeProtectedHeader(header);
  } catch {
    throw new WebhookRejected("Malformed Plaid-Verification token");
  }
  if (protectedHeader.alg !== "ES256") throw new WebhookRejected(`Algorithm ${shownValue(protectedHeader.alg)} is not ES256`);
  const kid = protectedHeader.kid;
  if (typeof kid !== "string" || kid.length === 0 || kid.length > 200) throw new WebhookRejected("Missing key id");
  const now = svc.clock.now();
  let key = await cachedKey(svc, kid);
  if (!key) {
    const itemId = await couldBeGenuine(rawBody, header, now);
    // The sender's own fetches first, whatever the item: its answers (a 401, then a 503 once they are spent) are
    // the same for an item we hold and one we do not, and it spends only its own allowance either way.
    const own = await takeOwnKeyFetch(svc, client, now);
    if (!own.allowed) throw new KeyFetchRefused(own.retryAfterMs);
    // Refused as a key id Plaid does not know is refused; only a webhook naming an item we hold spends the fetches
    // shared by all callers, so a forger without one cannot spend those.
    if (typeof itemId !== "string" || itemId.length === 0 || itemId.length > MAX_ITEM_ID_LENGTH || !(await knownItem(itemId))) throw unknownKey(kid);
    const shared = await takeSharedKeyFetch(svc, now);
    if (!shared.allowed) throw new KeyFetchRefused(shared.retryAfterMs);
    key = await fetchKey(svc, kid);
  } else if (key.expiredAt === null && now - key.fetchedAt > KEY_RECHECK_MS) {
    const slot = await takeKeyRecheck(svc, kid, now);
    if (slot.allowed) key = await fetchKey(svc, kid);
    else if (now - key.fetchedAt > KEY_UNCHECKED_AT_MOST_MS) throw new KeyFetchRefused(slot.retryAfterMs);
  }
  if (key.expiredAt !== null && key.expiredAt <= now) throw new WebhookRejected(`Key ${kid} has expired`);
  if (key.jwk.kty !== "EC" || key.jwk.crv !== "P-256") throw new WebhookRejected("Key is not an EC P-256 key");
  let payload;
  try {
    const publicKey = await importJWK({ kty: key.jwk.kty, crv: key.jwk.crv, x: key.jwk.x, y: key.jwk.y }, "ES256");
    ({ payload } = await jwtVerify(header, publicKey, {
      algorithms: ["ES256"],
      // jose widens both bounds by the tolerance: the age's is narrowed back, so a token is at most 5 minutes old.
      maxTokenAge: MAX_WEBHOOK_AGE_SECONDS - WEBHOOK_CLOCK_SKEW_SECONDS,
      currentDate: new Date(now),
      clockTolerance: WEBHOOK_CLOCK_SKEW_SECONDS,
    }));
  } catch (e) {
    throw new WebhookRejected(`Token rejected: ${(e as Error).message}`);
  }
  if (typeof payload.iat !== "number") throw new WebhookRejected("Token has no iat");
  const claimed = payload.request_body_sha256;
  if (typeof claimed !== "string") throw new WebhookRejected("Token has no request_body_sha256");
  const actual = await sha256Hex(rawBody);
  if (!timingSafeEqual(actual, claimed.toLowerCase())) throw new WebhookRejected("Body does not match request_body_sha256");
  try {
    const body = JSON.parse(rawBody);
    if (!body || typeof body !== "object" || Array.isArray(body)) throw new Error("not an object");
    return body as Record<string, unknown>;
  } catch {
    throw new WebhookRejected("Body is not a JSON object");
  }
}
