/**
 * Recurring detection and the forecast over generated, noisy data in a New
 * York space: monthly rent on the 1st moved to Monday when the 1st is a
 * weekend; a biweekly salary with amount jitter; a yearly subscription over
 * three years (with a price rise); a monthly gym bill from a small account;
 * and noise that must not be found: one-off purchases at 40 merchants, a
 * hardware store at irregular dates and amounts, a coffee shop at random days.
 */
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../src/index";
import { addMember, registerUser, type TestUser, awayFromMidnight } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { api, inBatches, localDays, mulberry32, ok } from "./fixture";

// The days this file takes are the zone's: not across its midnight (helpers.ts).
await awayFromMidnight("America/New_York");

const TZ = "America/New_York";
const { today, day, baseUtc } = localDays(TZ);
const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();
/**
 * A weekend's day moved to the Friday before (rent paid ahead). Not to the Monday after: this month's first, a
 * Saturday or Sunday, was then a day to come on the 1st (and the 2nd), and the rent had 12 payments, not 13, and
 * was due this month (May 1-2 2027, Aug 1 2027 in New York).
 */
const shiftWeekend = (date: string) => {
  const w = weekday(date);
  const ms = Date.parse(`${date}T00:00:00Z`);
  return w === 6 ? ymd(ms - 86_400_000) : w === 0 ? ymd(ms - 2 * 86_400_000) : date;
};
const firstOfMonth = (k: number) => {
  const t = new Date(baseUtc);
  return ymd(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + k, 1));
};
const nthOfMonth = (k: number, d: number) => {
  const t = new Date(baseUtc);
  return ymd(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + k, d));
};
const addYears = (date: string, n: number) => `${Number(date.slice(0, 4)) + n}${date.slice(4)}`;

let owner: TestUser;
let member: TestUser;
let viewer: TestUser;
let outsider: TestUser;
let spaceId: string;
let checkingId: string;
// Not a Feb 29 (40 days before Apr 9 2028), which has no date a year before or after.
const primeAnchor = day(-40).endsWith("-02-29") ? day(-41) : day(-40);
const gymDates = [-1, -2, -3].map((k) => nthOfMonth(k + (Number(today.slice(8)) >= 10 ? 1 : 0), 10));
const gymNext = nthOfMonth(Number(today.slice(8)) >= 10 ? 1 : 0, 10);

beforeAll(async () => {
  [owner, member, viewer, outsider] = await Promise.all([registerUser(), registerUser(), registerUser(), registerUser()]);
  const a = api(owner);
  spaceId = (await ok(a.post("/v1/spaces", { name: "Home", type: "personal", currency: "USD", timezone: TZ }))).id;
  await addMember(owner, spaceId, member, "member");
  await addMember(owner, spaceId, viewer, "viewer");
  checkingId = (await createAccount(owner, spaceId, { name: "Checking", openingBalance: "20000.00" })).id;
  const bills = await createAccount(owner, spaceId, { name: "Bills", openingBalance: "200.00" });
  const rnd = mulberry32(20261203);
  const cents = (lo: number, hi: number) => (Math.round((lo + rnd() * (hi - lo)) * 100) / 100).toFixed(2);
  const txs: Record<string, unknown>[] = [];
  const add = (accountId: string, amount: string, date: string, merchantName: string) => txs.push({ spaceId, accountId, amount, date, merchantName, description: merchantName });

  // Rent: the last 13 firsts of the month up to today, moved off weekends.
  for (let k = 0; k >= -12; k--) add(checkingId, "-1500.00", shiftWeekend(firstOfMonth(k)), "Oakwood Apartments #2231");
  // Salary: every other Friday for a year, 2,500 ± 40.
  let friday = baseUtc;
  while (new Date(friday).getUTCDay() !== 5) friday -= 86_400_000;
  for (let k = 0; k < 26; k++) add(checkingId, cents(2460, 2540), ymd(friday - k * 14 * 86_400_000), "ACME PAYROLL");
  // Yearly subscription, three years, with a price rise.
  add(checkingId, "-139.00", addYears(primeAnchor, -2), "Prime Membership");
  add(checkingId, "-139.00", addYears(primeAnchor, -1), "Prime Membership");
  add(checkingId, "-149.00", primeAnchor, "Prime Membership");
  // Gym from the small account: 200 − 3 × 60 = 20 left, so the next one overdraws.
  for (const d of gymDates) add(bills.id, "-60.00", d, "Iron Gym");
  // Noise.
  const words = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu amber basil cedar dune ember fjord grove harbor iris jade kelp lotus maple nectar".split(" ");
  for (const w of words) add(checkingId, `-${cents(5, 300)}`, day(-1 - Math.floor(rnd() * 360)), `Boutique ${w}`);
  for (const k of [3, 40, 41, 100, 230]) add(checkingId, `-${cents(20, 200)}`, day(-k), "Hardware Depot");
  for (let i = 0; i < 15; i++) add(checkingId, `-${cents(4, 7)}`, day(-1 - Math.floor(rnd() * 200)), "Blue Bottle Coffee");
  await inBatches(txs, 6, (t) => ok(a.post("/v1/transactions", t)));
}, 120_000);

const byName = (series: any[], name: string) => series.filter((s) => s.name === name);

describe("recurring detection", () => {
  it("finds the rent, the salary, the subscription and the gym, and nothing else", async () => {
    const { status, body } = await api(viewer).get(`/v1/analytics/recurring?spaceId=${spaceId}`);
    expect(status).toBe(200);
    const summary = body.series.map((s: any) => `${s.name}:${s.cadence}:${s.direction}`).sort();
    expect(summary).toEqual([
      "ACME PAYROLL:biweekly:income",
      "Iron Gym:monthly:expense",
      "Oakwood Apartments #2231:monthly:expense",
      "Prime Membership:yearly:expense",
    ]);
    const rent = byName(body.series, "Oakwood Apartments #2231")[0];
    expect(rent).toMatchObject({ amountDecimal: "-1500.00", occurrences: 13, nextExpectedDate: firstOfMonth(1), active: true, status: "detected" });
    const salary = byName(body.series, "ACME PAYROLL")[0];
    expect(salary.occurrences).toBe(26);
    expect(Number(salary.amountDecimal)).toBeGreaterThanOrEqual(2460);
    expect(Number(salary.amountDecimal)).toBeLessThanOrEqual(2540);
    expect(Number(salary.amountRange.minDecimal)).toBeLessThan(Number(salary.amountRange.maxDecimal));
    const prime = byName(body.series, "Prime Membership")[0];
    expect(prime).toMatchObject({ amountDecimal: "-139.00", occurrences: 3, nextExpectedDate: addYears(primeAnchor, 1) });
    expect(byName(body.series, "Iron Gym")[0].nextExpectedDate).toBe(gymNext);
  });

  it("keeps a dismissed series dismissed, even when its transactions are voided and entered again", async () => {
    const list = async () => (await api(viewer).get(`/v1/analytics/recurring?spaceId=${spaceId}`)).body;
    const prime = byName((await list()).series, "Prime Membership")[0];
    expect((await api(viewer).patch(`/v1/analytics/recurring/${prime.id}`, { spaceId, action: "dismiss" })).status).toBe(403);
    expect((await api(outsider).patch(`/v1/analytics/recurring/${prime.id}`, { spaceId, action: "dismiss" })).status).toBe(404);
    const r = await api(member).patch(`/v1/analytics/recurring/${prime.id}`, { spaceId, action: "dismiss" });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: prime.id, status: "dismissed" });
    let after = await list();
    expect(byName(after.series, "Prime Membership")).toEqual([]);
    expect(after.dismissedCount).toBe(1);

    // The latest charge is voided and entered again (a re-import): new rows, the same series, still dismissed.
    const last = prime.transactionIds[prime.transactionIds.length - 1];
    await ok(api(owner).patch(`/v1/transactions/${last}`, { notes: "re-import" }));
    await ok(api(owner).post(`/v1/transactions`, { spaceId, accountId: checkingId, amount: "-149.00", date: primeAnchor, merchantName: "PRIME MEMBERSHIP", description: "Prime" }));
    const del = await api(owner).get(`/v1/transactions/${last}`);
    expect(del.status).toBe(200);
    await ok(callDelete(owner, `/v1/transactions/${last}`));
    after = await list();
    expect(byName(after.series, "Prime Membership")).toEqual([]);
    const all = (await api(viewer).get(`/v1/analytics/recurring?spaceId=${spaceId}&includeDismissed=true`)).body;
    const again = all.series.find((s: any) => s.id === prime.id);
    expect(again).toMatchObject({ status: "dismissed", cadence: "yearly" });

    // Restoring brings it back; a retried restore of the detected series is fine.
    await ok(api(member).patch(`/v1/analytics/recurring/${prime.id}`, { spaceId, action: "restore" }));
    await ok(api(member).patch(`/v1/analytics/recurring/${prime.id}`, { spaceId, action: "restore" }));
    expect(byName((await list()).series, "PRIME MEMBERSHIP").length + byName((await list()).series, "Prime Membership").length).toBe(1);
    await ok(api(member).patch(`/v1/analytics/recurring/${prime.id}`, { spaceId, action: "dismiss" }));
  });

  it("confirms and edits, and validates what it is given", async () => {
    const series = (await api(viewer).get(`/v1/analytics/recurring?spaceId=${spaceId}`)).body.series;
    const salary = byName(series, "ACME PAYROLL")[0];
    const rent = byName(series, "Oakwood Apartments #2231")[0];
    const c = await api(member).patch(`/v1/analytics/recurring/${salary.id}`, { spaceId, action: "confirm" });
    expect(c.body.series).toMatchObject({ status: "confirmed" });
    expect(c.body.series.confidence).toBeGreaterThanOrEqual(0.95);
    const e = await api(member).patch(`/v1/analytics/recurring/${rent.id}`, { spaceId, action: "edit", amount: "-1550.00", name: "Rent" });
    expect(e.body.series).toMatchObject({ status: "edited", amountDecimal: "-1550.00", name: "Rent", cadence: "monthly" });
    expect((await api(member).patch(`/v1/analytics/recurring/${rent.id}`, { spaceId, action: "edit", amount: "1550.00" })).status).toBe(422);
    expect((await api(member).patch(`/v1/analytics/recurring/${rent.id}`, { spaceId, action: "edit" })).status).toBe(422);
    // An edit keeps the edits before it, and confirming keeps them all; a confirmation sent fields is refused, not half done.
    const cadence = await api(member).patch(`/v1/analytics/recurring/${rent.id}`, { spaceId, action: "edit", cadence: "weekly" });
    expect(cadence.body.series).toMatchObject({ status: "edited", amountDecimal: "-1550.00", name: "Rent", cadence: "weekly" });
    const withFields = await api(member).patch(`/v1/analytics/recurring/${rent.id}`, { spaceId, action: "confirm", name: "X", amount: 1 });
    expect(withFields.status).toBe(422);
    expect(withFields.body.error.details.map((d: any) => d.field)).toEqual(["name", "amount"]);
    const confirmed = await api(member).patch(`/v1/analytics/recurring/${rent.id}`, { spaceId, action: "confirm" });
    expect(confirmed.body.series).toMatchObject({ status: "confirmed", amountDecimal: "-1550.00", name: "Rent", cadence: "weekly" });
    const back = await api(member).patch(`/v1/analytics/recurring/${rent.id}`, { spaceId, action: "edit", cadence: "monthly" });
    expect(back.body.series).toMatchObject({ status: "edited", amountDecimal: "-1550.00", name: "Rent", cadence: "monthly" });
    expect((await api(member).patch(`/v1/analytics/recurring/not-a-series`, { spaceId, action: "dismiss" })).status).toBe(422);
    expect((await api(member).patch(`/v1/analytics/recurring/rec_000000000000000000000000`, { spaceId, action: "confirm" })).status).toBe(404);
    // Nor dismissed or restored: an id that is neither detected here nor decided on is not one of the space's series.
    for (const action of ["dismiss", "restore"]) {
      expect((await api(member).patch(`/v1/analytics/recurring/rec_000000000000000000000000`, { spaceId, action })).status, action).toBe(404);
    }
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM recurring_decisions WHERE series_key = 'rec_000000000000000000000000'").first<{ n: number }>())!.n).toBe(0);
    // A dismissed series that is not detected now (its rows voided) can still be restored, and dismissed again.
    // A decision under an id detection does not produce now: decided on, not detected.
    await env.DB.prepare("INSERT INTO recurring_decisions (space_id, series_key, status, updated_by, created_at, updated_at) VALUES (?, 'rec_ffffffffffffffffffffffff', 'dismissed', 'u', 0, 0)").bind(spaceId).run();
    expect((await api(member).patch(`/v1/analytics/recurring/rec_ffffffffffffffffffffffff`, { spaceId, action: "dismiss" })).status).toBe(200);
    expect((await api(member).patch(`/v1/analytics/recurring/rec_ffffffffffffffffffffffff`, { spaceId, action: "restore" })).status).toBe(200);
    expect((await api(member).patch(`/v1/analytics/recurring/rec_ffffffffffffffffffffffff`, { spaceId, action: "restore" })).status).toBe(404);
  });
});

describe("the 60-day forecast", () => {
  it("projects the recurring series week by week, with balances and the day an account goes negative", async () => {
    await env.DB.prepare("DELETE FROM forecast_cache WHERE space_id = ?").bind(spaceId).run();
    const { status, body } = await api(viewer).get(`/v1/analytics/forecast?spaceId=${spaceId}`);
    expect(status).toBe(200);
    expect(body.cache.hit).toBe(false);
    expect(body.forecast).toHaveLength(9);
    expect(body.forecast[0].week).toBe(day(1));
    expect(body.forecast[8].weekEnd).toBe(day(60));
    // Rent (edited to 1,550), salary, gym: the dismissed subscription is left out.
    expect(body.recurringSeriesUsed).toBe(3);
    // Salary paydays in the horizon at no less than 2,460 each.
    let payday = Date.parse(`${byName((await api(viewer).get(`/v1/analytics/recurring?spaceId=${spaceId}`)).body.series, "ACME PAYROLL")[0].nextExpectedDate}T00:00:00Z`);
    let paydays = 0;
    for (; ymd(payday) <= day(60); payday += 14 * 86_400_000) if (ymd(payday) >= day(1)) paydays++;
    expect(body.summary.totalProjectedIncome).toBeGreaterThanOrEqual(paydays * 2460);
    expect(body.summary.totalProjectedIncome).toBeLessThanOrEqual(paydays * 2540 + 1);
    // Exact decimals: the weeks add up to the totals within a cent each.
    const sum = (k: string) => body.forecast.reduce((s: number, w: any) => s + Math.round(Number(w[k]) * 100), 0);
    expect(Math.abs(sum("projectedIncomeDecimal") - Math.round(Number(body.summary.totalProjectedIncomeDecimal) * 100))).toBeLessThanOrEqual(9);
    for (const w of body.forecast) {
      expect(Math.abs(Math.round(Number(w.projectedIncomeDecimal) * 100) - Math.round(Number(w.projectedExpensesDecimal) * 100) - Math.round(Number(w.netFlowDecimal) * 100))).toBeLessThanOrEqual(1);
      expect(w.confidence).toBeGreaterThan(0);
      expect(w.confidence).toBeLessThanOrEqual(1);
    }
    const bills = body.accounts.find((a: any) => a.name === "Bills");
    expect(bills).toMatchObject({ currentBalanceDecimal: "20.00", negativeOn: gymNext });
    expect(body.summary.riskFactors).toContain(`Projected negative balance in Bills on ${gymNext}`);
    expect(body.summary.riskFactors).not.toContain("Irregular income patterns");
  });

  it("is served from cache until a large change, and recomputed nightly by cron", async () => {
    const first = (await api(owner).get(`/v1/analytics/forecast?spaceId=${spaceId}`)).body;
    const again = (await api(owner).get(`/v1/analytics/forecast?spaceId=${spaceId}`)).body;
    expect(again.cache.hit).toBe(true);
    expect(again.summary).toEqual(first.summary);
    // One small change: still the cached forecast, which says how many changes it has not seen.
    await ok(api(owner).post("/v1/transactions", { spaceId, accountId: checkingId, amount: "-3.00", date: today, description: "Gum" }));
    const small = (await api(owner).get(`/v1/analytics/forecast?spaceId=${spaceId}`)).body;
    expect(small.cache).toMatchObject({ hit: true, changesSince: 1 });
    // A large change (5+ ledger transactions): recomputed.
    await inBatches([1, 2, 3, 4, 5], 5, (i) => ok(api(owner).post("/v1/transactions", { spaceId, accountId: checkingId, amount: `-${i}.00`, date: today, description: `Bulk ${i}` })));
    const big = (await api(owner).get(`/v1/analytics/forecast?spaceId=${spaceId}`)).body;
    expect(big.cache).toMatchObject({ hit: false, changesSince: 0 });

    await env.DB.prepare("UPDATE forecast_cache SET computed_at = 0, payload = '{}' WHERE space_id = ?").bind(spaceId).run();
    const before = Date.now();
    await worker.scheduled!(createScheduledController({ scheduledTime: before, cron: "0 3 * * *" }) as ScheduledController, env);
    const row = await env.DB.prepare("SELECT computed_at FROM forecast_cache WHERE space_id = ?").bind(spaceId).first<{ computed_at: number }>();
    expect(row!.computed_at).toBe(before);
    // The cron's forecast is the one served next.
    const served = (await api(owner).get(`/v1/analytics/forecast?spaceId=${spaceId}`)).body;
    expect(served.cache).toMatchObject({ hit: true, computedAt: new Date(before).toISOString(), changesSince: 0 });
    expect(served.forecast).toHaveLength(9);
  });

  it("is hidden from outsiders", async () => {
    expect((await api(outsider).get(`/v1/analytics/forecast?spaceId=${spaceId}`)).status).toBe(404);
  });
});

async function callDelete(u: TestUser, path: string) {
  const { callJson } = await import("../helpers");
  return callJson(path, { method: "DELETE", token: u.accessToken, ip: u.ip });
}
