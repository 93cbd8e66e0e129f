/**
 * Life Beat after a missed stretch (a cron outage, or a household no run reached): when every level is
 * overdue, one run raises only the first, and the later levels count from the moment its notice went out,
 * so the owner gets each configured gap to answer before the executor is granted anything, and every
 * notice quotes a deadline ahead of it that then holds. The executor is written to in their own language.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { configure, cron, DAY, emailsTo, HOUR, householdWorld, levelOf, sim } from "./helpers";

afterEach(() => vi.useRealTimers());

const usDay = (ms: number) => new Date(ms).toLocaleDateString("en-US", { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });
/** A deadline as the notices write it: to the minute, saying UTC (a day alone read a day late west of UTC). */
const usDeadline = (ms: number) => `${usDay(ms)} at ${new Date(ms).toISOString().slice(11, 16)} UTC`;

async function escalations(householdId: string) {
  const r = await env.DB.prepare("SELECT level, escalated_at FROM life_beat_escalations WHERE household_id = ? ORDER BY level")
    .bind(householdId)
    .all<{ level: number; escalated_at: number }>();
  return r.results;
}

const nextEscalationAt = (householdId: string) =>
  env.DB.prepare("SELECT next_escalation_at AS at FROM life_beat WHERE household_id = ?").bind(householdId).first<{ at: number | null }>().then((r) => r!.at);

describe("Life Beat catch-up", () => {
  it("raises one overdue level a run and re-bases the rest from its notice: each notice quotes a future deadline that holds", { timeout: 300_000 }, async () => {
    const t0 = Math.ceil(Date.now() / HOUR) * HOUR + 7 * 60_000;
    sim.set(t0);
    const w = await householdWorld();
    await configure(w, { enabled: true, checkInInterval: "weekly", escalationDays: [1, 3, 6], notificationChannels: ["email"], executorId: w.executorId });
    // The owner is silent; no run happens until day 30, when all three levels (days 8, 10 and 13) are overdue.
    const back = t0 + 30 * DAY - 7 * 60_000; // on the hour
    sim.set(back);
    // Overlapping runs change nothing more. All at one instant: a run a millisecond later that won the race would
    // rightly count the overdue level from its own instant, an hour's grid off the one this test follows.
    await Promise.all([cron(back), cron(back), cron(back)]);
    expect(await levelOf(w.householdId)).toBe(1);
    const finalAt = back + 5 * DAY; // level 3 is 6 − 1 days after level 1, counted from its notice
    expect(await nextEscalationAt(w.householdId)).toBe(back + 2 * DAY);
    let mails = await emailsTo(w.owner.email);
    expect(mails.map((m) => m.subject)).toEqual(["Life Beat: please check in (notice 1 of 3)"]);
    expect(mails[0]!.body).toContain(`your executor receives read-only access on ${usDeadline(finalAt)}.`);
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM emergency_grants WHERE household_id = ?").bind(w.householdId).first<{ n: number }>())!.n).toBe(0);

    // Hourly from then on: level 2 two days after notice 1, level 3 on the date notice 1 quoted.
    for (let t = back + HOUR; t <= finalAt + 2 * HOUR; t += HOUR) {
      sim.set(t);
      await cron(t);
    }
    expect(await escalations(w.householdId)).toEqual([
      { level: 1, escalated_at: back },
      { level: 2, escalated_at: back + 2 * DAY },
      { level: 3, escalated_at: finalAt },
    ]);
    mails = await emailsTo(w.owner.email);
    expect(mails.map((m) => m.subject)).toEqual([
      "Life Beat: please check in (notice 1 of 3)",
      "Life Beat: please check in (notice 2 of 3)",
      "Life Beat: emergency access granted (García)",
    ]);
    expect(mails[1]!.body).toContain(`your executor receives read-only access on ${usDeadline(finalAt)}.`);
    const grant = await env.DB.prepare("SELECT created_at FROM emergency_grants WHERE household_id = ?").bind(w.householdId).first<{ created_at: number }>();
    expect(grant!.created_at).toBe(finalAt);
  });

  it("writes the executor's final notice in the executor's language, the owner's in the owner's", async () => {
    const t0 = Date.now();
    sim.set(t0);
    const w = await householdWorld({ locale: "es" }); // the executor signed up in English
    await configure(w, { enabled: true, checkInInterval: "weekly", escalationDays: [1], notificationChannels: ["email"], executorId: w.executorId });
    sim.set(t0 + 8 * DAY);
    await cron(t0 + 8 * DAY);
    expect((await emailsTo(w.owner.email)).map((m) => m.subject)).toEqual(["Life Beat: se concedió acceso de emergencia (García)"]);
    const toExecutor = (await emailsTo(w.executor.email)).filter((m) => m.subject.startsWith("Life Beat"));
    expect(toExecutor.map((m) => m.subject)).toEqual(["Life Beat: emergency access to the García household"]);
    expect(toExecutor[0]!.body).toContain("As executor you have read-only access");
  });
});
