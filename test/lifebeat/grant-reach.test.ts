/**
 * Who may call each Life Beat route, and an escalation grant's reach: only the executor named when the final
 * level is reached reads (a second executor does not), through the household's spaces alone, and a deleted
 * space leaves the grant with the others.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { addMember, callJson, enableTwoFactor, registerUser } from "../helpers";
import { as, configure, cron, DAY, emailsTo, HOUR, householdWorld, invitationToken, levelOf, MIN, relogin, sim } from "./helpers";

afterEach(() => vi.useRealTimers());

describe("Life Beat: who calls, and who reads through a grant", () => {
  it("strangers and space viewers outside the household get 404 on every route; members and the executor read the state and get 403 on the rest", { timeout: 120_000 }, async () => {
    sim.set(Date.now());
    const w = await householdWorld();
    const stranger = await registerUser();
    const member = await registerUser();
    const inv = await callJson(`/v1/households/${w.householdId}/members`, { ...as(w.owner), body: { email: member.email, relationship: "child", role: "member" } });
    expect(inv.status).toBe(201);
    expect((await callJson(`/v1/households/invitations/${await invitationToken(member.email)}/accept`, { ...as(member), method: "POST" })).status).toBe(200);
    // a space viewer who is not a household member
    const viewer = await registerUser();
    await addMember(w.owner, w.spaceIds[0]!, viewer, "viewer");
    const hh = w.householdId;
    const routes = (u: typeof w.owner) => [
      callJson(`/v1/life-beat?householdId=${hh}`, as(u)),
      callJson(`/v1/life-beat`, { ...as(u), method: "PUT", body: { householdId: hh, enabled: true } }),
      callJson(`/v1/life-beat/check-in`, { ...as(u), body: { householdId: hh } }),
      callJson(`/v1/life-beat/emergency-access`, { ...as(u), body: { householdId: hh, executorId: w.executorId, accessLevel: "read-only", expiresAt: new Date(sim.now + DAY).toISOString() } }),
      callJson(`/v1/life-beat/access-log?householdId=${hh}`, as(u)),
    ];
    const st = async (u: typeof w.owner) => (await Promise.all(routes(u))).map((r) => r.status);
    expect(await st(stranger)).toEqual([404, 404, 404, 404, 404]);
    expect(await st(viewer)).toEqual([404, 404, 404, 404, 404]);
    expect(await st(member)).toEqual([200, 403, 403, 403, 403]);
    expect(await st(w.executor)).toEqual([200, 403, 403, 403, 403]);
    expect(await levelOf(hh)).toBe(0);
    const lb = await callJson(`/v1/life-beat?householdId=${hh}`, as(w.owner));
    expect(lb.body.enabled).toBe(false);
    expect(lb.body.emergencyAccess).toEqual([]);
  });

  it("two executors: the one named at the final level reads (a real viewer role kept where they have one), the other not; a deleted space leaves a grant with the others", { timeout: 200_000 }, async () => {
    const t0 = Math.ceil(Date.now() / HOUR) * HOUR + 7 * MIN;
    sim.set(t0);
    const w = await householdWorld();
    const second = await registerUser();
    const inv = await callJson(`/v1/households/${w.householdId}/members`, { ...as(w.owner), body: { email: second.email, relationship: "friend", role: "executor" } });
    expect(inv.status).toBe(201);
    expect((await callJson(`/v1/households/invitations/${await invitationToken(second.email)}/accept`, { ...as(second), method: "POST" })).status).toBe(200);
    await addMember(w.owner, w.spaceIds[1]!, second, "viewer");
    await configure(w, { enabled: true, checkInInterval: "weekly", escalationDays: [2, 4], notificationChannels: ["email"], executorId: w.executorId });
    // Day 8: level 1. Day 8.5: owner switches executor (a PUT, resets).
    sim.set(t0 + 9 * DAY + HOUR);
    await cron();
    expect(await levelOf(w.householdId)).toBe(1);
    await relogin(w.owner);
    await configure(w, { executorId: inv.body.id });
    expect(await levelOf(w.householdId)).toBe(0);
    const t1 = sim.now;
    sim.set(t1 + 9 * DAY + 10 * MIN);
    await cron();
    expect(await levelOf(w.householdId)).toBe(1);
    sim.set(t1 + 11 * DAY + 10 * MIN);
    await cron();
    expect(await levelOf(w.householdId)).toBe(2);
    await relogin(w.executor);
    await relogin(second);
    expect((await callJson(`/v1/spaces/${w.spaceIds[0]}`, as(w.executor))).status).toBe(404);
    expect((await callJson(`/v1/spaces/${w.spaceIds[0]}`, as(second))).status).toBe(200);
    expect((await callJson(`/v1/spaces/${w.spaceIds[1]}`, as(second))).status).toBe(200);
    expect((await callJson(`/v1/spaces/${w.privateSpaceId}`, as(second))).status).toBe(404);
    const list = (await callJson("/v1/spaces", as(second))).body.map((s: any) => `${s.id}:${s.role}`).sort();
    expect(list).toEqual([`${w.spaceIds[0]}:viewer`, `${w.spaceIds[1]}:viewer`].sort());
    expect((await callJson(`/v1/spaces/${w.spaceIds[0]}`, { ...as(second), method: "PATCH", body: { name: "x" } })).status).toBe(403);
    const mails = await emailsTo(second.email);
    expect(mails.filter((m) => m.subject.startsWith("Life Beat"))).toHaveLength(1);
    expect((await emailsTo(w.executor.email)).filter((m) => m.subject.startsWith("Life Beat"))).toHaveLength(0);
    // Owner returns: manual grant to first executor; delete one space.
    sim.set(sim.now + HOUR);
    await relogin(w.owner);
    const g = await callJson("/v1/life-beat/emergency-access", { ...as(w.owner), body: { householdId: w.householdId, executorId: w.executorId, accessLevel: "read-only", expiresAt: new Date(sim.now + 3 * DAY).toISOString() } });
    expect(g.status).toBe(201);
    await relogin(w.executor);
    expect((await callJson(`/v1/spaces/${w.spaceIds[0]}`, as(w.executor))).status).toBe(200);
    await relogin(second);
    expect((await callJson(`/v1/spaces/${w.spaceIds[0]}`, as(second))).status).toBe(404);
    await enableTwoFactor(w.owner);
    expect((await callJson(`/v1/spaces/${w.spaceIds[0]}`, { ...as(w.owner), method: "DELETE" })).status).toBe(204);
    expect((await callJson(`/v1/spaces/${w.spaceIds[0]}`, as(w.executor))).status).toBe(404);
    expect((await callJson(`/v1/spaces/${w.spaceIds[1]}`, as(w.executor))).status).toBe(200);
    expect((await callJson("/v1/spaces", as(w.executor))).body.map((s: any) => s.id)).toEqual([w.spaceIds[1]]);
  });
});
