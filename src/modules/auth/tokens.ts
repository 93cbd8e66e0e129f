/**
 * Access tokens (15-minute HS256 JWTs naming their session) and refresh
 * tokens (random, 30-day, stored only as SHA-256 hashes, one use each).
 */
import { and, eq, gt, isNull, ne, type SQL } from "drizzle-orm";
import { errors as jose, jwtVerify, SignJWT } from "jose";
import type { AuthContext, Services } from "../../env";
import { randomToken, sha256Hex } from "../../lib/crypto";
import { ApiError, unauthorized } from "../../lib/errors";
import { localeOf, type Locale } from "../../lib/i18n";
import { newId } from "../../lib/ids";
import { refreshTokens, sessions, users } from "../../db/schema";
import { recallVerified, rememberVerified, type VerifiedClaims } from "./verified-tokens";

export const ACCESS_TTL_SECONDS = 15 * 60;
export const REFRESH_TTL_MS = 30 * 24 * 3600 * 1000;
const ISSUER = "dhanam-ledger";
const AUDIENCE = "dhanam-api";

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/**
 * The HMAC key of JWT_SECRET, imported once per isolate: given raw bytes, jose imports a CryptoKey on
 * every sign and verify, and an authenticated request paid for that import each time. Keyed by the
 * secret, so a rotated secret (a new deployment's env) gets its own key.
 */
const jwtKeys = new Map<string, Promise<CryptoKey>>();

function jwtKey(secret: string): Promise<CryptoKey> {
  if (!secret || secret.length < 32) throw new Error("JWT_SECRET must be at least 32 characters");
  let key = jwtKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    // A failed import is not kept: the next request tries again.
    key.catch(() => jwtKeys.delete(secret));
    if (jwtKeys.size >= 4) jwtKeys.clear();
    jwtKeys.set(secret, key);
  }
  return key;
}

/**
 * `lng` is the user's language when the token was issued, so that even a
 * request refused before any D1 read (a 422 on its query) answers in it.
 */
export async function signAccessToken(svc: Services, userId: string, sessionId: string, locale: Locale): Promise<string> {
  const nowSec = Math.floor(svc.clock.now() / 1000);
  return new SignJWT({ sid: sessionId, typ: "access", lng: locale })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(nowSec)
    .setExpirationTime(nowSec + ACCESS_TTL_SECONDS)
    .sign(await jwtKey(svc.env.JWT_SECRET));
}

/** Stores a fresh refresh token for the session and returns it with a new access token. */
export async function issueTokens(svc: Services, userId: string, sessionId: string, locale: Locale): Promise<TokenPair> {
  const refreshToken = `rt_${randomToken(32)}`;
  const now = svc.clock.now();
  await svc.db.insert(refreshTokens).values({
    tokenHash: await sha256Hex(refreshToken),
    sessionId,
    createdAt: now,
    expiresAt: now + REFRESH_TTL_MS,
  });
  return { accessToken: await signAccessToken(svc, userId, sessionId, locale), refreshToken, expiresIn: ACCESS_TTL_SECONDS };
}

/**
 * Opens a session for a user whose password (and second factor, when `verified.twoFactorEnabled`) was just
 * checked against `verified`: inserted only while the user's row still holds that password hash and 2FA
 * state, so a sign-in racing a password change or 2FA being turned on cannot open a session that the change's
 * revocation (of the sessions that existed then) misses. 401 otherwise: the caller signs in again.
 */
export async function startSession(
  svc: Services, userId: string, stepUp: boolean, locale: Locale, verified: { passwordHash: string; twoFactorEnabled: boolean },
): Promise<TokenPair> {
  const now = svc.clock.now();
  const sessionId = newId("ses", now);
  const res = await svc.env.DB.prepare(
    `INSERT INTO sessions (id, user_id, created_at, expires_at, step_up_at)
     SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM users WHERE id = ? AND password_hash = ? AND two_factor_enabled = ?)`,
  )
    .bind(sessionId, userId, now, now + REFRESH_TTL_MS, stepUp ? now : null, userId, verified.passwordHash, verified.twoFactorEnabled ? 1 : 0)
    .run();
  if (res.meta.changes !== 1) throw unauthorized("The account's password or second factor changed while signing in; sign in again");
  return issueTokens(svc, userId, sessionId, locale);
}

/**
 * Ends the live sessions `which` selects: the one revocation every path uses (logout, refresh-token
 * reuse, a user's own revocations, password and 2FA changes). A session with `revoked_at` set is refused
 * by every check that reads it (authFromSession, a write's guard, rotateRefreshToken), so its access
 * tokens stop at once and its refresh tokens with them. A query, so that a caller can put it in a batch.
 */
export function revokeSessionsWhere(svc: Services, which: SQL | undefined, reason: string) {
  // drizzle's and() of nothing is undefined, and that WHERE would end every session of every user.
  if (!which) throw new Error("revokeSessionsWhere needs a condition");
  return svc.db
    .update(sessions)
    .set({ revokedAt: svc.clock.now(), revokedReason: reason })
    .where(and(which, isNull(sessions.revokedAt)));
}

export async function revokeSession(svc: Services, sessionId: string, reason: string): Promise<void> {
  await revokeSessionsWhere(svc, eq(sessions.id, sessionId), reason);
}

/** The user's live sessions but `keepSessionId` (the caller's), for revokeSessionsWhere. */
export const otherLiveSessions = (svc: Services, userId: string, keepSessionId: string): SQL | undefined =>
  and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId), gt(sessions.expiresAt, svc.clock.now()));

/**
 * Exchanges a refresh token for a new pair. A token that was already used
 * means it leaked (or a client raced itself): the whole session is revoked.
 */
export async function rotateRefreshToken(svc: Services, presented: string): Promise<{ userId: string; tokens: TokenPair }> {
  const now = svc.clock.now();
  const hash = await sha256Hex(presented);
  const row = await svc.db
    .select({ token: refreshTokens, session: sessions, locale: users.locale })
    .from(refreshTokens)
    .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(refreshTokens.tokenHash, hash))
    .get();
  if (!row) throw unauthorized("Refresh token invalid: send the refreshToken the last login or refresh returned, or log in again");
  const { token, session, locale } = row;
  if (session.revokedAt !== null || session.expiresAt <= now) throw unauthorized("Session has ended");
  if (token.expiresAt <= now) throw unauthorized("Refresh token expired");
  // Claim the token atomically: of two concurrent uses only one sees a change.
  const claimed = await svc.db
    .update(refreshTokens)
    .set({ usedAt: now })
    .where(and(eq(refreshTokens.tokenHash, hash), isNull(refreshTokens.usedAt)))
    .run();
  if (token.usedAt !== null || claimed.meta.changes !== 1) {
    await revokeSession(svc, session.id, "refresh_token_reuse");
    throw unauthorized("Refresh token was already used; the session has been revoked");
  }
  return { userId: session.userId, tokens: await issueTokens(svc, session.userId, session.id, localeOf(locale)) };
}

/**
 * The 401 of an access token that expired: still UNAUTHORIZED (what API.md documents for a 401, and what the SDKs
 * refresh on), with a TOKEN_EXPIRED detail on Authorization so a client can tell it from a refused token without
 * reading the message.
 */
const accessTokenExpired = () =>
  new ApiError(401, "UNAUTHORIZED", "Access token expired; renew it with POST /v1/auth/refresh", [
    { field: "Authorization", message: "The access token has expired", code: "TOKEN_EXPIRED" },
  ]);

/** A user or session id as a token carries it: a short non-empty string. */
const isClaimId = (v: unknown): v is string => typeof v === "string" && v.length > 0 && v.length <= 64;

/** The claims of a valid access token: whose it is and which session it belongs to. CPU only, no I/O. */
export async function verifyAccessToken(svc: Services, token: string): Promise<{ userId: string; sessionId: string; locale: Locale }> {
  const secret = svc.env.JWT_SECRET;
  const now = svc.clock.now();
  const known = recallVerified(secret, token, Math.floor(now / 1000), ACCESS_TTL_SECONDS);
  if (known) return { userId: known.userId, sessionId: known.sessionId, locale: localeOf(known.lng) };
  let claims: VerifiedClaims;
  try {
    const { payload } = await jwtVerify(token, await jwtKey(secret), {
      algorithms: ["HS256"],
      issuer: ISSUER,
      audience: AUDIENCE,
      currentDate: new Date(now),
      // Every token we sign has these; one without `exp` would never expire. maxTokenAge also
      // refuses an `iat` in the future and caps the life of a token whatever its `exp` says.
      requiredClaims: ["exp", "iat", "sub", "sid"],
      maxTokenAge: ACCESS_TTL_SECONDS,
    });
    if (payload.typ !== "access") throw new Error("not an access token");
    // jose checks that the claims are there, not their types: a subject that is not an id (an array, an object)
    // must not reach SQL as a bound value (a forged token with one was a 500, D1_TYPE_ERROR).
    if (!isClaimId(payload.sub) || !isClaimId(payload.sid)) throw new Error("no subject or session");
    claims = { userId: payload.sub, sessionId: payload.sid, lng: payload.lng, iat: payload.iat!, exp: payload.exp!, nbf: payload.nbf };
  } catch (e) {
    // jose checks the time claims only once the signature holds: a JWTExpired is a token this API signed whose time
    // is up (its `exp` passed, or it is older than an access token lives), which the client renews. Anything else
    // (forged, garbled, another key, another kind of token) keeps the generic 401, which says nothing about why.
    if (e instanceof jose.JWTExpired && e.payload.typ === "access") throw accessTokenExpired();
    throw unauthorized();
  }
  rememberVerified(secret, token, claims);
  return { userId: claims.userId, sessionId: claims.sessionId, locale: localeOf(claims.lng) };
}

/** The session row of a token's claims, as a statement that can ride in another read's batch. */
export function sessionStatement(svc: Services, claims: { userId: string; sessionId: string }): D1PreparedStatement {
  return svc.env.DB.prepare(
    `SELECT u.email, u.two_factor_enabled, s.revoked_at, s.expires_at, s.step_up_at
       FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ? AND s.user_id = ?`,
  ).bind(claims.sessionId, claims.userId);
}

/**
 * SQL that holds while session `id` of user `user` is live at `now` (not revoked, not expired, its user there): for a
 * check made inside a later statement (a batch guard, a link used after it was issued). The arguments are SQL
 * (placeholders such as `?` or `?5`), never request text.
 */
export const liveSessionSql = (id: string, user: string, now: string) =>
  `EXISTS (SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ${id} AND s.user_id = ${user} AND s.revoked_at IS NULL AND s.expires_at > ${now})`;

export interface SessionRow {
  email: string;
  two_factor_enabled: number;
  revoked_at: number | null;
  expires_at: number;
  step_up_at: number | null;
}

/** The caller's context from a session row; 401 when the session is gone, revoked or expired. */
export function authFromSession(svc: Services, claims: { userId: string; sessionId: string; locale?: Locale }, row: SessionRow | undefined | null): AuthContext {
  if (!row || row.revoked_at !== null || row.expires_at <= svc.clock.now()) throw unauthorized("Session has ended");
  return contextOf(claims, row);
}

/** The caller's context from a session row already seen to be live (by authFromSession, or a write's guard). */
export function contextOf(claims: { userId: string; sessionId: string; locale?: Locale }, row: SessionRow): AuthContext {
  return {
    userId: claims.userId,
    sessionId: claims.sessionId,
    email: row.email,
    twoFactorEnabled: row.two_factor_enabled === 1,
    stepUpAt: row.step_up_at,
    locale: claims.locale,
  };
}

/** Verifies an access token and that its session is still live. */
export async function authenticate(svc: Services, token: string): Promise<AuthContext> {
  const claims = await verifyAccessToken(svc, token);
  return authFromSession(svc, claims, await sessionStatement(svc, claims).first<SessionRow>());
}
