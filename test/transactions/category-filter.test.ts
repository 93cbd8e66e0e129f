/**
 * `GET /v1/transactions?categoryId=<parent>` lists the parent's rows and its subcategories' (QA's accountant asked
 * for the rows behind a budget's "Food & Dining" figure and got none: they were all in its subcategories), unless
 * `includeSubcategories=false`. The total counts the same rows, and another space's category lists nothing.
 */
import { describe, expect, it } from "vitest";
import { registerUser, awayFromMidnight } from "../helpers";
import { api, localDays, ok } from "../analytics/fixture";

// The days this file takes are the zone's: not across its midnight (helpers.ts).
await awayFromMidnight("America/Mexico_City");

describe("the transaction list's category filter", () => {
  it("takes a parent's subcategories with it, as its budget counts them", { timeout: 60_000 }, async () => {
    const u = await registerUser();
    const a = api(u);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "Home", type: "personal", currency: "USD", timezone: "America/Mexico_City" }))).id as string;
    const acc = (await ok(a.post("/v1/accounts", { spaceId, name: "Checking", type: "checking", currency: "USD", openingBalance: "5000.00" }))).id as string;
    const cat = async (name: string, parentId?: string) => (await ok(a.post("/v1/categories", { spaceId, name, type: "expense", ...(parentId ? { parentId } : {}) }))).id as string;
    const food = await cat("Food");
    const restaurants = await cat("Restaurants", food);
    const groceries = await cat("Groceries", food);
    const fun = await cat("Fun");
    const { today } = localDays("America/Mexico_City");
    const spend = (categoryId: string | undefined, cents: number) =>
      ok(a.post("/v1/transactions", { spaceId, accountId: acc, amount: `-${(cents / 100).toFixed(2)}`, date: today, description: "spend", ...(categoryId ? { categoryId } : {}) }));
    const rows: [string | undefined, number][] = [[food, 1000], [food, 250], [restaurants, 3150], [restaurants, 1299], [restaurants, 4000], [groceries, 8765], [groceries, 1], [fun, 5000], [undefined, 700]];
    for (const [c, cents] of rows) await spend(c, cents);
    const list = async (query: string) => {
      const r = await ok(a.get(`/v1/transactions?spaceId=${spaceId}&${query}`));
      return { total: r.pagination.total as number, amounts: (r.transactions as { amountDecimal: string }[]).map((t) => t.amountDecimal).sort() };
    };
    const expected = (ids: (string | undefined)[]) => rows.filter(([c]) => ids.includes(c)).map(([, cents]) => `-${(cents / 100).toFixed(2)}`).sort();
    // The parent: its own two rows and its subcategories' five, counted alike, whether or not a date filter reads them.
    expect(await list(`categoryId=${food}`)).toEqual({ total: 7, amounts: expected([food, restaurants, groceries]) });
    expect(await list(`categoryId=${food}&startDate=${today}&endDate=${today}`)).toEqual({ total: 7, amounts: expected([food, restaurants, groceries]) });
    expect(await list(`categoryId=${food}&limit=3&offset=6`)).toMatchObject({ total: 7 });
    expect((await list(`categoryId=${food}&limit=3&offset=6`)).amounts).toHaveLength(1);
    // Its own rows only, on request; a subcategory is itself alone.
    expect(await list(`categoryId=${food}&includeSubcategories=false`)).toEqual({ total: 2, amounts: expected([food]) });
    expect(await list(`categoryId=${restaurants}`)).toEqual({ total: 3, amounts: expected([restaurants]) });
    expect(await list(`categoryId=${fun}`)).toEqual({ total: 1, amounts: expected([fun]) });
    expect((await a.get(`/v1/transactions?spaceId=${spaceId}&categoryId=${food}&includeSubcategories=maybe`)).status).toBe(422);
    // What the list shows is what the parent's budget counts.
    const budget = await ok(a.post("/v1/budgets", { spaceId, name: "Food", amount: "1000.00", period: "monthly", categoryIds: [food] }));
    const listed = rows.filter(([c]) => c === food || c === restaurants || c === groceries).reduce((n, [, cents]) => n + cents, 0);
    expect(budget.spentDecimal).toBe((listed / 100).toFixed(2));
    // Another space's category, parent or not, lists nothing here.
    const other = await registerUser();
    const otherSpace = (await ok(api(other).post("/v1/spaces", { name: "Other", type: "personal", currency: "USD", timezone: "UTC" }))).id as string;
    const foreign = (await ok(api(other).post("/v1/categories", { spaceId: otherSpace, name: "Theirs", type: "expense" }))).id as string;
    expect(await list(`categoryId=${foreign}`)).toEqual({ total: 0, amounts: [] });
  });
});
