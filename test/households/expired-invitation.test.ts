/**
 * An invitation that expired unaccepted (QA of households over a family's life): inviting the address again was a
 * 409 "That email is already a member of this household" for good, though they never joined and could not (the
 * token was dead), and there is no resend: the owner had to remove the dead invitation first, which also dropped an
 * executor from Life Beat. Inviting again now renews it in place: the same member, a fresh single-use token, a new
 * expiry, one more email; a live invitation or a member is still the 409.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { callJson, registerUser, type TestUser } from "../helpers";
import { racingApp } from "../racing-app";
import { as, DAY, emailsTo, invitationToken, registerWithEmail, relogin, sim } from "../lifebeat/helpers";

afterEach(() => vi.useRealTimers());

const invite = (owner: TestUser, householdId: string, email: string, role: "member" | "executor", relationship = "child") =>
  callJson(`/v1/households/${householdId}/members`, { ...as(owner), body: { email, relationship, role } });

async function ownerWithHousehold() {
  const owner = await registerUser();
  const hh = await callJson("/v1/households", { ...as(owner), body: { name: "Family", spaceIds: [] } });
  expect(hh.status).toBe(201);
  return { owner, householdId: hh.body.id as string };
}

describe("inviting again after an invitation expired", () => {
  it("renews it: the same member, a fresh token that works once, the old one dead; a live invitation is still 409", async () => {
    sim.set(Date.now());
    const { owner, householdId } = await ownerWithHousehold();
    const email = `son-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const first = await invite(owner, householdId, email, "member");
    expect(first.status).toBe(201);
    const oldToken = await invitationToken(email);
    // Still live: inviting again is the 409 it was.
    expect((await invite(owner, householdId, email, "member")).status).toBe(409);

    sim.set(sim.now + 8 * DAY);
    await relogin(owner);
    const again = await invite(owner, householdId, email, "member", "son");
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ id: first.body.id, status: "invited", relationship: "son", invitationExpiresAt: new Date(sim.now + 7 * DAY).toISOString() });
    expect(await emailsTo(email)).toHaveLength(2);
    const fresh = await invitationToken(email);
    expect(fresh).not.toBe(oldToken);
    // Renewed once: a second attempt finds a live invitation.
    expect((await invite(owner, householdId, email, "member")).status).toBe(409);

    const son = await registerWithEmail(email);
    expect((await callJson(`/v1/households/invitations/${oldToken}/accept`, { ...as(son), method: "POST" })).status).toBe(404);
    const ok = await callJson(`/v1/households/invitations/${fresh}/accept`, { ...as(son), method: "POST" });
    expect(ok.status).toBe(200);
    expect(ok.body.member).toMatchObject({ id: first.body.id, userId: son.id, status: "active", relationship: "son" });
    const members = (await callJson(`/v1/households/${householdId}`, as(owner))).body.members;
    expect(members.map((m: any) => [m.role, m.status])).toEqual([["owner", "active"], ["member", "active"]]);
    // A member is a 409 too.
    expect((await invite(owner, householdId, email, "member")).status).toBe(409);
  });

  it("an executor Life Beat names stays named when invited again as executor, and is unnamed when invited as a member", async () => {
    sim.set(Date.now());
    const { owner, householdId } = await ownerWithHousehold();
    const email = `exec-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const inv = await invite(owner, householdId, email, "executor", "sister");
    expect((await callJson("/v1/life-beat", { ...as(owner), method: "PUT", body: { householdId, executorId: inv.body.id } })).status).toBe(200);

    sim.set(sim.now + 8 * DAY);
    await relogin(owner);
    expect((await invite(owner, householdId, email, "executor", "sister")).status).toBe(201);
    expect((await callJson(`/v1/life-beat?householdId=${householdId}`, as(owner))).body.executorId).toBe(inv.body.id);

    sim.set(sim.now + 8 * DAY);
    await relogin(owner);
    const asMember = await invite(owner, householdId, email, "member", "sister");
    expect(asMember.body).toMatchObject({ id: inv.body.id, role: "member" });
    expect((await callJson(`/v1/life-beat?householdId=${householdId}`, as(owner))).body.executorId).toBeNull();
    const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM household_members WHERE household_id = ? AND removed_at IS NULL").bind(householdId).first<{ n: number }>();
    expect(row!.n).toBe(2);
  });

  it("a renewal that a removal overtook renews nothing and sends nothing: the 409, the member stays removed", { timeout: 60_000 }, async () => {
    sim.set(Date.now());
    const { owner, householdId } = await ownerWithHousehold();
    const email = `gone-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const inv = await invite(owner, householdId, email, "member");
    sim.set(sim.now + 8 * DAY);
    await relogin(owner);
    let removal: { status: number } | undefined;
    // The renewal has read the expired invitation; the owner's removal of it lands before its write.
    const racing = racingApp(/^update household_members set name = /i, async () =>
      (removal = await callJson(`/v1/households/${householdId}/members/${inv.body.id}`, { ...as(owner), method: "DELETE" })));
    const renewal = await racing.post(owner, `/v1/households/${householdId}/members`, { email, relationship: "child", role: "member" });
    expect(racing.fired()).toBe(true);
    expect(removal?.status).toBe(204);
    expect(renewal.status).toBe(409);
    const row = await env.DB.prepare("SELECT removed_at, invitation_hash FROM household_members WHERE id = ?").bind(inv.body.id).first<{ removed_at: number | null; invitation_hash: string | null }>();
    expect(row).toMatchObject({ removed_at: expect.any(Number), invitation_hash: null });
    expect(await emailsTo(email)).toHaveLength(1);
    // A new invitation then is a new member.
    const fresh = await invite(owner, householdId, email, "member");
    expect(fresh.status).toBe(201);
    expect(fresh.body.id).not.toBe(inv.body.id);
  });
});
