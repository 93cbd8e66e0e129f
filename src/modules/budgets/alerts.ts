/**
 * The budget threshold alert: when a budget's spending crosses its alert
 * threshold, `budget.alert.threshold_exceeded` goes into the event outbox
 * once per budget per period. The outbox's unique dedupe key makes "once"
 * hold even when many transactions cross the threshold at the same moment.
 */
import { and, eq, inArray, or } from "drizzle-orm";
import type { Services } from "../../env";
import { budgetCategories, budgets, categories, spaces } from "../../db/schema";
import { newId } from "../../lib/ids";
import { type Currency, CURRENCY_SCALES, toMajorNumber } from "../../lib/money";
import { spendingOf } from "./spending";

export const THRESHOLD_EVENT = "budget.alert.threshold_exceeded";

/** Checks the budgets that track any of `categoryIds` (or their parents). */
export async function checkBudgetAlerts(svc: Services, spaceId: string, categoryIds: (string | null | undefined)[]): Promise<number> {
  const ids = [...new Set(categoryIds.filter((x): x is string => !!x))];
  if (ids.length === 0) return 0;
  // One round trip on the hot path: budgets watching the categories or their parents.
  const parentIds = svc.db.select({ id: categories.parentId }).from(categories).where(inArray(categories.id, ids));
  const links = await svc.db
    .select({ budgetId: budgetCategories.budgetId })
    .from(budgetCategories)
    .innerJoin(budgets, eq(budgets.id, budgetCategories.budgetId))
    .where(and(
      eq(budgets.spaceId, spaceId),
      eq(budgets.alertsEnabled, true),
      or(inArray(budgetCategories.categoryId, ids), inArray(budgetCategories.categoryId, parentIds)),
    ));
  const budgetIds = [...new Set(links.map((l) => l.budgetId))];
  if (budgetIds.length === 0) return 0;
  const space = await svc.db.select({ timezone: spaces.timezone }).from(spaces).where(eq(spaces.id, spaceId)).get();
  const rows = await svc.db.select().from(budgets).where(inArray(budgets.id, budgetIds));
  const cats = await svc.db.select().from(budgetCategories).where(inArray(budgetCategories.budgetId, budgetIds));
  let emitted = 0;
  for (const b of rows) {
    if (b.alertThreshold === null) continue;
    const s = await spendingOf(svc, b, cats.filter((c) => c.budgetId === b.id).map((c) => c.categoryId), space?.timezone ?? "UTC");
    if (s.window.finished || s.spent * 100 < b.alertThreshold * b.amount) continue;
    const scale = CURRENCY_SCALES[b.currency as Currency];
    const now = svc.clock.now();
    const payload = {
      budgetId: b.id,
      spaceId,
      currentSpent: toMajorNumber(s.spent, scale),
      budgetAmount: toMajorNumber(b.amount, scale),
      threshold: b.alertThreshold,
      percentageSpent: Math.floor((s.spent * 100) / b.amount),
      periodStart: s.window.startDate,
      periodEnd: s.window.endDate,
    };
    const res = await svc.env.DB.prepare(
      "INSERT OR IGNORE INTO event_outbox (id, space_id, type, payload, dedupe_key, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    )
      .bind(newId("evt", now), spaceId, THRESHOLD_EVENT, JSON.stringify(payload), `${THRESHOLD_EVENT}:${b.id}:${s.window.startDate}`, now)
      .run();
    emitted += res.meta.changes;
  }
  return emitted;
}

