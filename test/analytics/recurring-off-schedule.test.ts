/**
 * Real bills stray from their schedule: rent paid a week late once, a payday moved from the 1st to the 15th.
 * Detection sets such a payment (or the days of the old schedule) aside instead of giving up on the series: one
 * rent paid 8 days late in a year hid the rent, and the forecast then guessed it as irregular spending. The
 * forecast of a space whose rent was once late is the same as that of a space whose rent never was.
 */
import { describe, expect, it } from "vitest";
import { registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { dateOfDay, dayOfDate } from "../../src/modules/analytics/days";
import { fitCadence, fitSeries } from "../../src/modules/analytics/recurring";
import { api, localDays, ok } from "./fixture";

const days = (dates: string[]) => dates.map(dayOfDate);
const { baseUtc, day } = localDays("UTC");

/** The `dom`th (at most the 28th) of the month `k` months before this one, as YYYY-MM-DD. */
function monthsAgo(k: number, dom: number) {
  const t = new Date(baseUtc);
  return new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() - k, dom)).toISOString().slice(0, 10);
}

describe("fitting a schedule with a payment off it", () => {
  it("sets aside one monthly payment made late, and the one after stays on the schedule", () => {
    const rent = days(["2025-01-03", "2025-02-03", "2025-03-03", "2025-04-11", "2025-05-03", "2025-06-03", "2025-07-03"]);
    expect(fitCadence(rent)).toBeNull();
    const fit = fitSeries(rent)!;
    expect(fit).toMatchObject({ cadence: "monthly", anchors: [3], setAside: 1 });
    expect(dateOfDay(fit.next)).toBe("2025-08-03");
  });

  it("sets aside one weekly payment three days late", () => {
    const gym = Array.from({ length: 8 }, (_, i) => dayOfDate("2025-03-03") + 7 * i + (i === 4 ? 3 : 0));
    expect(fitCadence(gym)).toBeNull();
    expect(fitSeries(gym)).toMatchObject({ cadence: "weekly", setAside: 1 });
  });

  it("follows a payday moved from the 1st to the 15th, from where it moved", () => {
    const pay = days([
      "2024-09-01", "2024-10-01", "2024-11-01", "2024-12-01", "2025-01-01", "2025-02-01",
      "2025-02-15", "2025-03-15", "2025-04-15", "2025-05-15", "2025-06-15", "2025-07-15",
    ]);
    expect(fitCadence(pay)).toBeNull();
    const fit = fitSeries(pay)!;
    expect(fit).toMatchObject({ cadence: "monthly", anchors: [15], setAside: 6 });
    expect(dateOfDay(fit.next)).toBe("2025-08-15");
    // Five days on the new schedule are not yet enough to tell a change from chance.
    expect(fitSeries(pay.slice(0, -1))).toBeNull();
  });

  it("takes no schedule change in irregular shopping: a few regular gaps at its end are chance", () => {
    // A market shopped every 3 to 14 days; its last gaps happen to be about two weeks.
    const gaps = [13, 14, 11, 14, 6, 10, 4, 14, 10, 11, 6, 10, 12, 8, 10, 11, 5, 13, 14, 13];
    const market = gaps.reduce((ds, g) => [...ds, ds[ds.length - 1]! + g], [dayOfDate("2025-01-02")]);
    expect(fitSeries(market)).toBeNull();
    // Nor in 400 such merchants.
    let seed = 11;
    const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    let found = 0;
    for (let run = 0; run < 400; run++) {
      const ds = [dayOfDate("2024-09-01")];
      const n = 12 + Math.floor(rnd() * 30);
      for (let i = 1; i < n; i++) ds.push(ds[i - 1]! + 3 + Math.floor(rnd() * 12));
      if (fitSeries(ds)) found++;
    }
    expect(found).toBe(0);
  });

  it("still finds nothing in irregular days, even hundreds of them", () => {
    expect(fitSeries(days(["2024-01-03", "2024-02-11", "2024-02-12", "2024-04-20", "2024-09-01"]))).toBeNull();
    // Two regular payments late is not one: no single payment explains it.
    const twice = days(["2025-01-03", "2025-02-12", "2025-03-03", "2025-04-12", "2025-05-03", "2025-06-03"]);
    expect(fitSeries(twice)).toBeNull();
    // A coffee shop on 500 random days of two years: no series, and no fit per day tried.
    let seed = 7;
    const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const coffee = [...new Set(Array.from({ length: 700 }, () => 20_000 + Math.floor(rnd() * 800)))].sort((a, b) => a - b);
    expect(coffee.length).toBeGreaterThan(450);
    expect(fitSeries(coffee)).toBeNull();
  });
});

describe("the last payment off the schedule", () => {
  async function seriesOf(payments: { date: string; amount: string }[]) {
    const u = await registerUser();
    const a = api(u);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "Home", type: "personal", currency: "USD", timezone: "UTC" }))).id as string;
    const acc = await createAccount(u, spaceId, { name: "Checking", openingBalance: "30000.00" });
    for (const p of payments) await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, ...p, merchantName: "Payee", description: "Payee" }));
    const [series] = (await ok(a.get(`/v1/analytics/recurring?spaceId=${spaceId}`))).series;
    const forecast = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
    return { series, total: forecast.summary.totalProjectedExpensesDecimal as string };
  }

  it("weekly, paid 3 days late: the next is due on the schedule, not a week after the late payment", async () => {
    const dues = [-49, -42, -35, -28, -21, -14, -7];
    const late = await seriesOf(dues.map((d, i) => ({ date: day(i === dues.length - 1 ? d + 3 : d), amount: "-25.00" })));
    expect(late.series).toMatchObject({ cadence: "weekly", occurrences: 7, nextExpectedDate: day(0) });
  });

  it("monthly, paid 8 days before it was due: the occurrence it paid is not projected again", async () => {
    // A due day a few days ahead, on a day of the month every month has.
    let k = 2;
    while (new Date(baseUtc + k * 86_400_000).getUTCDate() > 28) k++;
    const dom = new Date(baseUtc + k * 86_400_000).getUTCDate();
    const due = new Date(baseUtc + k * 86_400_000);
    const monthAt = (back: number) => new Date(Date.UTC(due.getUTCFullYear(), due.getUTCMonth() - back, dom)).toISOString().slice(0, 10);
    const history = Array.from({ length: 11 }, (_, i) => ({ date: monthAt(11 - i), amount: "-1500.00" }));
    const [notYet, early] = await Promise.all([seriesOf(history), seriesOf([...history, { date: day(k - 8), amount: "-1500.00" }])]);
    expect(notYet.series.nextExpectedDate).toBe(monthAt(0));
    expect(early.series).toMatchObject({ cadence: "monthly", occurrences: 12, nextExpectedDate: monthAt(-1) });
    // One rent fewer ahead than in the space that has not paid this month's.
    expect(Number(early.total)).toBe(Number(notYet.total) - 1500);
  });
});

describe("a space whose rent was once paid late", () => {
  async function spaceWithRent(lateMonthsAgo: number | null) {
    const u = await registerUser();
    const a = api(u);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "Home", type: "personal", currency: "USD", timezone: "UTC" }))).id as string;
    const acc = await createAccount(u, spaceId, { name: "Checking", openingBalance: "30000.00" });
    const dom = Math.min(new Date(baseUtc).getUTCDate(), 28);
    // Twelve months of rent, this month's not paid yet; in one month it went out 8 days late.
    const transactions = Array.from({ length: 12 }, (_, i) => {
      const k = i + 1;
      const date = k === lateMonthsAgo ? monthsAgo(k, dom + 8) : monthsAgo(k, dom);
      return { accountId: acc.id, amount: "-1500.00", date, merchantName: "Oakwood Apartments", description: "Rent" };
    });
    for (const t of transactions) await ok(a.post("/v1/transactions", { spaceId, ...t }));
    const recurring = await ok(a.get(`/v1/analytics/recurring?spaceId=${spaceId}`));
    const forecast = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
    return { recurring, forecast };
  }

  it("still has its rent as a monthly bill, and the same forecast as a space that always paid on time", async () => {
    const [onTime, late] = await Promise.all([spaceWithRent(null), spaceWithRent(4)]);
    expect(onTime.recurring.series).toHaveLength(1);
    expect(late.recurring.series).toHaveLength(1);
    const [series] = late.recurring.series;
    expect(series).toMatchObject({ cadence: "monthly", amountDecimal: "-1500.00", occurrences: 12, active: true });
    expect(series.nextExpectedDate).toBe(onTime.recurring.series[0].nextExpectedDate);
    // Less certain than the one always on time.
    expect(series.confidence).toBeLessThan(onTime.recurring.series[0].confidence);
    // The rent is projected on its days, not spread as a guess of irregular spending.
    expect(late.forecast.summary.totalProjectedExpensesDecimal).toBe(onTime.forecast.summary.totalProjectedExpensesDecimal);
    expect(late.forecast.forecast.map((w: { projectedExpensesDecimal: string }) => w.projectedExpensesDecimal))
      .toEqual(onTime.forecast.forecast.map((w: { projectedExpensesDecimal: string }) => w.projectedExpensesDecimal));
    expect(Number(late.forecast.summary.totalProjectedExpensesDecimal) % 1500).toBe(0);
  });
});
