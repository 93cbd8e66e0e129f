/**
 * Accounts and sessions: registration, password login (with a second factor
 * when enabled), refresh rotation, logout, and 2FA enrolment. Every password
 * and code check is limited per account (guess-limits.ts); turning 2FA on or
 * off, or changing the password, also takes the current password, so a stolen
 * access token alone cannot; each of those ends the user's other sessions.
 */
import { and, eq, sql } from "drizzle-orm";
import type { AuthContext, Services } from "../../env";
import { backupCodes, sessions, users } from "../../db/schema";
import { encryptSecret, decryptSecret } from "../../lib/crypto";
import { ApiError, conflict, unauthorized, validationFailed } from "../../lib/errors";
import { localeOf } from "../../lib/i18n";
import { newId } from "../../lib/ids";
import { DECOY_PASSWORD_HASH, hashPassword, verifyPassword } from "../../lib/password";
import { iso } from "../../lib/clock";
import { rowReader } from "../../lib/sql";
import { noteSignIn } from "../../lib/user-activity";
import { withSessionCheck } from "../spaces/access";
import { newTotpSecret, otpauthUrl } from "../../lib/totp";
import { hashBackupCode, newBackupCodeSalt, newBackupCodes } from "./backup-codes";
import { limitGuess, passwordSubject } from "./guess-limits";
import { STEP_UP_TTL_MS, checkEnrolmentCode, verifySecondFactor } from "./second-factor";
import { otherLiveSessions, revokeSession, revokeSessionsWhere, rotateRefreshToken, startSession, type TokenPair } from "./tokens";

type UserRow = typeof users.$inferSelect;

export function presentUser(u: UserRow) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    locale: u.locale,
    twoFactorEnabled: u.twoFactorEnabled,
    createdAt: iso(u.createdAt),
  };
}

async function findUserById(svc: Services, id: string): Promise<UserRow> {
  const u = await svc.db.select().from(users).where(eq(users.id, id)).get();
  if (!u) throw unauthorized();
  return u;
}

const userOfRow = rowReader(users);

/** The caller's user row, read in the batch of the pending session check (a read's one round trip). */
async function currentUser(svc: Services, auth: AuthContext): Promise<UserRow> {
  const [res] = await withSessionCheck(svc, auth, [svc.env.DB.prepare("SELECT * FROM users WHERE id = ?").bind(auth.userId)]);
  const raw = res!.results[0];
  if (!raw) throw unauthorized();
  return userOfRow(raw);
}

export async function register(
  svc: Services,
  input: { name: string; email: string; password: string; locale: string },
): Promise<{ user: ReturnType<typeof presentUser>; tokens: TokenPair }> {
  const now = svc.clock.now();
  const row: UserRow = {
    id: newId("usr", now),
    email: input.email,
    name: input.name,
    // Stored as the locale it chooses: `pt-BR` is kept as `pt`.
    locale: localeOf(input.locale),
    passwordHash: await hashPassword(input.password),
    twoFactorEnabled: false,
    totpSecretEnc: null,
    totpPendingSecretEnc: null,
    totpLastStep: 0,
    backupCodeSalt: null,
    createdAt: now,
    updatedAt: now,
  };
  const inserted = await svc.db.insert(users).values(row).onConflictDoNothing().run();
  if (inserted.meta.changes !== 1) throw conflict("An account with this email already exists", "DUPLICATE_RESOURCE");
  return { user: presentUser(row), tokens: await startSession(svc, row.id, false, localeOf(row.locale), row) };
}

export async function login(
  svc: Services,
  input: { email: string; password: string; totpCode?: string },
): Promise<{ user: ReturnType<typeof presentUser>; tokens: TokenPair }> {
  const user = await svc.db.select().from(users).where(eq(users.email, input.email)).get();
  // Unknown emails pay the same PBKDF2 cost and the same limit, so neither reveals which emails exist.
  const ok = await limitGuess(svc, "password", await passwordSubject(input.email), () =>
    verifyPassword(input.password, user?.passwordHash ?? DECOY_PASSWORD_HASH),
  );
  if (!user || !ok) throw unauthorized("Invalid email or password");
  if (user.twoFactorEnabled) {
    if (!input.totpCode) {
      throw new ApiError(401, "TWO_FACTOR_REQUIRED", "This account requires a two-factor code (totpCode)");
    }
    if (!(await verifySecondFactor(svc, user, input.totpCode))) {
      throw unauthorized("Invalid or already used two-factor code");
    }
  }
  const tokens = await startSession(svc, user.id, user.twoFactorEnabled, localeOf(user.locale), user);
  // Life Beat counts a sign-in as the owner's activity, not only the requests that follow it.
  await noteSignIn(svc, user.id);
  return { user: presentUser(user), tokens };
}

export async function refresh(svc: Services, refreshToken: string) {
  const { userId, tokens } = await rotateRefreshToken(svc, refreshToken);
  return { user: presentUser(await findUserById(svc, userId)), tokens };
}

export async function logout(svc: Services, auth: AuthContext): Promise<void> {
  await revokeSession(svc, auth.sessionId, "logout");
}

export async function me(svc: Services, auth: AuthContext) {
  return presentUser(await currentUser(svc, auth));
}

/**
 * Changes the caller's name or language. The language is stored as its code (`es-MX` as `es`); what reads it from
 * the row (emails, notices, new spaces' categories, the next refresh's access token) has it at once.
 */
export async function updateMe(svc: Services, auth: AuthContext, input: { name?: string; locale?: string }) {
  if (input.name === undefined && input.locale === undefined) return me(svc, auth);
  const raw = await svc.env.DB.prepare("UPDATE users SET name = coalesce(?, name), locale = coalesce(?, locale), updated_at = ? WHERE id = ? RETURNING *")
    .bind(input.name ?? null, input.locale === undefined ? null : localeOf(input.locale), svc.clock.now(), auth.userId)
    .first();
  if (!raw) throw unauthorized();
  return presentUser(userOfRow(raw));
}

export async function setupTwoFactor(svc: Services, auth: AuthContext) {
  const user = await findUserById(svc, auth.userId);
  if (user.twoFactorEnabled) throw conflict("Two-factor authentication is already enabled");
  const secret = newTotpSecret();
  // Only while 2FA is still off: a setup racing an enable must not leave a pending secret (shown to the caller as
  // if it were to be scanned) on an account whose factor is already another one.
  const res = await svc.db
    .update(users)
    .set({ totpPendingSecretEnc: await encryptSecret(secret, svc.env.ENCRYPTION_KEY), updatedAt: svc.clock.now() })
    .where(and(eq(users.id, user.id), eq(users.twoFactorEnabled, false)))
    .run();
  if (res.meta.changes !== 1) throw conflict("Two-factor authentication is already enabled");
  return { secret, otpauthUrl: otpauthUrl(secret, user.email) };
}

type Confirmation = { code: string; password: string };

export async function enableTwoFactor(svc: Services, auth: AuthContext, input: Confirmation) {
  const user = await findUserById(svc, auth.userId);
  if (user.twoFactorEnabled) throw conflict("Two-factor authentication is already enabled");
  if (!user.totpPendingSecretEnc) throw conflict("Call POST /v1/auth/2fa/setup first");
  await requirePassword(svc, user, input.password);
  const secret = await decryptSecret(user.totpPendingSecretEnc, svc.env.ENCRYPTION_KEY);
  if (!(await checkEnrolmentCode(svc, user.id, secret, input.code))) throw invalidCode();
  const codes = newBackupCodes();
  const now = svc.clock.now();
  const salt = newBackupCodeSalt();
  const hashes = await Promise.all(codes.map((c) => hashBackupCode(c, salt)));
  // The salt is this request's own: the statements after the first act only if that one turned 2FA on.
  const ours = sql`EXISTS (SELECT 1 FROM users WHERE id = ${user.id} AND backup_code_salt = ${salt})`;
  const results = await svc.db.batch([
    // Only over the state checked: of two enables at once (two codes of neighbouring steps), one wins, and the
    // other's backup codes, which would replace the winner's, are never stored nor shown. A setup meanwhile
    // (a new secret to scan) makes this one stale as well.
    svc.db
      .update(users)
      .set({
        twoFactorEnabled: true,
        totpSecretEnc: user.totpPendingSecretEnc,
        totpPendingSecretEnc: null,
        backupCodeSalt: salt,
        updatedAt: now,
      })
      .where(and(eq(users.id, user.id), eq(users.twoFactorEnabled, false), eq(users.totpPendingSecretEnc, user.totpPendingSecretEnc))),
    svc.db.delete(backupCodes).where(and(eq(backupCodes.userId, user.id), ours)),
    // Columns in the table's order (user_id, code_hash, used_at): an INSERT … SELECT names them all.
    svc.db
      .insert(backupCodes)
      .select(sql`SELECT ${user.id}, h.column1, NULL FROM (VALUES ${sql.join(hashes.map((h) => sql`(${h})`), sql`, `)}) AS h WHERE ${ours}`),
    svc.db.update(sessions).set({ stepUpAt: now }).where(and(eq(sessions.id, auth.sessionId), ours)),
    // A session opened with the password alone (perhaps a thief's) must not outlive the new second factor.
    revokeSessionsWhere(svc, and(otherLiveSessions(svc, user.id, auth.sessionId), ours), "two_factor_enabled"),
  ]);
  if (changes(results[0]) !== 1) throw conflict("Two-factor authentication was enabled or set up again meanwhile; check GET /v1/auth/me");
  return { enabled: true as const, backupCodes: codes, revokedSessions: changes(results.at(-1)) };
}

const invalidCode = () => new ApiError(422, "VALIDATION_FAILED", "Invalid or already used code", [
  { field: "code", message: "Invalid or already used code", code: "INVALID_CODE" },
]);

/** The signed-in user's current password (sent as `field`), checked under the same per-account limit as login. */
async function requirePassword(svc: Services, user: UserRow, password: string, field = "password"): Promise<void> {
  if (await limitGuess(svc, "password", await passwordSubject(user.email), () => verifyPassword(password, user.passwordHash))) return;
  throw validationFailed([{ field, message: "Incorrect password", code: "INVALID_PASSWORD" }], "Incorrect password");
}

/** Rows a batched UPDATE changed (drizzle passes a D1 result through for a query without RETURNING). */
const changes = (result: unknown) => (result as D1Result).meta.changes;

async function userWithTwoFactor(svc: Services, auth: AuthContext): Promise<UserRow> {
  const user = await findUserById(svc, auth.userId);
  if (!user.twoFactorEnabled || !user.totpSecretEnc) throw conflict("Two-factor authentication is not enabled");
  return user;
}

/** Proves the second factor again, opening the step-up window for admin-only routes. */
export async function verifyStepUp(svc: Services, auth: AuthContext, code: string) {
  const user = await userWithTwoFactor(svc, auth);
  if (!(await verifySecondFactor(svc, user, code))) throw invalidCode();
  const now = svc.clock.now();
  await svc.db.update(sessions).set({ stepUpAt: now }).where(eq(sessions.id, auth.sessionId));
  return { verified: true as const, stepUpExpiresAt: iso(now + STEP_UP_TTL_MS) };
}

export async function disableTwoFactor(svc: Services, auth: AuthContext, input: Confirmation): Promise<void> {
  const user = await userWithTwoFactor(svc, auth);
  await requirePassword(svc, user, input.password);
  if (!(await verifySecondFactor(svc, user, input.code))) throw invalidCode();
  await svc.db.batch([
    svc.db
      .update(users)
      .set({ twoFactorEnabled: false, totpSecretEnc: null, totpPendingSecretEnc: null, backupCodeSalt: null, updatedAt: svc.clock.now() })
      .where(eq(users.id, user.id)),
    svc.db.delete(backupCodes).where(eq(backupCodes.userId, user.id)),
    // Whoever turned it off from here is the only one left signed in: a session that proved the factor is no proof now.
    revokeSessionsWhere(svc, otherLiveSessions(svc, user.id, auth.sessionId), "two_factor_disabled"),
  ]);
}

/**
 * Replaces the password: the current one (and the second factor when enabled) first, as for turning 2FA
 * off, under the same guess limits. Every other session of the user ends; the caller's stays.
 */
export async function changePassword(
  svc: Services,
  auth: AuthContext,
  input: { currentPassword: string; newPassword: string; code?: string },
): Promise<{ revokedSessions: number }> {
  const user = await findUserById(svc, auth.userId);
  // Asked before any guess is spent: the caller knows whether their account has 2FA (GET /v1/auth/me).
  if (user.twoFactorEnabled && !input.code) {
    throw validationFailed([{ field: "code", message: "Required: this account has two-factor authentication", code: "REQUIRED" }]);
  }
  await requirePassword(svc, user, input.currentPassword, "currentPassword");
  if (user.twoFactorEnabled && !(await verifySecondFactor(svc, user, input.code!))) throw invalidCode();
  const newHash = await hashPassword(input.newPassword);
  const [updated, revoked] = await svc.db.batch([
    // Only over the hash just checked and from a session still live: of two changes at once, one wins,
    // and a session revoked meanwhile (from another device) changes nothing.
    svc.db
      .update(users)
      .set({ passwordHash: newHash, updatedAt: svc.clock.now() })
      .where(and(
        eq(users.id, user.id),
        eq(users.passwordHash, user.passwordHash),
        sql`EXISTS (SELECT 1 FROM sessions WHERE id = ${auth.sessionId} AND revoked_at IS NULL)`,
      )),
    // Only if that update happened (the salted hash is unique to this request).
    revokeSessionsWhere(
      svc,
      and(otherLiveSessions(svc, user.id, auth.sessionId), sql`EXISTS (SELECT 1 FROM users WHERE id = ${user.id} AND password_hash = ${newHash})`),
      "password_changed",
    ),
  ]);
  if (changes(updated) !== 1) throw conflict("The password or this session changed while the request ran; sign in again");
  return { revokedSessions: changes(revoked) };
}
