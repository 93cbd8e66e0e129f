/**
 * The dashboard's category amounts add up to the expenses they break down (QA-B F13): each category's amount,
 * converted exactly, is its share of the rounded total by largest remainder, as its percentage is of 100.0.
 * Three expenses of 4.00 USD at 17.33625 MXN are 69.345 MXN each, 208.035 in all: shown as 208.04, which
 * categories each rounded on their own (69.34 × 3 = 208.02) fell 2 centavos short of.
 */
import { describe, expect, it } from "vitest";
import { registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { api, localDays, ok } from "./fixture";

describe("dashboard top categories", () => {
  it("amounts sum exactly to the expenses shown", { timeout: 60_000 }, async () => {
    const owner = await registerUser();
    const a = api(owner);
    const { day } = localDays("UTC");
    const spaceId = (await ok(a.post("/v1/spaces", { name: "Round", type: "personal", currency: "MXN", timezone: "UTC" }))).id;
    const usd = await createAccount(owner, spaceId, { name: "usd", currency: "USD", openingBalance: "100.00" });
    await ok(a.put(`/v1/spaces/${spaceId}/rates`, { rates: [{ base: "USD", quote: "MXN", date: day(-2), rate: "17.33625" }] }));
    // Three top-level expense categories: a subcategory's spending is shown under its parent.
    const cats = ((await ok(a.get(`/v1/categories?spaceId=${spaceId}`))) as { id: string; type: string; parentId: string | null }[])
      .filter((c) => c.type === "expense" && c.parentId === null)
      .slice(0, 3);
    expect(cats).toHaveLength(3);
    for (const c of cats) {
      await ok(a.post("/v1/transactions", { spaceId, accountId: usd.id, amount: "-4.00", description: "x", categoryId: c.id, date: day(-2) }));
    }
    const dash = await ok(a.get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=30d`));
    expect(dash.cashFlow.expensesDecimal).toBe("208.04");
    const amounts = dash.topCategories.map((c: { amountDecimal: string }) => c.amountDecimal);
    expect(amounts).toEqual(["69.35", "69.35", "69.34"]);
    expect(dash.topCategories.map((c: { percentageDecimal: string }) => c.percentageDecimal)).toEqual(["33.4", "33.3", "33.3"]);
    expect(dash.topCategories.map((c: { amount: number }) => c.amount)).toEqual([69.35, 69.35, 69.34]);
  });
});
