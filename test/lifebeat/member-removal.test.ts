/**
 * Removing a household member keeps the record of what they were granted: their emergency grants stay,
 * revoked with reason 'member_removed', so the owner's Life Beat view still lists the grant the access log
 * cites (the member row used to be deleted, and the grants with it by the foreign key's cascade). A removed
 * member is no member anywhere (404 as before), their unused invitation is dead, and the same address can be
 * invited again and join as a new member, with none of the old grants.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { callJson, registerUser } from "../helpers";
import { as, configure, DAY, householdWorld, invitationToken, MIN, registerWithEmail, sim } from "./helpers";

afterEach(() => vi.useRealTimers());

describe("removing a household member", () => {
  it("keeps the executor's grants as revoked for the owner's audit; the removed executor gets 404 everywhere; they can be invited again", async () => {
    sim.set(Date.now());
    const w = await householdWorld();
    await configure(w, { enabled: true, checkInInterval: "weekly", escalationDays: [1], notificationChannels: ["email"], executorId: w.executorId });
    const grantBody = (executorId: string) => ({ householdId: w.householdId, executorId, accessLevel: "read-only", expiresAt: new Date(sim.now + 2 * DAY).toISOString() });
    const g = await callJson("/v1/life-beat/emergency-access", { ...as(w.owner), body: grantBody(w.executorId) });
    expect(g.status).toBe(201);
    expect((await callJson(`/v1/spaces/${w.spaceIds[0]}`, as(w.executor))).status).toBe(200);

    expect((await callJson(`/v1/households/${w.householdId}/members/${w.executorId}`, { ...as(w.owner), method: "DELETE" })).status).toBe(204);

    // The owner still sees the grant, revoked at the removal, and the access log's entries cite it.
    const lb = await callJson(`/v1/life-beat?householdId=${w.householdId}`, as(w.owner));
    expect(lb.body.executorId).toBeNull();
    expect(lb.body.emergencyAccess).toEqual([
      expect.objectContaining({ id: g.body.id, executorId: w.executorId, source: "manual", status: "revoked", revokedAt: new Date(sim.now).toISOString() }),
    ]);
    const reason = await env.DB.prepare("SELECT revoked_reason FROM emergency_grants WHERE id = ?").bind(g.body.id).first<{ revoked_reason: string }>();
    expect(reason!.revoked_reason).toBe("member_removed");
    const log = await callJson(`/v1/life-beat/access-log?householdId=${w.householdId}`, as(w.owner));
    expect(log.body.entries.length).toBeGreaterThan(0);
    expect(log.body.entries.every((e: any) => e.grantId === g.body.id)).toBe(true);

    // The removed executor is no member: 404 on every household, Life Beat and space route, and not listed.
    const hh = w.householdId;
    for (const [path, method, body] of [
      [`/v1/households/${hh}`, "GET"],
      [`/v1/life-beat?householdId=${hh}`, "GET"],
      [`/v1/life-beat/access-log?householdId=${hh}`, "GET"],
      ["/v1/life-beat/check-in", "POST", { householdId: hh }],
      ["/v1/life-beat", "PUT", { householdId: hh, enabled: false }],
      ["/v1/life-beat/emergency-access", "POST", grantBody(w.executorId)],
      [`/v1/households/${hh}/members`, "POST", { email: "someone@example.com", relationship: "x", role: "member" }],
      [`/v1/households/${hh}/members/${w.executorId}`, "DELETE"],
      [`/v1/spaces/${w.spaceIds[0]}`, "GET"],
      [`/v1/accounts?spaceId=${w.spaceIds[1]}`, "GET"],
    ] as [string, string, unknown?][]) {
      const r = await callJson(path, { ...as(w.executor), method, ...(body ? { body } : {}) });
      expect([path, method, r.status]).toEqual([path, method, 404]);
    }
    expect((await callJson("/v1/households", as(w.executor))).body.map((h: any) => h.id)).not.toContain(hh);
    expect((await callJson("/v1/spaces", as(w.executor))).body).toEqual([]);

    // The owner no longer sees them as a member, cannot remove them twice, name them executor or grant them access.
    const detail = await callJson(`/v1/households/${hh}`, as(w.owner));
    expect(detail.body.members.map((m: any) => m.id)).not.toContain(w.executorId);
    expect((await callJson(`/v1/households/${hh}/members/${w.executorId}`, { ...as(w.owner), method: "DELETE" })).status).toBe(404);
    expect((await callJson("/v1/life-beat", { ...as(w.owner), method: "PUT", body: { householdId: hh, executorId: w.executorId } })).status).toBe(422);
    expect((await callJson("/v1/life-beat/emergency-access", { ...as(w.owner), body: grantBody(w.executorId) })).status).toBe(422);

    // Invited again (a minute later, so the new invitation email is the latest), the same address joins as
    // a new member; the old grant does not come back with them.
    sim.set(sim.now + MIN);
    const again = await callJson(`/v1/households/${hh}/members`, { ...as(w.owner), body: { email: w.executor.email, relationship: "sibling", role: "executor" } });
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(w.executorId);
    const accepted = await callJson(`/v1/households/invitations/${await invitationToken(w.executor.email)}/accept`, { ...as(w.executor), method: "POST" });
    expect(accepted.status).toBe(200);
    expect((await callJson(`/v1/households/${hh}`, as(w.executor))).status).toBe(200);
    expect((await callJson(`/v1/spaces/${w.spaceIds[0]}`, as(w.executor))).status).toBe(404);
    expect((await callJson("/v1/life-beat/emergency-access", { ...as(w.owner), body: grantBody(again.body.id) })).status).toBe(201);
    expect((await callJson(`/v1/spaces/${w.spaceIds[0]}`, as(w.executor))).status).toBe(200);
    const grants = (await callJson(`/v1/life-beat?householdId=${hh}`, as(w.owner))).body.emergencyAccess;
    expect(grants.map((x: any) => [x.executorId, x.status])).toEqual([[again.body.id, "active"], [w.executorId, "revoked"]]);
  });

  it("an invited member who is removed cannot accept the invitation", async () => {
    sim.set(Date.now());
    const owner = await registerUser();
    const hh = await callJson("/v1/households", { ...as(owner), body: { name: "R", spaceIds: [] } });
    const email = `removed-${crypto.randomUUID().slice(0, 6)}@example.com`;
    const inv = await callJson(`/v1/households/${hh.body.id}/members`, { ...as(owner), body: { email, relationship: "friend", role: "member" } });
    const token = await invitationToken(email);
    // A notice to them still waiting in the outbox for a retry (its first attempt failed), as an executor's would.
    await env.DB.prepare(
      `INSERT INTO life_beat_notifications (id, household_id, kind, cycle, level, channel, recipient, locale, subject, body, status, attempts, next_attempt_at, dedupe_key, created_at)
       VALUES ('lbn_retry_removed', ?, 'executor', 1, 3, 'email', ?, 'en', 'Life Beat', 'sealed', 'pending', 1, ?, ?, ?)`,
    ).bind(hh.body.id, email.toUpperCase(), Date.now() + 60_000, `executor-retry:${email}`, Date.now()).run();
    const notices = async () =>
      (await env.DB.prepare("SELECT kind, status FROM life_beat_notifications WHERE household_id = ? AND lower(recipient) = ? ORDER BY kind").bind(hh.body.id, email).all()).results;
    expect(await notices()).toEqual([{ kind: "executor", status: "pending" }, { kind: "invitation", status: "sent" }]);
    expect((await callJson(`/v1/households/${hh.body.id}/members/${inv.body.id}`, { ...as(owner), method: "DELETE" })).status).toBe(204);
    // The waiting notice is not sent to someone no longer a member; what was sent stays as it was.
    expect(await notices()).toEqual([{ kind: "executor", status: "cancelled" }, { kind: "invitation", status: "sent" }]);
    const invitee = await registerWithEmail(email);
    expect((await callJson(`/v1/households/invitations/${token}/accept`, { ...as(invitee), method: "POST" })).status).toBe(404);
    expect((await callJson(`/v1/households/${hh.body.id}`, as(invitee))).status).toBe(404);
  });
});
