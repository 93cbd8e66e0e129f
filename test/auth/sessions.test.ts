/**
 * A user's own sessions: GET /v1/auth/sessions lists the live ones (the
 * caller's marked, nobody else's, no token material), DELETE
 * /v1/auth/sessions/{id} ends one of them (someone else's is a 404), and
 * POST /v1/auth/sessions/revoke-others ends all but the caller's.
 */
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { countingApp } from "../counting-app";
import { call, callJson, registerUser } from "../helpers";
import { expectEnded, expectLive, firstSession, signIn, type Session } from "./session-helpers";

const list = (s: Session, query = "") => callJson(`/v1/auth/sessions${query}`, { token: s.accessToken, ip: s.ip });
const revoke = (s: Session, sessionId: string) => callJson(`/v1/auth/sessions/${encodeURIComponent(sessionId)}`, { method: "DELETE", token: s.accessToken, ip: s.ip });

describe("listing one's sessions", () => {
  it("shows the caller's live sessions only, marks the current one, and carries no token material", async () => {
    const u = await registerUser();
    const a = firstSession(u);
    const b = await signIn(u);
    const ended = await signIn(u);
    expect((await call("/v1/auth/logout", { method: "POST", token: ended.accessToken, ip: ended.ip })).status).toBe(204);
    const stranger = await registerUser();

    const res = await list(a);
    expect(res.status).toBe(200);
    expect(res.body.sessions.map((s: any) => s.id).sort()).toEqual([a.sid, b.sid].sort());
    expect(res.body.pagination).toEqual({ total: 2, limit: 50, offset: 0, hasMore: false });
    for (const s of res.body.sessions) {
      expect(Object.keys(s).sort()).toEqual(["createdAt", "current", "expiresAt", "id", "lastRefreshedAt"]);
      expect(s.current).toBe(s.id === a.sid);
      expect(Date.parse(s.expiresAt) - Date.parse(s.createdAt)).toBe(30 * 24 * 3600 * 1000);
    }
    const text = JSON.stringify(res.body);
    for (const token of [a.refreshToken, b.refreshToken, a.accessToken, b.accessToken]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(await sha256Hex(token));
    }
    expect(text).not.toContain(stranger.id);
    expect(text).not.toContain(firstSession(stranger).sid);

    // From the other device, that one is current; the stranger sees only their own.
    const fromB = await list(b);
    expect(fromB.body.sessions.filter((s: any) => s.current).map((s: any) => s.id)).toEqual([b.sid]);
    expect((await list(firstSession(stranger))).body.sessions.map((s: any) => s.id)).toEqual([firstSession(stranger).sid]);
  });

  it("shows a session's last refresh, pages newest first, and reads in one round trip", async () => {
    const u = await registerUser();
    const a = firstSession(u);
    const b = await signIn(u);
    await new Promise((r) => setTimeout(r, 5));
    const refreshed = await callJson("/v1/auth/refresh", { ip: b.ip, body: { refreshToken: b.refreshToken } });
    expect(refreshed.status).toBe(200);
    const row = (await list(a)).body.sessions.find((s: any) => s.id === b.sid);
    expect(Date.parse(row.lastRefreshedAt)).toBeGreaterThan(Date.parse(row.createdAt));

    const first = await list(a, "?limit=1");
    expect(first.body.sessions.map((s: any) => s.id)).toEqual([b.sid]);
    expect(first.body.pagination).toMatchObject({ total: 2, hasMore: true });
    expect((await list(a, "?limit=1&offset=1")).body.sessions.map((s: any) => s.id)).toEqual([a.sid]);

    const counted = await countingApp().get({ ...u, accessToken: a.accessToken }, "/v1/auth/sessions");
    expect(counted.status).toBe(200);
    expect(counted.trips).toBe(1);
  });
});

describe("ending one of one's sessions", () => {
  it("ends it everywhere at once; another user's session id is a 404 and that session lives on", async () => {
    const u = await registerUser();
    const a = firstSession(u);
    const b = await signIn(u);
    const stranger = firstSession(await registerUser());

    const foreign = await revoke(a, stranger.sid);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe("RESOURCE_NOT_FOUND");
    await expectLive(stranger, "stranger");
    expect((await revoke(a, "ses_doesnotexist0000000000")).status).toBe(404);

    expect((await call(`/v1/auth/sessions/${b.sid}`, { method: "DELETE", token: a.accessToken, ip: a.ip })).status).toBe(204);
    await expectEnded(b, "revoked device");
    await expectLive(a, "caller");
    expect((await revoke(a, b.sid)).status).toBe(404); // already ended
    expect((await list(a)).body.sessions.map((s: any) => s.id)).toEqual([a.sid]);
  });

  it("ends the current session too, as a logout does", async () => {
    const u = await registerUser();
    const a = firstSession(u);
    const b = await signIn(u);
    expect((await call(`/v1/auth/sessions/${a.sid}`, { method: "DELETE", token: a.accessToken, ip: a.ip })).status).toBe(204);
    await expectEnded(a, "current");
    await expectLive(b, "other device");
  });
});

describe("ending all of one's other sessions", () => {
  it("ends every session but the caller's, and no one else's", async () => {
    const u = await registerUser();
    const a = firstSession(u);
    const [b, c] = [await signIn(u), await signIn(u)];
    const stranger = firstSession(await registerUser());

    const res = await callJson("/v1/auth/sessions/revoke-others", { method: "POST", token: b.accessToken, ip: b.ip });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ revokedSessions: 2 });
    await expectEnded(a, "a");
    await expectEnded(c, "c");
    await expectLive(b, "caller");
    await expectLive(stranger, "stranger");
    expect((await list(b)).body.sessions.map((s: any) => s.id)).toEqual([b.sid]);
    // Nothing left to end.
    expect((await callJson("/v1/auth/sessions/revoke-others", { method: "POST", token: b.accessToken, ip: b.ip })).body).toEqual({ revokedSessions: 0 });
  });
});
