/**
 * A row a person wrote by hand that the bank's copy then took over (manual-match.ts) is one transaction: the
 * dashboard's cash flow, the forecast, recurring detection, a budget's spent and the account's balance count it once,
 * as they did while it waited for the bank, not once more for the bank's copy.
 */
import { describe, expect, it } from "vitest";
import { bankRow, day, linked, relinkable } from "../providers/hand-written-fixture";
import { ok } from "./fixture";

describe("a hand-written row the bank's copy took over counts once", () => {
  it("in the dashboard, the forecast, recurring detection, budgets and the account's balance", { timeout: 120_000 }, async () => {
    const s = await linked();
    // Netflix as the bank sent it for two months (balance 950.00 - 2 × 15.99 = 918.02), then this month's, written by
    // the person today (uncleared, waiting for the bank), with a grocery purchase.
    const netflix = { merchantName: "Netflix", description: "Netflix" };
    await s.sync({ chk: 91_802 }, [bankRow("open1", day(-30), -5_000), bankRow("n1", day(-60), -1_599, netflix), bankRow("n2", day(-30), -1_599, netflix)]);
    const budget = await ok(s.a.post("/v1/budgets", { spaceId: s.spaceId, name: "Food", amount: "500.00", period: "monthly", categoryIds: [s.category] }));
    const mine = await s.write({ amount: "-42.00", date: day(0), description: "Groceries", categoryId: s.category });
    const subscription = await s.write({ amount: "-15.99", date: day(0), description: "Netflix", merchantName: "Netflix" });

    const read = async () => {
      const dashboard = await ok(s.a.get(`/v1/analytics/dashboard?spaceId=${s.spaceId}&period=30d`));
      const forecast = await ok(s.a.get(`/v1/analytics/forecast?spaceId=${s.spaceId}`));
      const series = ((await ok(s.a.get(`/v1/analytics/recurring?spaceId=${s.spaceId}`))).series as { name: string; occurrences: number; transactionIds: string[] }[])
        .filter((x) => /netflix/i.test(x.name));
      const spent = (await ok(s.a.get(`/v1/budgets/${budget.id}`))).spentDecimal as string;
      return {
        expenses: dashboard.cashFlow.expensesDecimal as string, balance: await s.balance(), forecastBalance: forecast.accounts[0].currentBalanceDecimal as string,
        netflix: series.map((x) => ({ occurrences: x.occurrences, distinct: new Set(x.transactionIds).size })), spent,
      };
    };
    const waiting = await read();
    expect(waiting).toMatchObject({ balance: "860.03", forecastBalance: "860.03", spent: "42.00" });

    // The bank sends both today: its copies take the person's rows over in place; the balance it reports is the same.
    await s.sync({ chk: 86_003 }, [bankRow("open1", day(-30), -5_000), bankRow("n1", day(-60), -1_599, netflix), bankRow("n2", day(-30), -1_599, netflix),
      bankRow("g1", day(0), -4_200), bankRow("n3", day(0), -1_599, netflix)]);
    expect(await s.row(mine.id)).toMatchObject({ pid: "g1", status: "posted" });
    expect(await s.row(subscription.id)).toMatchObject({ pid: "n3", status: "posted" });
    expect(await s.liveOf("g1")).toEqual([mine.id]);
    const taken = await read();
    expect(taken).toEqual(waiting);
    expect(taken.netflix).toEqual([{ occurrences: 3, distinct: 3 }]);
  });

  it("and once when the bank is linked again while it waits (the old row takes the new account's copy's id)", { timeout: 120_000 }, async () => {
    const w = await relinkable();
    const netflix = { merchantName: "Netflix", description: "Netflix" };
    const first = await w.connect();
    await first.sync(91_802, [bankRow("o0", day(-30), -5_000), bankRow("o1", day(-60), -1_599, netflix), bankRow("o2", day(-30), -1_599, netflix)]);
    const old = await first.checking();
    await ok(w.a.post("/v1/transactions", { spaceId: w.spaceId, accountId: old, amount: "-15.99", date: day(0), description: "Netflix", merchantName: "Netflix" }));
    const read = async () => {
      const forecast = await ok(w.a.get(`/v1/analytics/forecast?spaceId=${w.spaceId}`));
      const series = ((await ok(w.a.get(`/v1/analytics/recurring?spaceId=${w.spaceId}`))).series as { name: string; occurrences: number }[]).filter((x) => /netflix/i.test(x.name));
      const balances = (forecast.accounts as { currentBalanceDecimal: string }[]).map((x) => x.currentBalanceDecimal);
      return { cash: await w.cashFlow(), netflix: series.map((x) => x.occurrences), balances };
    };
    const before = await read();
    expect(before).toMatchObject({ netflix: [3], balances: ["902.03"] });
    expect(before.cash.expenses).not.toBe("0.00");

    await w.disconnect(first.id);
    const second = await w.connect();
    await second.sync(90_203, [bankRow("n0", day(-30), -5_000), bankRow("n1", day(-60), -1_599, netflix), bankRow("n2", day(-30), -1_599, netflix), bankRow("n3", day(0), -1_599, netflix)]);
    expect(await w.balanceOf(await second.checking())).toBe("902.03");
    // The person's row took the copy's id (manual-match.ts), the copy is on the new account.
    expect(await w.byPid("n3", old)).toMatchObject({ amount: -1_599 });
    expect(await w.byPid("n3", await second.checking())).toMatchObject({ amount: -1_599, status: "posted" });
    expect(await read()).toEqual(before);
  });
});
