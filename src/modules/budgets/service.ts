/** Budgets: an amount per period over categories, with spent and remaining computed from the ledger's transactions. */
import { eq } from "drizzle-orm";
import type { AuthContext, Services } from "../../env";
import { budgetCategories, budgets } from "../../db/schema";
import { d1Statement } from "../../db/client";
import { conflict, notFound, validationFailed } from "../../lib/errors";
import { batchGuard, refusedByGuard } from "../../lib/batch-guard";
import { entityRows, insertEntities } from "../../lib/sql";
import { MAX_BUDGETS_PER_SPACE } from "./schemas";
import { newId } from "../../lib/ids";
import { type Currency, CURRENCY_SCALES, formatMinor, toMajorNumber } from "../../lib/money";
import { categoriesById } from "../categories/lookup";
import { batchAsMember, memberAtLeastSql, readResource, readSpaceWith, requireRoleOver, requireSpaceRole } from "../spaces/access";
import { parseAmountField } from "../transactions/postings";
import { alertThresholdOf, checkOneBudgetAlert } from "./alerts";
import { ymdString, zonedDate } from "../../lib/zoned-time";
import { type AllocationInput, checkBudget, type Link, parseLinks } from "./rules";
import { type BudgetData, budgetReads, type BudgetRow, type LinkRow, spendingFrom, spendingFromRows, spendingStatement } from "./spending";
import { currentPeriod, type Period } from "./periods";
import { dropWaitsAheadStatement, periodWaitsStatement } from "./period-waits";
import { type ConvertedSpending, convertSpendings } from "./conversion";
import type { Locale } from "../../lib/i18n";

/** The API's view of budget `b`: its links with their categories' names, and its spending `s`. */
function presentWith(b: BudgetRow, links: Pick<LinkRow, "categoryId" | "allocated">[], names: ReadonlyMap<string, string>, s: ConvertedSpending) {
  const scale = CURRENCY_SCALES[b.currency as Currency];
  const money = (m: number | bigint) => toMajorNumber(m, scale);
  const exact = (m: number | bigint) => formatMinor(m, scale);
  const remaining = BigInt(b.amount) - s.spent;
  const status = s.window.finished ? "completed" : s.spent > BigInt(b.amount) ? "exceeded" : "active";
  return {
    id: b.id,
    spaceId: b.spaceId,
    name: b.name,
    amount: money(b.amount),
    amountDecimal: exact(b.amount),
    spent: money(s.spent),
    spentDecimal: exact(s.spent),
    remaining: money(remaining),
    remainingDecimal: exact(remaining),
    currency: b.currency,
    period: b.period,
    startDate: b.startDate,
    endDate: b.endDate,
    currentPeriod: { startDate: s.window.startDate, endDate: s.window.endDate },
    status: status as "active" | "exceeded" | "completed",
    categories: links.map((l) => ({
      id: l.categoryId,
      name: names.get(l.categoryId) ?? "",
      allocated: l.allocated === null ? null : money(l.allocated),
      allocatedDecimal: l.allocated === null ? null : exact(l.allocated),
      spent: money(s.byCategory.get(l.categoryId) ?? 0n),
      spentDecimal: exact(s.byCategory.get(l.categoryId) ?? 0n),
    })),
    // The threshold it alerts at: a budget given none alerts at the default.
    alerts: { threshold: alertThresholdOf(b), enabled: b.alertsEnabled },
    conversion: s.conversion,
  };
}

/** Budget `b`'s spending over `categoryIds` now, other currencies converted. */
async function spendingNow(svc: Services, b: BudgetRow, categoryIds: string[], tz: string, locale: Locale): Promise<ConvertedSpending> {
  const db = svc.env.DB;
  const window = currentPeriod({ period: b.period as Period, startDate: b.startDate, endDate: b.endDate }, svc.clock.now(), tz);
  // With alerts on, its spending in later periods waits for them (period-waits.ts), in the read's own batch.
  const waits = b.alertsEnabled ? periodWaitsStatement(db, b, categoryIds, window, tz) : null;
  const rows = categoryIds.length === 0 ? [] : (await db.batch([spendingStatement(db, b, categoryIds, window), ...(waits ? [waits] : [])]))[0]!.results;
  const spending = spendingFromRows(b, window, categoryIds, rows as Record<string, unknown>[], tz);
  return convertSpendings([{ budget: b, spending }], undefined, locale)[0]!;
}

/** presentWith for a budget just written, with its spending `s` and its categories' names read now. */
async function present(svc: Services, b: BudgetRow, links: Pick<LinkRow, "categoryId" | "allocated">[], s: ConvertedSpending) {
  const found = await categoriesById(svc, links.map((l) => l.categoryId));
  return presentWith(b, links, new Map([...found].map(([id, c]) => [id, c.name])), s);
}

/** presentWith for budgets `rows` of `budgetReads`' results, converted with the rates read beside them. */
async function presentRead(svc: Services, data: BudgetData, rows: BudgetRow[], tz: string, locale: Locale) {
  const spending = await Promise.all(rows.map((b) => spendingFrom(svc, data, b, tz)));
  const converted = convertSpendings(rows.map((b, i) => ({ budget: b, spending: spending[i]! })), undefined, locale);
  return rows.map((b, i) => {
    const links = data.links.filter((l) => l.budgetId === b.id);
    const names = new Map(links.filter((l) => l.name !== null).map((l) => [l.categoryId, l.name!]));
    return presentWith(b, links, names, converted[i]!);
  });
}

/** The fields a request actually carried (zod leaves absent optionals undefined). */
const givenFields = (input: object) => new Set(Object.entries(input).filter(([, v]) => v !== undefined).map(([k]) => k));

export async function createBudget(
  svc: Services,
  auth: AuthContext,
  input: { spaceId: string; name: string; amount: number | string; period: BudgetRow["period"]; startDate?: string; endDate?: string; categoryIds?: string[]; categories?: AllocationInput[]; alertThreshold?: number; alertsEnabled?: boolean },
  locale: Locale = "en",
) {
  const { space } = await requireSpaceRole(svc, auth, input.spaceId, "member");
  const scale = CURRENCY_SCALES[space.currency as Currency];
  const now = svc.clock.now();
  const row: BudgetRow = {
    id: newId("bud", now), spaceId: input.spaceId, name: input.name, amount: parseAmountField("amount", input.amount, scale),
    currency: space.currency, period: input.period,
    startDate: input.startDate ?? ymdString({ ...zonedDate(now, space.timezone), d: 1 }),
    endDate: input.endDate ?? null, alertThreshold: input.alertThreshold ?? null, alertsEnabled: input.alertsEnabled ?? true,
    createdAt: now, updatedAt: now,
  };
  const links = await parseLinks(svc, input.spaceId, row.id, scale, input);
  checkBudget(row, links, givenFields(input));
  await insertBudget(svc, auth, row, links);
  const spending = await spendingNow(svc, row, links.map((l) => l.categoryId), space.timezone, locale);
  // Spending already past the threshold alerts at once.
  await checkOneBudgetAlert(svc, row, spending);
  return present(svc, row, links, spending);
}

/**
 * Inserts budget `row` with its `links`, unless its space has MAX_BUDGETS_PER_SPACE already: counted in the
 * insert itself (concurrent creates cannot all pass a count read before any of them inserts), and a guard
 * fails the batch, links and all, when the count kept the budget out.
 */
async function insertBudget(svc: Services, auth: AuthContext, row: BudgetRow, links: (typeof budgetCategories.$inferInsert)[]) {
  const db = svc.env.DB;
  const b = entityRows(budgets, [row]);
  try {
    // Only while the caller may still write in the live space: one deleted meanwhile keeps no budget (batchAsMember).
    await batchAsMember(svc, auth, row.spaceId, "member", [
      db.prepare(`INSERT INTO ${b.table} (${b.columns.join(", ")}) SELECT ${b.columns.map(() => "?").join(", ")} WHERE (SELECT COUNT(*) FROM ${b.table} WHERE space_id = ?) < ?`)
        .bind(...b.rows[0]!, row.spaceId, MAX_BUDGETS_PER_SPACE),
      batchGuard(db, "EXISTS (SELECT 1 FROM budgets WHERE id = ?)", [row.id]),
      ...insertEntities(db, budgetCategories, links),
    ], { otherGuards: true });
  } catch (err) {
    if (!refusedByGuard(err)) throw err;
    throw validationFailed([{ field: "spaceId", message: `A space may have at most ${MAX_BUDGETS_PER_SPACE} budgets`, code: "LIMIT_REACHED" }]);
  }
}

async function budgetFor(svc: Services, auth: AuthContext, id: string, min: "viewer" | "member") {
  const row = await svc.db.select().from(budgets).where(eq(budgets.id, id)).get();
  if (!row) throw notFound("Budget");
  const m = await requireRoleOver(svc, auth, row.spaceId, min, "Budget");
  return { row, tz: m.space.timezone };
}

/** The budget, its links and its spending in the batch that reads it and checks the caller's role. */
export async function getBudget(svc: Services, auth: AuthContext, id: string, locale: Locale = "en") {
  const now = svc.clock.now();
  let reads: ReturnType<typeof budgetReads> | undefined;
  const { membership, results } = await readResource(svc, auth, "budgets", id, "Budget", "viewer", (space) => (reads = budgetReads(svc.env.DB, space, now, id)).statements);
  const data = reads!.read(results);
  const row = data.budgets[0];
  if (!row) throw notFound("Budget");
  return (await presentRead(svc, data, [row], membership.space.timezone, locale))[0]!;
}

/** The space's budgets with their links and spending in the batch that checks the caller's role, however many. */
export async function listBudgets(svc: Services, auth: AuthContext, q: { spaceId: string; period?: string; status?: string }, locale: Locale = "en") {
  const now = svc.clock.now();
  const { membership, data } = await readSpaceWith(svc, auth, q.spaceId, "viewer", (space) => budgetReads(svc.env.DB, space, now));
  const rows = data!.budgets.filter((b) => !q.period || b.period === q.period);
  const out = await presentRead(svc, data!, rows, membership.space.timezone, locale);
  return out.filter((b) => !q.status || b.status === q.status);
}

/** How many times a PATCH is applied again on a budget another request changed meanwhile, before a 409. */
const PATCH_ATTEMPTS = 3;

type BudgetPatch = {
  name?: string; amount?: number | string; period?: BudgetRow["period"]; startDate?: string; endDate?: string | null;
  categoryIds?: string[]; categories?: AllocationInput[]; alertThreshold?: number | null; alertsEnabled?: boolean;
};

/**
 * Applies `patch` and checks the result with create's rules (`checkBudget`), so PATCH cannot store what POST refuses.
 * The rules hold across fields (the allocations within the amount, the end after the start), so the budget is written
 * whole, only over the row it was checked against: one that another PATCH changed meanwhile is read and the patch
 * applied to it again (two PATCHes of different fields at once both land, and never store what neither checked).
 */
export async function updateBudget(svc: Services, auth: AuthContext, id: string, patch: BudgetPatch, locale: Locale = "en") {
  for (let attempt = 1; ; attempt++) {
    const applied = await applyBudgetPatch(svc, auth, id, patch, locale);
    if (applied) return applied;
    if (attempt === PATCH_ATTEMPTS) throw conflict("The budget kept changing while this request was applied; read it and try again");
  }
}

/** One attempt of updateBudget: null if the budget changed since it was read. */
async function applyBudgetPatch(svc: Services, auth: AuthContext, id: string, patch: BudgetPatch, locale: Locale) {
  const { row, tz } = await budgetFor(svc, auth, id, "member");
  // The budget's own currency, not the space's: a space may change currency after the budget was made.
  const scale = CURRENCY_SCALES[row.currency as Currency];
  const updated: BudgetRow = {
    ...row,
    name: patch.name ?? row.name,
    amount: patch.amount === undefined ? row.amount : parseAmountField("amount", patch.amount, scale),
    period: patch.period ?? row.period,
    startDate: patch.startDate ?? row.startDate,
    endDate: patch.endDate === undefined ? row.endDate : patch.endDate,
    alertThreshold: patch.alertThreshold === undefined ? row.alertThreshold : patch.alertThreshold,
    alertsEnabled: patch.alertsEnabled ?? row.alertsEnabled,
    // Later than the row read, whatever the clock says: every write moves it, so the guard below sees any of them.
    updatedAt: Math.max(svc.clock.now(), row.updatedAt + 1),
  };
  const replace = patch.categoryIds !== undefined || patch.categories !== undefined;
  const links: Link[] = replace
    ? await parseLinks(svc, row.spaceId, id, scale, patch)
    : await svc.db.select().from(budgetCategories).where(eq(budgetCategories.budgetId, id));
  checkBudget(updated, links, givenFields(patch));
  const db = svc.env.DB;
  try {
    await db.batch([
      // And only while the caller may still write in the live space: a refusal is read again, and budgetFor answers it.
      batchGuard(db, `EXISTS (SELECT 1 FROM budgets WHERE id = ? AND updated_at = ?) AND ${memberAtLeastSql("?", "?", "member")}`, [id, row.updatedAt, row.spaceId, auth.userId]),
      d1Statement(db, svc.db.update(budgets).set(updated).where(eq(budgets.id, id))),
      ...(replace ? [db.prepare("DELETE FROM budget_categories WHERE budget_id = ?").bind(id), ...insertEntities(db, budgetCategories, links)] : []),
      // Its waits ahead go: spendingNow records those of the budget as it is now (period-waits.ts).
      dropWaitsAheadStatement(db, svc.clock.now(), "?", [id]),
    ]);
  } catch (err) {
    if (refusedByGuard(err)) return null;
    throw err;
  }
  const spending = await spendingNow(svc, updated, links.map((l) => l.categoryId), tz, locale);
  await checkOneBudgetAlert(svc, updated, spending);
  return present(svc, updated, links, spending);
}

export async function deleteBudget(svc: Services, auth: AuthContext, id: string) {
  const { row } = await budgetFor(svc, auth, id, "member");
  const db = svc.env.DB;
  // Only while the caller may still write in the live space (batchAsMember: a removal meanwhile is the budget's 404).
  await batchAsMember(svc, auth, row.spaceId, "member", [
    d1Statement(db, svc.db.delete(budgetCategories).where(eq(budgetCategories.budgetId, id))),
    d1Statement(db, svc.db.delete(budgets).where(eq(budgets.id, id))),
    // Its waits for later periods (period-waits.ts): the hourly task would drop them, unchecked, anyway.
    db.prepare("DELETE FROM budget_period_waits WHERE budget_id = ?").bind(id),
  ], { resource: "Budget" });
}

