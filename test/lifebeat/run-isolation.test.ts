/**
 * One household the cron cannot handle does not stop Life Beat for the others. The due households are taken
 * earliest first, so one whose level's batch fails every time (here a D1 error, raised by a trigger on its
 * escalation row) used to end each run before any household due after it, and before the outbox: every other
 * owner's notices and every executor's access waited for as long as it kept failing.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { configure, cron, DAY, emailsTo, HOUR, householdWorld, levelOf, MIN, sim } from "./helpers";

afterEach(async () => {
  vi.useRealTimers();
  await env.DB.prepare("DROP TRIGGER IF EXISTS lifebeat_test_failing_household").run();
});

describe("Life Beat cron: one failing household", () => {
  it("is logged and retried next run; the households due after it are raised and their notices sent", { timeout: 120_000 }, async () => {
    const t0 = Math.ceil(Date.now() / HOUR) * HOUR + 7 * MIN;
    sim.set(t0);
    const failing = await householdWorld();
    await configure(failing, { enabled: true, checkInInterval: "weekly", escalationDays: [1, 2], notificationChannels: ["email"], executorId: failing.executorId });
    sim.set(t0 + 5 * MIN); // due after the failing one
    const other = await householdWorld();
    await configure(other, { enabled: true, checkInInterval: "weekly", escalationDays: [1, 2], notificationChannels: ["email"], executorId: other.executorId });
    await env.DB.prepare(
      `CREATE TRIGGER lifebeat_test_failing_household BEFORE INSERT ON life_beat_escalations
        WHEN NEW.household_id = '${failing.householdId}' BEGIN SELECT RAISE(ABORT, 'simulated D1 failure'); END`,
    ).run();
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const at = t0 + 8 * DAY + HOUR;
    sim.set(at);
    await cron(at);
    expect(await levelOf(other.householdId)).toBe(1);
    expect((await emailsTo(other.owner.email)).filter((m) => m.subject.startsWith("Life Beat"))).toHaveLength(1);
    expect(await levelOf(failing.householdId)).toBe(0);
    expect(errors.mock.calls.some(([line]) => String(line).includes("lifebeat.household_failed") && String(line).includes(failing.householdId))).toBe(true);
    errors.mockRestore();
    // Once it can be written, the next run raises it, once.
    await env.DB.prepare("DROP TRIGGER lifebeat_test_failing_household").run();
    sim.set(at + HOUR);
    await cron(at + HOUR);
    await cron(at + HOUR);
    expect(await levelOf(failing.householdId)).toBe(1);
    expect((await emailsTo(failing.owner.email)).filter((m) => m.subject.startsWith("Life Beat"))).toHaveLength(1);
  });
});
