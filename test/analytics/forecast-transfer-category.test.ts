/**
 * A bank's copies of a move between the user's own accounts, filed under a transfer category (the money leaving
 * checking as an expense row, arriving in savings as an income row), are neither income nor spending: the
 * dashboard leaves them out (cashflow-sums.ts), and the forecast counted each monthly move to savings as both
 * projected income and projected spending. They still move each account's projected balance (checking is lower
 * after each move: that is what an overdraft warning needs), whether a series, the estimate of the rest, or an
 * entry dated ahead.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { api, ok } from "./fixture";

afterEach(() => vi.useRealTimers());

describe("moves between the user's own accounts filed under a transfer category", () => {
  it("move the projected balances and are neither projected income nor spending", async () => {
    vi.setSystemTime(Date.parse("2026-03-20T20:00:00Z"));
    const u = await registerUser();
    const a = api(u);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "Home", type: "personal", currency: "USD", timezone: "UTC" }))).id as string;
    const transfers = (await env.DB.prepare("SELECT id FROM categories WHERE space_id = ? AND type = 'transfer'").bind(spaceId).first<{ id: string }>())!.id;
    const chk = await createAccount(u, spaceId, { name: "Checking", openingBalance: "5000.00" });
    const sav = await createAccount(u, spaceId, { name: "Savings", type: "savings", openingBalance: "0.00" });
    const post = (body: Record<string, unknown>) => ok(a.post("/v1/transactions", { spaceId, ...body }));
    for (const date of ["2025-12-16", "2026-01-16", "2026-02-16", "2026-03-16"]) {
      await post({ accountId: chk.id, amount: "-500.00", date, merchantName: "Transfer to savings", description: "TRANSFER TO SAV 1234", categoryId: transfers });
      await post({ accountId: sav.id, amount: "500.00", date, merchantName: "Transfer from checking", description: "TRANSFER FROM CHK 9876", categoryId: transfers });
    }
    // The rest: one move to a brokerage (a transfer) and one purchase in the last 90 days; a move dated ahead.
    await post({ accountId: chk.id, amount: "-90.00", date: "2026-02-10", merchantName: "Brokerage", description: "Move to brokerage", categoryId: transfers });
    await post({ accountId: chk.id, amount: "-45.00", date: "2026-03-01", merchantName: "Hardware store", description: "Tools" });
    await post({ accountId: chk.id, amount: "-200.00", date: "2026-04-02", merchantName: "Brokerage", description: "Move to brokerage", categoryId: transfers });

    const { series } = await ok(a.get(`/v1/analytics/recurring?spaceId=${spaceId}`));
    expect(series.map((s: any) => [s.name, s.cadence]).sort()).toEqual([["Transfer from checking", "monthly"], ["Transfer to savings", "monthly"]]);

    const f = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
    // Spending: the purchase's 45.00 over 90 days, for 60 (no last year); no income.
    expect(f.summary).toMatchObject({ totalProjectedIncomeDecimal: "0.00", totalProjectedExpensesDecimal: "30.00", netCashFlowDecimal: "-30.00" });
    expect(f.forecast.map((w: any) => w.projectedExpensesDecimal)).toEqual(["3.50", "3.50", "3.50", "3.50", "3.50", "3.50", "3.50", "3.50", "2.00"]);
    expect(f.forecast.every((w: any) => w.projectedIncomeDecimal === "0.00")).toBe(true);
    const byName = Object.fromEntries(f.accounts.map((x: any) => [x.name, x]));
    // Checking: 5000 − 4×500 − 90 − 45 now; then two moves to savings (04-16, 05-16), the move ahead (200.00) and
    // the estimate of the rest (all of its last 90 days' 135.00, for 60 days: 90.00).
    expect(byName.Checking).toMatchObject({ currentBalanceDecimal: "2865.00", projectedBalanceDecimal: "1575.00" });
    expect(byName.Savings).toMatchObject({ currentBalanceDecimal: "2000.00", projectedBalanceDecimal: "3000.00" });
  });
});
