/**
 * The cached forecast keeps what is costly to compute (recurring detection, the estimate of the rest), but its
 * balances are the ledger's as they are now: a large spend since the cache was computed, one change, is in the
 * starting balance and in every projected day after it at once, so the forecast and GET /v1/accounts/{id} agree.
 * A cash flow dated later today is a known flow of the weeks ahead until its instant; served from the cache after
 * it, it is in the balance and no longer in its week.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { countingApp } from "../counting-app";
import { api, localDays, ok } from "./fixture";

const { day } = localDays("UTC");

/** A space whose Checking (1,000.00 at opening) pays a weekly 25.00 gym fee on days −28 … 0: 875.00 now. */
async function spaceWithGym() {
  const u = await registerUser();
  const a = api(u);
  const spaceId = (await ok(a.post("/v1/spaces", { name: "F", type: "personal", currency: "USD", timezone: "UTC" }))).id as string;
  const acc = await createAccount(u, spaceId, { name: "Checking", openingBalance: "1000.00" });
  for (const k of [-28, -21, -14, -7, 0]) {
    await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-25.00", date: day(k), merchantName: "City Gym", description: "City Gym" }));
  }
  return { u, a, spaceId, acc };
}

afterEach(() => vi.useRealTimers());

describe("the cached forecast's balances", () => {
  it("starts from the ledger's balance now after one large spend, and projects every day from it", async () => {
    const { a, spaceId, acc } = await spaceWithGym();
    const before = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
    expect(before.cache.hit).toBe(false);
    // Eight fees ahead (days 7 … 56), nothing else: no cash flow outside the series.
    expect(before.summary.totalProjectedExpensesDecimal).toBe("200.00");
    expect(before.accounts[0]).toMatchObject({
      currentBalanceDecimal: "875.00", projectedBalanceDecimal: "675.00", lowestBalanceDecimal: "675.00", lowestBalanceDate: day(56), negativeOn: null,
    });

    await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-870.00", date: day(0), description: "Laptop" }));
    expect((await ok(a.get(`/v1/accounts/${acc.id}`))).balanceDecimal).toBe("5.00");
    const after = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
    // Still the cached computation (one change since), with the balance as it is now: 5.00, less the next fee on day 7.
    expect(after.cache).toMatchObject({ hit: true, changesSince: 1 });
    expect(after.accounts[0]).toMatchObject({
      currentBalanceDecimal: "5.00", projectedBalanceDecimal: "-195.00", lowestBalanceDecimal: "-195.00", lowestBalanceDate: day(56), negativeOn: day(7),
    });
    expect(after.summary.riskFactors).toContain(`Projected negative balance in Checking on ${day(7)}`);
    // The flows ahead are the cached ones: the spend counts in the estimate of the rest from the next computation on.
    expect(after.forecast).toEqual(before.forecast);

    // Computed afresh: the same balance now; the estimate now counts the spend (870.00 over 90 days, 60 days ahead).
    await env.DB.prepare("DELETE FROM forecast_cache WHERE space_id = ?").bind(spaceId).run();
    const fresh = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
    expect(fresh.cache.hit).toBe(false);
    expect(fresh.summary.totalProjectedExpensesDecimal).toBe("780.00");
    expect(fresh.accounts[0]).toMatchObject({ currentBalanceDecimal: "5.00", projectedBalanceDecimal: "-775.00" });
  });

  it("does not project again an occurrence a payment posted since the cache stands for", async () => {
    const u = await registerUser();
    const a = api(u);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "F", type: "personal", currency: "USD", timezone: "UTC" }))).id as string;
    const acc = await createAccount(u, spaceId, { name: "Checking", openingBalance: "1000.00" });
    // Paid on days −27, −20, −13, −6: the next is due tomorrow.
    for (const k of [-27, -20, -13, -6]) {
      await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-25.00", date: day(k), merchantName: "City Gym", description: "City Gym" }));
    }
    const before = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
    // Days 1, 8 … 57: nine.
    expect(before.forecast[0].projectedExpensesDecimal).toBe("25.00");
    expect(before.summary.totalProjectedExpensesDecimal).toBe("225.00");
    expect(before.accounts[0]).toMatchObject({ currentBalanceDecimal: "900.00", projectedBalanceDecimal: "675.00" });
    // Paid today, a day early: in the balance now, and no longer ahead.
    await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-25.00", date: day(0), merchantName: "City Gym", description: "City Gym" }));
    for (const how of ["cached", "computed"]) {
      if (how === "computed") await env.DB.prepare("DELETE FROM forecast_cache WHERE space_id = ?").bind(spaceId).run();
      const after = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
      expect(after.cache.hit, how).toBe(how === "cached");
      expect(after.forecast[0].projectedExpensesDecimal, how).toBe("0.00");
      expect(after.summary.totalProjectedExpensesDecimal, how).toBe("200.00");
      expect(after.accounts[0], how).toMatchObject({ currentBalanceDecimal: "875.00", projectedBalanceDecimal: "675.00" });
    }
  });

  it("leaves out of the starting balance an entry dated ahead, and moves the balance on its day", async () => {
    const { u, a, spaceId, acc } = await spaceWithGym();
    const savings = await createAccount(u, spaceId, { name: "Savings", openingBalance: "0.00" });
    expect((await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`))).cache.hit).toBe(false);
    // A transfer dated ahead, committed before the cache: in the plan, on its day.
    await ok(a.post("/v1/transactions/transfer", { spaceId, fromAccountId: acc.id, toAccountId: savings.id, amount: "100.00", date: day(20), description: "Save" }));
    const planned = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
    expect(planned.cache.hit).toBe(false);
    // Then a spend now: served from the cache, the transfer still on day 20 and not in the balance now.
    await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-75.00", date: day(0), description: "Shoes" }));
    expect((await ok(a.get(`/v1/accounts/${acc.id}`))).balanceDecimal).toBe("700.00");
    const after = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
    expect(after.cache).toMatchObject({ hit: true, changesSince: 1 });
    const byName = (n: string) => after.accounts.find((x: { name: string }) => x.name === n);
    expect(byName("Checking")).toMatchObject({ currentBalanceDecimal: "800.00", projectedBalanceDecimal: "500.00", lowestBalanceDecimal: "500.00" });
    expect(byName("Savings")).toMatchObject({ currentBalanceDecimal: "0.00", projectedBalanceDecimal: "100.00", lowestBalanceDecimal: "0.00" });
  });

  it("reads the balances with the cache in one round trip, the same rows however long the history", async () => {
    // Two spaces alike but for 40 more past entries in one: a hit after a spend reads as many rows in both.
    const hits: { trips: number; rowsRead: number; cold: number }[] = [];
    for (const extra of [0, 40]) {
      const { u, a, spaceId, acc } = await spaceWithGym();
      for (let i = 0; i < extra; i++) await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-1.00", date: day(-40 - i), description: `Old ${i}` }));
      const { get } = countingApp();
      const cold = await get(u, `/v1/analytics/forecast?spaceId=${spaceId}`);
      expect({ trips: cold.trips, hit: cold.body.cache.hit }).toEqual({ trips: 2, hit: false });
      await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-5.00", date: day(0), description: "Coffee" }));
      const hit = await get(u, `/v1/analytics/forecast?spaceId=${spaceId}`);
      expect(hit.body.cache).toMatchObject({ hit: true, changesSince: 1 });
      expect(hit.body.accounts[0].currentBalanceDecimal).toBe(extra ? "830.00" : "870.00");
      hits.push({ trips: hit.trips, rowsRead: hit.rowsRead, cold: cold.rowsRead });
    }
    expect(hits.map((h) => h.trips)).toEqual([1, 1]);
    expect(hits[1]!.rowsRead).toBe(hits[0]!.rowsRead);
    // What the computation reads grows with the history.
    expect(hits[1]!.cold).toBeGreaterThan(hits[0]!.cold + 40);
  });

  it("does not project in its week a flow dated later today once its instant has passed (it is in the balance)", async () => {
    const today = new Date().toISOString().slice(0, 10);
    vi.setSystemTime(Date.parse(`${today}T12:00:00Z`));
    const u = await registerUser();
    const a = api(u);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "F", type: "personal", currency: "USD", timezone: "UTC" }))).id as string;
    const acc = await createAccount(u, spaceId, { name: "Checking", openingBalance: "1000.00" });
    await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-100.00", date: `${today}T12:05:00+00:00`, description: "Dinner booked" }));
    const noon = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
    expect(noon.cache.hit).toBe(false);
    // The dinner ahead, and the estimate of the rest (today's 100.00 over 90 days: 66.67 over the 60 days ahead).
    expect(noon.forecast[0].projectedExpensesDecimal).toBe("107.78");
    expect(noon.summary.totalProjectedExpensesDecimal).toBe("166.67");
    expect(noon.accounts[0]).toMatchObject({ currentBalanceDecimal: "1000.00", projectedBalanceDecimal: "833.33" });

    vi.setSystemTime(Date.parse(`${today}T12:10:00Z`));
    expect((await ok(a.get(`/v1/accounts/${acc.id}`))).balanceDecimal).toBe("900.00");
    const after = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
    expect(after.cache).toMatchObject({ hit: true, changesSince: 0 });
    // Spent: in the balance now, and the weeks ahead hold only the estimate, as the projected balance does.
    expect(after.accounts[0]).toMatchObject({ currentBalanceDecimal: "900.00", projectedBalanceDecimal: "833.33" });
    expect(after.forecast[0].projectedExpensesDecimal).toBe("7.78");
    expect(after.summary).toMatchObject({ totalProjectedExpensesDecimal: "66.67", netCashFlowDecimal: "-66.67" });
  });
});
