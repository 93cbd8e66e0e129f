/**
 * Budgets waiting for a period to begin. An alert check reads only the current period, so spending dated
 * ahead (January's rent entered on 20 December) could only alert at a write into the budget in its own
 * period, if one ever came. So every alert check (alerts.ts: a write's, a sync's, a budget's create or
 * PATCH, a zone change's, the rate waits') also records, in the batch it already sends, each later period of
 * the budget that holds spending, by its start instant in the space's zone (`budget_period_waits`, one row
 * per budget and period start). This hourly task checks the budgets whose period has begun, oldest first, a
 * bounded number a run, and drops their waits; the outbox's dedupe keys keep the alert to one per period and
 * bar however many checks race (alert-bars.ts). A wait outlives what made it (a voided or moved transaction,
 * a zone changed since): it is then a check that finds nothing to alert. A deleted budget's waits go with it
 * (service.ts); those a race left, and a deleted space's, this task drops unchecked. The task runs by the
 * clock, within the hour after a period begins (the hour's run, or the next in a zone offset by a half hour).
 */
import type { Services } from "../../env";
import { logError } from "../../lib/log";
import { jsonList } from "../../lib/sql";
import { addDays, parseYmd, zonedMidnight } from "../../lib/zoned-time";
import { addMonths, MONTHS, type Period, type PeriodWindow } from "./periods";
import { COUNTED, inCategories, type BudgetRow } from "./spending";
import { checkBudgetsAlerts } from "./alerts";

/**
 * Periods after the current one a check records waits for, each its own; spending further ahead waits for the
 * last of them, whose check (now the current period's) records the next ones.
 */
const PERIODS_AHEAD = 12;
/**
 * Waits handled a run, oldest first: budgets are checked BUDGETS_PER_CHECK at a time, of any spaces, in one read
 * and one batch each (about two statements a budget), so a run stays well within an invocation's queries, which
 * the hourly tasks share. More due at once (a month's first hour in a popular zone) wait for the next runs.
 */
const WAITS_PER_RUN = 200;
const BUDGETS_PER_CHECK = 50;
/** Past every instant: the open end of a budget without an end date. */
const NO_END = Number.MAX_SAFE_INTEGER;

/**
 * `b`'s periods after `window` (its current one), at most PERIODS_AHEAD, as [start, exclusive end] instants in
 * zone `tz`: the last one runs to the budget's end (or for ever). Arithmetic on the start date as
 * `currentPeriod` does it; midnights come from zoned-time's cache, so a write pays next to nothing for them.
 */
export function periodsAhead(b: Pick<BudgetRow, "period" | "startDate" | "endDate">, window: PeriodWindow, tz: string): [number, number][] {
  if (window.finished) return [];
  const anchor = parseYmd(b.startDate);
  const step = MONTHS[b.period as Period];
  const current = parseYmd(window.startDate);
  const k = ((current.y - anchor.y) * 12 + (current.m - anchor.m)) / step;
  const end = b.endDate ? zonedMidnight(addDays(parseYmd(b.endDate), 1), tz) : NO_END;
  const out: [number, number][] = [];
  for (let i = 1; i <= PERIODS_AHEAD; i++) {
    const start = zonedMidnight(addMonths(anchor, (k + i) * step), tz);
    if (start >= end) break;
    if (out.length > 0) out[out.length - 1]![1] = start;
    out.push([start, end]);
  }
  return out;
}

/**
 * The statement that records `b`'s waits: each period ahead (`periodsAhead`) holding spending of `categoryIds`,
 * counted as the budget counts it (one probe of the space's date index a period, which stops at its first
 * row). Null when the budget has no period ahead. Meant for a batch the caller sends anyway.
 */
export function periodWaitsStatement(db: D1Database, b: BudgetRow, categoryIds: string[], window: PeriodWindow, tz: string): D1PreparedStatement | null {
  const ahead = periodsAhead(b, window, tz);
  if (ahead.length === 0 || categoryIds.length === 0) return null;
  return db
    .prepare(
      `INSERT OR IGNORE INTO budget_period_waits (budget_id, due_at)
       WITH wanted(id) AS (SELECT value FROM json_each(?)),
            p(at, next) AS (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?))
       SELECT ?, p.at FROM p WHERE EXISTS (
         SELECT 1 FROM transactions t LEFT JOIN categories c ON c.id = t.category_id
          WHERE t.space_id = ? AND t.date >= p.at AND t.date < p.next AND ${COUNTED} AND ${inCategories("(SELECT id FROM wanted)")})`,
    )
    .bind(jsonList(categoryIds), JSON.stringify(ahead), b.id, b.spaceId);
}

/** The hourly task: checks the budgets whose waited-for period has begun by `nowMs`, and drops those waits. */
export async function alertBudgetsAtPeriodStart(svc: Services, nowMs = svc.clock.now()): Promise<{ checked: number; alerts: number; failed: number }> {
  const db = svc.env.DB;
  const due = await db
    .prepare("SELECT budget_id, due_at FROM budget_period_waits WHERE due_at <= ? ORDER BY due_at LIMIT ?")
    .bind(nowMs, WAITS_PER_RUN)
    .all<{ budget_id: string; due_at: number }>();
  let checked = 0;
  let alerts = 0;
  let failed = 0;
  for (let i = 0; i < due.results.length; i += BUDGETS_PER_CHECK) {
    const waits = due.results.slice(i, i + BUDGETS_PER_CHECK);
    const handled = JSON.stringify(waits.map((w) => [w.budget_id, w.due_at]));
    try {
      // Run after the period began, the check reads it as the current one (and records the waits beyond it). A
      // budget deleted, with alerts off or in a deleted space is not read: its wait is dropped unchecked.
      alerts += (await checkBudgetsAlerts(svc, [...new Set(waits.map((w) => w.budget_id))])).created;
      await db.prepare(`DELETE FROM budget_period_waits WHERE (budget_id, due_at) IN (${WAITS_OF_JSON})`).bind(handled).run();
      checked += waits.length;
    } catch (err) {
      // Kept, and sent behind the waits due now: a failing check cannot hold up the others.
      logError(undefined, "budgets.period_wait_failed", err, { waits: waits.length });
      await db.prepare(`UPDATE OR REPLACE budget_period_waits SET due_at = ? WHERE (budget_id, due_at) IN (${WAITS_OF_JSON})`).bind(nowMs, handled).run();
      failed += waits.length;
    }
  }
  return { checked, alerts, failed };
}

/**
 * Drops the waits not yet due of the budgets `budgetsSql` selects (binding `params`), for a batch that changes
 * when their periods begin (a zone change, a budget's new start date or period) before the check that records
 * them again: the old instants would otherwise stay until they came, about 12 a budget for each change, each a
 * check of the hourly task's few, so a script of changes could fill its queue for every space.
 */
export function dropWaitsAheadStatement(db: D1Database, nowMs: number, budgetsSql: string, params: unknown[]): D1PreparedStatement {
  return db.prepare(`DELETE FROM budget_period_waits WHERE due_at > ? AND budget_id IN (${budgetsSql})`).bind(nowMs, ...params);
}

/** The waits of a JSON list of [budget id, due instant] pairs (one parameter). */
const WAITS_OF_JSON = "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?)";
