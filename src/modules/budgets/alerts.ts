/**
 * The budget threshold alert: when a budget's spending crosses its alert
 * threshold, `budget.alert.threshold_exceeded` goes into the event outbox
 * once per budget per period. The outbox's unique dedupe key makes "once"
 * hold even when many transactions cross the threshold at the same moment.
 */
import { eq } from "drizzle-orm";
import type { Services } from "../../env";
import { budgetCategories, budgets, spaces } from "../../db/schema";
import { publishEvent } from "../webhooks/publish";
import { IN_JSON_LIST, inJsonList, jsonList, rowReader } from "../../lib/sql";
import { type Currency, CURRENCY_SCALES, formatMinor, toMajorNumber } from "../../lib/money";
import type { PostCommitRead } from "../ledger/operations";
import { type BudgetRow, spendingOf } from "./spending";

const readBudget = rowReader(budgets);

export const THRESHOLD_EVENT = "budget.alert.threshold_exceeded" as const;

const distinctIds = (categoryIds: (string | null | undefined)[]) => [...new Set(categoryIds.filter((x): x is string => !!x))];

/**
 * The read of the space's alerting budgets that watch any of `categoryIds` or their parents (null when
 * there is no category to watch). The ids go in as one JSON parameter, so a bulk change touching
 * hundreds of categories stays under D1's cap. Prepared SQL, not a drizzle builder: this runs after
 * every categorized write, and building the nested query cost more CPU than the query itself (it
 * nearly always finds no budget). A single write hands it to the ledger (`readAfter`), which runs it
 * in the write's own batch: the alert then needs no round trip of its own.
 */
export function watchingBudgetsRead(spaceId: string, categoryIds: (string | null | undefined)[]): PostCommitRead | null {
  const ids = distinctIds(categoryIds);
  if (ids.length === 0) return null;
  const list = jsonList(ids);
  return {
    sql: `SELECT * FROM budgets WHERE space_id = ? AND alerts_enabled = 1 AND alert_threshold IS NOT NULL
        AND id IN (SELECT budget_id FROM budget_categories
                    WHERE category_id ${IN_JSON_LIST} OR category_id IN (SELECT parent_id FROM categories WHERE id ${IN_JSON_LIST}))`,
    params: [spaceId, list, list],
  };
}

/**
 * Checks the budgets that track any of `categoryIds` (or their parents). `watching`: the rows of
 * `watchingBudgetsRead` when the caller already has them (read in its write's batch).
 */
export async function checkBudgetAlerts(
  svc: Services, spaceId: string, categoryIds: (string | null | undefined)[], watching?: Record<string, unknown>[],
): Promise<number> {
  const read = watchingBudgetsRead(spaceId, categoryIds);
  if (!read) return 0;
  const found = watching ?? (await svc.env.DB.prepare(read.sql).bind(...read.params).all()).results;
  if (found.length === 0) return 0;
  const rows = found.map(readBudget);
  const [space, cats] = await Promise.all([
    svc.db.select({ timezone: spaces.timezone }).from(spaces).where(eq(spaces.id, spaceId)).get(),
    svc.db.select().from(budgetCategories).where(inJsonList(budgetCategories.budgetId, rows.map((b) => b.id))),
  ]);
  const tz = space?.timezone ?? "UTC";
  // Each budget has its own period, so each gets its own spending query; they run side by side.
  const emitted = await Promise.all(rows.map((b) => alertIfCrossed(svc, b, cats.filter((c) => c.budgetId === b.id).map((c) => c.categoryId), tz)));
  return emitted.reduce((sum, n) => sum + n, 0);
}

/**
 * The alert of one budget just created or patched. Writing a budget changes
 * no other budget's spending, so only this one needs checking.
 */
export async function checkOneBudgetAlert(svc: Services, b: BudgetRow, categoryIds: string[], tz: string): Promise<number> {
  if (!b.alertsEnabled || categoryIds.length === 0) return 0;
  return alertIfCrossed(svc, b, categoryIds, tz);
}

/** Writes the period's threshold event (once: the dedupe key) if `b`'s spending has reached its threshold. */
async function alertIfCrossed(svc: Services, b: BudgetRow, categoryIds: string[], tz: string): Promise<number> {
  if (b.alertThreshold === null) return 0;
  const s = await spendingOf(svc, b, categoryIds, tz);
  // In BigInt: spent × 100 can pass 2^53 for large budgets, where doubles would round the comparison.
  const percent = BigInt(s.spent) * 100n;
  if (s.window.finished || percent < BigInt(b.alertThreshold) * BigInt(b.amount)) return 0;
  const scale = CURRENCY_SCALES[b.currency as Currency];
  const payload = {
    budgetId: b.id,
    spaceId: b.spaceId,
    currentSpent: toMajorNumber(s.spent, scale),
    currentSpentDecimal: formatMinor(s.spent, scale),
    budgetAmount: toMajorNumber(b.amount, scale),
    budgetAmountDecimal: formatMinor(b.amount, scale),
    threshold: b.alertThreshold,
    percentageSpent: Number(percent / BigInt(b.amount)),
    periodStart: s.window.startDate,
    periodEnd: s.window.endDate,
  };
  // Once per budget and period (the dedupe key); delivered to webhooks at once, not at the next sweep.
  const published = await publishEvent(svc, {
    spaceId: b.spaceId, type: THRESHOLD_EVENT, payload, dedupeKey: `${THRESHOLD_EVENT}:${b.id}:${s.window.startDate}`,
  });
  return published.created ? 1 : 0;
}

