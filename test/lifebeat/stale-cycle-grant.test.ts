/**
 * An escalation grant made in a cycle that the owner's activity has since ended is no access. The cron folds
 * the owner's activity in just before it raises a level; a request of the owner's that lands between that
 * read and the level's batch is activity from before the grant was made. The next fold starts a new cycle from
 * that activity: the grant, made after it but for the cycle it ended, is revoked with the cycle (it used to be
 * kept, as "made after the activity", at level 0 with no cron looking at it again, until it expired).
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { callJson } from "../helpers";
import { as, configure, cron, DAY, HOUR, householdWorld, levelOf, MIN, relogin, sim } from "./helpers";

afterEach(() => vi.useRealTimers());

const liveGrants = (householdId: string) =>
  env.DB.prepare("SELECT COUNT(*) AS n FROM emergency_grants WHERE household_id = ? AND revoked_at IS NULL").bind(householdId).first<{ n: number }>().then((r) => r!.n);

/** A household granted at `granted` (weekly, one level of a day), whose owner was active at `granted - 10 min`, after the cron's read. */
async function racedWorld() {
  const t0 = Math.ceil(Date.now() / HOUR) * HOUR + 7 * MIN;
  sim.set(t0);
  const w = await householdWorld();
  await configure(w, { enabled: true, checkInInterval: "weekly", escalationDays: [1], notificationChannels: ["email"], executorId: w.executorId });
  const granted = t0 + 8 * DAY + HOUR;
  sim.set(granted);
  await cron(granted);
  expect(await levelOf(w.householdId)).toBe(1);
  expect(await liveGrants(w.householdId)).toBe(1);
  // The owner's request the run did not see: its activity is from before the grant.
  sim.set(granted - 10 * MIN);
  await relogin(w.owner);
  return { w, granted };
}

describe("Life Beat: a grant of a cycle the owner's activity ended", () => {
  it("is revoked by the fold that ends the cycle, though made after the activity", { timeout: 120_000 }, async () => {
    const { w, granted } = await racedWorld();
    sim.set(granted + HOUR);
    await cron(granted + HOUR);
    expect(await levelOf(w.householdId)).toBe(0);
    expect(await liveGrants(w.householdId)).toBe(0);
    await relogin(w.executor);
    expect((await callJson(`/v1/spaces/${w.spaceIds[0]}`, as(w.executor))).status).toBe(404);
    const lb = await callJson(`/v1/life-beat?householdId=${w.householdId}`, as(w.executor));
    expect(lb.body.emergencyAccess[0]).toMatchObject({ source: "escalation", status: "revoked" });
  });

  it("answers no read once the cycle has ended, also when it was kept live", { timeout: 120_000 }, async () => {
    const { w, granted } = await racedWorld();
    sim.set(granted + HOUR);
    await cron(granted + HOUR);
    expect(await levelOf(w.householdId)).toBe(0);
    // As the fold left such a grant before: live, of the ended cycle.
    await env.DB.prepare("UPDATE emergency_grants SET revoked_at = NULL, revoked_reason = NULL WHERE household_id = ?").bind(w.householdId).run();
    await relogin(w.executor);
    expect((await callJson(`/v1/spaces/${w.spaceIds[0]}`, as(w.executor))).status).toBe(404);
    expect((await callJson("/v1/spaces", as(w.executor))).body).toEqual([]);
    expect(await liveGrants(w.householdId)).toBe(0);
  });
});
