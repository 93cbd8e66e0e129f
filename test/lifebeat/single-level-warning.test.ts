/**
 * A Life Beat with a single escalation level used to grant the executor access as the first thing that
 * happened after a missed check-in: the owner who merely forgot had no notice before it. Now the owner is
 * warned once, on every channel, ahead of the grant (the longer of a week and half the wait, never before
 * the check-in was missed: warningAt in src/modules/lifebeat/state.ts), the executor hears nothing until the
 * grant, a check-in after the warning ends the path as any check-in does, and the grant keeps its instant.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { executorNotice, ownerNotice, ownerWarning } from "../../src/modules/lifebeat/messages";
import { callJson } from "../helpers";
import { as, configure, cron, DAY, emailsTo, HOUR, householdWorld, type HouseholdWorld, levelOf, relogin, sim, smsTo } from "./helpers";

afterEach(() => vi.useRealTimers());

const usDay = (ms: number) => new Date(ms).toLocaleDateString("en-US", { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });
const utcTime = (ms: number) => new Date(ms).toISOString().slice(11, 16);

const lifeBeatMail = async (to: string) => (await emailsTo(to)).filter((m) => m.subject.startsWith("Life Beat"));

const grants = (householdId: string) =>
  env.DB.prepare("SELECT created_at, revoked_at FROM emergency_grants WHERE household_id = ? ORDER BY created_at")
    .bind(householdId)
    .all<{ created_at: number; revoked_at: number | null }>()
    .then((r) => r.results);

const warnings = (householdId: string) =>
  env.DB.prepare("SELECT cycle, channel, recipient, status FROM life_beat_notifications WHERE household_id = ? AND kind = 'escalation' AND level = 0 ORDER BY cycle, channel")
    .bind(householdId)
    .all<{ cycle: number; channel: string; recipient: string; status: string }>()
    .then((r) => r.results);

/** Runs the cron at every `step` from `from` to `to` (both included). */
async function cronEvery(step: number, from: number, to: number) {
  for (let t = from; t <= to; t += step) {
    sim.set(t);
    await cron(t);
  }
}

/** The check-in instant is on the hour plus 7 minutes, so hourly runs from it land on every instant derived from it. */
async function world(escalationDays: number[], extra: Record<string, unknown> = {}, locale = "en"): Promise<{ w: HouseholdWorld; t0: number }> {
  const t0 = Math.ceil(Date.now() / HOUR) * HOUR + 7 * 60_000;
  sim.set(t0);
  const w = await householdWorld({ locale });
  const state = await configure(w, { enabled: true, checkInInterval: "weekly", escalationDays, notificationChannels: ["email"], executorId: w.executorId, ...extra });
  expect(state.lastCheckIn).toBe(new Date(t0).toISOString());
  return { w, t0 };
}

describe("Life Beat with a single level warns the owner before the grant", () => {
  it("hourly: one warning to the owner a week before the grant (overlapping runs too), nothing to the executor, the grant at its instant", { timeout: 300_000 }, async () => {
    const { w, t0 } = await world([10]);
    const grantAt = t0 + 17 * DAY; // 7 days to the due check-in, then the 10 configured days: as before
    const warnAt = grantAt - 7 * DAY; // the longer of a week and half of 10 days
    expect((await callJson(`/v1/life-beat?householdId=${w.householdId}`, as(w.owner))).body.nextEscalationAt).toBe(new Date(grantAt).toISOString());

    await cronEvery(HOUR, t0 + HOUR, warnAt - HOUR);
    expect(await lifeBeatMail(w.owner.email)).toEqual([]);
    expect(await warnings(w.householdId)).toEqual([]);

    sim.set(warnAt);
    await Promise.all([cron(warnAt), cron(warnAt), cron(warnAt + 1)]);
    const warned = await lifeBeatMail(w.owner.email);
    expect(warned.map((m) => m.subject)).toEqual(["Life Beat: please check in before your executor gets access"]);
    expect(warned[0]!.body.replace(/^Hi User \d+,/, "Hi OWNER,")).toBe(
      `Hi OWNER, you have not checked in on Dhanam since ${usDay(t0)} (UTC). Open the app or check in to reset Life Beat. If we do not hear from you, ` +
        `your executor Tía Rosa receives read-only access to the García household's finances on ${usDay(grantAt)} at ${utcTime(grantAt)} UTC. This is the only notice before then.`,
    );
    expect(await warnings(w.householdId)).toEqual([{ cycle: 1, channel: "email", recipient: w.owner.email, status: "sent" }]);
    expect(await levelOf(w.householdId)).toBe(0);

    // The week between: hourly runs send nothing more, the executor hears nothing, no access.
    await cronEvery(HOUR, warnAt + HOUR, grantAt - HOUR);
    expect((await lifeBeatMail(w.owner.email)).length).toBe(1);
    expect(await lifeBeatMail(w.executor.email)).toEqual([]);
    expect(await grants(w.householdId)).toEqual([]);
    expect(await levelOf(w.householdId)).toBe(0);

    // The grant at its instant, as before the warning existed.
    sim.set(grantAt);
    await cron(grantAt);
    expect(await levelOf(w.householdId)).toBe(1);
    expect(await grants(w.householdId)).toEqual([{ created_at: grantAt, revoked_at: null }]);
    expect((await lifeBeatMail(w.owner.email)).map((m) => m.subject)).toEqual([
      "Life Beat: please check in before your executor gets access",
      "Life Beat: emergency access granted (García)",
    ]);
    expect((await lifeBeatMail(w.executor.email)).map((m) => m.subject)).toEqual(["Life Beat: emergency access to the García household"]);
    await cronEvery(HOUR, grantAt + HOUR, grantAt + 3 * HOUR);
    expect(await warnings(w.householdId)).toHaveLength(1);
  });

  it("a check-in after the warning ends the path (a warning still retrying is cancelled); the next cycle has its own warning", { timeout: 300_000 }, async () => {
    // SMS to Twilio's "unavailable" test number: the warning's SMS stays pending, retrying.
    const { w, t0 } = await world([30], { notificationChannels: ["email", "sms"], smsNumber: "+15005550009" });
    const grantAt = t0 + 37 * DAY;
    const warnAt = grantAt - 15 * DAY; // half of 30 days: longer than a week
    // Daily runs.
    await cronEvery(DAY, t0 + DAY, warnAt - DAY);
    expect(await warnings(w.householdId)).toEqual([]);
    await cronEvery(DAY, warnAt, warnAt);
    expect((await lifeBeatMail(w.owner.email)).map((m) => m.subject)).toEqual(["Life Beat: please check in before your executor gets access"]);
    expect(await warnings(w.householdId)).toEqual([
      { cycle: 1, channel: "email", recipient: w.owner.email, status: "sent" },
      { cycle: 1, channel: "sms", recipient: "+15005550009", status: "pending" },
    ]);

    const checkInAt = warnAt + 2 * DAY + 5 * HOUR;
    sim.set(checkInAt);
    await relogin(w.owner);
    const ci = await callJson("/v1/life-beat/check-in", { ...as(w.owner), body: { householdId: w.householdId } });
    expect(ci.status).toBe(200);
    expect((await warnings(w.householdId)).map((n) => n.status)).toEqual(["sent", "cancelled"]);

    // Past the old grant's instant: nothing. The new cycle's warning is 22 days after the check-in.
    const nextWarnAt = checkInAt + 22 * DAY;
    await cronEvery(DAY, warnAt + 3 * DAY, nextWarnAt - HOUR);
    expect(await grants(w.householdId)).toEqual([]);
    expect(await levelOf(w.householdId)).toBe(0);
    expect(await lifeBeatMail(w.executor.email)).toEqual([]);
    expect((await lifeBeatMail(w.owner.email)).length).toBe(1);
    sim.set(nextWarnAt);
    await cron(nextWarnAt);
    expect((await warnings(w.householdId)).filter((n) => n.cycle === 2).map((n) => n.channel)).toEqual(["email", "sms"]);
    expect((await lifeBeatMail(w.owner.email)).length).toBe(2);
    expect(await smsTo("+15005550009")).toEqual([]);
    expect(await grants(w.householdId)).toEqual([]);
  });

  it("a wait of a day warns when the check-in falls due (in the owner's language), a day before the grant", { timeout: 120_000 }, async () => {
    const { w, t0 } = await world([1], {}, "es");
    const warnAt = t0 + 7 * DAY;
    const grantAt = t0 + 8 * DAY;
    await cronEvery(HOUR, warnAt - 2 * HOUR, warnAt - HOUR);
    expect(await lifeBeatMail(w.owner.email)).toEqual([]);
    await cronEvery(HOUR, warnAt, grantAt - HOUR);
    const mails = await lifeBeatMail(w.owner.email);
    expect(mails.map((m) => m.subject)).toEqual(["Life Beat: registra tu check-in antes de que tu albacea reciba acceso"]);
    expect(mails[0]!.body).toContain(`${utcTime(grantAt).startsWith("01:") ? "a la" : "a las"} ${utcTime(grantAt)} (UTC). Este es el único aviso antes de esa fecha.`);
    expect(await grants(w.householdId)).toEqual([]);
    await cronEvery(HOUR, grantAt, grantAt);
    expect(await grants(w.householdId)).toEqual([{ created_at: grantAt, revoked_at: null }]);
    expect((await lifeBeatMail(w.owner.email)).length).toBe(2);
  });

  it("after a missed stretch the late warning still goes out before the grant, which keeps its instant", { timeout: 120_000 }, async () => {
    const { w, t0 } = await world([30]);
    const grantAt = t0 + 37 * DAY;
    // No run from the check-in until day 30 (the warning was due on day 22).
    const back = t0 + 30 * DAY;
    sim.set(back);
    await cron(back);
    expect((await lifeBeatMail(w.owner.email)).map((m) => m.subject)).toEqual(["Life Beat: please check in before your executor gets access"]);
    expect(await levelOf(w.householdId)).toBe(0);
    await cronEvery(DAY, back + DAY, grantAt - DAY);
    sim.set(grantAt - HOUR);
    await cron(grantAt - HOUR);
    expect(await grants(w.householdId)).toEqual([]);
    sim.set(grantAt);
    await cron(grantAt);
    expect(await grants(w.householdId)).toEqual([{ created_at: grantAt, revoked_at: null }]);
    expect((await lifeBeatMail(w.owner.email)).length).toBe(2);
  });

  // Last in the file: the migration's backfill reads every household of the test database.
  it("a household waiting on a single level when the warning was introduced is warned too (migration 0038)", { timeout: 120_000 }, async () => {
    const { w, t0 } = await world([10]);
    const multi = await world([10, 20]);
    const grantAt = t0 + 17 * DAY;
    const stored = (householdId: string) =>
      env.DB.prepare("SELECT warning_at FROM life_beat WHERE household_id = ?").bind(householdId).first<number | null>("warning_at");
    // As the row was before the column: no warning instant.
    await env.DB.prepare("UPDATE life_beat SET warning_at = NULL WHERE household_id IN (?, ?)").bind(w.householdId, multi.w.householdId).run();
    const backfill = env.TEST_MIGRATIONS.find((m) => m.name.startsWith("0038_"))!.queries.filter((q) => q.includes("UPDATE `life_beat`"));
    expect(backfill.length).toBe(1);
    await env.DB.prepare(backfill[0]!.slice(backfill[0]!.indexOf("UPDATE"))).run();
    expect(await stored(w.householdId)).toBe(grantAt - 7 * DAY);
    expect(await stored(multi.w.householdId)).toBeNull(); // several levels: each level but the last warns
    // Deployed after its warning instant: the next run warns, the grant keeps its instant.
    const late = grantAt - 2 * DAY;
    sim.set(late);
    await cron(late);
    expect((await lifeBeatMail(w.owner.email)).map((m) => m.subject)).toEqual(["Life Beat: please check in before your executor gets access"]);
    expect(await lifeBeatMail(multi.w.owner.email)).toEqual([]);
    sim.set(grantAt);
    await cron(grantAt);
    expect(await grants(w.householdId)).toEqual([{ created_at: grantAt, revoked_at: null }]);
  });
});

describe("Life Beat with no executor named", () => {
  it("tells the owner at each level that no one will be, or was, given access, instead of an access that was not given", { timeout: 300_000 }, async () => {
    const { w, t0 } = await world([1, 3], { executorId: null });
    const lastAt = t0 + 10 * DAY; // 7 days to the due check-in, then 3 configured days
    await cronEvery(HOUR, t0 + 8 * DAY - 2 * HOUR, lastAt + 2 * HOUR);
    const mails = await lifeBeatMail(w.owner.email);
    expect(mails.map((m) => m.subject)).toEqual(["Life Beat: please check in (notice 1 of 2)", "Life Beat: we have not heard from you (García)"]);
    expect(mails[0]!.body).toContain(`Life Beat reaches its last level on ${usDay(lastAt)} at ${utcTime(lastAt)} UTC; no executor is named, so no one will be given access.`);
    expect(mails[1]!.body).toContain("Life Beat has reached its last level, but no executor is named for the García household, so no one was given access.");
    expect(mails.some((m) => m.body.includes("read-only access"))).toBe(false);
    expect(await grants(w.householdId)).toEqual([]);
  });

  it("writes one o'clock in the singular in Spanish and Portuguese (a la 01:15, à 01:15), and the other hours in the plural", () => {
    const facts = { ownerName: "Ana", householdName: "Casa", lastCheckIn: Date.UTC(2026, 11, 1), executorName: "Rosa" };
    const at = (h: number) => Date.UTC(2026, 11, 8, h, 15);
    expect(ownerWarning("es", { ...facts, grantAt: at(1) }).text).toContain("el 8 de diciembre de 2026 a la 01:15 (UTC)");
    expect(ownerWarning("es", { ...facts, grantAt: at(13) }).text).toContain("el 8 de diciembre de 2026 a las 13:15 (UTC)");
    expect(ownerWarning("pt", { ...facts, grantAt: at(1) }).text).toContain("em 8 de dezembro de 2026 à 01:15 (UTC)");
    expect(ownerWarning("pt", { ...facts, grantAt: at(0) }).text).toContain("em 8 de dezembro de 2026 às 00:15 (UTC)");
    expect(ownerWarning("en", { ...facts, grantAt: at(1) }).text).toContain("on December 8, 2026 at 01:15 UTC");
  });

  it("says the last check-in's day is a UTC day, as its deadlines say theirs are UTC", () => {
    // 23:30 UTC on the 1st is the evening of the 1st in Mexico, but 01:30 UTC on the 2nd would read as the 2nd there too.
    const facts = { ownerName: "Ana", householdName: "Casa", lastCheckIn: Date.UTC(2026, 11, 1, 23, 30), executorName: "Rosa", grantAt: Date.UTC(2026, 11, 8, 13, 15) };
    expect(ownerWarning("es", facts).text).toContain("desde el 1 de diciembre de 2026 (UTC).");
    expect(ownerWarning("pt", facts).text).toContain("desde 1 de dezembro de 2026 (UTC).");
    expect(ownerWarning("en", facts).text).toContain("since December 1, 2026 (UTC).");
    const level = { ownerName: "Ana", householdName: "Casa", level: 1, levels: 2, lastCheckIn: facts.lastCheckIn, executorName: "Rosa", finalAt: null, accessUntil: null };
    for (const locale of ["en", "es", "pt"] as const) {
      expect(ownerNotice(locale, level).text, locale).toMatch(/2026 \(UTC\)\./);
      expect(executorNotice(locale, { ...level, level: 2, accessUntil: facts.grantAt, invitationToken: null }).text, locale).toMatch(/2026 \(UTC\)\./);
    }
  });
});
