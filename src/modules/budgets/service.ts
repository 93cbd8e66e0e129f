/** Budgets: an amount per period over categories, with spent and remaining computed from the ledger's transactions. */
import { eq, inArray } from "drizzle-orm";
import type { AuthContext, Services } from "../../env";
import { budgetCategories, budgets } from "../../db/schema";
import { chunkRows, nonEmpty } from "../../db/client";
import { notFound, validationFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { type Currency, CURRENCY_SCALES, toMajorNumber } from "../../lib/money";
import { categoriesById } from "../categories/lookup";
import { requireRoleOver, requireSpaceRole } from "../spaces/access";
import { parseAmountField } from "../transactions/postings";
import { checkOneBudgetAlert } from "./alerts";
import { parseYmd, ymdString, zonedDate } from "./periods";
import { type BudgetRow, spendingOf } from "./spending";

type Allocation = { categoryId: string; allocated?: number | string };

const linkInserts = (svc: Services, links: (typeof budgetCategories.$inferInsert)[]) =>
  chunkRows(links, 3).map((chunk) => svc.db.insert(budgetCategories).values(chunk));

async function present(svc: Services, b: BudgetRow, links: (typeof budgetCategories.$inferSelect)[], tz: string) {
  const scale = CURRENCY_SCALES[b.currency as Currency];
  const money = (m: number) => toMajorNumber(m, scale);
  const ids = links.map((l) => l.categoryId);
  const [s, names] = await Promise.all([spendingOf(svc, b, ids, tz), categoriesById(svc, ids)]);
  const status = s.window.finished ? "completed" : s.spent > b.amount ? "exceeded" : "active";
  return {
    id: b.id,
    spaceId: b.spaceId,
    name: b.name,
    amount: money(b.amount),
    spent: money(s.spent),
    remaining: money(b.amount - s.spent),
    currency: b.currency,
    period: b.period,
    startDate: b.startDate,
    endDate: b.endDate,
    currentPeriod: { startDate: s.window.startDate, endDate: s.window.endDate },
    status: status as "active" | "exceeded" | "completed",
    categories: links.map((l) => ({
      id: l.categoryId,
      name: names.get(l.categoryId)?.name ?? "",
      allocated: l.allocated === null ? null : money(l.allocated),
      spent: money(s.byCategory.get(l.categoryId) ?? 0),
    })),
    alerts: { threshold: b.alertThreshold, enabled: b.alertsEnabled },
  };
}

/** Validates categories and allocations against the space and the budget amount. */
async function allocationRows(svc: Services, spaceId: string, budgetId: string, amount: number, scale: number, input: { categoryIds?: string[]; categories?: Allocation[] }) {
  const allocs: Allocation[] = [...(input.categories ?? []), ...(input.categoryIds ?? []).map((categoryId) => ({ categoryId }))];
  const unique = new Map(allocs.map((a) => [a.categoryId, a]));
  const found = await categoriesById(svc, [...unique.keys()]);
  const rows = [...unique.values()].map((a, i) => {
    const cat = found.get(a.categoryId);
    if (!cat || cat.spaceId !== spaceId) throw validationFailed([{ field: `categories.${i}.categoryId`, message: "No such category in this space", code: "UNKNOWN_CATEGORY" }]);
    const allocated = a.allocated === undefined ? null : parseAmountField(`categories.${i}.allocated`, a.allocated, scale);
    if (allocated !== null && allocated < 0) throw validationFailed([{ field: `categories.${i}.allocated`, message: "Must not be negative", code: "INVALID_AMOUNT" }]);
    return { budgetId, categoryId: a.categoryId, allocated };
  });
  const total = rows.reduce((s, r) => s + (r.allocated ?? 0), 0);
  if (total > amount) throw validationFailed([{ field: "categories", message: "Allocations add up to more than the budget amount", code: "OVER_ALLOCATED" }]);
  return rows;
}

export async function createBudget(
  svc: Services,
  auth: AuthContext,
  input: { spaceId: string; name: string; amount: number | string; period: BudgetRow["period"]; startDate?: string; endDate?: string; categoryIds?: string[]; categories?: Allocation[]; alertThreshold?: number; alertsEnabled?: boolean },
) {
  const { space } = await requireSpaceRole(svc, auth, input.spaceId, "member");
  const scale = CURRENCY_SCALES[space.currency as Currency];
  const amount = parseAmountField("amount", input.amount, scale);
  if (amount <= 0) throw validationFailed([{ field: "amount", message: "Must be positive", code: "INVALID_AMOUNT" }]);
  const today = zonedDate(svc.clock.now(), space.timezone);
  const startDate = input.startDate ?? ymdString({ ...today, d: 1 });
  if (input.endDate && input.endDate < startDate) throw validationFailed([{ field: "endDate", message: "Must not be before startDate", code: "INVALID_RANGE" }]);
  parseYmd(startDate);
  const now = svc.clock.now();
  const row: BudgetRow = {
    id: newId("bud", now), spaceId: input.spaceId, name: input.name, amount, currency: space.currency, period: input.period,
    startDate, endDate: input.endDate ?? null, alertThreshold: input.alertThreshold ?? null, alertsEnabled: input.alertsEnabled ?? true,
    createdAt: now, updatedAt: now,
  };
  const links = await allocationRows(svc, input.spaceId, row.id, amount, scale, input);
  await svc.db.batch([svc.db.insert(budgets).values(row), ...linkInserts(svc, links)]);
  // Spending already past the threshold alerts at once.
  await checkOneBudgetAlert(svc, row, links.map((l) => l.categoryId), space.timezone);
  return present(svc, row, links, space.timezone);
}

async function budgetFor(svc: Services, auth: AuthContext, id: string, min: "viewer" | "member") {
  const row = await svc.db.select().from(budgets).where(eq(budgets.id, id)).get();
  if (!row) throw notFound("Budget");
  const m = await requireRoleOver(svc, auth, row.spaceId, min, "Budget");
  return { row, tz: m.space.timezone };
}

export async function getBudget(svc: Services, auth: AuthContext, id: string) {
  const { row, tz } = await budgetFor(svc, auth, id, "viewer");
  const links = await svc.db.select().from(budgetCategories).where(eq(budgetCategories.budgetId, id));
  return present(svc, row, links, tz);
}

export async function listBudgets(svc: Services, auth: AuthContext, q: { spaceId: string; period?: string; status?: string }) {
  const { space } = await requireSpaceRole(svc, auth, q.spaceId, "viewer");
  const rows = (await svc.db.select().from(budgets).where(eq(budgets.spaceId, q.spaceId))).filter((b) => !q.period || b.period === q.period);
  // The space's links through a subquery: binding every budget id would pass D1's 100-parameter cap.
  const links = rows.length
    ? await svc.db.select().from(budgetCategories).where(inArray(budgetCategories.budgetId, svc.db.select({ id: budgets.id }).from(budgets).where(eq(budgets.spaceId, q.spaceId))))
    : [];
  const out = await Promise.all(rows.map((b) => present(svc, b, links.filter((l) => l.budgetId === b.id), space.timezone)));
  return out.filter((b) => !q.status || b.status === q.status);
}

export async function updateBudget(
  svc: Services,
  auth: AuthContext,
  id: string,
  patch: { name?: string; amount?: number | string; endDate?: string | null; categoryIds?: string[]; categories?: Allocation[]; alertThreshold?: number | null; alertsEnabled?: boolean },
) {
  const { row, tz } = await budgetFor(svc, auth, id, "member");
  const scale = CURRENCY_SCALES[row.currency as Currency];
  const amount = patch.amount === undefined ? row.amount : parseAmountField("amount", patch.amount, scale);
  if (amount <= 0) throw validationFailed([{ field: "amount", message: "Must be positive", code: "INVALID_AMOUNT" }]);
  if (patch.endDate && patch.endDate < row.startDate) throw validationFailed([{ field: "endDate", message: "Must not be before startDate", code: "INVALID_RANGE" }]);
  const updated: BudgetRow = {
    ...row,
    name: patch.name ?? row.name,
    amount,
    endDate: patch.endDate === undefined ? row.endDate : patch.endDate,
    alertThreshold: patch.alertThreshold === undefined ? row.alertThreshold : patch.alertThreshold,
    alertsEnabled: patch.alertsEnabled ?? row.alertsEnabled,
    updatedAt: svc.clock.now(),
  };
  const replace = patch.categoryIds !== undefined || patch.categories !== undefined;
  const links = replace
    ? await allocationRows(svc, row.spaceId, id, amount, scale, patch)
    : await svc.db.select().from(budgetCategories).where(eq(budgetCategories.budgetId, id));
  await svc.db.batch(nonEmpty([
    svc.db.update(budgets).set(updated).where(eq(budgets.id, id)),
    ...(replace ? [svc.db.delete(budgetCategories).where(eq(budgetCategories.budgetId, id))] : []),
    ...(replace ? linkInserts(svc, links) : []),
  ]));
  await checkOneBudgetAlert(svc, updated, links.map((l) => l.categoryId), tz);
  return present(svc, updated, links, tz);
}

export async function deleteBudget(svc: Services, auth: AuthContext, id: string) {
  await budgetFor(svc, auth, id, "member");
  await svc.db.batch([svc.db.delete(budgetCategories).where(eq(budgetCategories.budgetId, id)), svc.db.delete(budgets).where(eq(budgets.id, id))]);
}

