import { describe, expect, it } from "vitest";
import { base32Decode } from "../../src/lib/totp";
import { call, callJson, enableTwoFactor, registerUser, totpCode } from "../helpers";

describe("TOTP enrolment", () => {
  it("setup returns an otpauth URL with a 160-bit base32 secret", async () => {
    const u = await registerUser();
    const { status, body } = await callJson("/v1/auth/2fa/setup", { method: "POST", token: u.accessToken, ip: u.ip });
    expect(status).toBe(200);
    expect(body.otpauthUrl).toMatch(/^otpauth:\/\/totp\/Dhanam%20Ledger%3A.+\?secret=[A-Z2-7]+&issuer=Dhanam%20Ledger/);
    expect(base32Decode(body.secret)).toHaveLength(20);
  });

  it("enable rejects a wrong code, then accepts a valid one and returns ten backup codes", async () => {
    const u = await registerUser();
    const setup = await callJson("/v1/auth/2fa/setup", { method: "POST", token: u.accessToken, ip: u.ip });
    const bad = await callJson("/v1/auth/2fa/enable", { token: u.accessToken, ip: u.ip, body: { code: "000000", password: u.password } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details[0].field).toBe("code");
    const ok = await callJson("/v1/auth/2fa/enable", { token: u.accessToken, ip: u.ip, body: { code: await totpCode(setup.body.secret), password: u.password } });
    expect(ok.status).toBe(200);
    expect(ok.body.backupCodes).toHaveLength(10);
    expect(new Set(ok.body.backupCodes).size).toBe(10);
    const me = await callJson("/v1/auth/me", { token: u.accessToken, ip: u.ip });
    expect(me.body.twoFactorEnabled).toBe(true);
  });

  it("accepts codes from the neighbouring time steps (clock drift)", async () => {
    const u = await registerUser();
    const { secret } = await enableTwoFactor(u);
    const next = await callJson("/v1/auth/2fa/verify", { token: u.accessToken, ip: u.ip, body: { code: await totpCode(secret, 1) } });
    expect(next.status).toBe(200);
    const far = await callJson("/v1/auth/2fa/verify", { token: u.accessToken, ip: u.ip, body: { code: await totpCode(secret, 5) } });
    expect(far.status).toBe(422);
  });
});

describe("login with 2FA", () => {
  it("requires a code, rejects a replayed one, and accepts each backup code once", async () => {
    const u = await registerUser();
    const { secret, backupCodes, usedCode } = await enableTwoFactor(u);
    const creds = { email: u.email, password: u.password };

    const noCode = await callJson("/v1/auth/login", { ip: u.ip, body: creds });
    expect(noCode.status).toBe(401);
    expect(noCode.body.error.code).toBe("TWO_FACTOR_REQUIRED");

    // The code that enabled 2FA cannot be replayed to log in.
    const replay = await callJson("/v1/auth/login", { ip: u.ip, body: { ...creds, totpCode: usedCode } });
    expect(replay.status).toBe(401);

    // A later step's code is fresh and works once.
    const fresh = await totpCode(secret, 1);
    expect((await call("/v1/auth/login", { ip: u.ip, body: { ...creds, totpCode: fresh } })).status).toBe(200);
    expect((await call("/v1/auth/login", { ip: u.ip, body: { ...creds, totpCode: fresh } })).status).toBe(401);

    const backup = backupCodes[0]!;
    expect((await call("/v1/auth/login", { ip: u.ip, body: { ...creds, totpCode: backup.toUpperCase() } })).status).toBe(200);
    expect((await call("/v1/auth/login", { ip: u.ip, body: { ...creds, totpCode: backup } })).status).toBe(401);
  });

  it("does not reveal 2FA before the password is right", async () => {
    const u = await registerUser();
    await enableTwoFactor(u);
    const { status, body } = await callJson("/v1/auth/login", { ip: u.ip, body: { email: u.email, password: "wrong-password" } });
    expect(status).toBe(401);
    expect(body.error.code).toBe("UNAUTHORIZED");
  });
});

describe("step-up and disable", () => {
  it("verify opens a step-up window; disable needs a valid code", async () => {
    const u = await registerUser();
    const { backupCodes } = await enableTwoFactor(u);
    const v = await callJson("/v1/auth/2fa/verify", { token: u.accessToken, ip: u.ip, body: { code: backupCodes[1] } });
    expect(v.status).toBe(200);
    expect(Date.parse(v.body.stepUpExpiresAt)).toBeGreaterThan(Date.now() + 14 * 60_000);

    expect((await call("/v1/auth/2fa/disable", { token: u.accessToken, ip: u.ip, body: { code: "zzzzz-zzzzz", password: u.password } })).status).toBe(422);
    expect((await call("/v1/auth/2fa/disable", { token: u.accessToken, ip: u.ip, body: { code: backupCodes[2], password: u.password } })).status).toBe(204);
    const me = await callJson("/v1/auth/me", { token: u.accessToken, ip: u.ip });
    expect(me.body.twoFactorEnabled).toBe(false);
    // Without 2FA a password alone logs in again.
    expect((await call("/v1/auth/login", { ip: u.ip, body: { email: u.email, password: u.password } })).status).toBe(200);
  });

  it("setup is refused once 2FA is on, and verify without 2FA is a conflict", async () => {
    const u = await registerUser();
    expect((await call("/v1/auth/2fa/verify", { token: u.accessToken, ip: u.ip, body: { code: "123456" } })).status).toBe(409);
    await enableTwoFactor(u);
    expect((await call("/v1/auth/2fa/setup", { method: "POST", token: u.accessToken, ip: u.ip })).status).toBe(409);
  });
});
