/**
 * Defence in depth on the second factor: turning 2FA on or off takes the
 * current password, and backup codes are stored under a per-user salt.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { call, callJson, enableTwoFactor, nextIp, registerUser, totpCode } from "../helpers";

describe("turning 2FA on and off", () => {
  it("enable needs the current password, and a wrong one does not spend the code", async () => {
    const u = await registerUser();
    const setup = await callJson("/v1/auth/2fa/setup", { method: "POST", token: u.accessToken, ip: u.ip });
    const code = await totpCode(setup.body.secret);
    const missing = await callJson("/v1/auth/2fa/enable", { token: u.accessToken, ip: u.ip, body: { code } });
    expect(missing.status).toBe(422);
    expect(missing.body.error.details.map((d: any) => d.field)).toContain("password");
    const wrong = await callJson("/v1/auth/2fa/enable", { token: u.accessToken, ip: u.ip, body: { code, password: "not the password" } });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.details[0]).toMatchObject({ field: "password", code: "INVALID_PASSWORD" });
    expect((await callJson("/v1/auth/me", { token: u.accessToken, ip: u.ip })).body.twoFactorEnabled).toBe(false);
    const ok = await callJson("/v1/auth/2fa/enable", { token: u.accessToken, ip: u.ip, body: { code, password: u.password } });
    expect(ok.status).toBe(200);
  });

  it("disable needs the current password as well as a code", async () => {
    const u = await registerUser();
    const { backupCodes } = await enableTwoFactor(u);
    const missing = await callJson("/v1/auth/2fa/disable", { token: u.accessToken, ip: u.ip, body: { code: backupCodes[0] } });
    expect(missing.status).toBe(422);
    const wrong = await callJson("/v1/auth/2fa/disable", { token: u.accessToken, ip: u.ip, body: { code: backupCodes[0], password: "not the password" } });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.details[0].field).toBe("password");
    expect((await callJson("/v1/auth/me", { token: u.accessToken, ip: u.ip })).body.twoFactorEnabled).toBe(true);
    // The code was not spent by the refused call.
    expect((await call("/v1/auth/2fa/disable", { token: u.accessToken, ip: u.ip, body: { code: backupCodes[0], password: u.password } })).status).toBe(204);
    expect((await callJson("/v1/auth/me", { token: u.accessToken, ip: u.ip })).body.twoFactorEnabled).toBe(false);
  });
});

const unsaltedHash = (code: string) => sha256Hex(`backup:${code.toLowerCase().replace(/[^a-z0-9]/g, "")}`);
const storedHashes = async (userId: string) =>
  (await env.DB.prepare("SELECT code_hash FROM backup_codes WHERE user_id = ?").bind(userId).all<{ code_hash: string }>()).results.map((r) => r.code_hash);
const saltOf = async (userId: string) =>
  (await env.DB.prepare("SELECT backup_code_salt AS salt FROM users WHERE id = ?").bind(userId).first<{ salt: string | null }>())!.salt;

describe("backup codes", () => {
  it("are stored hashed under a per-user salt", async () => {
    const a = await registerUser();
    const b = await registerUser();
    const { backupCodes } = await enableTwoFactor(a);
    await enableTwoFactor(b);
    const [saltA, saltB] = [await saltOf(a.id), await saltOf(b.id)];
    expect(saltA).toBeTruthy();
    expect(saltB).toBeTruthy();
    expect(saltA).not.toBe(saltB);
    const stored = await storedHashes(a.id);
    expect(stored).toHaveLength(10);
    const unsalted = await Promise.all(backupCodes.map(unsaltedHash));
    expect(stored.filter((h) => unsalted.includes(h) || backupCodes.some((c) => h.includes(c)))).toEqual([]);
  });

  it("stored before salting keep working and are re-hashed under a fresh salt", async () => {
    const u = await registerUser();
    const { backupCodes } = await enableTwoFactor(u);
    // Put the account back the way migration 0003 finds it: no salt, unsalted hashes.
    const legacy = await Promise.all(backupCodes.map(unsaltedHash));
    await env.DB.batch([
      env.DB.prepare("UPDATE users SET backup_code_salt = NULL WHERE id = ?").bind(u.id),
      env.DB.prepare("DELETE FROM backup_codes WHERE user_id = ?").bind(u.id),
      ...legacy.map((h) => env.DB.prepare("INSERT INTO backup_codes (user_id, code_hash) VALUES (?, ?)").bind(u.id, h)),
    ]);
    const login = (totpCode: string) => call("/v1/auth/login", { ip: nextIp(), body: { email: u.email, password: u.password, totpCode } });
    expect((await login(backupCodes[0]!)).status).toBe(200);
    expect(await saltOf(u.id)).toBeTruthy();
    const stored = await storedHashes(u.id);
    expect(stored).toHaveLength(10);
    expect(stored.filter((h) => legacy.includes(h))).toEqual([]);
    expect((await login(backupCodes[0]!)).status).toBe(401); // still one use
    expect((await login(backupCodes[1]!)).status).toBe(200);
  });
});
