/**
 * The rules every stored budget keeps. Create and PATCH both build the budget
 * as it would be stored and check it here, so a PATCH cannot leave behind a
 * budget that create would have refused.
 */
import type { Services } from "../../env";
import type { budgetCategories } from "../../db/schema";
import { validationFailed } from "../../lib/errors";
import { categoriesById, typedCategory } from "../categories/lookup";
import { parseAmountField } from "../transactions/postings";

export type AllocationInput = { categoryId: string; allocated?: number | string };
export type Link = typeof budgetCategories.$inferInsert & { allocated: number | null };

const refuse = (field: string, message: string, code: string) => validationFailed([{ field, message, code }]);

/**
 * The category links named by `categories` (with optional allocations) and
 * `categoryIds`: each an expense category of the space, each allocation exact at the
 * budget's `scale` and not negative. A category named in both keeps its
 * allocation; two different allocations for one category are ambiguous and
 * refused. Errors name the caller's own field (`categoryIds.3`,
 * `categories.0.allocated`).
 */
export async function parseLinks(
  svc: Services,
  spaceId: string,
  budgetId: string,
  scale: number,
  input: { categoryIds?: string[]; categories?: AllocationInput[] },
): Promise<Link[]> {
  const named = [
    ...(input.categories ?? []).map((a, i) => ({ categoryId: a.categoryId, allocated: a.allocated, field: `categories.${i}`, idField: `categories.${i}.categoryId` })),
    ...(input.categoryIds ?? []).map((categoryId, i) => ({ categoryId, allocated: undefined, field: `categoryIds.${i}`, idField: `categoryIds.${i}` })),
  ];
  const byId = new Map<string, { allocated: number | null; idField: string }>();
  for (const n of named) {
    const allocated = n.allocated === undefined ? null : parseAmountField(`${n.field}.allocated`, n.allocated, scale);
    if (allocated !== null && allocated < 0) throw refuse(`${n.field}.allocated`, "Must not be negative", "INVALID_AMOUNT");
    const seen = byId.get(n.categoryId);
    if (!seen) byId.set(n.categoryId, { allocated, idField: n.idField });
    else if (seen.allocated === null) seen.allocated = allocated;
    else if (allocated !== null && allocated !== seen.allocated) throw refuse(n.idField, "Category listed twice with different allocations", "DUPLICATE_CATEGORY");
  }
  const found = await categoriesById(svc, [...byId.keys()]);
  return [...byId].map(([categoryId, { allocated, idField }]) => {
    const category = found.get(categoryId);
    if (category?.spaceId !== spaceId) throw refuse(idField, "No such category in this space", "UNKNOWN_CATEGORY");
    // A budget counts money out: over an income category its income would count as negative spending.
    if (category.type !== "expense") throw refuse(idField, `Budgets track spending: "${category.name}" is ${typedCategory(category.type)}, not an expense category`, "NOT_EXPENSE_CATEGORY");
    return { budgetId, categoryId, allocated };
  });
}

/**
 * What a stored budget must satisfy. `given` holds the fields the request
 * carried, so that a broken rule is blamed on what the caller sent: a PATCH
 * of `amount` alone below its allocations names `amount`.
 */
export function checkBudget(b: { amount: number; startDate: string; endDate: string | null }, links: Link[], given: ReadonlySet<string>): void {
  if (b.amount <= 0) throw refuse("amount", "Must be positive", "INVALID_AMOUNT");
  if (b.endDate !== null && b.endDate < b.startDate) {
    const field = given.has("endDate") || !given.has("startDate") ? "endDate" : "startDate";
    throw refuse(field, "endDate must not be before startDate", "INVALID_RANGE");
  }
  const allocated = links.reduce((sum, l) => sum + (l.allocated ?? 0), 0);
  if (allocated > b.amount) {
    const field = given.has("categories") || given.has("categoryIds") ? "categories" : "amount";
    throw refuse(field, "Allocations add up to more than the budget amount", "OVER_ALLOCATED");
  }
}
