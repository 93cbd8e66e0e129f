/**
 * What a budget has spent in its current period, computed from the
 * transactions that the ledger committed: expenses count, refunds in the same
 * categories reduce it, voided transactions do not count. Subcategories count
 * toward a budgeted parent category.
 */
import type { Services } from "../../env";
import { jsonList } from "../../lib/sql";
import type { budgets } from "../../db/schema";
import { currentPeriod, type Period, type PeriodWindow } from "./periods";

export type BudgetRow = typeof budgets.$inferSelect;

export interface Spending {
  window: PeriodWindow;
  /** Minor units; positive means money went out. */
  spent: number;
  byCategory: Map<string, number>;
}

export async function spendingOf(svc: Services, b: BudgetRow, categoryIds: string[], tz: string): Promise<Spending> {
  const window = currentPeriod({ period: b.period as Period, startDate: b.startDate, endDate: b.endDate }, svc.clock.now(), tz);
  const byCategory = new Map<string, number>(categoryIds.map((id) => [id, 0]));
  if (categoryIds.length === 0) return { window, spent: 0, byCategory };
  // Cash flows only: transfers, trades and opening balances move no money to or from a category in the
  // ledger, so counting them would part budgets from the ledger's category balances.
  // The category list is one JSON parameter, named once in a CTE and used for
  // both the categories and their children: a list of `?`s would be bound
  // twice and pass D1's 100-parameter cap at 49 categories.
  const res = await svc.env.DB.prepare(
    `WITH wanted(id) AS (SELECT value FROM json_each(?))
     SELECT COALESCE(c.parent_id, t.category_id) AS parent, t.category_id AS category, -SUM(t.amount) AS spent
       FROM transactions t LEFT JOIN categories c ON c.id = t.category_id
      WHERE t.space_id = ? AND t.currency = ? AND t.status != 'cancelled' AND t.date >= ? AND t.date < ?
        AND t.type IN ('expense', 'income', 'fee', 'other') AND (t.subtype IS NULL OR t.subtype != 'opening_balance')
        AND (t.category_id IN (SELECT id FROM wanted) OR c.parent_id IN (SELECT id FROM wanted))
      GROUP BY t.category_id`,
  )
    .bind(jsonList(categoryIds), b.spaceId, b.currency, window.startMs, window.endMsExclusive)
    .all<{ parent: string; category: string; spent: number }>();
  let spent = 0;
  for (const r of res.results) {
    const key = byCategory.has(r.category) ? r.category : r.parent;
    byCategory.set(key, (byCategory.get(key) ?? 0) + r.spent);
    spent += r.spent;
  }
  return { window, spent, byCategory };
}
