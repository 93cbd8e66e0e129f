/**
 * Banks post a day or a few late. An occurrence of a recurring series that is due and not posted yet is still
 * expected for as long as detection would take a payment that late as that occurrence (weekly 2 days, monthly 4):
 * the forecast projects it on its first day, and GET /v1/analytics/recurring names its due day as the next
 * expected. Once it posts it stands for that occurrence, which is not counted again, whether the forecast is
 * computed afresh or served from its cache.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { api, localDays, ok } from "./fixture";

const { day, today } = localDays("UTC");

async function space() {
  const u = await registerUser();
  const a = api(u);
  const spaceId = (await ok(a.post("/v1/spaces", { name: "F", type: "personal", currency: "USD", timezone: "UTC" }))).id as string;
  const acc = await createAccount(u, spaceId, { name: "Checking", openingBalance: "1000.00" });
  return { a, spaceId, acc };
}

const forecastOf = (a: ReturnType<typeof api>, spaceId: string) => ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
const dropCache = (spaceId: string) => env.DB.prepare("DELETE FROM forecast_cache WHERE space_id = ?").bind(spaceId).run();
const weekOf = (f: { forecast: { week: string; weekEnd: string; projectedExpensesDecimal: string }[] }, date: string) =>
  f.forecast.find((w) => w.week <= date && date <= w.weekEnd)!.projectedExpensesDecimal;

/** `date` (YYYY-MM-DD, a day of the month up to the 28th) `k` months later (earlier for k < 0). */
function addMonths(date: string, k: number) {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const mi = y * 12 + (m - 1) + k;
  return `${Math.floor(mi / 12)}-${String((mi % 12) + 1).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

describe("a recurring occurrence posted late", () => {
  it("weekly: one due yesterday and not posted is expected on the forecast's first day, once", async () => {
    const { a, spaceId, acc } = await space();
    // Paid on days −29, −22, −15, −8: the next was due yesterday.
    for (const k of [-29, -22, -15, -8]) {
      await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-25.00", date: day(k), merchantName: "City Gym", description: "City Gym" }));
    }
    const [gym] = (await ok(a.get(`/v1/analytics/recurring?spaceId=${spaceId}`))).series;
    expect(gym).toMatchObject({ cadence: "weekly", nextExpectedDate: day(-1), active: true });
    const before = await forecastOf(a, spaceId);
    // The late one on day 1, then days 6, 13 … 55: nine.
    expect(before.forecast[0]).toMatchObject({ week: day(1), projectedExpensesDecimal: "50.00" });
    expect(before.summary.totalProjectedExpensesDecimal).toBe("225.00");
    expect(before.accounts[0]).toMatchObject({ currentBalanceDecimal: "900.00", projectedBalanceDecimal: "675.00" });

    // It posts today, a day late: served from the cache (one change), it stands for the late occurrence.
    await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-25.00", date: today, merchantName: "City Gym", description: "City Gym" }));
    const cached = await forecastOf(a, spaceId);
    expect(cached.cache).toMatchObject({ hit: true, changesSince: 1 });
    expect(cached.forecast[0].projectedExpensesDecimal).toBe("25.00");
    expect(cached.summary.totalProjectedExpensesDecimal).toBe("200.00");
    expect(cached.accounts[0]).toMatchObject({ currentBalanceDecimal: "875.00", projectedBalanceDecimal: "675.00" });
    // Computed afresh: detection takes it as the occurrence it was; the next is on day 6.
    await dropCache(spaceId);
    const fresh = await forecastOf(a, spaceId);
    expect(fresh.cache.hit).toBe(false);
    expect(fresh.forecast[0].projectedExpensesDecimal).toBe("25.00");
    expect(fresh.summary.totalProjectedExpensesDecimal).toBe("200.00");
    expect(fresh.accounts[0]).toMatchObject({ currentBalanceDecimal: "875.00", projectedBalanceDecimal: "675.00" });
    expect((await ok(a.get(`/v1/analytics/recurring?spaceId=${spaceId}`))).series[0]).toMatchObject({ occurrences: 5, nextExpectedDate: day(6) });
  });

  it("weekly: one due three days ago (past the two days' grace) is no longer expected", async () => {
    const { a, spaceId, acc } = await space();
    for (const k of [-31, -24, -17, -10]) {
      await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-25.00", date: day(k), merchantName: "City Gym", description: "City Gym" }));
    }
    expect((await ok(a.get(`/v1/analytics/recurring?spaceId=${spaceId}`))).series[0]).toMatchObject({ nextExpectedDate: day(4), active: true });
    const f = await forecastOf(a, spaceId);
    // Days 4, 11 … 60: nine, one in the first week.
    expect(f.forecast[0].projectedExpensesDecimal).toBe("25.00");
    expect(f.summary.totalProjectedExpensesDecimal).toBe("225.00");
  });

  it("monthly: a subscription due a day ago (a few when that was past the 28th) is expected in the first week, and not again once it posts", async () => {
    const { a, spaceId, acc } = await space();
    // Its due day: yesterday, or the 28th before it (a day of the month every month has).
    const dom = Number(day(-1).slice(8));
    const due = day(-Math.max(1, dom - 27));
    for (const k of [-4, -3, -2, -1]) {
      await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-11.99", date: addMonths(due, k), merchantName: "Spotify", description: "Spotify" }));
    }
    const [spotify] = (await ok(a.get(`/v1/analytics/recurring?spaceId=${spaceId}`))).series;
    expect(spotify).toMatchObject({ cadence: "monthly", nextExpectedDate: due, active: true });
    const before = await forecastOf(a, spaceId);
    expect(before.forecast[0].projectedExpensesDecimal).toBe("11.99");
    // The next month's is projected on its day as before.
    expect(weekOf(before, addMonths(due, 1))).toBe("11.99");
    expect(before.accounts[0].currentBalanceDecimal).toBe("952.04");

    await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-11.99", date: today, merchantName: "Spotify", description: "Spotify" }));
    const cents = (d: string) => Math.round(Number(d) * 100);
    for (const how of ["cached", "computed"]) {
      if (how === "computed") await dropCache(spaceId);
      const after = await forecastOf(a, spaceId);
      expect(after.cache.hit, how).toBe(how === "cached");
      expect(after.forecast[0].projectedExpensesDecimal, how).toBe("0.00");
      expect(weekOf(after, addMonths(due, 1)), how).toBe("11.99");
      expect(cents(before.summary.totalProjectedExpensesDecimal) - cents(after.summary.totalProjectedExpensesDecimal), how).toBe(1199);
      expect(after.accounts[0], how).toMatchObject({ currentBalanceDecimal: "940.05", projectedBalanceDecimal: before.accounts[0].projectedBalanceDecimal });
    }
    expect((await ok(a.get(`/v1/analytics/recurring?spaceId=${spaceId}`))).series[0]).toMatchObject({ occurrences: 5, nextExpectedDate: addMonths(due, 1) });
  });
});
