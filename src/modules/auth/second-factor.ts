/**
 * Second-factor checks: TOTP codes (each time step accepted once per user)
 * and one-time backup codes, plus the step-up window that admin-only routes
 * require.
 */
import { and, eq, lt } from "drizzle-orm";
import type { AuthContext, Services } from "../../env";
import { users } from "../../db/schema";
import { decryptSecret } from "../../lib/crypto";
import { ApiError } from "../../lib/errors";
import { matchTotp } from "../../lib/totp";
import { backupCodeSalt, consumeBackupCode } from "./backup-codes";
import { limitGuess, secondFactorSubject } from "./guess-limits";

/** How long a second-factor proof counts as "recent" for admin-only routes. */
export const STEP_UP_TTL_MS = 15 * 60 * 1000;

/**
 * Accepts a TOTP code for `secret` once: the user's last accepted time step
 * moves forward in a conditional update, so a replay (or a concurrent twin)
 * finds nothing to update.
 */
async function consumeTotp(svc: Services, userId: string, secretB32: string, code: string): Promise<boolean> {
  const step = await matchTotp(secretB32, code, svc.clock.now());
  if (step === null) return false;
  const res = await svc.db
    .update(users)
    .set({ totpLastStep: step })
    .where(and(eq(users.id, userId), lt(users.totpLastStep, step)))
    .run();
  return res.meta.changes === 1;
}

type SecondFactorUser = Pick<typeof users.$inferSelect, "id" | "totpSecretEnc" | "backupCodeSalt">;

/**
 * Checks a TOTP or backup code against an enabled second factor. Every code
 * check goes through here or `checkEnrolmentCode`, so all of them share the
 * user's limit on wrong codes.
 */
export function verifySecondFactor(svc: Services, user: SecondFactorUser, code: string): Promise<boolean> {
  return limitGuess(svc, "secondFactor", secondFactorSubject(user.id), async () => {
    // Upgrades codes stored before per-user salts, whichever kind of code is presented.
    const salt = await backupCodeSalt(svc, user);
    const trimmed = code.trim();
    if (/^\d{6}$/.test(trimmed)) {
      return user.totpSecretEnc !== null && consumeTotp(svc, user.id, await decryptSecret(user.totpSecretEnc, svc.env.ENCRYPTION_KEY), trimmed);
    }
    return salt !== null && consumeBackupCode(svc, user.id, salt, trimmed);
  });
}

/** Checks the first code from a secret being enrolled (not yet enabled). */
export function checkEnrolmentCode(svc: Services, userId: string, secretB32: string, code: string): Promise<boolean> {
  return limitGuess(svc, "secondFactor", secondFactorSubject(userId), () => consumeTotp(svc, userId, secretB32, code.trim()));
}

/** For admin-only routes: users with 2FA must have proved it recently in this session. */
export function requireRecentStepUp(auth: AuthContext, now: number): void {
  // The 2FA fields come from the session row: a caller must have had it verified (a membership check does).
  if (auth.unverified) throw new Error("second-factor check before the session was verified");
  if (!auth.twoFactorEnabled) return;
  if (auth.stepUpAt === null || now - auth.stepUpAt > STEP_UP_TTL_MS) {
    throw new ApiError(403, "TWO_FACTOR_REQUIRED", "Confirm your second factor with POST /v1/auth/2fa/verify first");
  }
}

/** For the most sensitive routes: 2FA must be enabled and recently proved. */
export function requireTwoFactor(auth: AuthContext, now: number): void {
  if (auth.unverified) throw new Error("second-factor check before the session was verified");
  if (!auth.twoFactorEnabled) {
    throw new ApiError(403, "TWO_FACTOR_REQUIRED", "Enable two-factor authentication to perform this operation");
  }
  requireRecentStepUp(auth, now);
}
