/**
 * An escalation grant ends when the household's owner comes back: activity after the grant (any
 * authenticated request) is a check-in. A use of the grant looks at the owner's activity itself, so the
 * executor's next read is a 404 at once, with no cron in between; and the cron looks at every escalated
 * household's owner (up to 2,000 a run, drawn at random beyond), so a crowd of dormant escalated
 * households ahead of it in any fixed order cannot keep a returned owner's grant alive. (It used to take
 * the 200 least recently updated, which a fold without activity never updates.)
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { callJson, registerUser } from "../helpers";
import { as, configure, cron, DAY, HOUR, householdWorld, levelOf, relogin, sim } from "./helpers";

afterEach(() => vi.useRealTimers());

async function escalatedWorld() {
  const t0 = Math.ceil(Date.now() / HOUR) * HOUR + 7 * 60_000;
  sim.set(t0);
  const w = await householdWorld();
  await configure(w, { enabled: true, checkInInterval: "weekly", escalationDays: [1], notificationChannels: ["email"], executorId: w.executorId });
  const fired = t0 + 8 * DAY + HOUR;
  return { w, t0, fired };
}

const liveGrants = (householdId: string) =>
  env.DB.prepare("SELECT COUNT(*) AS n FROM emergency_grants WHERE household_id = ? AND revoked_at IS NULL").bind(householdId).first<{ n: number }>().then((r) => r!.n);

describe("Life Beat: the owner's return ends the executor's access", () => {
  it("at the executor's next read, before any cron", { timeout: 120_000 }, async () => {
    const { w, fired } = await escalatedWorld();
    sim.set(fired);
    await cron(fired);
    expect(await levelOf(w.householdId)).toBe(1);
    await relogin(w.executor);
    expect((await callJson(`/v1/spaces/${w.spaceIds[0]}`, as(w.executor))).status).toBe(200);
    expect((await callJson("/v1/spaces", as(w.executor))).body.map((sp: { id: string }) => sp.id)).toContain(w.spaceIds[0]);
    expect(await liveGrants(w.householdId)).toBe(1);
    // The owner uses the app; no cron runs.
    sim.set(fired + 10 * 60_000);
    await relogin(w.owner);
    expect((await callJson("/v1/spaces", as(w.owner))).status).toBe(200);
    sim.set(fired + 20 * 60_000);
    await relogin(w.executor);
    // The executor's list of spaces no longer shows the household's (and is not itself refused).
    const list = await callJson("/v1/spaces", as(w.executor));
    expect(list.status).toBe(200);
    for (const id of w.spaceIds) expect(list.body.map((sp: { id: string }) => sp.id)).not.toContain(id);
    const read = await callJson(`/v1/spaces/${w.spaceIds[0]}`, as(w.executor));
    expect(read.status).toBe(404);
    expect(await liveGrants(w.householdId)).toBe(0);
    expect(await levelOf(w.householdId)).toBe(0);
    expect((await callJson(`/v1/transactions?spaceId=${w.spaceIds[0]}`, as(w.executor))).status).toBe(404);
  });

  it("when the owner only signs in (no request after it): a sign-in is activity too", { timeout: 120_000 }, async () => {
    const { w, fired } = await escalatedWorld();
    sim.set(fired);
    await cron(fired);
    await relogin(w.executor);
    expect((await callJson(`/v1/spaces/${w.spaceIds[0]}`, as(w.executor))).status).toBe(200);
    sim.set(fired + 10 * 60_000);
    await relogin(w.owner); // and nothing else
    sim.set(fired + 20 * 60_000);
    await relogin(w.executor);
    expect((await callJson(`/v1/spaces/${w.spaceIds[0]}`, as(w.executor))).status).toBe(404);
    expect(await liveGrants(w.householdId)).toBe(0);
    expect(await levelOf(w.householdId)).toBe(0);
  });

  it("at the next cron, with 200 dormant escalated households updated before it", { timeout: 300_000 }, async () => {
    const { w, t0, fired } = await escalatedWorld();
    const dormant = await registerUser();
    const stmts: D1PreparedStatement[] = [];
    for (let i = 0; i < 200; i++) {
      const id = `hh_dormant${String(i).padStart(4, "0")}`;
      stmts.push(env.DB.prepare("INSERT INTO households (id, name, owner_id, created_at, updated_at) VALUES (?, 'Dormant', ?, ?, ?)").bind(id, dormant.id, t0, t0));
      stmts.push(
        env.DB.prepare(
          `INSERT INTO life_beat (household_id, enabled, check_in_interval, escalation_days, last_check_in, current_level, cycle, next_escalation_at, updated_at)
           VALUES (?, 1, 'weekly', '[1]', ?, 1, 0, NULL, ?)`,
        ).bind(id, t0 + 1000, t0 - 20 * DAY),
      );
    }
    await env.DB.batch(stmts);
    sim.set(fired);
    await cron(fired);
    expect(await levelOf(w.householdId)).toBe(1);
    expect(await liveGrants(w.householdId)).toBe(1);
    sim.set(fired + HOUR);
    await relogin(w.owner);
    expect((await callJson("/v1/spaces", as(w.owner))).status).toBe(200);
    sim.set(fired + 2 * HOUR);
    await cron(fired + 2 * HOUR);
    expect(await levelOf(w.householdId)).toBe(0);
    expect(await liveGrants(w.householdId)).toBe(0);
    await relogin(w.executor);
    expect((await callJson(`/v1/spaces/${w.spaceIds[0]}`, as(w.executor))).status).toBe(404);
  });
});
