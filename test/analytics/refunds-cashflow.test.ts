/**
 * A refund (money in under an expense category) reduces that category's spending on the dashboard and in a
 * projection's defaults, as a budget counts it: 150.00 back after 100.00 spent was 150.00 of income, with the
 * category at 100.00 and the budget at −50.00 spent (QA 13-3). A category whose refunds exceed its spending is
 * not among the top categories; refunds beyond the year's whole spending are a projection's income.
 */
import { describe, expect, it } from "vitest";
import { registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { api, localDays, ok } from "./fixture";

const { day } = localDays("UTC");

async function spaceWithCategories() {
  const u = await registerUser();
  const a = api(u);
  const spaceId = (await ok(a.post("/v1/spaces", { name: "R", type: "personal", currency: "USD", timezone: "UTC" }))).id as string;
  const acc = await createAccount(u, spaceId, { name: "Checking", openingBalance: "1000.00" });
  const cats = ((await ok(a.get(`/v1/categories?spaceId=${spaceId}`))) as { id: string; name: string; type: string; parentId: string | null }[])
    .filter((c) => c.type === "expense" && c.parentId === null);
  const txn = (amount: string, k: number, categoryId?: string) =>
    ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount, date: day(k), description: "x", ...(categoryId ? { categoryId } : {}) }));
  return { a, spaceId, cats, txn };
}

describe("refunds in an expense category", () => {
  it("reduce its spending on the dashboard and in a projection's default expenses, not count as income", async () => {
    const { a, spaceId, cats, txn } = await spaceWithCategories();
    const [refunded, partly, plain] = [cats[0]!, cats[1]!, cats[2]!];
    await txn("-100.00", -3, refunded.id);
    await txn("150.00", -2, refunded.id);
    await txn("-100.00", -3, partly.id);
    await txn("30.00", -2, partly.id);
    await txn("-140.00", -3, plain.id);
    await txn("500.00", -4);
    const dash = await ok(a.get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=30d`));
    // −50 + 70 + 140 spent; only the 500.00 uncategorized is income.
    expect(dash.cashFlow).toMatchObject({ incomeDecimal: "500.00", expensesDecimal: "160.00", netDecimal: "340.00" });
    expect(dash.topCategories.map((c: any) => [c.categoryId, c.amountDecimal, c.percentageDecimal])).toEqual([
      [plain.id, "140.00", "66.7"],
      [partly.id, "70.00", "33.3"],
    ]);
    const p = await ok(a.get(`/v1/projections?spaceId=${spaceId}&scenarios=100&seed=1&years=10`));
    expect(p.projection).toMatchObject({ annualIncomeDecimal: "500.00", annualExpensesDecimal: "160.00", annualContributionDecimal: "340.00" });
  });

  it("beyond the whole spending leave expenses below zero on the dashboard and are a projection's income", async () => {
    const { a, spaceId, cats, txn } = await spaceWithCategories();
    await txn("-100.00", -3, cats[0]!.id);
    await txn("150.00", -2, cats[0]!.id);
    const dash = await ok(a.get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=30d`));
    expect(dash.cashFlow).toMatchObject({ incomeDecimal: "0.00", expensesDecimal: "-50.00", netDecimal: "50.00" });
    expect(dash.topCategories).toEqual([]);
    const p = await ok(a.get(`/v1/projections?spaceId=${spaceId}&scenarios=100&seed=1&years=10`));
    expect(p.projection).toMatchObject({ annualIncomeDecimal: "50.00", annualExpensesDecimal: "0.00", annualContributionDecimal: "50.00" });
  });
});
