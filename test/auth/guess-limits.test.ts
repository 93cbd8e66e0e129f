/**
 * Guessing is limited per account as well as per IP: wrong passwords (login,
 * and the password that 2FA changes take) and wrong second-factor codes (login,
 * /2fa/verify, /2fa/disable) each have a window per account that rotating
 * client IPs do not escape, and a full window refuses even the right answer.
 */
import { describe, expect, it } from "vitest";
import { hotp, totpStep } from "../../src/lib/totp";
import { call, callJson, enableTwoFactor, nextIp, registerUser } from "../helpers";

/** A six-digit code that is none of the codes the server accepts right now. */
async function wrongTotp(secret: string): Promise<string> {
  const now = totpStep(Date.now());
  const valid = new Set(await Promise.all([-2, -1, 0, 1, 2].map((d) => hotp(secret, now + d))));
  for (let n = 0; ; n++) {
    const code = String(n).padStart(6, "0");
    if (!valid.has(code)) return code;
  }
}

function expectLimited(res: { status: number; body: any; res: Response }) {
  expect(res.status).toBe(429);
  expect(res.body.error.code).toBe("RATE_LIMIT_EXCEEDED");
  const retryAfter = Number(res.res.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(15 * 60);
  // The per-account window is no rate-limit policy: the `auth` policy's headers (requests to spare) would
  // contradict Retry-After, so a refusal of this kind carries none.
  for (const h of ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"]) expect(res.res.headers.get(h), h).toBeNull();
}

describe("second-factor guesses per account", () => {
  it("stop 40 logins with the right password and wrong codes from rotating IPs after 5, even for a right code", async () => {
    const u = await registerUser();
    const { secret, backupCodes } = await enableTwoFactor(u);
    const creds = { email: u.email, password: u.password };
    const wrong = await wrongTotp(secret);
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await call("/v1/auth/login", { ip: nextIp(), body: { ...creds, totpCode: wrong } })).status);
    expect(statuses).toEqual([...Array(5).fill(401), ...Array(35).fill(429)]);
    expectLimited(await callJson("/v1/auth/login", { ip: nextIp(), body: { ...creds, totpCode: backupCodes[0] } }));
  });

  it("stop 30 wrong /2fa/verify calls with a stolen access token after 5, even for a right code", async () => {
    const u = await registerUser();
    const { secret } = await enableTwoFactor(u);
    const wrong = await wrongTotp(secret);
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await call("/v1/auth/2fa/verify", { token: u.accessToken, ip: nextIp(), body: { code: wrong } })).status);
    expect(statuses).toEqual([...Array(5).fill(422), ...Array(25).fill(429)]);
    const right = await hotp(secret, totpStep(Date.now()) + 1);
    expectLimited(await callJson("/v1/auth/2fa/verify", { token: u.accessToken, ip: nextIp(), body: { code: right } }));
  });

  it("share one count across login, /2fa/verify and /2fa/disable", async () => {
    const u = await registerUser();
    const { backupCodes } = await enableTwoFactor(u);
    const bad = "zzzzz-zzzzz";
    for (let i = 0; i < 2; i++) {
      expect((await call("/v1/auth/login", { ip: nextIp(), body: { email: u.email, password: u.password, totpCode: bad } })).status).toBe(401);
      expect((await call("/v1/auth/2fa/verify", { token: u.accessToken, ip: nextIp(), body: { code: bad } })).status).toBe(422);
    }
    expect((await call("/v1/auth/2fa/disable", { token: u.accessToken, ip: nextIp(), body: { code: bad, password: u.password } })).status).toBe(422);
    expectLimited(await callJson("/v1/auth/2fa/disable", { token: u.accessToken, ip: nextIp(), body: { code: backupCodes[0], password: u.password } }));
    expectLimited(await callJson("/v1/auth/2fa/verify", { token: u.accessToken, ip: nextIp(), body: { code: backupCodes[0] } }));
    const me = await callJson("/v1/auth/me", { token: u.accessToken, ip: nextIp() });
    expect(me.body.twoFactorEnabled).toBe(true);
  });

  it("count only wrong codes, and only the account's own", async () => {
    const u = await registerUser();
    const other = await registerUser();
    const { backupCodes } = await enableTwoFactor(u);
    const { backupCodes: otherCodes } = await enableTwoFactor(other);
    // Six right codes in a row are not guesses.
    for (const code of backupCodes.slice(0, 6)) {
      expect((await call("/v1/auth/2fa/verify", { token: u.accessToken, ip: nextIp(), body: { code } })).status).toBe(200);
    }
    for (let i = 0; i < 5; i++) {
      expect((await call("/v1/auth/2fa/verify", { token: u.accessToken, ip: nextIp(), body: { code: "zzzzz-zzzzz" } })).status).toBe(422);
    }
    expect((await call("/v1/auth/2fa/verify", { token: u.accessToken, ip: nextIp(), body: { code: backupCodes[6] } })).status).toBe(429);
    // Another account is untouched.
    expect((await call("/v1/auth/2fa/verify", { token: other.accessToken, ip: nextIp(), body: { code: otherCodes[0] } })).status).toBe(200);
  });
});

describe("password guesses per account", () => {
  it("stop wrong passwords from rotating IPs after 10, then refuse the right one too", async () => {
    const u = await registerUser();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push((await call("/v1/auth/login", { ip: nextIp(), body: { email: u.email, password: `wrong-${i}` } })).status);
    }
    expect(statuses).toEqual([...Array(10).fill(401), 429, 429]);
    expectLimited(await callJson("/v1/auth/login", { ip: nextIp(), body: { email: u.email, password: u.password } }));
    // As problem details too.
    expectLimited(await callJson("/v1/auth/login", { ip: nextIp(), headers: { accept: "application/problem+json" }, body: { email: u.email, password: u.password } }).then((r) => ({ ...r, body: { error: { code: r.body.code } } })));
    // Another account, from the same kind of fresh IP, logs in.
    const other = await registerUser();
    expect((await call("/v1/auth/login", { ip: nextIp(), body: { email: other.email, password: other.password } })).status).toBe(200);
  });

  it("treat an email without an account the same way, so the limit does not reveal which emails exist", async () => {
    const email = `nobody-${crypto.randomUUID()}@example.com`;
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await call("/v1/auth/login", { ip: nextIp(), body: { email, password: "guess" } })).status);
    expect(statuses).toEqual([...Array(10).fill(401), 429]);
  });

  it("do not count right passwords", async () => {
    const u = await registerUser();
    for (let i = 0; i < 12; i++) {
      expect((await call("/v1/auth/login", { ip: nextIp(), body: { email: u.email, password: u.password } })).status).toBe(200);
    }
  });

  it("count the password that turning 2FA on or off asks for, with the login's", async () => {
    const u = await registerUser();
    const setup = await callJson("/v1/auth/2fa/setup", { method: "POST", token: u.accessToken, ip: u.ip });
    const code = await hotp(setup.body.secret, totpStep(Date.now()));
    for (let i = 0; i < 10; i++) {
      const res = await callJson("/v1/auth/2fa/enable", { token: u.accessToken, ip: nextIp(), body: { code, password: `wrong-${i}` } });
      expect(res.status).toBe(422);
      expect(res.body.error.details[0]).toMatchObject({ field: "password", code: "INVALID_PASSWORD" });
    }
    expectLimited(await callJson("/v1/auth/2fa/enable", { token: u.accessToken, ip: nextIp(), body: { code, password: u.password } }));
    expectLimited(await callJson("/v1/auth/login", { ip: nextIp(), body: { email: u.email, password: u.password } }));
  });
});
