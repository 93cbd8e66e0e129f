/**
 * Moves between the user's own accounts made here (POST /v1/transactions/transfer) move the forecast's projected
 * balances: a monthly move to savings is a series of each account, and one dated ahead lowers checking on its
 * day. They were left out of detection and of the entries dated ahead, so checking's projected balance ignored
 * them and an overdraft they would cause was not foreseen. Like the transfer category's rows, they are never
 * income or spending.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { api, ok } from "./fixture";

afterEach(() => vi.useRealTimers());

describe("transfers made here, in the forecast", () => {
  it("a monthly move to savings and one dated ahead move the projected balances, and are neither income nor spending", async () => {
    vi.setSystemTime(Date.parse("2026-03-20T20:00:00Z"));
    const u = await registerUser();
    const a = api(u);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "Home", type: "personal", currency: "USD", timezone: "UTC" }))).id as string;
    const chk = await createAccount(u, spaceId, { name: "Checking", openingBalance: "1500.00" });
    const sav = await createAccount(u, spaceId, { name: "Savings", type: "savings", openingBalance: "0.00" });
    const move = (amount: string, date: string, description: string) =>
      ok(a.post("/v1/transactions/transfer", { spaceId, fromAccountId: chk.id, toAccountId: sav.id, amount, date, description }));
    for (const date of ["2025-12-16", "2026-01-16", "2026-02-16", "2026-03-16"]) await move("100.00", date, "Auto-save");
    // Salary covers it, monthly; a move dated ahead, once.
    for (const date of ["2025-12-01", "2026-01-01", "2026-02-01", "2026-03-01"]) {
      await ok(a.post("/v1/transactions", { spaceId, accountId: chk.id, amount: "100.00", date, merchantName: "ACME Payroll", description: "Salary" }));
    }
    await move("1300.00", "2026-04-08", "House deposit");

    const { series } = await ok(a.get(`/v1/analytics/recurring?spaceId=${spaceId}`));
    // Each account's side of the move is a series of its own, marked as a move (the salary is not).
    expect(series.map((s: any) => [s.accountId, s.direction, s.cadence, s.transfer]).sort()).toEqual(
      [[chk.id, "expense", "monthly", true], [chk.id, "income", "monthly", false], [sav.id, "income", "monthly", true]].sort(),
    );

    const f = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
    // Income: the salary only (04-01, 05-01); no spending (the moves are not spending).
    expect(f.summary).toMatchObject({ totalProjectedIncomeDecimal: "200.00", totalProjectedExpensesDecimal: "0.00" });
    const byName = Object.fromEntries(f.accounts.map((x: any) => [x.name, x]));
    // Checking: 1500 + 4×100 − 4×100 now; then +100 (04-01), −1300 (04-08), −100 (04-16), +100 (05-01), −100 (05-16).
    expect(byName.Checking).toMatchObject({ currentBalanceDecimal: "1500.00", projectedBalanceDecimal: "200.00" });
    expect(byName.Savings).toMatchObject({ currentBalanceDecimal: "400.00", projectedBalanceDecimal: "1900.00" });
  });
});
