import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { countingApp } from "../counting-app";
import { addMember, call, callJson, createSpace, enableTwoFactor, registerUser, totpCode } from "../helpers";

describe("spaces", () => {
  it("create, list, get and patch with the seed shape", async () => {
    const u = await registerUser();
    const created = await callJson("/v1/spaces", { token: u.accessToken, ip: u.ip, body: { name: "Negocio", type: "business", currency: "MXN" } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "Negocio", type: "business", currency: "MXN", role: "owner", accounts: [] });
    expect(created.body.id).toMatch(/^spc_/);

    const list = await callJson("/v1/spaces", { token: u.accessToken, ip: u.ip });
    expect(list.body.map((s: any) => s.id)).toContain(created.body.id);

    const patched = await callJson(`/v1/spaces/${created.body.id}`, { method: "PATCH", token: u.accessToken, ip: u.ip, body: { name: "Mi Negocio" } });
    expect(patched.status).toBe(200);
    expect(patched.body.name).toBe("Mi Negocio");
    const got = await callJson(`/v1/spaces/${created.body.id}`, { token: u.accessToken, ip: u.ip });
    expect(got.body.name).toBe("Mi Negocio");
  });

  it("reject an unsupported currency", async () => {
    const u = await registerUser();
    const { status, body } = await callJson("/v1/spaces", { token: u.accessToken, ip: u.ip, body: { name: "X", type: "personal", currency: "XYZ" } });
    expect(status).toBe(422);
    expect(body.error.details[0].field).toBe("currency");
  });

  it("hide a foreign space on every space route (404, not 403)", async () => {
    const a = await registerUser();
    const b = await registerUser();
    const spaceB = await createSpace(b);
    const routes: [string, string, unknown?][] = [
      ["GET", `/v1/spaces/${spaceB.id}`],
      ["PATCH", `/v1/spaces/${spaceB.id}`, { name: "pwned" }],
      ["DELETE", `/v1/spaces/${spaceB.id}`],
      ["GET", `/v1/spaces/${spaceB.id}/members`],
      ["POST", `/v1/spaces/${spaceB.id}/members`, { email: a.email, role: "admin" }],
      ["PATCH", `/v1/spaces/${spaceB.id}/members/${b.id}`, { role: "viewer" }],
      ["DELETE", `/v1/spaces/${spaceB.id}/members/${b.id}`],
    ];
    for (const [method, path, body] of routes) {
      const res = await callJson(path, { method, body, token: a.accessToken, ip: a.ip });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error.code).toBe("RESOURCE_NOT_FOUND");
    }
    const list = await callJson("/v1/spaces", { token: a.accessToken, ip: a.ip });
    expect(list.body.map((s: any) => s.id)).not.toContain(spaceB.id);
    const still = await callJson(`/v1/spaces/${spaceB.id}`, { token: b.accessToken, ip: b.ip });
    expect(still.body.name).toBe("Personal");
  });

  it("let only the owner with 2FA delete a space", async () => {
    const owner = await registerUser();
    const admin = await registerUser();
    const space = await createSpace(owner);
    await addMember(owner, space.id, admin, "admin");

    const byAdmin = await callJson(`/v1/spaces/${space.id}`, { method: "DELETE", token: admin.accessToken, ip: admin.ip });
    expect(byAdmin.status).toBe(403);

    const no2fa = await callJson(`/v1/spaces/${space.id}`, { method: "DELETE", token: owner.accessToken, ip: owner.ip });
    expect(no2fa.status).toBe(403);
    expect(no2fa.body.error.code).toBe("TWO_FACTOR_REQUIRED");

    await enableTwoFactor(owner); // enabling proves the factor in this session
    const ok = await call(`/v1/spaces/${space.id}`, { method: "DELETE", token: owner.accessToken, ip: owner.ip });
    expect(ok.status).toBe(204);
    expect((await call(`/v1/spaces/${space.id}`, { token: owner.accessToken, ip: owner.ip })).status).toBe(404);
    expect((await call(`/v1/spaces/${space.id}`, { token: admin.accessToken, ip: admin.ip })).status).toBe(404);
  });

  it("demand a fresh second factor for delete in a new session", async () => {
    const owner = await registerUser();
    const space = await createSpace(owner);
    const { secret } = await enableTwoFactor(owner);
    // A new login with a code counts as step-up; a session refreshed days later would not.
    const login = await callJson("/v1/auth/login", { ip: owner.ip, body: { email: owner.email, password: owner.password, totpCode: await totpCode(secret, 1) } });
    expect(login.status).toBe(200);
    expect((await call(`/v1/spaces/${space.id}`, { method: "DELETE", token: login.body.tokens.accessToken, ip: owner.ip })).status).toBe(204);
  });
});

describe("members and roles", () => {
  it("viewers read the space but cannot write; members cannot manage members", async () => {
    const owner = await registerUser();
    const viewer = await registerUser();
    const member = await registerUser();
    const outsider = await registerUser();
    const space = await createSpace(owner);
    await addMember(owner, space.id, viewer, "viewer");
    await addMember(owner, space.id, member, "member");

    expect((await call(`/v1/spaces/${space.id}`, { token: viewer.accessToken, ip: viewer.ip })).status).toBe(200);
    const vPatch = await callJson(`/v1/spaces/${space.id}`, { method: "PATCH", token: viewer.accessToken, ip: viewer.ip, body: { name: "v" } });
    expect(vPatch.status).toBe(403);
    expect(vPatch.body.error.code).toBe("FORBIDDEN");
    expect((await call(`/v1/spaces/${space.id}`, { method: "PATCH", token: member.accessToken, ip: member.ip, body: { name: "m" } })).status).toBe(200);

    const mAdd = await call(`/v1/spaces/${space.id}/members`, { token: member.accessToken, ip: member.ip, body: { email: outsider.email, role: "viewer" } });
    expect(mAdd.status).toBe(403);

    const members = await callJson(`/v1/spaces/${space.id}/members`, { token: member.accessToken, ip: member.ip });
    expect(members.body.map((m: any) => m.role).sort()).toEqual(["member", "owner", "viewer"]);
  });

  it("admins manage only roles below their own; the owner is untouchable", async () => {
    const owner = await registerUser();
    const admin = await registerUser();
    const admin2 = await registerUser();
    const m = await registerUser();
    const space = await createSpace(owner);
    await addMember(owner, space.id, admin, "admin");
    await addMember(owner, space.id, admin2, "admin");
    await addMember(admin, space.id, m, "viewer");

    const promote = await call(`/v1/spaces/${space.id}/members/${m.id}`, { method: "PATCH", token: admin.accessToken, ip: admin.ip, body: { role: "admin" } });
    expect(promote.status).toBe(403);
    const toMember = await callJson(`/v1/spaces/${space.id}/members/${m.id}`, { method: "PATCH", token: admin.accessToken, ip: admin.ip, body: { role: "member" } });
    expect(toMember.status).toBe(200);
    expect(toMember.body.role).toBe("member");

    expect((await call(`/v1/spaces/${space.id}/members/${admin2.id}`, { method: "DELETE", token: admin.accessToken, ip: admin.ip })).status).toBe(403);
    expect((await call(`/v1/spaces/${space.id}/members/${owner.id}`, { method: "DELETE", token: admin.accessToken, ip: admin.ip })).status).toBe(403);
    const ownerRole = await call(`/v1/spaces/${space.id}/members/${owner.id}`, { method: "PATCH", token: admin.accessToken, ip: admin.ip, body: { role: "viewer" } });
    expect(ownerRole.status).toBe(403);
    const asOwner = await call(`/v1/spaces/${space.id}/members`, { token: owner.accessToken, ip: owner.ip, body: { email: m.email, role: "owner" } });
    expect(asOwner.status).toBe(422);

    expect((await call(`/v1/spaces/${space.id}/members/${m.id}`, { method: "DELETE", token: admin.accessToken, ip: admin.ip })).status).toBe(204);
    expect((await call(`/v1/spaces/${space.id}`, { token: m.accessToken, ip: m.ip })).status).toBe(404);
    // Members may leave on their own.
    expect((await call(`/v1/spaces/${space.id}/members/${admin2.id}`, { method: "DELETE", token: admin2.accessToken, ip: admin2.ip })).status).toBe(204);
  });

  it("rejects duplicates and unknown users", async () => {
    const owner = await registerUser();
    const other = await registerUser();
    const space = await createSpace(owner);
    await addMember(owner, space.id, other, "member");
    const dup = await callJson(`/v1/spaces/${space.id}/members`, { token: owner.accessToken, ip: owner.ip, body: { email: other.email, role: "viewer" } });
    expect(dup.status).toBe(409);
    const unknown = await callJson(`/v1/spaces/${space.id}/members`, { token: owner.accessToken, ip: owner.ip, body: { email: "ghost@example.com", role: "viewer" } });
    expect(unknown.status).toBe(404);
  });

  it("limits the addresses one user may try a day, found or not: past 30, a 429 that no longer says whether an address has an account", { timeout: 60_000 }, async () => {
    const owner = await registerUser();
    const known = await registerUser();
    const [space, other] = [await createSpace(owner), await createSpace(owner)];
    const add = (spaceId: string, email: string) => callJson(`/v1/spaces/${spaceId}/members`, { token: owner.accessToken, ip: owner.ip, body: { email, role: "viewer" } });
    // Guesses across spaces count together: any user may create as many spaces as they like.
    for (let i = 0; i < 30; i++) expect((await add(i % 2 ? space.id : other.id, `ghost${i}@example.com`)).status).toBe(404);
    const [unknown, found] = [await add(space.id, "ghost-late@example.com"), await add(space.id, known.email)];
    expect([unknown.status, found.status]).toEqual([429, 429]);
    expect(Number(found.res.headers.get("retry-after"))).toBeGreaterThan(0);
    // Nothing was added, and another user's adds are their own.
    expect((await callJson(`/v1/spaces/${space.id}/members`, { token: owner.accessToken, ip: owner.ip })).body.map((m: { email: string }) => m.email)).toEqual([owner.email]);
    const stranger = await registerUser();
    expect((await callJson(`/v1/spaces/${(await createSpace(stranger)).id}/members`, { token: stranger.accessToken, ip: stranger.ip, body: { email: known.email, role: "viewer" } })).status).toBe(201);
  });

  it("require a recent second factor for admin routes when the admin has 2FA", async () => {
    const owner = await registerUser();
    const admin = await registerUser();
    const newbie = await registerUser();
    const space = await createSpace(owner);
    await addMember(owner, space.id, admin, "admin");
    const { secret } = await enableTwoFactor(admin);
    // Age the session's step-up past the 15-minute window.
    await env.DB.prepare("UPDATE sessions SET step_up_at = ? WHERE user_id = ?").bind(Date.now() - 16 * 60_000, admin.id).run();
    const add = () => callJson(`/v1/spaces/${space.id}/members`, { token: admin.accessToken, ip: admin.ip, body: { email: newbie.email, role: "viewer" } });
    const stale = await add();
    expect(stale.status).toBe(403);
    expect(stale.body.error.code).toBe("TWO_FACTOR_REQUIRED");
    // Reading stays open to the admin without step-up.
    expect((await call(`/v1/spaces/${space.id}/members`, { token: admin.accessToken, ip: admin.ip })).status).toBe(200);
    const verify = await call("/v1/auth/2fa/verify", { token: admin.accessToken, ip: admin.ip, body: { code: await totpCode(secret, 1) } });
    expect(verify.status).toBe(200);
    expect((await add()).status).toBe(201);
  });
});

describe("the member list", () => {
  it("is read with the session and role checks in one round trip; a viewer's 403 and a stranger's 404 in one", async () => {
    const owner = await registerUser({ name: "Olga Owner" });
    const space = await createSpace(owner);
    const member = await registerUser({ name: "Mia Member" });
    const viewer = await registerUser({ name: "Vic Viewer" });
    await addMember(owner, space.id, member, "member");
    await addMember(owner, space.id, viewer, "viewer");
    const { get } = countingApp();
    const path = `/v1/spaces/${space.id}/members`;
    const list = await get(member, path);
    expect(list.status).toBe(200);
    expect(list.trips).toBe(1);
    expect(list.body.map((m: { userId: string; name: string; role: string; email: string }) => [m.userId, m.name, m.role, m.email])).toEqual([
      [owner.id, "Olga Owner", "owner", owner.email], [member.id, "Mia Member", "member", member.email], [viewer.id, "Vic Viewer", "viewer", viewer.email],
    ]);
    expect(Object.keys(list.body[0])).toEqual(["userId", "email", "name", "role", "joinedAt"]);
    expect(list.body[0].joinedAt).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    const refused = await get(viewer, path);
    expect(refused.status).toBe(403);
    expect(refused.trips).toBe(1);
    expect(JSON.stringify(refused.body)).not.toContain("Mia");
    const stranger = await registerUser();
    const theirs = await get(stranger, path);
    const none = await get(stranger, "/v1/spaces/spc_01doesnotexist000000000000/members");
    expect(theirs.status).toBe(404);
    expect(theirs.body.error).toMatchObject({ code: none.body.error.code, message: none.body.error.message });
    expect(theirs.trips).toBe(1);
    expect(theirs.rowsRead).toBeLessThan(20);
    expect(JSON.stringify(theirs.body)).not.toContain("Mia");
  });
});
