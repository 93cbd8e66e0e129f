/**
 * POST /v1/spaces/{spaceId}/owner: the owner (with 2FA, as for a deletion) offers the space to another member, who
 * becomes its owner only by accepting (POST .../owner/accept), the owner then an admin. Before it, a household whose
 * shared space was created by one partner had no way to make the other its owner but to delete everything. The
 * acceptance is one batch behind guards (spaces/service.ts acceptOwnership): the offer still the one read and naming
 * the caller, its maker still the owner of the live space, the caller still a member, their owned spaces within
 * MAX_OWNED_SPACES.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_OWNED_SPACES, OWNER_OFFER_TTL_MS } from "../../src/modules/spaces/service";
import { addMember, call, callJson, createSpace, enableTwoFactor, registerUser, type TestUser, totpCode, userApi } from "../helpers";
import { invitationToken } from "../lifebeat/helpers";
import { racingApp } from "../racing-app";

const one = async <T = Record<string, unknown>>(sql: string, ...params: unknown[]) => (await env.DB.prepare(sql).bind(...params).first<T>())!;
const offer = (u: TestUser, spaceId: string, body: unknown) => userApi(u).post(`/v1/spaces/${spaceId}/owner`, body);
const accept = (u: TestUser, spaceId: string) => callJson(`/v1/spaces/${spaceId}/owner/accept`, { method: "POST", token: u.accessToken, ip: u.ip });
/** The pending offer GET /v1/spaces/{spaceId} shows the caller (undefined: none shown). */
const offerOf = async (u: TestUser, spaceId: string) => {
  const got = await userApi(u).get(`/v1/spaces/${spaceId}`);
  expect(got.status).toBe(200);
  return got.body.ownerOffer;
};
const withdraw = (u: TestUser, spaceId: string) => userApi(u).del(`/v1/spaces/${spaceId}/owner/offer`);
const answer = (res: { status: number; body: any }) => ({ status: res.status, code: res.body?.error?.code, message: res.body?.error?.message });
const NO_OFFER = { status: 404, code: "RESOURCE_NOT_FOUND", message: "Ownership offer not found" };

/** The owner offers the space to `to`, who accepts it: the accept's answer. */
async function handOver(owner: TestUser, to: TestUser, spaceId: string) {
  expect((await offer(owner, spaceId, { userId: to.id })).status).toBe(202);
  return accept(to, spaceId);
}

/** The space's roles by user id, its owner_id, and who its pending offer names (null: none). */
async function ownership(spaceId: string) {
  const rows = await env.DB.prepare("SELECT user_id, role FROM space_members WHERE space_id = ?").bind(spaceId).all<{ user_id: string; role: string }>();
  const space = await one<{ owner_id: string }>("SELECT owner_id FROM spaces WHERE id = ?", spaceId);
  const pending = await env.DB.prepare("SELECT user_id FROM space_owner_offers WHERE space_id = ?").bind(spaceId).first<{ user_id: string }>();
  return { ownerId: space.owner_id, roles: Object.fromEntries(rows.results.map((r) => [r.user_id, r.role])), offeredTo: pending?.user_id ?? null };
}

/** An owner (2FA enabled, freshly confirmed), their space with an account, an admin, a member and a viewer. */
async function household() {
  const [owner, admin, member, viewer] = await Promise.all([registerUser(), registerUser(), registerUser(), registerUser()]);
  const { secret: ownerSecret } = await enableTwoFactor(owner!);
  const space = await createSpace(owner!, { name: "Casa" });
  await addMember(owner!, space.id, admin!, "admin");
  await addMember(owner!, space.id, member!, "member");
  await addMember(owner!, space.id, viewer!, "viewer");
  const acc = await userApi(owner!).post("/v1/accounts", { spaceId: space.id, name: "Joint", type: "checking", currency: "USD", openingBalance: "12.34" });
  expect(acc.status).toBe(201);
  return { owner: owner!, ownerSecret, admin: admin!, member: member!, viewer: viewer!, spaceId: space.id, accountId: acc.body.id as string };
}

describe("handing a space to another member", () => {
  it("offers it (nothing changes hands); the member's acceptance makes them the owner and the caller an admin, answered as GET shows it", { timeout: 60_000 }, async () => {
    const { owner, admin, member, viewer, spaceId, accountId } = await household();
    const before = Date.now();
    const made = await offer(owner, spaceId, { userId: member.id });
    expect(made.status).toBe(202);
    expect(made.body).toEqual({ spaceId, userId: member.id, offeredBy: owner.id, createdAt: expect.any(String), expiresAt: expect.any(String) });
    const expires = Date.parse(made.body.expiresAt) - Date.parse(made.body.createdAt);
    expect(expires).toBe(OWNER_OFFER_TTL_MS);
    expect(Date.parse(made.body.createdAt)).toBeGreaterThanOrEqual(before - 1000);
    // An offer changes nothing yet.
    expect(await ownership(spaceId)).toMatchObject({ ownerId: owner.id, roles: { [owner.id]: "owner", [member.id]: "member" }, offeredTo: member.id });
    // Its owner and the member it names see it; other members do not.
    expect(await offerOf(owner, spaceId)).toEqual(made.body);
    expect(await offerOf(member, spaceId)).toEqual(made.body);
    for (const u of [admin, viewer]) {
      const got = await userApi(u).get(`/v1/spaces/${spaceId}`);
      expect(got.body.role).toBe(u === admin ? "admin" : "viewer");
      expect(got.body).not.toHaveProperty("ownerOffer");
    }
    // A PATCH is answered as GET shows the space: the owner sees the offer there too, an admin does not.
    const renamed = await userApi(owner).patch(`/v1/spaces/${spaceId}`, { name: "Casa grande" });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: "Casa grande", role: "owner", ownerOffer: made.body });
    expect(renamed.body).toEqual((await userApi(owner).get(`/v1/spaces/${spaceId}`)).body);
    const byAdmin = await userApi(admin).patch(`/v1/spaces/${spaceId}`, { name: "Casa" });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body).not.toHaveProperty("ownerOffer");
    // Only the member named may accept it.
    for (const u of [admin, viewer, owner]) expect(answer(await accept(u, spaceId))).toEqual(NO_OFFER);

    const res = await accept(member, spaceId);
    expect(res.status).toBe(200);
    const got = await userApi(member).get(`/v1/spaces/${spaceId}`);
    expect(got.body.role).toBe("owner");
    expect(res.body).toEqual(got.body);
    expect(res.body.accounts).toEqual([expect.objectContaining({ id: accountId, balance: 12.34 })]);
    const after = await ownership(spaceId);
    expect(after).toMatchObject({ ownerId: member.id, offeredTo: null });
    expect(after.roles).toMatchObject({ [owner.id]: "admin", [member.id]: "owner", [viewer.id]: "viewer" });
    expect(Object.values(after.roles).filter((r) => r === "owner")).toHaveLength(1);
    expect((await userApi(owner).get(`/v1/spaces/${spaceId}`)).body.role).toBe("admin");
    // The offer is spent.
    expect(await offerOf(member, spaceId)).toBeUndefined();
    expect(answer(await accept(member, spaceId))).toEqual(NO_OFFER);

    // The old owner may no longer delete it, nor offer it; the new owner cannot leave.
    expect(answer(await userApi(owner).del(`/v1/spaces/${spaceId}`))).toMatchObject({ status: 403, code: "FORBIDDEN" });
    expect(answer(await offer(owner, spaceId, { userId: viewer.id }))).toMatchObject({ status: 403, code: "FORBIDDEN" });
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

  it("makes no one an owner without their consent: the member offered it may still leave, and owns nothing more", { timeout: 60_000 }, async () => {
    const { owner, viewer, spaceId } = await household();
    expect((await offer(owner, spaceId, { userId: viewer.id })).status).toBe(202);
    expect(await ownership(spaceId)).toMatchObject({ ownerId: owner.id, roles: { [owner.id]: "owner", [viewer.id]: "viewer" } });
    expect(await one("SELECT COUNT(*) AS n FROM space_members WHERE user_id = ? AND role = 'owner'", viewer.id)).toEqual({ n: 0 });
    // Declining is leaving (or ignoring it); the offer ends with their membership, and a later membership does not revive it.
    expect((await userApi(viewer).del(`/v1/spaces/${spaceId}/members/${viewer.id}`)).status).toBe(204);
    expect((await ownership(spaceId)).offeredTo).toBeNull();
    await addMember(owner, spaceId, viewer, "viewer");
    expect(answer(await accept(viewer, spaceId))).toEqual(NO_OFFER);
    expect((await ownership(spaceId)).ownerId).toBe(owner.id);
  });

  it("is withdrawn by the owner, replaced by a new offer, and lapses after 7 days", { timeout: 60_000 }, async () => {
    const { owner, admin, member, spaceId } = await household();
    expect(answer(await withdraw(owner, spaceId))).toEqual(NO_OFFER);
    expect((await offer(owner, spaceId, { userId: member.id })).status).toBe(202);
    for (const u of [admin, member]) expect(answer(await withdraw(u, spaceId))).toMatchObject({ status: 403, code: "FORBIDDEN" });
    expect((await withdraw(owner, spaceId)).status).toBe(204);
    expect(answer(await accept(member, spaceId))).toEqual(NO_OFFER);
    expect(answer(await withdraw(owner, spaceId))).toEqual(NO_OFFER);

    // One pending offer a space: a new one replaces it.
    expect((await offer(owner, spaceId, { userId: member.id })).status).toBe(202);
    expect((await offer(owner, spaceId, { userId: admin.id })).status).toBe(202);
    expect(await one("SELECT COUNT(*) AS n FROM space_owner_offers WHERE space_id = ?", spaceId)).toEqual({ n: 1 });
    expect(answer(await accept(member, spaceId))).toEqual(NO_OFFER);
    expect(await offerOf(member, spaceId)).toBeUndefined();

    // Expired, it is no offer.
    await env.DB.prepare("UPDATE space_owner_offers SET expires_at = ? WHERE space_id = ?").bind(Date.now() - 1, spaceId).run();
    expect(await offerOf(admin, spaceId)).toBeUndefined();
    expect(await offerOf(owner, spaceId)).toBeUndefined();
    expect(answer(await accept(admin, spaceId))).toEqual(NO_OFFER);
    expect(answer(await withdraw(owner, spaceId))).toEqual(NO_OFFER);
    expect(await ownership(spaceId)).toMatchObject({ ownerId: owner.id, roles: { [owner.id]: "owner", [admin.id]: "admin", [member.id]: "member" } });
    // A fresh one works.
    expect((await handOver(owner, admin, spaceId)).status).toBe(200);
    expect((await ownership(spaceId)).ownerId).toBe(admin.id);
  });

  it("is refused to anyone but the owner (403), to strangers and for a deleted space (404), changing nothing", { timeout: 60_000 }, async () => {
    const { owner, admin, member, viewer, spaceId } = await household();
    const stranger = await registerUser();
    for (const u of [admin, member, viewer]) {
      expect(answer(await offer(u, spaceId, { userId: u === admin ? member.id : admin.id }))).toMatchObject({ status: 403, code: "FORBIDDEN" });
      expect(answer(await offer(u, spaceId, { userId: u.id }))).toMatchObject({ status: 403, code: "FORBIDDEN" });
    }
    expect(answer(await offer(stranger, spaceId, { userId: stranger.id }))).toEqual({ status: 404, code: "RESOURCE_NOT_FOUND", message: "Space not found" });
    expect(answer(await offer(stranger, "spc_nope", { userId: member.id }))).toMatchObject({ status: 404, message: "Space not found" });
    expect(answer(await accept(stranger, spaceId))).toMatchObject({ status: 404, message: "Space not found" });
    expect(answer(await withdraw(stranger, spaceId))).toMatchObject({ status: 404, message: "Space not found" });
    expect((await call(`/v1/spaces/${spaceId}/owner`, { body: { userId: member.id } })).status).toBe(401);
    expect((await call(`/v1/spaces/${spaceId}/owner/accept`, { method: "POST" })).status).toBe(401);
    expect(await ownership(spaceId)).toMatchObject({ ownerId: owner.id, roles: { [owner.id]: "owner", [admin.id]: "admin" }, offeredTo: null });

    expect((await offer(owner, spaceId, { userId: member.id })).status).toBe(202);
    expect((await userApi(owner).del(`/v1/spaces/${spaceId}`)).status).toBe(204);
    expect(answer(await accept(member, spaceId))).toEqual({ status: 404, code: "RESOURCE_NOT_FOUND", message: "Space not found" });
    expect(answer(await offer(owner, spaceId, { userId: member.id }))).toEqual({ status: 404, code: "RESOURCE_NOT_FOUND", message: "Space not found" });
    expect((await ownership(spaceId)).ownerId).toBe(owner.id);
  });

  it("names a current member other than the caller: the caller is a 422, a non-member (or a mere grant holder) a 404", { timeout: 90_000 }, async () => {
    const { owner, member, spaceId } = await household();
    const stranger = await registerUser();
    expect(answer(await offer(owner, spaceId, { userId: owner.id }))).toMatchObject({ status: 422, code: "VALIDATION_FAILED" });
    expect((await offer(owner, spaceId, { userId: owner.id })).body.error.details).toEqual([
      expect.objectContaining({ field: "userId", message: "You already own this space; name another of its members" }),
    ]);
    expect(answer(await offer(owner, spaceId, { userId: stranger.id }))).toEqual({ status: 404, code: "RESOURCE_NOT_FOUND", message: "Member not found" });
    expect(answer(await offer(owner, spaceId, { userId: "usr_doesnotexist" }))).toMatchObject({ status: 404, message: "Member not found" });
    // A former member.
    expect((await userApi(member).del(`/v1/spaces/${spaceId}/members/${member.id}`)).status).toBe(204);
    expect(answer(await offer(owner, spaceId, { userId: member.id }))).toMatchObject({ status: 404, message: "Member not found" });

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
    expect(answer(await offer(owner, spaceId, { userId: executor.id }))).toMatchObject({ status: 404, message: "Member not found" });
    // Nor may the grant holder hand it anywhere, nor accept an offer: a grant reads only.
    expect((await offer(executor, spaceId, { userId: executor.id })).status).toBe(403);
    await env.DB.prepare("INSERT INTO space_owner_offers (space_id, user_id, offered_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)")
      .bind(spaceId, executor.id, owner.id, Date.now(), Date.now() + OWNER_OFFER_TTL_MS).run();
    expect(answer(await accept(executor, spaceId))).toEqual({ status: 403, code: "FORBIDDEN", message: "Emergency access is read-only" });
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

    expect((await offer(owner, spaceId, { userId: member.id })).status).toBe(202);
    // Only the acceptance moves it.
    expect(await one("SELECT COUNT(*) AS n FROM household_spaces WHERE space_id = ?", spaceId)).toEqual({ n: 1 });
    expect((await accept(member, spaceId)).status).toBe(200);
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
      const r = await offer(owner, spaceId, body);
      expect([r.status, r.body.error.code]).toEqual([422, "VALIDATION_FAILED"]);
    }
    expect((await offer(owner, `${"x".repeat(65)}`, { userId: member.id })).status).toBe(422);
    expect((await accept(member, `${"x".repeat(65)}`)).status).toBe(422);
    expect(await ownership(spaceId)).toMatchObject({ ownerId: owner.id, offeredTo: null });
  });

  it("reads in Spanish and Portuguese", { timeout: 60_000 }, async () => {
    const cases = [
      ["es", "Este espacio ya es tuyo", `Ese miembro ya es dueño de ${MAX_OWNED_SPACES} espacios`, "No se encontró la oferta de propiedad", `Ya eres dueño de ${MAX_OWNED_SPACES} espacios`],
      ["pt", "Este espaço já é seu", `Esse membro já é dono de ${MAX_OWNED_SPACES} espaços`, "Oferta de propriedade não encontrada", `Você já é dono de ${MAX_OWNED_SPACES} espaços`],
    ] as const;
    for (const [locale, self, limit, none, mine] of cases) {
      const owner = await registerUser({ locale });
      const member = await registerUser({ locale });
      await enableTwoFactor(owner);
      const space = await createSpace(owner);
      await addMember(owner, space.id, member, "member");
      const own = await offer(owner, space.id, { userId: owner.id });
      expect(own.status).toBe(422);
      expect(JSON.stringify(own.body.error)).toContain(self);
      expect((await accept(member, space.id)).body.error.message).toContain(none);
      expect((await offer(owner, space.id, { userId: member.id })).status).toBe(202);
      await ownSpaces(member, MAX_OWNED_SPACES);
      const full = await accept(member, space.id);
      expect(full.status).toBe(422);
      expect(full.body.error.details[0].message).toContain(mine);
      const offered = await offer(owner, space.id, { userId: member.id });
      expect(offered.status).toBe(422);
      expect(offered.body.error.details[0].message).toContain(limit);
    }
  });
});

describe("an offer's second factor", () => {
  it("needs the owner to have 2FA enabled, as a deletion does: a session of an owner without it cannot hand the space away", { timeout: 60_000 }, async () => {
    const [owner, accomplice] = await Promise.all([registerUser(), registerUser()]);
    const space = await createSpace(owner);
    // A stolen session adds an account it controls, and tries to make it the owner.
    await addMember(owner, space.id, accomplice, "admin");
    const r = await offer(owner, space.id, { userId: accomplice.id });
    expect(answer(r)).toEqual({ status: 403, code: "TWO_FACTOR_REQUIRED", message: "Enable two-factor authentication to perform this operation" });
    expect(answer(await accept(accomplice, space.id))).toEqual(NO_OFFER);
    expect(await ownership(space.id)).toMatchObject({ ownerId: owner.id, roles: { [owner.id]: "owner", [accomplice.id]: "admin" }, offeredTo: null });
    await enableTwoFactor(owner);
    expect((await offer(owner, space.id, { userId: accomplice.id })).status).toBe(202);
  });

  it("is asked of an owner with 2FA whose confirmation is older than 15 minutes, and of an accepting member with 2FA", { timeout: 60_000 }, async () => {
    const { owner, ownerSecret, member, spaceId } = await household();
    const mine = await enableTwoFactor(member);
    await env.DB.prepare("UPDATE sessions SET step_up_at = ? WHERE user_id IN (?, ?)").bind(Date.now() - 16 * 60_000, owner.id, member.id).run();
    expect(answer(await offer(owner, spaceId, { userId: member.id }))).toMatchObject({ status: 403, code: "TWO_FACTOR_REQUIRED" });
    expect((await ownership(spaceId)).offeredTo).toBeNull();
    expect((await call("/v1/auth/2fa/verify", { token: owner.accessToken, ip: owner.ip, body: { code: await totpCode(ownerSecret, 1) } })).status).toBe(200);
    expect((await offer(owner, spaceId, { userId: member.id })).status).toBe(202);
    expect(answer(await accept(member, spaceId))).toMatchObject({ status: 403, code: "TWO_FACTOR_REQUIRED" });
    expect((await ownership(spaceId)).ownerId).toBe(owner.id);
    expect((await call("/v1/auth/2fa/verify", { token: member.accessToken, ip: member.ip, body: { code: await totpCode(mine.secret, 1) } })).status).toBe(200);
    expect((await accept(member, spaceId)).status).toBe(200);
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
  it(`stay at most MAX_OWNED_SPACES (${MAX_OWNED_SPACES}): a member who owns that many is offered nothing, and accepts nothing, until one is deleted`, { timeout: 60_000 }, async () => {
    const { owner, member, spaceId } = await household();
    const theirs = await ownSpaces(member, MAX_OWNED_SPACES);
    const r = await offer(owner, spaceId, { userId: member.id });
    expect(r.status).toBe(422);
    expect(r.body.error.details).toEqual([expect.objectContaining({ field: "userId", code: "LIMIT_REACHED" })]);
    await env.DB.prepare("UPDATE spaces SET deleted_at = ? WHERE id = ?").bind(Date.now(), theirs[0]).run();
    expect((await offer(owner, spaceId, { userId: member.id })).status).toBe(202);
    // They reached it again after the offer: its acceptance is refused, the offer stands.
    await ownSpaces(member, 1);
    const full = await accept(member, spaceId);
    expect(full.status).toBe(422);
    expect(full.body.error.details).toEqual([expect.objectContaining({ code: "LIMIT_REACHED" })]);
    expect(await ownership(spaceId)).toMatchObject({ ownerId: owner.id, roles: { [owner.id]: "owner", [member.id]: "member" }, offeredTo: member.id });
    await env.DB.prepare("UPDATE spaces SET deleted_at = ? WHERE id = ?").bind(Date.now(), theirs[1]).run();
    expect((await accept(member, spaceId)).status).toBe(200);
  });

  it("are counted in the write: a space the member opened between the check and the batch makes it a 422, changing nothing", { timeout: 60_000 }, async () => {
    const { owner, member, spaceId } = await household();
    await ownSpaces(member, MAX_OWNED_SPACES - 1);
    expect((await offer(owner, spaceId, { userId: member.id })).status).toBe(202);
    const racing = racingApp(/UPDATE spaces SET owner_id/, async () => createSpace(member, { name: "The fiftieth" }));
    const r = await racing.post(member, `/v1/spaces/${spaceId}/owner/accept`, undefined);
    expect(racing.fired()).toBe(true);
    expect(r.status).toBe(422);
    expect(r.body.error.details[0].code).toBe("LIMIT_REACHED");
    expect(await ownership(spaceId)).toMatchObject({ ownerId: owner.id, roles: { [owner.id]: "owner", [member.id]: "member" }, offeredTo: member.id });
  });
});

describe("acceptances racing other writes", () => {
  it("of two at once, exactly one lands; the other finds no offer", { timeout: 60_000 }, async () => {
    for (let round = 0; round < 3; round++) {
      const { owner, member, spaceId } = await household();
      expect((await offer(owner, spaceId, { userId: member.id })).status).toBe(202);
      const [a, b] = await Promise.all([accept(member, spaceId), accept(member, spaceId)]);
      expect([a.status, b.status].sort()).toEqual([200, 404]);
      expect(answer(a.status === 404 ? a : b)).toEqual(NO_OFFER);
      expect(await ownership(spaceId)).toMatchObject({ ownerId: member.id, roles: { [owner.id]: "admin", [member.id]: "owner" }, offeredTo: null });
    }
  });

  it("one overtaken by the offer's withdrawal finds no offer, and changes nothing", { timeout: 60_000 }, async () => {
    const { owner, member, spaceId } = await household();
    expect((await offer(owner, spaceId, { userId: member.id })).status).toBe(202);
    const racing = racingApp(/UPDATE spaces SET owner_id/, async () => expect((await withdraw(owner, spaceId)).status).toBe(204));
    const r = await racing.post(member, `/v1/spaces/${spaceId}/owner/accept`, undefined);
    expect(racing.fired()).toBe(true);
    expect(answer(r)).toEqual(NO_OFFER);
    expect(await ownership(spaceId)).toMatchObject({ ownerId: owner.id, roles: { [owner.id]: "owner", [member.id]: "member" }, offeredTo: null });
  });

  it("one overtaken by a new offer to someone else finds no offer; the new one stands", { timeout: 60_000 }, async () => {
    const { owner, admin, member, spaceId } = await household();
    expect((await offer(owner, spaceId, { userId: member.id })).status).toBe(202);
    const racing = racingApp(/UPDATE spaces SET owner_id/, async () => expect((await offer(owner, spaceId, { userId: admin.id })).status).toBe(202));
    const r = await racing.post(member, `/v1/spaces/${spaceId}/owner/accept`, undefined);
    expect(racing.fired()).toBe(true);
    expect(answer(r)).toEqual(NO_OFFER);
    expect(await ownership(spaceId)).toMatchObject({ ownerId: owner.id, roles: { [owner.id]: "owner", [member.id]: "member" }, offeredTo: admin.id });
    expect((await accept(admin, spaceId)).status).toBe(200);
  });

  it("one overtaken by the member's removal is the space's 404 (they no longer see it), and changes nothing", { timeout: 60_000 }, async () => {
    const { owner, member, spaceId } = await household();
    expect((await offer(owner, spaceId, { userId: member.id })).status).toBe(202);
    const racing = racingApp(/UPDATE spaces SET owner_id/, async () => expect((await userApi(owner).del(`/v1/spaces/${spaceId}/members/${member.id}`)).status).toBe(204));
    const r = await racing.post(member, `/v1/spaces/${spaceId}/owner/accept`, undefined);
    expect(racing.fired()).toBe(true);
    expect(answer(r)).toEqual({ status: 404, code: "RESOURCE_NOT_FOUND", message: "Space not found" });
    const after = await ownership(spaceId);
    expect(after).toMatchObject({ ownerId: owner.id, roles: { [owner.id]: "owner" }, offeredTo: null });
    expect(after.roles[member.id]).toBeUndefined();
  });

  it("an offer overtaken by the target's removal is the member's 404, and records nothing", { timeout: 60_000 }, async () => {
    const { owner, member, spaceId } = await household();
    const racing = racingApp(/INSERT INTO space_owner_offers/, async () => expect((await userApi(member).del(`/v1/spaces/${spaceId}/members/${member.id}`)).status).toBe(204));
    const r = await racing.post(owner, `/v1/spaces/${spaceId}/owner`, { userId: member.id });
    expect(racing.fired()).toBe(true);
    expect(answer(r)).toEqual({ status: 404, code: "RESOURCE_NOT_FOUND", message: "Member not found" });
    expect((await ownership(spaceId)).offeredTo).toBeNull();
  });

  it("a removal of the target that an acceptance overtook finds them the owner: 403, and they stay", { timeout: 60_000 }, async () => {
    const { owner, member, spaceId } = await household();
    expect((await offer(owner, spaceId, { userId: member.id })).status).toBe(202);
    const racing = racingApp(/DELETE FROM space_members/, async () => expect((await accept(member, spaceId)).status).toBe(200));
    const r = await racing.del(owner, `/v1/spaces/${spaceId}/members/${member.id}`);
    expect(racing.fired()).toBe(true);
    expect(r.status).toBe(403);
    expect(await ownership(spaceId)).toMatchObject({ ownerId: member.id, roles: { [owner.id]: "admin", [member.id]: "owner" } });
  });

  it("a household the previous owner was sharing the space into when the acceptance landed does not get it: 403", { timeout: 60_000 }, async () => {
    const { owner, member, spaceId } = await household();
    expect((await offer(owner, spaceId, { userId: member.id })).status).toBe(202);
    const racing = racingApp(/INSERT INTO households/, async () => expect((await accept(member, spaceId)).status).toBe(200));
    const r = await racing.post(owner, "/v1/households", { name: "Casa", spaceIds: [spaceId] });
    expect(racing.fired()).toBe(true);
    expect(answer(r)).toMatchObject({ status: 403, code: "FORBIDDEN" });
    expect(await one("SELECT COUNT(*) AS n FROM household_spaces WHERE space_id = ?", spaceId)).toEqual({ n: 0 });
  });

  it("one overtaken by the space's deletion is the space's 404", { timeout: 60_000 }, async () => {
    const { owner, member, spaceId } = await household();
    expect((await offer(owner, spaceId, { userId: member.id })).status).toBe(202);
    const racing = racingApp(/UPDATE spaces SET owner_id/, async () => expect((await userApi(owner).del(`/v1/spaces/${spaceId}`)).status).toBe(204));
    const r = await racing.post(member, `/v1/spaces/${spaceId}/owner/accept`, undefined);
    expect(racing.fired()).toBe(true);
    expect(answer(r)).toMatchObject({ status: 404, message: "Space not found" });
    expect(await one("SELECT owner_id, deleted_at IS NOT NULL AS deleted FROM spaces WHERE id = ?", spaceId)).toEqual({ owner_id: owner.id, deleted: 1 });
  });

  it("a deletion by the former owner that an acceptance overtook is their 403: the new owner's space stays, with its files and connections", { timeout: 60_000 }, async () => {
    const { owner, member, spaceId, accountId } = await household();
    const upload = await userApi(owner).post("/v1/assets", { spaceId, name: "Deed", type: "real_estate", currency: "USD", value: "1000.00", address: { address: "1 Main Street", city: "San Francisco", state: "CA", zipCode: "94102" } });
    expect(upload.status).toBe(201);
    expect((await offer(owner, spaceId, { userId: member.id })).status).toBe(202);
    const racing = racingApp(/UPDATE spaces SET deleted_at/, async () => expect((await accept(member, spaceId)).status).toBe(200));
    const r = await racing.del(owner, `/v1/spaces/${spaceId}`);
    expect(racing.fired()).toBe(true);
    expect(answer(r)).toMatchObject({ status: 403, code: "FORBIDDEN" });
    expect(await one("SELECT deleted_at FROM spaces WHERE id = ?", spaceId)).toEqual({ deleted_at: null });
    expect(await ownership(spaceId)).toMatchObject({ ownerId: member.id, roles: { [owner.id]: "admin", [member.id]: "owner" } });
    const got = await userApi(member).get(`/v1/spaces/${spaceId}`);
    expect(got.status).toBe(200);
    expect(got.body.accounts).toEqual([expect.objectContaining({ id: accountId })]);
    expect((await userApi(member).get(`/v1/assets/${upload.body.id}`)).status).toBe(200);
  });
});
