/**
 * Second-factor checks: TOTP codes (each time step accepted once per user)
 * and one-time backup codes, plus the step-up window that admin-only routes
 * require.
 */
import { and, eq, isNull, lt } from "drizzle-orm";
import type { AuthContext, Services } from "../../env";
import { backupCodes, users } from "../../db/schema";
import { decryptSecret, randomBytes, sha256Hex } from "../../lib/crypto";
import { ApiError } from "../../lib/errors";
import { matchTotp } from "../../lib/totp";

/** How long a second-factor proof counts as "recent" for admin-only routes. */
export const STEP_UP_TTL_MS = 15 * 60 * 1000;
export const BACKUP_CODE_COUNT = 10;

const normalizeBackupCode = (code: string) => code.toLowerCase().replace(/[^a-z0-9]/g, "");

export function newBackupCodes(): string[] {
  const alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  return Array.from({ length: BACKUP_CODE_COUNT }, () => {
    const chars = Array.from(randomBytes(10), (b) => alphabet[b % alphabet.length]).join("");
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

export const hashBackupCode = (code: string) => sha256Hex(`backup:${normalizeBackupCode(code)}`);

/**
 * Accepts a TOTP code for `secret` once: the user's last accepted time step
 * moves forward in a conditional update, so a replay (or a concurrent twin)
 * finds nothing to update.
 */
export async function consumeTotp(svc: Services, userId: string, secretB32: string, code: string): Promise<boolean> {
  const step = await matchTotp(secretB32, code, svc.clock.now());
  if (step === null) return false;
  const res = await svc.db
    .update(users)
    .set({ totpLastStep: step })
    .where(and(eq(users.id, userId), lt(users.totpLastStep, step)))
    .run();
  return res.meta.changes === 1;
}

async function consumeBackupCode(svc: Services, userId: string, code: string): Promise<boolean> {
  const res = await svc.db
    .update(backupCodes)
    .set({ usedAt: svc.clock.now() })
    .where(and(eq(backupCodes.userId, userId), eq(backupCodes.codeHash, await hashBackupCode(code)), isNull(backupCodes.usedAt)))
    .run();
  return res.meta.changes === 1;
}

/** Checks a TOTP or backup code against an enabled second factor. */
export async function verifySecondFactor(svc: Services, userId: string, totpSecretEnc: string, code: string): Promise<boolean> {
  const trimmed = code.trim();
  if (/^\d{6}$/.test(trimmed)) {
    return consumeTotp(svc, userId, await decryptSecret(totpSecretEnc, svc.env.ENCRYPTION_KEY), trimmed);
  }
  return consumeBackupCode(svc, userId, trimmed);
}

/** For admin-only routes: users with 2FA must have proved it recently in this session. */
export function requireRecentStepUp(auth: AuthContext, now: number): void {
  if (!auth.twoFactorEnabled) return;
  if (auth.stepUpAt === null || now - auth.stepUpAt > STEP_UP_TTL_MS) {
    throw new ApiError(403, "TWO_FACTOR_REQUIRED", "Confirm your second factor with POST /v1/auth/2fa/verify first");
  }
}

/** For the most sensitive routes: 2FA must be enabled and recently proved. */
export function requireTwoFactor(auth: AuthContext, now: number): void {
  if (!auth.twoFactorEnabled) {
    throw new ApiError(403, "TWO_FACTOR_REQUIRED", "Enable two-factor authentication to perform this operation");
  }
  requireRecentStepUp(auth, now);
}
