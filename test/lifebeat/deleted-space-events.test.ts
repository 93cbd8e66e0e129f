/**
 * A household space deleted before an escalation gets no `lifebeat.escalated` event: its webhooks' deliveries were
 * cancelled with it, and an event written into a deleted space is a row nothing reads (and a delivery that has to
 * skip it). The live spaces of the household get theirs as before.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { configure, cron, DAY, householdWorld, sim } from "./helpers";

afterEach(() => vi.useRealTimers());

describe("Life Beat events and deleted spaces", () => {
  it("writes the escalation event for the household's live spaces only", async () => {
    const t0 = Date.now();
    sim.set(t0);
    const w = await householdWorld();
    await configure(w, { enabled: true, checkInInterval: "weekly", escalationDays: [30], executorId: w.executorId });
    const [live, deleted] = w.spaceIds as [string, string];
    // As deleteSpace leaves it: marked deleted, its memberships gone (the household still lists it).
    await env.DB.batch([
      env.DB.prepare("UPDATE spaces SET deleted_at = ?, updated_at = ? WHERE id = ?").bind(t0, t0, deleted),
      env.DB.prepare("DELETE FROM space_members WHERE space_id = ?").bind(deleted),
    ]);
    const t = t0 + 37 * DAY;
    sim.set(t);
    await cron(t);
    const events = (
      await env.DB.prepare("SELECT space_id FROM event_outbox WHERE type = 'lifebeat.escalated' AND payload LIKE ?").bind(`%${w.householdId}%`).all<{ space_id: string }>()
    ).results;
    expect(events.map((e) => e.space_id)).toEqual([live]);
  });
});
