/**
 * POST /v1/spaces/{spaceId}/owner: the owner hands the space to another member, who becomes its owner, and is then
 * an admin. Before it, a household whose shared space was created by one partner had no way to make the other its
 * owner but to delete everything. One batch behind guards (spaces/service.ts transferOwnership): the caller still the
 * owner of the live space, the target still a member, the target's owned spaces within MAX_OWNED_SPACES.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_OWNED_SPACES } from "../../src/modules/spaces/service";
import { addMember, call, callJson, createSpace, enableTwoFactor, registerUser, type TestUser, totpCode, userApi } from "../helpers";
import { invitationToken } from "../lifebeat/helpers";
import { racingApp } from "../racing-app";

const one = async <T = Record<string, unknown>>(sql: string, ...params: unknown[]) => (await env.DB.prepare(sql).bind(...params).first<T>())!;
const transfer = (u: TestUser, spaceId: string, body: unknown) => userApi(u).post(`/v1/spaces/${spaceId}/owner`, body);
const answer = (res: { status: number; body: any }) => ({ status: res.status, code: res.body?.error?.code, message: res.body?.error?.message });

/** The space's roles by user id, and its owner_id. */
async function ownership(spaceId: string) {
  const rows = await env.DB.prepare("SELECT user_id, role FROM space_members WHERE space_id = ?").bind(spaceId).all<{ user_id: string; role: string }>();
  const space = await one<{ owner_id: string }>("SELECT owner_id FROM spaces WHERE id = ?", spaceId);
  return { ownerId: space.owner_id, roles: Object.fromEntries(rows.results.map((r) => [r.user_id, r.role])) };
}

/** An owner (no 2FA), their space with an account, an admin, a member and a viewer. */
async function household() {
  const [owner, admin, member, viewer] = await Promise.all([registerUser(), registerUser(), registerUser(), registerUser()]);
  const space = await createSpace(owner, { name: "Casa" });
  await addMember(owner, space.id, admin!, "admin");
  await addMember(owner, space.id, member!, "member");
  await addMember(owner, space.id, viewer!, "viewer");
  const acc = await userApi(owner).post("/v1/accounts", { spaceId: space.id, name: "Joint", type: "checking", currency: "USD", openingBalance: "12.34" });
  expect(acc.status).toBe(201);
  return { owner, admin: admin!, member: member!, viewer: viewer!, spaceId: space.id, accountId: acc.body.id as string };
}

describe("handing a space to another member", () => {
  it("makes them the owner and the caller an admin, answered as GET shows it; the new owner deletes it, the old one may leave", { timeout: 60_000 }, async () => {
    const { owner, member, viewer, spaceId, accountId } = await household();
    const res = await transfer(owner, spaceId, { userId: member.id });
    expect(res.status).toBe(200);
    const got = await userApi(owner).get(`/v1/spaces/${spaceId}`);
    expect(got.status).toBe(200);
    expect(got.body.role).toBe("admin");
    expect(res.body).toEqual(got.body);
    expect(res.body.accounts).toEqual([expect.objectContaining({ id: accountId, balance: 12.34 })]);
    const after = await ownership(spaceId);
    expect(after.ownerId).toBe(member.id);
    expect(after.roles).toMatchObject({ [owner.id]: "admin", [member.id]: "owner", [viewer.id]: "viewer" });
    expect(Object.values(after.roles).filter((r) => r === "owner")).toHaveLength(1);
    expect((await userApi(member).get(`/v1/spaces/${spaceId}`)).body.role).toBe("owner");

    // The old owner may no longer delete it, nor hand it on; the new owner cannot leave.
    expect(answer(await userApi(owner).del(`/v1/spaces/${spaceId}`))).toMatchObject({ status: 403, code: "FORBIDDEN" });
    expect(answer(await transfer(owner, spaceId, { userId: viewer.id }))).toMatchObject({ status: 403, code: "FORBIDDEN" });
    expect((await userApi(member).del(`/v1/spaces/${spaceId}/members/${member.id}`)).status).toBe(403);
    // The new owner manages the old one as any admin, and the old owner may leave.
    expect((await userApi(member).patch(`/v1/spaces/${spaceId}/members/${owner.id}`, { role: "member" })).status).toBe(200);
    expect((await userApi(owner).del(`/v1/spaces/${spaceId}/members/${owner.id}`)).status).toBe(204);
    expect((await userApi(owner).get(`/v1/spaces/${spaceId}`)).status).toBe(404);

    // Deleting needs the new owner's own 2FA, and then works.
    expect(answer(await userApi(member).del(`/v1/spaces/${spaceId}`))).toMatchObject({ status: 403, code: "TWO_FACTOR_REQUIRED" });
    await enableTwoFactor(member);
    expect((await userApi(member).del(`/v1/spaces/${spaceId}`)).status).toBe(204);
    expect((await userApi(member).get(`/v1/spaces/${spaceId}`)).status).toBe(404);
  });

  it("is refused to anyone but the owner (403), to strangers and for a deleted space (404), changing nothing", { timeout: 60_000 }, async () => {
    const { owner, admin, member, viewer, spaceId } = await household();
    const stranger = await registerUser();
    for (const u of [admin, member, viewer]) {
      expect(answer(await transfer(u, spaceId, { userId: u === admin ? member.id : admin.id }))).toMatchObject({ status: 403, code: "FORBIDDEN" });
      expect(answer(await transfer(u, spaceId, { userId: u.id }))).toMatchObject({ status: 403, code: "FORBIDDEN" });
    }
    expect(answer(await transfer(stranger, spaceId, { userId: stranger.id }))).toEqual({ status: 404, code: "RESOURCE_NOT_FOUND", message: "Space not found" });
    expect(answer(await transfer(stranger, "spc_nope", { userId: member.id }))).toMatchObject({ status: 404, message: "Space not found" });
    expect((await call(`/v1/spaces/${spaceId}/owner`, { body: { userId: member.id } })).status).toBe(401);
    expect(await ownership(spaceId)).toMatchObject({ ownerId: owner.id, roles: { [owner.id]: "owner", [admin.id]: "admin" } });

    await enableTwoFactor(owner);
    expect((await userApi(owner).del(`/v1/spaces/${spaceId}`)).status).toBe(204);
    expect(answer(await transfer(owner, spaceId, { userId: member.id }))).toEqual({ status: 404, code: "RESOURCE_NOT_FOUND", message: "Space not found" });
    expect((await ownership(spaceId)).ownerId).toBe(owner.id);
  });

  it("names a current member other than the caller: the caller is a 422, a non-member (or a mere grant holder) a 404", { timeout: 90_000 }, async () => {
    const { owner, member, spaceId } = await household();
    const stranger = await registerUser();
    expect(answer(await transfer(owner, spaceId, { userId: owner.id }))).toMatchObject({ status: 422, code: "VALIDATION_FAILED" });
    expect((await transfer(owner, spaceId, { userId: owner.id })).body.error.details).toEqual([
      expect.objectContaining({ field: "userId", message: "You already own this space; name another of its members" }),
    ]);
    expect(answer(await transfer(owner, spaceId, { userId: stranger.id }))).toEqual({ status: 404, code: "RESOURCE_NOT_FOUND", message: "Member not found" });
    expect(answer(await transfer(owner, spaceId, { userId: "usr_doesnotexist" }))).toMatchObject({ status: 404, message: "Member not found" });
    // A former member.
    expect((await userApi(member).del(`/v1/spaces/${spaceId}/members/${member.id}`)).status).toBe(204);
    expect(answer(await transfer(owner, spaceId, { userId: member.id }))).toMatchObject({ status: 404, message: "Member not found" });

    // An executor reading the space through a Life Beat emergency grant is no member of it.
    const hh = await userApi(owner).post("/v1/households", { name: "Casa", spaceIds: [spaceId] });
    expect(hh.status).toBe(201);
    const executor = await registerUser();
    const inv = await userApi(owner).post(`/v1/households/${hh.body.id}/members`, { email: executor.email, relationship: "sibling", role: "executor" });
    expect(inv.status).toBe(201);
    expect((await callJson(`/v1/households/invitations/${await invitationToken(executor.email)}/accept`, { method: "POST", token: executor.accessToken, ip: executor.ip })).status).toBe(200);
    const grant = await userApi(owner).post("/v1/life-beat/emergency-access", {
      householdId: hh.body.id, executorId: inv.body.id, accessLevel: "read-only", expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(grant.status).toBe(201);
    expect((await userApi(executor).get(`/v1/spaces/${spaceId}`)).body.role).toBe("viewer");
    expect(answer(await transfer(owner, spaceId, { userId: executor.id }))).toMatchObject({ status: 404, message: "Member not found" });
    // Nor may the grant holder hand it anywhere: a grant reads only.
    expect((await transfer(executor, spaceId, { userId: executor.id })).status).toBe(403);
    const after = await ownership(spaceId);
    expect(after).toMatchObject({ ownerId: owner.id, roles: { [owner.id]: "owner" } });
    expect(after.roles[executor.id]).toBeUndefined();
  });

  it("takes its space out of the previous owner's households: their executors no longer read it", { timeout: 90_000 }, async () => {
    const { owner, member, spaceId } = await household();
    const hh = await userApi(owner).post("/v1/households", { name: "Casa", spaceIds: [spaceId] });
    expect(hh.status).toBe(201);
    const executor = await registerUser();
    const inv = await userApi(owner).post(`/v1/households/${hh.body.id}/members`, { email: executor.email, relationship: "sibling", role: "executor" });
    expect((await callJson(`/v1/households/invitations/${await invitationToken(executor.email)}/accept`, { method: "POST", token: executor.accessToken, ip: executor.ip })).status).toBe(200);
    const grant = await userApi(owner).post("/v1/life-beat/emergency-access", {
      householdId: hh.body.id, executorId: inv.body.id, accessLevel: "read-only", expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(grant.status).toBe(201);
    expect((await userApi(executor).get(`/v1/spaces/${spaceId}`)).status).toBe(200);

    expect((await transfer(owner, spaceId, { userId: member.id })).status).toBe(200);
    expect(await one("SELECT COUNT(*) AS n FROM household_spaces WHERE space_id = ?", spaceId)).toEqual({ n: 0 });
    // The grant itself stands (it is the household's); it no longer reaches the space.
    expect(await one("SELECT revoked_at FROM emergency_grants WHERE id = ?", grant.body.id)).toEqual({ revoked_at: null });
    expect((await userApi(executor).get(`/v1/spaces/${spaceId}`)).status).toBe(404);
    expect((await userApi(owner).get(`/v1/households/${hh.body.id}`)).body.spaces ?? []).toEqual([]);
  });

  it("answers a body it cannot take with a 4xx, never a 500", async () => {
    const { owner, member, spaceId } = await household();
    const raw = (rawBody: string, headers: Record<string, string> = { "content-type": "application/json" }) =>
      call(`/v1/spaces/${spaceId}/owner`, { method: "POST", token: owner.accessToken, ip: owner.ip, rawBody, headers });
    for (const r of [await raw("{"), await raw("not json"), await raw(""), await raw(`{"userId":"${member.id}"}`, { "content-type": "text/plain" })]) {
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
    }
    for (const body of [{}, { userId: "" }, { userId: 42 }, { userId: null }, { userId: "x".repeat(65) }, { userId: member.id, role: "owner" }, [member.id], "x"]) {
      const r = await transfer(owner, spaceId, body);
      expect([r.status, r.body.error.code]).toEqual([422, "VALIDATION_FAILED"]);
    }
    expect((await transfer(owner, `${"x".repeat(65)}`, { userId: member.id })).status).toBe(422);
    expect((await ownership(spaceId)).ownerId).toBe(owner.id);
  });

  it("reads in Spanish and Portuguese", async () => {
    const cases = [["es", "Este espacio ya es tuyo", `Ese miembro ya es dueño de ${MAX_OWNED_SPACES} espacios`], ["pt", "Este espaço já é seu", `Esse membro já é dono de ${MAX_OWNED_SPACES} espaços`]] as const;
    for (const [locale, self, limit] of cases) {
      const owner = await registerUser({ locale });
      const member = await registerUser();
      const space = await createSpace(owner);
      await addMember(owner, space.id, member, "member");
      await ownSpaces(member, MAX_OWNED_SPACES);
      const mine = await transfer(owner, space.id, { userId: owner.id });
      expect(mine.status).toBe(422);
      expect(JSON.stringify(mine.body.error)).toContain(self);
      const full = await transfer(owner, space.id, { userId: member.id });
      expect(full.status).toBe(422);
      expect(full.body.error.details[0].message).toContain(limit);
    }
  });
});

describe("a transfer's second factor", () => {
  it("is asked of an owner with 2FA whose confirmation is older than 15 minutes, as on admin routes", { timeout: 60_000 }, async () => {
    const { owner, member, spaceId } = await household();
    const { secret } = await enableTwoFactor(owner);
    await env.DB.prepare("UPDATE sessions SET step_up_at = ? WHERE user_id = ?").bind(Date.now() - 16 * 60_000, owner.id).run();
    expect(answer(await transfer(owner, spaceId, { userId: member.id }))).toMatchObject({ status: 403, code: "TWO_FACTOR_REQUIRED" });
    expect((await ownership(spaceId)).ownerId).toBe(owner.id);
    expect((await call("/v1/auth/2fa/verify", { token: owner.accessToken, ip: owner.ip, body: { code: await totpCode(secret, 1) } })).status).toBe(200);
    expect((await transfer(owner, spaceId, { userId: member.id })).status).toBe(200);
    expect((await ownership(spaceId)).ownerId).toBe(member.id);
  });
});

/** Makes `user` the owner of `n` more live spaces, written directly (creating fifty through the API takes a minute). */
async function ownSpaces(user: TestUser, n: number) {
  const now = Date.now();
  const ids = JSON.stringify(Array.from({ length: n }, (_, i) => `spc_cap${crypto.randomUUID().replace(/-/g, "").slice(0, 12)}${i}`));
  await env.DB.batch([
    env.DB.prepare(`INSERT INTO spaces (id, name, type, currency, timezone, owner_id, created_at, updated_at) SELECT value, 'Cap', 'personal', 'USD', 'UTC', ?, ?, ? FROM json_each(?)`)
      .bind(user.id, now, now, ids),
    env.DB.prepare(`INSERT INTO space_members (space_id, user_id, role, created_at) SELECT value, ?, 'owner', ? FROM json_each(?)`).bind(user.id, now, ids),
  ]);
  return JSON.parse(ids) as string[];
}

describe("the new owner's owned spaces", () => {
  it(`stay at most MAX_OWNED_SPACES (${MAX_OWNED_SPACES}): a member who owns that many is a 422 until one is deleted`, { timeout: 60_000 }, async () => {
    const { owner, member, spaceId } = await household();
    const theirs = await ownSpaces(member, MAX_OWNED_SPACES);
    const r = await transfer(owner, spaceId, { userId: member.id });
    expect(r.status).toBe(422);
    expect(r.body.error.details).toEqual([expect.objectContaining({ field: "userId", code: "LIMIT_REACHED" })]);
    expect(await ownership(spaceId)).toMatchObject({ ownerId: owner.id, roles: { [owner.id]: "owner", [member.id]: "member" } });
    await env.DB.prepare("UPDATE spaces SET deleted_at = ? WHERE id = ?").bind(Date.now(), theirs[0]).run();
    expect((await transfer(owner, spaceId, { userId: member.id })).status).toBe(200);
  });

  it("are counted in the write: a space the member opened between the check and the batch makes it a 422, changing nothing", { timeout: 60_000 }, async () => {
    const { owner, member, spaceId } = await household();
    await ownSpaces(member, MAX_OWNED_SPACES - 1);
    const racing = racingApp(/UPDATE spaces SET owner_id/, async () => createSpace(member, { name: "The fiftieth" }));
    const r = await racing.post(owner, `/v1/spaces/${spaceId}/owner`, { userId: member.id });
    expect(racing.fired()).toBe(true);
    expect(r.status).toBe(422);
    expect(r.body.error.details[0].code).toBe("LIMIT_REACHED");
    expect(await ownership(spaceId)).toMatchObject({ ownerId: owner.id, roles: { [owner.id]: "owner", [member.id]: "member" } });
  });
});

describe("transfers racing other writes", () => {
  it("of two to different members at once, exactly one lands; the other is the now-admin's 403", { timeout: 60_000 }, async () => {
    for (let round = 0; round < 3; round++) {
      const { owner, admin, member, spaceId } = await household();
      const [a, b] = await Promise.all([transfer(owner, spaceId, { userId: admin.id }), transfer(owner, spaceId, { userId: member.id })]);
      expect([a.status, b.status].sort()).toEqual([200, 403]);
      const winner = a.status === 200 ? admin : member;
      const loser = winner === admin ? member : admin;
      const after = await ownership(spaceId);
      expect(after.ownerId).toBe(winner.id);
      expect(after.roles).toMatchObject({ [owner.id]: "admin", [winner.id]: "owner", [loser.id]: winner === admin ? "member" : "admin" });
    }
  });

  it("one overtaken by another transfer is answered as after it: 403, and the other's owner stays", { timeout: 60_000 }, async () => {
    const { owner, admin, member, spaceId } = await household();
    const racing = racingApp(/UPDATE spaces SET owner_id/, async () => expect((await transfer(owner, spaceId, { userId: admin.id })).status).toBe(200));
    const r = await racing.post(owner, `/v1/spaces/${spaceId}/owner`, { userId: member.id });
    expect(racing.fired()).toBe(true);
    expect(answer(r)).toMatchObject({ status: 403, code: "FORBIDDEN" });
    expect(await ownership(spaceId)).toMatchObject({ ownerId: admin.id, roles: { [owner.id]: "admin", [admin.id]: "owner", [member.id]: "member" } });
  });

  it("one overtaken by the target's removal is the member's 404, and changes nothing", { timeout: 60_000 }, async () => {
    const { owner, member, spaceId } = await household();
    const racing = racingApp(/UPDATE spaces SET owner_id/, async () => expect((await userApi(owner).del(`/v1/spaces/${spaceId}/members/${member.id}`)).status).toBe(204));
    const r = await racing.post(owner, `/v1/spaces/${spaceId}/owner`, { userId: member.id });
    expect(racing.fired()).toBe(true);
    expect(answer(r)).toEqual({ status: 404, code: "RESOURCE_NOT_FOUND", message: "Member not found" });
    const after = await ownership(spaceId);
    expect(after.ownerId).toBe(owner.id);
    expect(after.roles[owner.id]).toBe("owner");
    expect(after.roles[member.id]).toBeUndefined();
  });

  it("one overtaken by the target leaving is the member's 404 too", { timeout: 60_000 }, async () => {
    const { owner, member, spaceId } = await household();
    const racing = racingApp(/UPDATE spaces SET owner_id/, async () => expect((await userApi(member).del(`/v1/spaces/${spaceId}/members/${member.id}`)).status).toBe(204));
    const r = await racing.post(owner, `/v1/spaces/${spaceId}/owner`, { userId: member.id });
    expect(racing.fired()).toBe(true);
    expect(answer(r)).toMatchObject({ status: 404, message: "Member not found" });
    expect((await ownership(spaceId)).roles).toMatchObject({ [owner.id]: "owner" });
  });

  it("a removal of the target that a transfer overtook finds them the owner: 403, and they stay", { timeout: 60_000 }, async () => {
    const { owner, member, spaceId } = await household();
    const racing = racingApp(/DELETE FROM space_members/, async () => expect((await transfer(owner, spaceId, { userId: member.id })).status).toBe(200));
    const r = await racing.del(owner, `/v1/spaces/${spaceId}/members/${member.id}`);
    expect(racing.fired()).toBe(true);
    expect(r.status).toBe(403);
    expect(await ownership(spaceId)).toMatchObject({ ownerId: member.id, roles: { [owner.id]: "admin", [member.id]: "owner" } });
  });

  it("a household the previous owner was sharing the space into when the transfer landed does not get it: 403", { timeout: 60_000 }, async () => {
    const { owner, member, spaceId } = await household();
    const racing = racingApp(/INSERT INTO households/, async () => expect((await transfer(owner, spaceId, { userId: member.id })).status).toBe(200));
    const r = await racing.post(owner, "/v1/households", { name: "Casa", spaceIds: [spaceId] });
    expect(racing.fired()).toBe(true);
    expect(answer(r)).toMatchObject({ status: 403, code: "FORBIDDEN" });
    expect(await one("SELECT COUNT(*) AS n FROM household_spaces WHERE space_id = ?", spaceId)).toEqual({ n: 0 });
  });

  it("one overtaken by the space's deletion is the space's 404", { timeout: 60_000 }, async () => {
    const { owner, member, spaceId } = await household();
    await enableTwoFactor(owner);
    const racing = racingApp(/UPDATE spaces SET owner_id/, async () => expect((await userApi(owner).del(`/v1/spaces/${spaceId}`)).status).toBe(204));
    const r = await racing.post(owner, `/v1/spaces/${spaceId}/owner`, { userId: member.id });
    expect(racing.fired()).toBe(true);
    expect(answer(r)).toMatchObject({ status: 404, message: "Space not found" });
    expect(await one("SELECT owner_id, deleted_at IS NOT NULL AS deleted FROM spaces WHERE id = ?", spaceId)).toEqual({ owner_id: owner.id, deleted: 1 });
  });
});
