/**
 * The 60-day forecast's money is exact: estimates are fractions of minor
 * units, converted at today's rate exactly, each total rounded once
 * (half-even) and each week the difference of two running totals so rounded (the
 * weeks add up to the totals, and a week's net is its income less its expenses),
 * rendered with its exact `*Decimal` string. Hand-computed
 * here for a space with one USD expense and one MXN income in the last 90
 * days (no recurring series, under a year of history: each estimate is the
 * 90-day daily average times the days).
 */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { registerUser, type TestUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { api, localDays, ok } from "./fixture";

const TZ = "UTC";
let owner: TestUser;
let spaceId: string;
let checkingId: string;
let pesosId: string;

beforeAll(async () => {
  await env.DB.prepare("DELETE FROM exchange_rates").run();
  owner = await registerUser();
  const a = api(owner);
  const { today, day } = localDays(TZ);
  spaceId = (await ok(a.post("/v1/spaces", { name: "Forecast", type: "personal", currency: "USD", timezone: TZ }))).id;
  checkingId = (await createAccount(owner, spaceId, { name: "Checking", openingBalance: "1000.00" })).id;
  pesosId = (await createAccount(owner, spaceId, { name: "Pesos", currency: "MXN" })).id;
  await ok(a.put(`/v1/spaces/${spaceId}/rates`, { rates: [{ base: "USD", quote: "MXN", date: today, rate: "17.00" }] }));
  await ok(a.post("/v1/transactions", { spaceId, accountId: checkingId, amount: "-90.01", date: day(-10), description: "Hardware store" }));
  await ok(a.post("/v1/transactions", { spaceId, accountId: pesosId, amount: "1000.00", date: day(-20), description: "Factura" }));
});

describe("GET /v1/analytics/forecast: exact money", () => {
  it("matches the hand-computed weekly figures, totals and projected balances", async () => {
    const { status, body } = await api(owner).get(`/v1/analytics/forecast?spaceId=${spaceId}`);
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.recurringSeriesUsed).toBe(0);
    expect(body.forecast).toHaveLength(9);
    // Daily: expenses 9001/90 US cents; income 100000/90 MXN centavos = 100000/(90·17) US cents.
    // Each week is its running total rounded less the running total before it, so the weeks add up to the totals.
    // Week 1 (7 days): income 700000/1530 = 457.516… → 4.58; expenses 63007/90 = 700.077… → 7.00; net 4.58 − 7.00 = −2.42
    // (rounded alone, −242.561… would be −2.43, and the shown income less expenses would not be the shown net).
    expect(body.forecast[0]).toMatchObject({
      projectedIncome: 4.58, projectedIncomeDecimal: "4.58", projectedExpenses: 7, projectedExpensesDecimal: "7.00", netFlow: -2.42, netFlowDecimal: "-2.42",
    });
    // Week 9 (the 4 days left): income to date 6000000/1530 = 3921.568… → 39.22 less 5600000/1530 = 3660.130… → 36.60:
    // 2.62 (its own 2.614… rounded alone would be 2.61, and the nine weeks would sum to 39.25, three cents over the
    // total); expenses 6000.666… → 60.01 less 5600.622… → 56.01: 4.00; net −1.38.
    expect(body.forecast[8]).toMatchObject({ projectedIncomeDecimal: "2.62", projectedExpensesDecimal: "4.00", netFlowDecimal: "-1.38" });
    const sum = (field: string) => body.forecast.reduce((s: number, w: any) => s + Math.round(Number(w[field]) * 100), 0);
    expect([sum("projectedIncomeDecimal"), sum("projectedExpensesDecimal"), sum("netFlowDecimal")]).toEqual([3922, 6001, -2079]);
    for (const w of body.forecast) expect(Math.round(Number(w.projectedIncomeDecimal) * 100) - Math.round(Number(w.projectedExpensesDecimal) * 100)).toBe(Math.round(Number(w.netFlowDecimal) * 100));
    // The totals are rounded once: 39.22 and 60.01, and the net is their difference.
    expect(body.summary).toMatchObject({
      totalProjectedIncome: 39.22, totalProjectedIncomeDecimal: "39.22",
      totalProjectedExpenses: 60.01, totalProjectedExpensesDecimal: "60.01",
      netCashFlow: -20.79, netCashFlowDecimal: "-20.79",
    });
    const acc = (id: string) => body.accounts.find((x: any) => x.accountId === id);
    // Checking: 909.99 now, minus 60 × 9001/90 = 6000.666… cents → 84998.333… → 849.98.
    expect(acc(checkingId)).toMatchObject({ currency: "USD", currentBalanceDecimal: "909.99", projectedBalance: 849.98, projectedBalanceDecimal: "849.98", negativeOn: null });
    // Pesos (its own currency): 1000.00 now, plus 60 × 100000/90 = 66666.666… centavos → 1666.67.
    expect(acc(pesosId)).toMatchObject({ currency: "MXN", currentBalanceDecimal: "1000.00", projectedBalanceDecimal: "1666.67" });
    expect(body.conversion.complete).toBe(true);
    expect(body.conversion.ratesUsed).toEqual([expect.objectContaining({ base: "USD", quote: "MXN", rate: "17", source: "manual" })]);
  });
});

describe("GET /v1/analytics/forecast: a currency converted through USD", () => {
  it("converts a EUR income into a MXN space through the USD rates (the provider's are all from USD)", async () => {
    const u = await registerUser();
    const a = api(u);
    const { today, day } = localDays(TZ);
    const space = (await ok(a.post("/v1/spaces", { name: "Pesos", type: "personal", currency: "MXN", timezone: TZ }))).id;
    const euros = (await createAccount(u, space, { name: "Euros", currency: "EUR" })).id;
    await ok(a.put(`/v1/spaces/${space}/rates`, { rates: [{ base: "USD", quote: "MXN", date: today, rate: "17.00" }, { base: "USD", quote: "EUR", date: today, rate: "0.90" }] }));
    await ok(a.post("/v1/transactions", { spaceId: space, accountId: euros, amount: "900.00", date: day(-20), description: "Honorarios" }));
    const { status, body } = await a.get(`/v1/analytics/forecast?spaceId=${space}`);
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.conversion.complete).toBe(true);
    // Daily: 90000/90 = 1000 euro cents = 1000 · 17 / 0.9 = 18888.88… centavos; 60 days: 1133333.33… → 11333.33.
    expect(body.summary).toMatchObject({ totalProjectedIncomeDecimal: "11333.33", totalProjectedExpensesDecimal: "0.00" });
    // Week 1: 7 days = 132222.22… centavos → 1322.22.
    expect(body.forecast[0]).toMatchObject({ projectedIncomeDecimal: "1322.22" });
  });
});
