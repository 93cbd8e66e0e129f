/**
 * A grant that has expired on its own is shown as expired, with no revocation, whatever comes after its end: the
 * owner's return (by activity or a check-in) and the executor's removal revoke live grants only. They used to stamp
 * every unrevoked grant, so the owner's view listed a grant that had simply run out as revoked at their return.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { callJson } from "../helpers";
import { as, configure, cron, DAY, HOUR, householdWorld, MIN, relogin, sim } from "./helpers";

afterEach(() => vi.useRealTimers());

describe("Life Beat: a grant that has expired", () => {
  it("stays expired in the owner's view when the owner returns, checks in or removes the executor (nothing live to revoke)", { timeout: 120_000 }, async () => {
    const t0 = Math.ceil(Date.now() / HOUR) * HOUR + 7 * MIN;
    sim.set(t0);
    const w = await householdWorld();
    await configure(w, { enabled: true, checkInInterval: "weekly", escalationDays: [1], notificationChannels: ["email"], executorId: w.executorId, emergencyAccessDays: 2 });
    const granted = t0 + 8 * DAY + HOUR;
    sim.set(granted);
    await cron(granted);
    const manual = await callJson("/v1/life-beat/emergency-access", {
      ...as(await relogin(w.owner)),
      body: { householdId: w.householdId, executorId: w.executorId, accessLevel: "read-only", expiresAt: new Date(granted + DAY).toISOString() },
    });
    expect(manual.status).toBe(201);
    // Both have ended on their own when the owner is next seen.
    sim.set(granted + 3 * DAY);
    await relogin(w.owner);
    const expired = (g: { status: string; revokedAt: string | null }) => g.status === "expired" && g.revokedAt === null;
    const read = async () => (await callJson(`/v1/life-beat?householdId=${w.householdId}`, as(w.owner))).body.emergencyAccess as any[];
    expect((await read()).map((g) => g.source).sort()).toEqual(["escalation", "manual"]);
    expect((await read()).every(expired)).toBe(true); // the owner's read folded their activity in
    expect((await callJson("/v1/life-beat/check-in", { ...as(w.owner), body: { householdId: w.householdId } })).body.revokedGrants).toBe(0);
    expect((await callJson(`/v1/households/${w.householdId}/members/${w.executorId}`, { ...as(w.owner), method: "DELETE" })).status).toBe(204);
    expect((await read()).every(expired)).toBe(true);
  });
});
