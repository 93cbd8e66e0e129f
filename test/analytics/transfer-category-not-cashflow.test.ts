/**
 * A row filed under the space's transfer category moves money between the user's own accounts: QA wrote a move of
 * 10,000.00 MXN into a USD account as two rows under "Transfers" (the transfer route took one currency only) and the
 * dashboard counted them as 10,000.00 of spending and 8,642.25 of income, and listed "Transfers" among the top
 * spending categories; the projection's defaults (the year's income and spending) read the same sums.
 */
import { describe, expect, it } from "vitest";
import { registerUser, awayFromMidnight } from "../helpers";
import { api, localDays, ok } from "./fixture";

// The days this file takes are the zone's: not across its midnight (helpers.ts).
await awayFromMidnight("America/Mexico_City");

describe("rows filed under a transfer category", () => {
  it("are neither income nor spending on the dashboard or in the projection's defaults", { timeout: 60_000 }, async () => {
    const u = await registerUser();
    const a = api(u);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "Casa", type: "personal", currency: "MXN", timezone: "America/Mexico_City" }))).id as string;
    const pesos = (await ok(a.post("/v1/accounts", { spaceId, name: "Cheques", type: "checking", currency: "MXN", openingBalance: "50000.00" }))).id as string;
    const savings = (await ok(a.post("/v1/accounts", { spaceId, name: "Ahorro", type: "savings", currency: "MXN", openingBalance: "0.00" }))).id as string;
    const categories = (await ok(a.get(`/v1/categories?spaceId=${spaceId}`))) as { id: string; type: string; name: string; parentId: string | null }[];
    const transfers = categories.find((c) => c.type === "transfer")!;
    // A top-level one: the dashboard's top categories count a subcategory under its parent, and the seeded categories
    // come in id order (random within their one instant), so the first expense category was a subcategory now and then.
    const groceries = categories.find((c) => c.type === "expense" && c.parentId === null)!;
    const { today } = localDays("America/Mexico_City");
    const write = (accountId: string, amount: string, description: string, categoryId: string) =>
      ok(a.post("/v1/transactions", { spaceId, accountId, amount, date: today, description, categoryId }));
    const before = await ok(a.get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=30d`));
    const projectedBefore = await ok(a.get(`/v1/projections?spaceId=${spaceId}&seed=1`));
    await write(pesos, "-10000.00", "A cuenta de ahorro", transfers.id);
    await write(savings, "10000.00", "De cheques", transfers.id);
    await write(pesos, "-250.00", "Súper", groceries.id);
    await write(pesos, "1200.00", "Reembolso", categories.find((c) => c.type === "income")!.id);
    const d = await ok(a.get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=30d`));
    expect(before.cashFlow.expensesDecimal).toBe("0.00");
    expect(d.cashFlow).toMatchObject({ incomeDecimal: "1200.00", expensesDecimal: "250.00", netDecimal: "950.00" });
    expect(d.topCategories.map((c: { categoryId: string }) => c.categoryId)).toEqual([groceries.id]);
    expect(d.topCategories[0]).toMatchObject({ amountDecimal: "250.00", percentageDecimal: "100.0" });
    // The projection's income and spending are the year's, annualized: only the 1,200.00 and the 250.00 moved them.
    const p = await ok(a.get(`/v1/projections?spaceId=${spaceId}&seed=1`));
    expect(projectedBefore.projection.annualIncomeDecimal).toBe("0.00");
    expect(p.projection.annualIncomeDecimal).toBe("1200.00");
    expect(p.projection.annualExpensesDecimal).toBe("250.00");
  });
});
