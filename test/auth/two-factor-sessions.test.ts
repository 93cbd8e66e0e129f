/**
 * Turning 2FA on or off ends the user's other sessions (a session a thief
 * opened with the password alone must not outlive the new factor, nor one
 * that proved the old factor its removal); the caller's session stays.
 */
import { describe, expect, it } from "vitest";
import { call, callJson, enableTwoFactor, registerUser, totpCode } from "../helpers";
import { expectEnded, expectLive, firstSession, signIn } from "./session-helpers";

describe("2FA changes and the user's other sessions", () => {
  it("enabling ends every other session and says how many; a refused attempt ends none", async () => {
    const u = await registerUser();
    const caller = firstSession(u);
    const [laptop, phone] = [await signIn(u), await signIn(u)];
    const setup = await callJson("/v1/auth/2fa/setup", { method: "POST", token: caller.accessToken, ip: caller.ip });
    const refused = await callJson("/v1/auth/2fa/enable", { token: caller.accessToken, ip: caller.ip, body: { code: await totpCode(setup.body.secret), password: "not the password" } });
    expect(refused.status).toBe(422);
    await expectLive(laptop, "laptop, after the refused attempt");
    const enabled = await callJson("/v1/auth/2fa/enable", { token: caller.accessToken, ip: caller.ip, body: { code: await totpCode(setup.body.secret), password: u.password } });
    expect(enabled.status).toBe(200);
    expect(enabled.body.revokedSessions).toBe(2);
    expect(enabled.body.backupCodes).toHaveLength(10);
    await expectEnded(laptop, "laptop");
    await expectEnded(phone, "phone");
    await expectLive(caller, "caller");
  });

  it("disabling ends every other session, those that proved the factor included", async () => {
    const u = await registerUser();
    const caller = firstSession(u);
    const { backupCodes } = await enableTwoFactor(u);
    const other = await signIn(u, u.password, backupCodes[0]);
    expect((await call("/v1/auth/2fa/disable", { token: caller.accessToken, ip: caller.ip, body: { code: backupCodes[1], password: u.password } })).status).toBe(204);
    await expectEnded(other, "other session");
    await expectLive(caller, "caller");
    expect((await callJson("/v1/auth/me", { token: caller.accessToken, ip: caller.ip })).body.twoFactorEnabled).toBe(false);
  });
});
