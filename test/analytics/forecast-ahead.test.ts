/**
 * Entries already in the ledger for a day in the forecast's horizon are known, not guessed: they move their
 * account's projected balance on their day (and can be the day it goes negative), count in their week's
 * flows, and a recurring occurrence one of them stands for is not predicted a second time. A cached forecast is
 * not served once such an entry has been committed after it.
 */
import { describe, expect, it } from "vitest";
import { registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { api, localDays, ok } from "./fixture";

async function space() {
  const u = await registerUser();
  const a = api(u);
  const s = await ok(a.post("/v1/spaces", { name: "F", type: "personal", currency: "USD", timezone: "UTC" }));
  return { a, u, spaceId: s.id as string };
}

/** A weekly 25.00 gym fee on every 7th day back from today: a series the forecast predicts. */
async function weeklyGymFee(a: ReturnType<typeof api>, spaceId: string, accountId: string) {
  const { day } = localDays("UTC");
  for (const k of [-28, -21, -14, -7, 0]) {
    await ok(a.post("/v1/transactions", { spaceId, accountId, amount: "-25.00", date: day(k), merchantName: "City Gym", description: "City Gym" }));
  }
}

describe("the forecast and entries dated ahead", () => {
  it("moves the balance on the entry's day and counts it in its week", async () => {
    const { a, u, spaceId } = await space();
    const { day } = localDays("UTC");
    const acc = await createAccount(u, spaceId, { name: "Checking", openingBalance: "100.00" });
    await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-80.00", date: day(10), description: "Car repair" }));
    const f = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
    const checking = f.accounts.find((x: { accountId: string }) => x.accountId === acc.id);
    expect(checking).toMatchObject({ currentBalanceDecimal: "100.00", projectedBalanceDecimal: "20.00", lowestBalanceDecimal: "20.00", lowestBalanceDate: day(10), negativeOn: null });
    const week = f.forecast.find((w: { week: string; weekEnd: string }) => w.week <= day(10) && day(10) <= w.weekEnd);
    expect(week.projectedExpensesDecimal).toBe("80.00");
    expect(f.summary.totalProjectedExpensesDecimal).toBe("80.00");
  });

  it("names the day a booked payment takes an account that may not go negative below zero", async () => {
    const { a, u, spaceId } = await space();
    const { day } = localDays("UTC");
    const acc = await createAccount(u, spaceId, { name: "Checking", openingBalance: "100.00", allowOverdraft: true });
    // Seen before the payment is booked, and cached: the booking, one change, is dated ahead, so not served from it.
    expect((await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`))).accounts[0].negativeOn).toBeNull();
    await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-150.00", date: day(20), description: "Tuition" }));
    const f = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
    expect(f.cache.hit).toBe(false);
    expect(f.accounts[0]).toMatchObject({ projectedBalanceDecimal: "-50.00", negativeOn: day(20) });
    expect(f.summary.riskFactors).toContain(`Projected negative balance in Checking on ${day(20)}`);
  });

  it("does not predict a recurring occurrence again once it is booked", async () => {
    const { a, u, spaceId } = await space();
    const { day } = localDays("UTC");
    const acc = await createAccount(u, spaceId, { name: "Checking", openingBalance: "10000.00" });
    await weeklyGymFee(a, spaceId, acc.id);
    const before = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
    expect(before.recurringSeriesUsed).toBe(1);
    // Next week's fee, booked a day late: it stands for that occurrence, which is not counted again.
    await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-25.00", date: day(8), merchantName: "City Gym", description: "City Gym" }));
    const after = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
    expect(after.summary.totalProjectedExpensesDecimal).toBe(before.summary.totalProjectedExpensesDecimal);
    expect(after.accounts[0].projectedBalanceDecimal).toBe(before.accounts[0].projectedBalanceDecimal);
    expect(after.accounts[0].currentBalanceDecimal).toBe(before.accounts[0].currentBalanceDecimal);
  });

  it("does not let a one-off of another size at the series' merchant stand for an occurrence", async () => {
    const { a, u, spaceId } = await space();
    const { day } = localDays("UTC");
    const acc = await createAccount(u, spaceId, { name: "Checking", openingBalance: "10000.00" });
    await weeklyGymFee(a, spaceId, acc.id);
    const before = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
    // A year's membership paid ahead at the gym: not the weekly fee, which is still predicted.
    await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-400.00", date: day(5), merchantName: "City Gym", description: "City Gym" }));
    const after = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
    const cents = (d: string) => Math.round(Number(d) * 100);
    expect(cents(after.summary.totalProjectedExpensesDecimal) - cents(before.summary.totalProjectedExpensesDecimal)).toBe(40000);
  });

  it("lets a booked payment at a series' edited amount stand for its occurrence", async () => {
    const { a, u, spaceId } = await space();
    const { day } = localDays("UTC");
    const acc = await createAccount(u, spaceId, { name: "Checking", openingBalance: "10000.00" });
    await weeklyGymFee(a, spaceId, acc.id);
    const [series] = (await ok(a.get(`/v1/analytics/recurring?spaceId=${spaceId}`))).series;
    // The gym raised its fee: the series is edited to 50.00, and next week's is booked at that.
    await ok(a.patch(`/v1/analytics/recurring/${series.id}`, { spaceId, action: "edit", amount: "-50.00" }));
    const before = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
    await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-50.00", date: day(7), merchantName: "City Gym", description: "City Gym" }));
    const after = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
    expect(after.summary.totalProjectedExpensesDecimal).toBe(before.summary.totalProjectedExpensesDecimal);
  });

  it("is not served from cache once a payment dated ahead has been reverted through the ledger API (on its day, as a void)", async () => {
    const { a, u, spaceId } = await space();
    const { day } = localDays("UTC");
    const acc = await createAccount(u, spaceId, { name: "Checking", openingBalance: "100.00" });
    const tx = await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-80.00", date: day(10), description: "Car repair" }));
    expect((await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`))).accounts[0].projectedBalanceDecimal).toBe("20.00");
    await ok(a.post(`/v1/spaces/${spaceId}/ledger/transactions/${tx.ledgerTxid}/revert`, {}));
    const f = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
    expect(f.cache.hit).toBe(false);
    // The payment on day 10 and its reversal now cancel out by then.
    expect(f.accounts[0].projectedBalanceDecimal).toBe("100.00");
  });
});
