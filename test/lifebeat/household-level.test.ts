/**
 * A household's Life Beat level, as the household reads show it, is the one Life Beat answers: the owner's
 * activity is folded in first. An owner who came back used to see, in the list of their households (and in
 * each one's detail), the level the cron had last raised, in the very request that had just reset it, while
 * `GET /v1/life-beat` answered 0.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { callJson } from "../helpers";
import { as, configure, cron, DAY, HOUR, householdWorld, levelOf, MIN, relogin, sim } from "./helpers";

afterEach(() => vi.useRealTimers());

describe("households: the Life Beat level they show", () => {
  it("is 0 once the owner is back (list and detail, for the owner and the executor), and the escalated level before", { timeout: 120_000 }, async () => {
    const t0 = Math.ceil(Date.now() / HOUR) * HOUR + 7 * MIN;
    sim.set(t0);
    const w = await householdWorld();
    await configure(w, { enabled: true, checkInInterval: "weekly", escalationDays: [1, 5], notificationChannels: ["email"], executorId: w.executorId });
    const raised = t0 + 8 * DAY + HOUR;
    sim.set(raised);
    await cron(raised);
    expect(await levelOf(w.householdId)).toBe(1);
    const level = async (u: typeof w.owner) => {
      const list = (await callJson("/v1/households", as(u))).body.find((h: { id: string }) => h.id === w.householdId);
      const one = (await callJson(`/v1/households/${w.householdId}`, as(u))).body;
      return [list.lifeBeat.currentEscalationLevel, one.lifeBeat.currentEscalationLevel];
    };
    // The executor's own requests are not the owner's: still escalated.
    await relogin(w.executor);
    expect(await level(w.executor)).toEqual([1, 1]);
    // The owner comes back: their first read already shows the reset.
    sim.set(raised + HOUR);
    await relogin(w.owner);
    expect(await level(w.owner)).toEqual([0, 0]);
    expect(await levelOf(w.householdId)).toBe(0);
    await relogin(w.executor);
    expect(await level(w.executor)).toEqual([0, 0]);
  });
});
