/**
 * Exactly once: the scheduled handler run twice for the same instant, and two
 * runs overlapping, change nothing the second time: one escalation per level,
 * one notice per recipient and channel, one grant, one webhook event per space.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { configure, cron, DAY, householdWorld, type HouseholdWorld, sim } from "./helpers";

afterEach(() => vi.useRealTimers());

async function snapshot(w: HouseholdWorld) {
  const q = async (sql: string, ...params: unknown[]) => (await env.DB.prepare(sql).bind(...params).all()).results;
  return {
    lifeBeat: await q("SELECT * FROM life_beat WHERE household_id = ?", w.householdId),
    escalations: await q("SELECT * FROM life_beat_escalations WHERE household_id = ? ORDER BY cycle, level", w.householdId),
    notices: await q("SELECT id, kind, level, channel, recipient, status, attempts, next_attempt_at, sent_at, provider_message_id FROM life_beat_notifications WHERE household_id = ? ORDER BY id", w.householdId),
    grants: await q("SELECT * FROM emergency_grants WHERE household_id = ? ORDER BY id", w.householdId),
    events: await q("SELECT id, space_id, dedupe_key FROM event_outbox WHERE type = 'lifebeat.escalated' AND payload LIKE ? ORDER BY id", `%${w.householdId}%`),
    messages: await q("SELECT id, recipient, subject FROM sandbox_messages WHERE recipient IN (?, ?) ORDER BY id", w.owner.email, w.executor.email),
  };
}

describe("Life Beat cron is idempotent", () => {
  it("run twice for the same instant: the second run changes nothing", async () => {
    const t0 = Date.now();
    sim.set(t0);
    const w = await householdWorld();
    await configure(w, { enabled: true, checkInInterval: "weekly", escalationDays: [30, 60], executorId: w.executorId });
    for (const day of [37, 67]) {
      const t = t0 + day * DAY;
      sim.set(t);
      await cron(t);
      const first = await snapshot(w);
      await cron(t);
      expect(await snapshot(w)).toEqual(first);
      await cron(t);
      expect(await snapshot(w)).toEqual(first);
    }
    const s = await snapshot(w);
    expect(s.escalations.map((e: any) => e.level)).toEqual([1, 2]);
    expect(s.grants).toHaveLength(1);
    expect(s.notices.filter((n: any) => n.kind !== "invitation").map((n: any) => `${n.kind}:${n.level}:${n.status}`).sort()).toEqual([
      "escalation:1:sent", "escalation:2:sent", "executor:2:sent",
    ]);
    expect(s.events).toHaveLength(4); // 2 levels × 2 spaces
  });

  it("two overlapping runs raise each level once, notify once and grant once", async () => {
    const t0 = Date.now();
    sim.set(t0);
    const w = await householdWorld();
    await configure(w, { enabled: true, checkInInterval: "biweekly", escalationDays: [10, 20], executorId: w.executorId });
    for (const day of [24, 34]) {
      const t = t0 + day * DAY;
      sim.set(t);
      await Promise.all([cron(t), cron(t), cron(t + 1)]);
      const after = await snapshot(w);
      await Promise.all([cron(t), cron(t + 2)]);
      expect(await snapshot(w)).toEqual(after);
    }
    const s = await snapshot(w);
    expect(s.escalations.map((e: any) => e.level)).toEqual([1, 2]);
    expect(s.lifeBeat[0]).toMatchObject({ current_level: 2, next_escalation_at: null });
    expect(s.grants).toHaveLength(1);
    const notices = s.notices.filter((n: any) => n.kind !== "invitation");
    expect(notices).toHaveLength(3);
    expect(notices.every((n: any) => n.status === "sent" && n.attempts === 1)).toBe(true);
    // What the email API received: one message per notice, none twice.
    const lifeBeatMail = s.messages.filter((m: any) => String(m.subject).startsWith("Life Beat"));
    expect(lifeBeatMail).toHaveLength(3);
    expect(s.events).toHaveLength(4);
  });
});
