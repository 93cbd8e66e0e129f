/**
 * Signing in while the account changes, and spending one-time things twice at once, as an attacker would: a
 * password-only login racing 2FA being turned on (or a password change) must not leave a session the change missed;
 * a TOTP code or backup code sent several times at once signs in once; concurrent refreshes of one token give one
 * pair at most and clean 401s; concurrent registrations of one address (any case, padding) make one account.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, callJson, enableTwoFactor, nextIp, registerUser, totpCode } from "../helpers";

const login = (body: Record<string, string>) => callJson("/v1/auth/login", { ip: nextIp(), body });
const later = <T>(ms: number, f: () => Promise<T>) => new Promise<void>((r) => setTimeout(r, ms)).then(f);
const meStatus = async (accessToken: string) => (await call("/v1/auth/me", { token: accessToken, ip: nextIp() })).status;

describe("sign-in races", () => {
  it("logins with the password alone racing 2FA being turned on leave no live session", async () => {
    for (let round = 0; round < 3; round++) {
      const u = await registerUser();
      const setup = await callJson("/v1/auth/2fa/setup", { method: "POST", token: u.accessToken, ip: u.ip });
      const code = await totpCode(setup.body.secret);
      const [enabled, ...logins] = await Promise.all([
        callJson("/v1/auth/2fa/enable", { token: u.accessToken, ip: nextIp(), body: { code, password: u.password } }),
        // Spread over the enable's run, so that some read the account before it and write their session after.
        ...Array.from({ length: 8 }, (_, i) => later(i * 20, () => login({ email: u.email, password: u.password }))),
      ]);
      expect(enabled!.status).toBe(200);
      for (const l of logins) {
        // Before the enable: a session it ends. After: TWO_FACTOR_REQUIRED. Between: refused as changed meanwhile.
        expect([200, 401]).toContain(l.status);
        if (l.status === 200) expect(await meStatus(l.body.tokens.accessToken)).toBe(401);
      }
    }
  });

  it("logins with the old password racing a password change leave no live session", async () => {
    for (let round = 0; round < 3; round++) {
      const u = await registerUser();
      const [changed, ...logins] = await Promise.all([
        callJson("/v1/auth/password", { token: u.accessToken, ip: nextIp(), body: { currentPassword: u.password, newPassword: "a brand new passphrase" } }),
        ...Array.from({ length: 8 }, (_, i) => later(i * 20, () => login({ email: u.email, password: u.password }))),
      ]);
      expect(changed!.status).toBe(200);
      for (const l of logins) {
        expect([200, 401]).toContain(l.status);
        if (l.status === 200) expect(await meStatus(l.body.tokens.accessToken)).toBe(401);
      }
      expect(await meStatus(u.accessToken)).toBe(200);
    }
  });

  it("one TOTP code sent four times at once signs in once", async () => {
    const u = await registerUser();
    const { secret } = await enableTwoFactor(u);
    const code = await totpCode(secret, 1);
    const results = await Promise.all(Array.from({ length: 4 }, () => login({ email: u.email, password: u.password, totpCode: code })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 401, 401, 401]);
  });

  it("one backup code sent at once to login and to /2fa/verify is spent once", async () => {
    const u = await registerUser();
    const { backupCodes } = await enableTwoFactor(u);
    const results = await Promise.all([
      login({ email: u.email, password: u.password, totpCode: backupCodes[0]! }),
      login({ email: u.email, password: u.password, totpCode: backupCodes[0]! }),
      callJson("/v1/auth/2fa/verify", { token: u.accessToken, ip: nextIp(), body: { code: backupCodes[0] } }),
      callJson("/v1/auth/2fa/verify", { token: u.accessToken, ip: nextIp(), body: { code: backupCodes[0] } }),
    ]);
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status !== 200).map((r) => r.status).every((s) => s === 401 || s === 422)).toBe(true);
    const used = await env.DB.prepare("SELECT count(*) AS n FROM backup_codes WHERE user_id = ? AND used_at IS NOT NULL").bind(u.id).first<{ n: number }>();
    expect(used!.n).toBe(1);
  });

  it("five refreshes of one token at once: at most one pair, every other answer a clean 401, and the session ends", async () => {
    const u = await registerUser();
    const results = await Promise.all(Array.from({ length: 5 }, () => callJson("/v1/auth/refresh", { ip: nextIp(), body: { refreshToken: u.refreshToken } })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 401, 401, 401, 401]);
    for (const r of results.filter((r) => r.status === 401)) expect(r.body.error.code).toBe("UNAUTHORIZED");
    // The token was presented again: that is reuse, and the whole session ends (README), the winner's new pair with it.
    const won = results.find((r) => r.status === 200)!;
    expect(await meStatus(won.body.tokens.accessToken)).toBe(401);
    expect((await call("/v1/auth/refresh", { ip: nextIp(), body: { refreshToken: won.body.tokens.refreshToken } })).status).toBe(401);
  });

  it("registrations of one address at once, in any case or padding, make one account; the rest are 409", async () => {
    const email = `race-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const variants = [email, email.toUpperCase(), `  ${email}\t`, email.replace("e", "E"), email.replace("k", "\u212A"), email];
    const results = await Promise.all(
      variants.map((v) => callJson("/v1/auth/register", { ip: nextIp(), body: { name: "Racer", email: v, password: "correct horse battery" } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    for (const r of results.filter((r) => r.status === 409)) expect(r.body.error.code).toBe("DUPLICATE_RESOURCE");
    const rows = await env.DB.prepare("SELECT email FROM users WHERE lower(email) = ?").bind(email).all<{ email: string }>();
    expect(rows.results.map((r) => r.email)).toEqual([email]);
  });
});
