/**
 * PATCH keeps every rule that create enforces: the budget a PATCH leaves
 * behind must be one that POST would have accepted. Each case checks the 422
 * and that the stored budget did not change.
 */
import { describe, expect, it } from "vitest";
import { as, spaceWithCategories } from "./helpers";

async function setup(currency = "USD") {
  const { a, spaceId, cat } = await spaceWithCategories(currency);
  const create = async (body: Record<string, unknown>) => {
    const res = await a.post("/v1/budgets", { spaceId, name: "Food", period: "monthly", ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string };
  };
  return { a, spaceId, cat, create };
}

/** The 422's first detail, and the budget unchanged afterwards. */
async function refused(a: ReturnType<typeof as>, id: string, patch: unknown) {
  const before = (await a.get(`/v1/budgets/${id}`)).body;
  const res = await a.patch(`/v1/budgets/${id}`, patch);
  expect(res.status, JSON.stringify(res.body)).toBe(422);
  expect((await a.get(`/v1/budgets/${id}`)).body).toEqual(before);
  return res.body.error.details[0] as { field: string; code: string };
}

describe("PATCH /v1/budgets/{id} applies create's rules", () => {
  it("refuses an amount below the existing allocations, as create does", async () => {
    const { a, spaceId, cat, create } = await setup();
    const allocations = [{ categoryId: cat("Food & Dining"), allocated: "60.00" }, { categoryId: cat("Transportation"), allocated: 20 }];
    expect((await a.post("/v1/budgets", { spaceId, name: "x", period: "monthly", amount: 79, categories: allocations })).status).toBe(422);
    const b = await create({ amount: 100, categories: allocations });
    expect(await refused(a, b.id, { amount: 79 })).toMatchObject({ field: "amount", code: "OVER_ALLOCATED" });
    expect(await refused(a, b.id, { amount: 50, categories: allocations })).toMatchObject({ code: "OVER_ALLOCATED" });
    expect(await refused(a, b.id, { categories: [{ categoryId: cat("Health"), allocated: "100.01" }] })).toMatchObject({ code: "OVER_ALLOCATED" });
    // Exactly the allocations is allowed, as on create.
    expect((await a.patch(`/v1/budgets/${b.id}`, { amount: "80.00" })).body).toMatchObject({ amount: 80 });
  });

  it("parses amounts and allocations at the budget's currency scale and refuses zero, negative or unknown", async () => {
    const { a, cat, create } = await setup("JPY");
    const b = await create({ amount: 1000, categories: [{ categoryId: cat("Health"), allocated: 100 }] });
    expect(await refused(a, b.id, { amount: "1000.5" })).toMatchObject({ field: "amount", code: "INVALID_AMOUNT" });
    expect(await refused(a, b.id, { amount: 0 })).toMatchObject({ field: "amount" });
    expect(await refused(a, b.id, { amount: -5 })).toMatchObject({ field: "amount" });
    expect(await refused(a, b.id, { categories: [{ categoryId: cat("Health"), allocated: "1.5" }] })).toMatchObject({ field: "categories.0.allocated" });
    expect(await refused(a, b.id, { categories: [{ categoryId: cat("Health"), allocated: -1 }] })).toMatchObject({ field: "categories.0.allocated" });
    expect(await refused(a, b.id, { categoryIds: [cat("Health"), "cat_nope"] })).toMatchObject({ field: "categoryIds.1", code: "UNKNOWN_CATEGORY" });
  });

  it("refuses categories of another space", async () => {
    const { a, create } = await setup();
    const other = await setup();
    const b = await create({ amount: 100 });
    expect(await refused(a, b.id, { categoryIds: [other.cat("Health")] })).toMatchObject({ code: "UNKNOWN_CATEGORY" });
  });

  it("keeps an allocation when a category is also named in categoryIds, and refuses two different allocations for one category", async () => {
    const { a, cat, create } = await setup();
    const b = await create({ amount: 100, categories: [{ categoryId: cat("Health"), allocated: 100 }], categoryIds: [cat("Health")] });
    expect((await a.get(`/v1/budgets/${b.id}`)).body.categories).toEqual([{ id: cat("Health"), name: "Health", allocated: 100, allocatedDecimal: "100.00", spent: 0, spentDecimal: "0.00" }]);
    const twice = [{ categoryId: cat("Health"), allocated: 10 }, { categoryId: cat("Health"), allocated: 20 }];
    expect(await refused(a, b.id, { categories: twice })).toMatchObject({ field: "categories.1.categoryId", code: "DUPLICATE_CATEGORY" });
  });

  it("checks the dates of the budget it would leave: endDate against startDate, whichever of them changes", async () => {
    const { a, create } = await setup();
    const b = await create({ amount: 100, startDate: "2024-01-01", endDate: "2024-12-31" });
    expect(await refused(a, b.id, { endDate: "2023-12-31" })).toMatchObject({ field: "endDate", code: "INVALID_RANGE" });
    expect(await refused(a, b.id, { startDate: "2025-01-01" })).toMatchObject({ field: "startDate", code: "INVALID_RANGE" });
    expect(await refused(a, b.id, { startDate: "2024-02-30" })).toMatchObject({ field: "startDate" });
    const moved = await a.patch(`/v1/budgets/${b.id}`, { startDate: "2025-01-01", endDate: null });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body).toMatchObject({ startDate: "2025-01-01", endDate: null });
  });

  it("changes the period rather than ignoring it, and refuses one create would refuse", async () => {
    const { a, create } = await setup();
    const b = await create({ amount: 100, startDate: "2024-01-01" });
    expect(await refused(a, b.id, { period: "weekly" })).toMatchObject({ field: "period" });
    const yearly = await a.patch(`/v1/budgets/${b.id}`, { period: "yearly" });
    expect(yearly.status).toBe(200);
    expect((await a.get(`/v1/budgets/${b.id}`)).body.period).toBe("yearly");
  });

  it("keeps alertThreshold within 1..100 and lets it be cleared (back to the default, at which it alerts)", async () => {
    const { a, create } = await setup();
    const b = await create({ amount: 100, alertThreshold: 90 });
    expect(await refused(a, b.id, { alertThreshold: 0 })).toMatchObject({ field: "alertThreshold" });
    expect(await refused(a, b.id, { alertThreshold: 101 })).toMatchObject({ field: "alertThreshold" });
    expect(await refused(a, b.id, { alertThreshold: 50.5 })).toMatchObject({ field: "alertThreshold" });
    expect((await a.patch(`/v1/budgets/${b.id}`, { alertThreshold: null })).body.alerts).toEqual({ threshold: 80, enabled: true });
  });
});
