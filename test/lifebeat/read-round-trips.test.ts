/**
 * One D1 round trip per authenticated read (issue 10) for households and Life Beat: the session check,
 * the caller's household membership (and ownership, where needed) and the read go in one batch; the
 * household list reads every household's details in that batch, whatever their number.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { countingApp } from "../counting-app";
import { callJson, createSpace, registerUser } from "../helpers";
import { as, configure, DAY, householdWorld, relogin, sim } from "./helpers";

afterEach(() => vi.useRealTimers());

/** A manual grant to the world's executor, so the state and the access log have rows to show. */
async function grantAndUse(w: Awaited<ReturnType<typeof householdWorld>>) {
  const g = await callJson("/v1/life-beat/emergency-access", {
    ...as(w.owner),
    body: { householdId: w.householdId, executorId: w.executorId, accessLevel: "read-only", expiresAt: new Date(Date.now() + 2 * DAY).toISOString() },
  });
  expect(g.status).toBe(201);
  expect((await callJson(`/v1/spaces/${w.spaceIds[0]}`, as(w.executor))).status).toBe(200);
  return g.body;
}

describe("households in one round trip", () => {
  it("lists the caller's households with their details in one round trip, each as the household read shows it", async () => {
    const w = await householdWorld();
    const second = await callJson("/v1/households", { ...as(w.owner), body: { name: "Second", spaceIds: [w.privateSpaceId] } });
    expect(second.status).toBe(201);
    const { get } = countingApp();
    const list = await get(w.owner, "/v1/households");
    expect(list.status).toBe(200);
    expect(list.trips).toBe(1);
    expect(list.body.map((h: { id: string }) => h.id)).toEqual([w.householdId, second.body.id]);
    expect(list.body[0]).toMatchObject({ spaceIds: w.spaceIds, spaces: [{ id: w.spaceIds[0], name: "Casa" }, { id: w.spaceIds[1], name: "Negocio" }] });
    expect(list.body[0].members.map((m: { role: string }) => m.role)).toEqual(["owner", "executor"]);
    expect(list.body[1]).toEqual(second.body);
    for (const h of list.body) {
      const one = await get(w.owner, `/v1/households/${h.id}`);
      expect(one).toMatchObject({ status: 200, trips: 1, body: h });
    }
    // The executor sees the household they joined, as its owner does.
    const theirs = await get(w.executor, "/v1/households");
    expect(theirs).toMatchObject({ status: 200, trips: 1, body: [list.body[0]] });
    expect((await get(await registerUser(), "/v1/households"))).toMatchObject({ status: 200, trips: 1, body: [] });
  });

  it("lists 120 households in one round trip, each with its own members, space and state", async () => {
    const user = await registerUser();
    const space = await createSpace(user, { name: "Shared" });
    const now = Date.now();
    const ids = Array.from({ length: 120 }, (_, i) => `hh_many_${user.id}_${String(i).padStart(3, "0")}`);
    const rows = (sql: string, values: (i: number, id: string) => unknown[]) => ids.map((id, i) => env.DB.prepare(sql).bind(...values(i, id)));
    await env.DB.batch([
      ...rows("INSERT INTO households (id, name, owner_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)", (i, id) => [id, `H${i}`, user.id, now + i, now + i]),
      ...rows(
        "INSERT INTO household_members (id, household_id, user_id, email, name, relationship, role, status, invited_at, joined_at) VALUES (?, ?, ?, ?, 'Me', 'self', 'owner', 'active', ?, ?)",
        (i, id) => [`hhm_${id}`, id, user.id, user.email, now, now],
      ),
      ...rows("INSERT INTO life_beat (household_id, last_check_in, updated_at, current_level) VALUES (?, ?, ?, ?)", (i, id) => [id, now, now, i % 3]),
      ...rows("INSERT INTO household_spaces (household_id, space_id, added_at) VALUES (?, ?, ?)", (i, id) => [id, space.id, now]),
    ]);
    const { get } = countingApp();
    const list = await get(user, "/v1/households");
    expect(list.status).toBe(200);
    expect(list.trips).toBe(1);
    expect(list.body.map((h: { id: string }) => h.id)).toEqual(ids);
    list.body.forEach((h: any, i: number) => {
      expect(h).toMatchObject({ name: `H${i}`, spaceIds: [space.id], lifeBeat: { enabled: false, currentEscalationLevel: i % 3 } });
      expect(h.members).toEqual([expect.objectContaining({ id: `hhm_${ids[i]}`, householdId: ids[i], role: "owner" })]);
    });
    expect(list.body[117]).toEqual((await get(user, `/v1/households/${ids[117]}`)).body);
  });

  it("answers a stranger the 404 of a missing household in one round trip, reading nothing of it", async () => {
    const w = await householdWorld();
    const stranger = await registerUser();
    const { get } = countingApp();
    const theirs = await get(stranger, `/v1/households/${w.householdId}`);
    const none = await get(stranger, "/v1/households/hh_doesnotexist");
    expect(theirs).toMatchObject({ status: 404, trips: 1 });
    expect(theirs.body.error).toMatchObject({ code: none.body.error.code, message: none.body.error.message, details: [] });
    expect(JSON.stringify(theirs.body)).not.toContain("Casa");
    expect(theirs.rowsRead).toBeLessThan(10);
  });
});

describe("Life Beat in one round trip", () => {
  it("reads the state with its grants in one round trip for a member; a stranger gets the 404 with nothing of it", async () => {
    const w = await householdWorld();
    const grant = await grantAndUse(w);
    const { get } = countingApp();
    const state = await get(w.executor, `/v1/life-beat?householdId=${w.householdId}`);
    expect(state.status).toBe(200);
    expect(state.trips).toBe(1);
    expect(state.body).toMatchObject({ householdId: w.householdId, enabled: false, emergencyAccess: [{ id: grant.id, status: "active", executorId: w.executorId }] });
    expect(await get(w.owner, `/v1/life-beat?householdId=${w.householdId}`)).toMatchObject({ status: 200, trips: 1, body: state.body });
    const stranger = await get(await registerUser(), `/v1/life-beat?householdId=${w.householdId}`);
    expect(stranger).toMatchObject({ status: 404, trips: 1, body: { error: { code: "RESOURCE_NOT_FOUND", message: "Household not found" } } });
    expect(stranger.rowsRead).toBeLessThan(10);
  });

  it("when enabled: a member's read is one round trip; the owner's activity folded in is one more, its write batch reading the new state", async () => {
    const t0 = Date.now();
    sim.set(t0);
    const w = await householdWorld();
    await configure(w, { enabled: true, checkInInterval: "weekly", escalationDays: [30], executorId: w.executorId });
    const { get } = countingApp();
    sim.set(t0 + DAY);
    await relogin(w.executor);
    const quiet = await get(w.executor, `/v1/life-beat?householdId=${w.householdId}`);
    expect(quiet).toMatchObject({ status: 200, trips: 1, body: { enabled: true, lastCheckIn: new Date(t0).toISOString() } });
    // The owner's own read is activity: it resets the schedule and answers the state after the reset.
    sim.set(t0 + 2 * DAY);
    await relogin(w.owner);
    const folded = await get(w.owner, `/v1/life-beat?householdId=${w.householdId}`);
    expect(folded.status).toBe(200);
    expect(folded.trips).toBe(2);
    const stored = await env.DB.prepare("SELECT last_check_in, next_escalation_at FROM life_beat WHERE household_id = ?").bind(w.householdId).first<any>();
    expect(stored.last_check_in).toBeGreaterThan(t0 + DAY);
    expect(folded.body).toMatchObject({ lastCheckIn: new Date(stored.last_check_in).toISOString(), nextEscalationAt: new Date(stored.next_escalation_at).toISOString() });
  });

  it("reads the access log in one round trip for the owner; the executor's 403 and a stranger's 404 read nothing of it", async () => {
    const w = await householdWorld();
    await grantAndUse(w);
    const { get } = countingApp();
    const path = `/v1/life-beat/access-log?householdId=${w.householdId}`;
    const log = await get(w.owner, path);
    expect(log.status).toBe(200);
    expect(log.trips).toBe(1);
    expect(log.body.entries).toEqual([expect.objectContaining({ userId: w.executor.id, method: "GET", path: `/v1/spaces/${w.spaceIds[0]}`, allowed: true })]);
    expect(log.body.pagination).toMatchObject({ total: 1 });
    const member = await get(w.executor, path);
    expect(member).toMatchObject({ status: 403, trips: 1 });
    expect(member.body.entries).toBeUndefined();
    const stranger = await get(await registerUser(), path);
    expect(stranger).toMatchObject({ status: 404, trips: 1, body: { error: { message: "Household not found" } } });
    expect(stranger.rowsRead).toBeLessThan(10);
  });
});
