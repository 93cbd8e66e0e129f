/**
 * One-time backup codes. Only hashes are stored, salted per user so that one
 * precomputed table cannot serve every account and two users' equal codes do
 * not hash alike. The salted hash is taken over the older unsalted hash, which
 * lets codes stored before salting be upgraded without knowing them.
 */
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Services } from "../../env";
import { backupCodes, users } from "../../db/schema";
import { randomBytes, sha256Hex, toBase64 } from "../../lib/crypto";

export const BACKUP_CODE_COUNT = 10;

const normalize = (code: string) => code.toLowerCase().replace(/[^a-z0-9]/g, "");

export function newBackupCodes(): string[] {
  const alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  return Array.from({ length: BACKUP_CODE_COUNT }, () => {
    const chars = Array.from(randomBytes(10), (b) => alphabet[b % alphabet.length]).join("");
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

export const newBackupCodeSalt = () => toBase64(randomBytes(16));

/** The hash stored before salting (migration 0003); now only the inner layer. */
const unsaltedHash = (code: string) => sha256Hex(`backup:${normalize(code)}`);
const salted = (salt: string, inner: string) => sha256Hex(`backup:v2:${salt}:${inner}`);

export const hashBackupCode = async (code: string, salt: string) => salted(salt, await unsaltedHash(code));

/**
 * The user's backup-code salt. Codes stored before salting (salt still null)
 * are re-hashed under a fresh salt first, in one batch; each row is rewritten
 * only if this call's salt is the one the user row ended up with, so two
 * concurrent upgrades cannot hash a row twice.
 */
export async function backupCodeSalt(svc: Services, user: { id: string; backupCodeSalt: string | null }): Promise<string | null> {
  if (user.backupCodeSalt) return user.backupCodeSalt;
  const salt = newBackupCodeSalt();
  const rows = await svc.db.select({ codeHash: backupCodes.codeHash }).from(backupCodes).where(eq(backupCodes.userId, user.id));
  const ours = sql`EXISTS (SELECT 1 FROM users WHERE id = ${user.id} AND backup_code_salt = ${salt})`;
  // Hashes first: a drizzle query is thenable, so returning one from an async callback would run it.
  const newHashes = await Promise.all(rows.map((r) => salted(salt, r.codeHash)));
  const rewrites = rows.map((r, i) =>
    svc.db
      .update(backupCodes)
      .set({ codeHash: newHashes[i]! })
      .where(and(eq(backupCodes.userId, user.id), eq(backupCodes.codeHash, r.codeHash), ours)),
  );
  await svc.db.batch([
    svc.db.update(users).set({ backupCodeSalt: salt }).where(and(eq(users.id, user.id), isNull(users.backupCodeSalt))),
    ...rewrites,
  ]);
  const row = await svc.db.select({ salt: users.backupCodeSalt }).from(users).where(eq(users.id, user.id)).get();
  return row?.salt ?? null;
}

/** Spends an unused backup code of the user's; false when it is wrong or already used. */
export async function consumeBackupCode(svc: Services, userId: string, salt: string, code: string): Promise<boolean> {
  const res = await svc.db
    .update(backupCodes)
    .set({ usedAt: svc.clock.now() })
    .where(and(eq(backupCodes.userId, userId), eq(backupCodes.codeHash, await hashBackupCode(code, salt)), isNull(backupCodes.usedAt)))
    .run();
  return res.meta.changes === 1;
}
