/**
 * POST /v1/auth/password: the current password (and a code with 2FA) is
 * required and its wrong guesses count with login's; the new one follows the
 * register rules; every other session of the user ends, the caller's stays.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createAccount } from "../accounts/helpers";
import { call, callJson, createSpace, enableTwoFactor, nextIp, registerUser, type TestUser } from "../helpers";
import { expectEnded, expectLive, firstSession, signIn, type Session } from "./session-helpers";
import { createDb } from "../../src/db/client";
import { systemClock } from "../../src/lib/clock";
import { startSession } from "../../src/modules/auth/tokens";

const change = (s: Session, body: Record<string, unknown>, ip = nextIp()) => callJson("/v1/auth/password", { token: s.accessToken, ip, body });
const login = (u: TestUser, password: string) => call("/v1/auth/login", { ip: nextIp(), body: { email: u.email, password } });
const storedHash = async (userId: string) =>
  (await env.DB.prepare("SELECT password_hash AS h FROM users WHERE id = ?").bind(userId).first<{ h: string }>())!.h;

describe("a sign-in racing a change of password or second factor", () => {
  it("opens no session once the password it checked, or the 2FA state it saw, has changed (review: an old-password login in flight kept a 30-day session)", async () => {
    const u = await registerUser();
    const svc = { env, db: createDb(env.DB), clock: systemClock };
    const checked = { passwordHash: await storedHash(u.id), twoFactorEnabled: false };
    // What login verified, then the change commits, then login opens its session.
    expect((await change(firstSession(u), { currentPassword: u.password, newPassword: "changed meanwhile" })).status).toBe(200);
    await expect(startSession(svc, u.id, false, "en", checked)).rejects.toMatchObject({ status: 401 });
    // Turning 2FA on is the same: a password-only sign-in checked before it opens nothing after it.
    const v = await registerUser();
    const before = { passwordHash: await storedHash(v.id), twoFactorEnabled: false };
    await enableTwoFactor(v);
    await expect(startSession(svc, v.id, false, "en", before)).rejects.toMatchObject({ status: 401 });
    const sessionsOf = async (id: string) => (await env.DB.prepare("SELECT COUNT(*) AS n FROM sessions WHERE user_id = ? AND revoked_at IS NULL").bind(id).first<{ n: number }>())!.n;
    expect(await sessionsOf(u.id)).toBe(1); // the caller's own
    // What is current opens a session.
    await expect(startSession(svc, u.id, false, "en", { passwordHash: await storedHash(u.id), twoFactorEnabled: false })).resolves.toHaveProperty("accessToken");
  });
});

describe("changing the password", () => {
  it("replaces it, ends every other session at once, and keeps the caller's", async () => {
    const u = await registerUser();
    const caller = firstSession(u);
    const space = await createSpace(u);
    const account = await createAccount(u, space.id, { openingBalance: 100 });
    const [laptop, phone] = [await signIn(u), await signIn(u)];
    const bystander = await registerUser();

    const res = await change(caller, { currentPassword: u.password, newPassword: "a brand new passphrase" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ revokedSessions: 2 });

    expect((await login(u, u.password)).status).toBe(401);
    expect((await login(u, "a brand new passphrase")).status).toBe(200);
    expect(await storedHash(u.id)).toMatch(/^pbkdf2-sha256\$100000\$/);

    await expectEnded(laptop, "laptop");
    await expectEnded(phone, "phone");
    // A read that checks its session in its own batch, and a write that does (POST /v1/transactions): 401, nothing stored.
    expect((await call(`/v1/transactions?spaceId=${space.id}`, { token: phone.accessToken, ip: phone.ip })).status).toBe(401);
    const write = { spaceId: space.id, accountId: account.id, amount: "-5.00", description: "after the change", date: "2025-06-15" };
    expect((await call("/v1/transactions", { token: phone.accessToken, ip: phone.ip, body: write })).status).toBe(401);
    const stored = await env.DB.prepare("SELECT COUNT(*) AS n FROM transactions WHERE space_id = ? AND description = ?").bind(space.id, "after the change").first<{ n: number }>();
    expect(stored!.n).toBe(0);

    await expectLive(caller, "caller");
    // The caller's refresh token still rotates.
    expect((await call("/v1/auth/refresh", { ip: caller.ip, body: { refreshToken: caller.refreshToken } })).status).toBe(200);
    // Another user is untouched.
    await expectLive(firstSession(bystander), "bystander");
  });

  it("refuses a wrong current password with 422 on currentPassword, changes nothing, and counts it with login's guesses", async () => {
    const u = await registerUser();
    const caller = firstSession(u);
    const other = await signIn(u);
    const before = await storedHash(u.id);
    for (let i = 0; i < 10; i++) {
      const wrong = await change(caller, { currentPassword: `wrong-${i}`, newPassword: "a brand new passphrase" });
      expect(wrong.status, `attempt ${i}`).toBe(422);
      expect(wrong.body.error.details).toEqual([expect.objectContaining({ field: "currentPassword", code: "INVALID_PASSWORD" })]);
    }
    // The account's window is full: the right password is refused too, here and at login, whatever the IP.
    const limited = await change(caller, { currentPassword: u.password, newPassword: "a brand new passphrase" });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe("RATE_LIMIT_EXCEEDED");
    expect(Number(limited.res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await login(u, u.password)).status).toBe(429);
    expect(await storedHash(u.id)).toBe(before);
    await expectLive(other, "other session");
  });

  it("takes a new password by the register rules, different from the current one, without spending a guess", async () => {
    const u = await registerUser();
    const caller = firstSession(u);
    // Too short, only spaces, the current one again.
    const refusals = ["short", "        ", u.password];
    // More refusals of the new password than the ten wrong passwords the account's window holds: none is a guess.
    for (let i = 0; i < 4; i++) {
      for (const newPassword of refusals) {
        const res = await change(caller, { currentPassword: u.password, newPassword });
        expect(res.status, newPassword).toBe(422);
        expect(res.body.error.details, newPassword).toEqual([expect.objectContaining({ field: "newPassword" })]);
      }
    }
    expect((await change(caller, { currentPassword: u.password, newPassword: u.password })).body.error.details[0].code).toBe("SAME_AS_CURRENT");
    expect((await change(caller, { currentPassword: u.password })).body.error.details[0]).toMatchObject({ field: "newPassword", code: "REQUIRED" });
    const ok = await change(caller, { currentPassword: u.password, newPassword: " spaced out pass " });
    expect(ok.status).toBe(200);
    expect(ok.body.revokedSessions).toBe(0);
    expect((await login(u, " spaced out pass ")).status).toBe(200);
  });

  it("with 2FA on, needs a second-factor code as well, under the code limit", async () => {
    const u = await registerUser();
    const caller = firstSession(u);
    const { backupCodes } = await enableTwoFactor(u);
    const other = await signIn(u, u.password, backupCodes[0]);
    const body = { currentPassword: u.password, newPassword: "a brand new passphrase" };

    const missing = await change(caller, body);
    expect(missing.status).toBe(422);
    expect(missing.body.error.details).toEqual([expect.objectContaining({ field: "code", code: "REQUIRED" })]);
    const wrong = await change(caller, { ...body, code: "zzzzz-zzzzz" });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.details).toEqual([expect.objectContaining({ field: "code", code: "INVALID_CODE" })]);
    // A wrong password does not spend the code.
    expect((await change(caller, { ...body, currentPassword: "not it at all", code: backupCodes[1] })).status).toBe(422);
    await expectLive(other, "other session");
    expect((await login(u, "a brand new passphrase")).status).toBe(401);

    const ok = await change(caller, { ...body, code: backupCodes[1] });
    expect(ok.status).toBe(200);
    expect(ok.body.revokedSessions).toBe(1);
    await expectEnded(other, "other session");
    await expectLive(caller, "caller");
    const relogin = await callJson("/v1/auth/login", { ip: nextIp(), body: { email: u.email, password: "a brand new passphrase", totpCode: backupCodes[2] } });
    expect(relogin.status).toBe(200);

    // Wrong codes count with the account's other second-factor guesses: five, then even a right one is refused.
    for (let i = 0; i < 4; i++) expect((await change(caller, { currentPassword: "a brand new passphrase", newPassword: "yet another passphrase", code: "zzzzz-zzzzz" })).status).toBe(422);
    const limited = await change(caller, { currentPassword: "a brand new passphrase", newPassword: "yet another passphrase", code: backupCodes[3] });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe("RATE_LIMIT_EXCEEDED");
  });

  it("lets one of two changes at once win, from two devices: the loser's session ends, the winner's stays", async () => {
    const u = await registerUser();
    const a = firstSession(u);
    const b = await signIn(u);
    const [ra, rb] = await Promise.all([
      change(a, { currentPassword: u.password, newPassword: "device a passphrase" }),
      change(b, { currentPassword: u.password, newPassword: "device b passphrase" }),
    ]);
    const winners = [ra, rb].filter((r) => r.status === 200);
    expect(winners, JSON.stringify([ra.body, rb.body])).toHaveLength(1);
    const [winner, loser, winnerPassword] = ra.status === 200 ? [a, b, "device a passphrase"] : [b, a, "device b passphrase"];
    // The loser was refused: its check ran after the change (401, 409 or 422), whichever way the two interleaved.
    expect([401, 409, 422]).toContain((ra.status === 200 ? rb : ra).status);
    await expectLive(winner, "winner");
    await expectEnded(loser, "loser");
    expect((await login(u, winnerPassword)).status).toBe(200);
  });
});
