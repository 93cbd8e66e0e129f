/**
 * Life Beat through time: the cron every 15 minutes with an injected clock,
 * the app at the same simulated instant. Levels rise exactly at their day,
 * never before, each level's notices are sent once; the executor reads but
 * cannot write once the final level grants access, and loses it at expiry.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { callJson } from "../helpers";
import { as, configure, cron, DAY, emailsTo, householdWorld, levelOf, MIN, relogin, sim } from "./helpers";

afterEach(() => vi.useRealTimers());

const TICK = 15 * MIN;

async function escalatedAt(householdId: string): Promise<{ cycle: number; level: number; escalated_at: number }[]> {
  const r = await env.DB.prepare("SELECT cycle, level, escalated_at FROM life_beat_escalations WHERE household_id = ? ORDER BY escalated_at, level")
    .bind(householdId)
    .all<{ cycle: number; level: number; escalated_at: number }>();
  return r.results;
}

describe("Life Beat time travel", () => {
  it("walks 0 → 1 → 2 → 3 with the cron every 15 minutes (each level's notices once); a check-in on day 45 resets another household to 0; the executor reads, cannot write, and loses access at expiry", { timeout: 900_000 }, async () => {
    const t0 = Math.ceil(Date.now() / TICK) * TICK + 7 * MIN; // off the tick grid: due instants fall between ticks
    sim.set(t0);
    const w = await householdWorld();
    const v = await householdWorld({ locale: "es" });
    const bad = await callJson("/v1/life-beat", { ...as(w.owner), method: "PUT", body: { householdId: w.householdId, executorId: w.spaceIds[0] } });
    expect(bad.status).toBe(422); // not an executor member
    const decreasing = await callJson("/v1/life-beat", { ...as(w.owner), method: "PUT", body: { householdId: w.householdId, escalationDays: [30, 30, 90] } });
    expect(decreasing.status).toBe(422);
    const settings = { enabled: true, checkInInterval: "weekly", escalationDays: [30, 60, 90], notificationChannels: ["email"] };
    const state = await configure(w, { ...settings, executorId: w.executorId });
    await configure(v, { ...settings, executorId: v.executorId });
    expect(state).toMatchObject({ enabled: true, currentEscalationLevel: 0, lastCheckIn: new Date(t0).toISOString(), nextCheckInDue: new Date(t0 + 7 * DAY).toISOString() });
    // Level k is due escalationDays[k-1] days after the missed weekly check-in.
    const dueAt = [37, 67, 97].map((d) => t0 + d * DAY);
    expect(state.nextEscalationAt).toBe(new Date(dueAt[0]!).toISOString());
    const checkInAt = t0 + 45 * DAY;
    const vDueAgain = checkInAt + 37 * DAY;

    const started = performance.now();
    let runs = 0;
    let checkedIn = false;
    for (let t = t0 - 7 * MIN + TICK; t <= dueAt[2]! + DAY; t += TICK) {
      if (!checkedIn && t >= checkInAt) {
        // Day 45: the second household's owner checks in (through the API, at that instant).
        sim.set(checkInAt);
        await relogin(v.owner);
        expect(await levelOf(v.householdId)).toBe(1);
        const r = await callJson("/v1/life-beat/check-in", { ...as(v.owner), body: { householdId: v.householdId } });
        expect(r.status).toBe(200);
        expect(r.body).toMatchObject({ escalationReset: true, currentEscalationLevel: 0, lastCheckIn: new Date(checkInAt).toISOString() });
        expect(await levelOf(v.householdId)).toBe(0);
        checkedIn = true;
      }
      sim.set(t);
      await cron(t);
      runs++;
      if ((t - t0) % DAY < TICK) {
        // Once a simulated day: the level is exactly the number of days passed.
        expect(await levelOf(w.householdId)).toBe(dueAt.filter((d) => d <= t).length);
        expect(await levelOf(v.householdId)).toBe(t < checkInAt ? (t >= dueAt[0]! ? 1 : 0) : t >= vDueAgain ? 1 : 0);
      }
    }
    console.log(`time travel: ${runs} cron runs every 15 min over ${((runs * TICK) / DAY).toFixed(1)} days, 2 households, in ${Math.round(performance.now() - started)} ms`);

    // Each level was reached once, at the first run at or after its instant: never early, never later than one tick.
    const ws = await escalatedAt(w.householdId);
    expect(ws.map((e) => e.level)).toEqual([1, 2, 3]);
    ws.forEach((e, i) => {
      expect(e.escalated_at).toBeGreaterThanOrEqual(dueAt[i]!);
      expect(e.escalated_at - dueAt[i]!).toBeLessThan(TICK);
    });
    // The second household: level 1 on day 37, reset by the day-45 check-in, level 1 again 37 days after it (new cycle).
    const vs = await escalatedAt(v.householdId);
    expect(vs.map((e) => e.level)).toEqual([1, 1]);
    expect(vs[1]!.cycle).toBeGreaterThan(vs[0]!.cycle);
    expect(vs[1]!.escalated_at).toBeGreaterThanOrEqual(vDueAgain);
    expect(vs[1]!.escalated_at - vDueAgain).toBeLessThan(TICK);

    // Notices: the owner got one per level, the executor one at the final level; all recorded as sent once.
    expect((await emailsTo(w.owner.email)).map((m) => m.subject)).toEqual([
      "Life Beat: please check in (notice 1 of 3)",
      "Life Beat: please check in (notice 2 of 3)",
      "Life Beat: emergency access granted (García)",
    ]);
    expect((await emailsTo(w.executor.email)).filter((m) => m.subject.startsWith("Life Beat"))).toHaveLength(1);
    // The Spanish-speaking owner was written to in Spanish, once per level reached.
    expect((await emailsTo(v.owner.email)).map((m) => m.subject)).toEqual([
      "Life Beat: confirma que estás bien (aviso 1 de 3)",
      "Life Beat: confirma que estás bien (aviso 1 de 3)",
    ]);
    const rows = await env.DB.prepare("SELECT kind, level, status, attempts FROM life_beat_notifications WHERE household_id = ? AND kind != 'invitation' ORDER BY level, kind")
      .bind(w.householdId)
      .all();
    expect(rows.results).toEqual([
      { kind: "escalation", level: 1, status: "sent", attempts: 1 },
      { kind: "escalation", level: 2, status: "sent", attempts: 1 },
      { kind: "escalation", level: 3, status: "sent", attempts: 1 },
      { kind: "executor", level: 3, status: "sent", attempts: 1 },
    ]);
    const events = await env.DB.prepare("SELECT space_id FROM event_outbox WHERE type = 'lifebeat.escalated' AND payload LIKE ?")
      .bind(`%${w.householdId}%`)
      .all<{ space_id: string }>();
    expect(events.results).toHaveLength(6); // 3 levels × 2 spaces
    expect(new Set(events.results.map((e) => e.space_id))).toEqual(new Set(w.spaceIds));
    // No grant for the household that checked in.
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM emergency_grants WHERE household_id = ?").bind(v.householdId).first<{ n: number }>())!.n).toBe(0);

    // The executor now reads the household's spaces, cannot write, and sees nothing else.
    const now = sim.now;
    await relogin(w.executor);
    expect((await callJson(`/v1/spaces/${w.spaceIds[0]}`, as(w.executor))).status).toBe(200);
    expect((await callJson(`/v1/accounts?spaceId=${w.spaceIds[1]}`, as(w.executor))).status).toBe(200);
    expect((await callJson(`/v1/transactions?spaceId=${w.spaceIds[0]}`, as(w.executor))).status).toBe(200);
    const write = await callJson("/v1/accounts", { ...as(w.executor), body: { spaceId: w.spaceIds[0], name: "Mine now", type: "checking", currency: "USD" } });
    expect(write.status).toBe(403);
    expect((await callJson(`/v1/spaces/${w.privateSpaceId}`, as(w.executor))).status).toBe(404);
    // The executor cannot extend, renew or reset anything.
    const extend = await callJson("/v1/life-beat/emergency-access", {
      ...as(w.executor),
      body: { householdId: w.householdId, accessLevel: "read-only", expiresAt: new Date(now + 300 * DAY).toISOString() },
    });
    expect(extend.status).toBe(403);
    expect((await callJson("/v1/life-beat/check-in", { ...as(w.executor), body: { householdId: w.householdId } })).status).toBe(403);
    expect((await callJson("/v1/life-beat", { ...as(w.executor), method: "PUT", body: { householdId: w.householdId, enabled: false } })).status).toBe(403);

    // The grant lasts the configured 30 days from the final level, then ends by itself.
    const grant = await env.DB.prepare("SELECT expires_at FROM emergency_grants WHERE household_id = ?").bind(w.householdId).first<{ expires_at: number }>();
    expect(grant!.expires_at).toBe(ws[2]!.escalated_at + 30 * DAY);
    sim.set(grant!.expires_at - 1);
    await relogin(w.executor);
    expect((await callJson(`/v1/spaces/${w.spaceIds[0]}`, as(w.executor))).status).toBe(200);
    sim.set(grant!.expires_at);
    expect((await callJson(`/v1/spaces/${w.spaceIds[0]}`, as(w.executor))).status).toBe(404);
    expect((await callJson(`/v1/accounts?spaceId=${w.spaceIds[1]}`, as(w.executor))).status).toBe(404);

    // The owner reads who used the access, on which route, when.
    await relogin(w.owner);
    const log = await callJson(`/v1/life-beat/access-log?householdId=${w.householdId}`, as(w.owner));
    expect(log.status).toBe(200);
    const paths = log.body.entries.map((e: any) => `${e.method} ${e.path} ${e.allowed}`);
    expect(paths).toContain(`GET /v1/spaces/${w.spaceIds[0]} true`);
    expect(paths).toContain("GET /v1/accounts true");
    expect(paths).toContain("GET /v1/transactions true");
    expect(paths).toContain("POST /v1/accounts false");
    expect(log.body.entries.every((e: any) => e.userId === w.executor.id)).toBe(true);
    expect((await callJson(`/v1/life-beat/access-log?householdId=${w.householdId}`, as(w.executor))).status).toBe(403);
  });
});
