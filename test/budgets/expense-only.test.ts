/**
 * A budget counts money out of its categories: over an income category the income would count as negative
 * spending (50.00 on Salary after +2500 showed spent -2500.00), so only expense categories may be watched.
 */
import { describe, expect, it } from "vitest";
import { spaceWithCategories } from "./helpers";


describe("budget categories", () => {
  it("refuses an income or transfer category on create, naming the field", async () => {
    const { a, spaceId, cat } = await spaceWithCategories();
    const byIds = await a.post("/v1/budgets", { spaceId, name: "Pay", amount: "50", period: "monthly", categoryIds: [cat("Food & Dining"), cat("Salary")] });
    expect(byIds.status).toBe(422);
    expect(byIds.body.error.details).toEqual([expect.objectContaining({ field: "categoryIds.1", code: "NOT_EXPENSE_CATEGORY" })]);
    expect(byIds.body.error.details[0].message).toContain("an income category");
    const byAllocation = await a.post("/v1/budgets", { spaceId, name: "Moves", amount: "50", period: "monthly", categories: [{ categoryId: cat("Transfers"), allocated: "10" }] });
    expect(byAllocation.status).toBe(422);
    expect(byAllocation.body.error.details).toEqual([expect.objectContaining({ field: "categories.0.categoryId", code: "NOT_EXPENSE_CATEGORY" })]);
    expect((await a.get(`/v1/budgets?spaceId=${spaceId}`)).body).toEqual([]);
  });

  it("refuses one on update and keeps the budget's categories", async () => {
    const { a, spaceId, cat } = await spaceWithCategories();
    const b = await a.post("/v1/budgets", { spaceId, name: "Food", amount: "50", period: "monthly", categoryIds: [cat("Food & Dining")] });
    expect(b.status).toBe(201);
    const r = await a.patch(`/v1/budgets/${b.body.id}`, { categoryIds: [cat("Salary")] });
    expect(r.status).toBe(422);
    expect(r.body.error.details).toEqual([expect.objectContaining({ field: "categoryIds.0", code: "NOT_EXPENSE_CATEGORY" })]);
    expect((await a.get(`/v1/budgets/${b.body.id}`)).body.categories.map((c: { id: string }) => c.id)).toEqual([cat("Food & Dining")]);
  });
});
