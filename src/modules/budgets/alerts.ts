/**
 * The budget threshold alert: when a budget's spending crosses its alert
 * threshold, `budget.alert.threshold_exceeded` goes into the event outbox
 * once per budget per period, and once more only when the budget's bar (its
 * amount times its threshold) is raised above every bar already alerted in the
 * period: a budget raised after its alert alerts again when spending reaches
 * the new bar. The outbox's unique dedupe key makes "once" hold even when many
 * transactions cross the threshold at the same moment (alert-bars.ts).
 */
import type { Services } from "../../env";
import { budgets } from "../../db/schema";
import { type PublishInput, publishEvent, publishEvents } from "../webhooks/publish";
import { IN_JSON_LIST, jsonList, rowReader } from "../../lib/sql";
import { type Currency, CURRENCY_SCALES, moneyFields } from "../../lib/money";
import type { PostCommitRead } from "../ledger/operations";
import { currentPeriod, type Period } from "./periods";
import { type BudgetRow, spendingFromRows, spendingStatement } from "./spending";
import { type ConvertedSpending, convertSpendings } from "./conversion";
import { alertKey, alertRange, alertsOutStatement } from "./alert-bars";
import { periodWaitsStatement } from "./period-waits";

const readBudget = rowReader(budgets);

export const THRESHOLD_EVENT = "budget.alert.threshold_exceeded" as const;

const distinctIds = (categoryIds: (string | null | undefined)[]) => [...new Set(categoryIds.filter((x): x is string => !!x))];

/**
 * The read of the space's alerting budgets that watch any of `categoryIds` or their parents (null when
 * there is no category to watch), each with its categories (`category_ids`, a JSON array) and its
 * space's zone (`space_timezone`): all that checking them needs besides their spending. The ids go in as
 * one JSON parameter, so a bulk change touching hundreds of categories stays under D1's cap. Prepared
 * SQL, not a drizzle builder: this runs after every categorized write, and building the nested query
 * cost more CPU than the query itself (it nearly always finds no budget). A single write hands it to
 * the ledger (`readAfter`), which runs it in the write's own batch; a provider sync runs it once for all its
 * rows, in the batch that sets the connection's next sync (providers/sync.ts).
 */
export function watchingBudgetsRead(spaceId: string, categoryIds: (string | null | undefined)[]): PostCommitRead | null {
  const ids = distinctIds(categoryIds);
  if (ids.length === 0) return null;
  const list = jsonList(ids);
  return {
    sql: `${ALERTING_BUDGETS} AND b.id IN (SELECT budget_id FROM budget_categories
                           WHERE category_id ${IN_JSON_LIST} OR category_id IN (SELECT parent_id FROM categories WHERE id ${IN_JSON_LIST}))`,
    params: [spaceId, list, list],
  };
}

/** The percentage of a budget at which it alerts, and the dashboard counts it at risk, when none was set. */
export const DEFAULT_ALERT_THRESHOLD = 80;

/** The threshold `b` alerts at: its own, or the default (one set to none used to mean an alert that never came). */
export const alertThresholdOf = (b: { alertThreshold: number | null }) => b.alertThreshold ?? DEFAULT_ALERT_THRESHOLD;

/** The space's (`?`) budgets with alerts on, as `watchingBudgetsRead` reads them. */
const ALERTING_BUDGETS = `SELECT b.*, (SELECT timezone FROM spaces WHERE id = b.space_id) AS space_timezone,
                 (SELECT json_group_array(category_id) FROM budget_categories WHERE budget_id = b.id) AS category_ids
            FROM budgets b WHERE b.space_id = ? AND b.alerts_enabled = 1`;

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
  return (await checkWatching(svc, found)).created;
}

/**
 * Checks every budget of the space that has alerts on: after a change of its rates, which moves what its
 * spending in other currencies counts.
 */
export async function checkSpaceBudgetAlerts(svc: Services, spaceId: string): Promise<AlertCheck> {
  return checkWatching(svc, (await svc.env.DB.prepare(ALERTING_BUDGETS).bind(spaceId).all()).results);
}

/**
 * Checks budgets `budgetIds`, of any spaces, that have alerts on and whose space is live: once a period they
 * waited for began (period-waits.ts). One read and one batch for all of them, as a write's check.
 */
export async function checkBudgetsAlerts(svc: Services, budgetIds: string[]): Promise<AlertCheck> {
  const found = await svc.env.DB.prepare(
    `SELECT b.*, s.timezone AS space_timezone,
            (SELECT json_group_array(category_id) FROM budget_categories WHERE budget_id = b.id) AS category_ids
       FROM budgets b JOIN spaces s ON s.id = b.space_id AND s.deleted_at IS NULL
      WHERE b.id ${IN_JSON_LIST} AND b.alerts_enabled = 1`,
  ).bind(jsonList(budgetIds)).all();
  return checkWatching(svc, found.results);
}

export interface AlertCheck {
  /** Alerts written now. */
  created: number;
  /** True when a budget whose alert is not out had spending it could not convert (no rate or price yet). */
  waiting: boolean;
}

/**
 * The alerts of budgets `found` (rows as `watchingBudgetsRead` reads them). Every budget's spending (with
 * the rates converting it) and whether its period's alert is already out are read in one batch; only an
 * alert not yet out is written. A budget under its threshold with spending it could not convert puts its
 * space among those waiting for rates (rate-waits.ts), beside the alerts' write: a rate or price that
 * arrives later touches no space, so nothing else would check it again before the space's next write.
 * Spending dated in a later period puts the budget among those waiting for that period (period-waits.ts),
 * in the same batch as the reads: a check costs no round trip more for it.
 */
async function checkWatching(svc: Services, found: Record<string, unknown>[]): Promise<AlertCheck> {
  const none = { created: 0, waiting: false };
  if (found.length === 0) return none;
  const db = svc.env.DB;
  const nowMs = svc.clock.now();
  const checks = found
    .map((raw) => {
      const b = readBudget(raw);
      const tz = String(raw.space_timezone ?? "UTC");
      const window = currentPeriod({ period: b.period as Period, startDate: b.startDate, endDate: b.endDate }, nowMs, tz);
      return { b, categoryIds: JSON.parse(String(raw.category_ids ?? "[]")) as string[], window, tz };
    })
    .filter((c) => c.categoryIds.length > 0 && !c.window.finished);
  if (checks.length === 0) return none;
  const results = await db.batch([
    ...checks.map((c) => spendingStatement(db, c.b, c.categoryIds, c.window)),
    alertsOutStatement(db, checks.map((c) => alertRange(c.b, c.window))),
    // Writes, so after the reads: their results are not read.
    ...checks.flatMap((c) => periodWaitsStatement(db, c.b, c.categoryIds, c.window, c.tz) ?? []),
  ]);
  const alerted = results[checks.length]!.results as { dedupe_key: string; payload: string }[];
  const open = checks.flatMap((c, i) => {
    const key = alertKey(c.b, c.window, alerted);
    return key === null ? [] : [{ c, key, spending: spendingFromRows(c.b, c.window, c.categoryIds, results[i]!.results as Record<string, unknown>[], c.tz) }];
  });
  if (open.length === 0) return none;
  const converted = convertSpendings(open.map((o) => ({ budget: o.c.b, spending: o.spending })));
  const events: PublishInput[] = [];
  const waitingSpaces = new Set<string>();
  open.forEach((o, i) => {
    const s = converted[i]!;
    const event = thresholdEvent(o.c.b, s, o.key);
    if (event) events.push(event);
    else if (s.conversion && !s.conversion.complete) waitingSpaces.add(o.c.b.spaceId);
  });
  const [published] = await Promise.all([
    publishEvents(svc, events),
    waitingSpaces.size ? db.batch([...waitingSpaces].map((id) => awaitRatesStatement(db, id, nowMs))) : null,
  ]);
  return { created: published.filter((r) => r.created).length, waiting: waitingSpaces.size > 0 };
}

/** Puts space `spaceId` among those whose budgets wait for a rate or price (its first wait's time kept). */
const awaitRatesStatement = (db: D1Database, spaceId: string, nowMs: number) =>
  db.prepare("INSERT INTO budget_rate_waits (space_id, first_at, last_at) VALUES (?, ?, ?) ON CONFLICT (space_id) DO UPDATE SET last_at = excluded.last_at")
    .bind(spaceId, nowMs, nowMs);

/**
 * The alert of one budget just created or patched, of its spending `s`. Writing a budget changes no other
 * budget's spending, so only this one needs checking.
 */
export async function checkOneBudgetAlert(svc: Services, b: BudgetRow, s: ConvertedSpending): Promise<number> {
  if (!b.alertsEnabled || s.byCategory.size === 0) return 0;
  if (reached(b, s)) {
    // Which alert this would be (the period's first, or one at a raised bar), or none: read only when it is due.
    const alerted = (await alertsOutStatement(svc.env.DB, [alertRange(b, s.window)]).all<{ dedupe_key: string; payload: string }>()).results;
    const key = alertKey(b, s.window, alerted);
    const event = key === null ? null : thresholdEvent(b, s, key);
    return event ? ((await publishEvent(svc, event)).created ? 1 : 0) : 0;
  }
  // Under its threshold with spending it could not convert: waits for the rate like any checked budget.
  if (s.conversion && !s.conversion.complete) await awaitRatesStatement(svc.env.DB, b.spaceId, svc.clock.now()).run();
  return 0;
}

/** Whether `b`'s spending `s` has reached its threshold in a period not over. */
function reached(b: BudgetRow, s: ConvertedSpending): boolean {
  // In BigInt: spent × 100 can pass 2^53 for large budgets, where doubles would round the comparison.
  return !s.window.finished && s.spent * 100n >= BigInt(alertThresholdOf(b)) * BigInt(b.amount);
}

/** The threshold event of `b`, under dedupe key `key`, if its spending `s` has reached the threshold (null otherwise). */
function thresholdEvent(b: BudgetRow, s: ConvertedSpending, key: string): PublishInput | null {
  const threshold = alertThresholdOf(b);
  const percent = s.spent * 100n;
  if (!reached(b, s)) return null;
  const scale = CURRENCY_SCALES[b.currency as Currency];
  const payload = {
    budgetId: b.id,
    spaceId: b.spaceId,
    ...moneyFields("currentSpent", s.spent, scale),
    ...moneyFields("budgetAmount", b.amount, scale),
    // The currency both amounts are in (the budget's, the space's): a receiver cannot tell it otherwise.
    currency: b.currency,
    threshold,
    percentageSpent: Number(percent / BigInt(b.amount)),
    periodStart: s.window.startDate,
    periodEnd: s.window.endDate,
  };
  // Delivered to webhooks at once (publishEvents queues it), not at the next sweep.
  return { spaceId: b.spaceId, type: THRESHOLD_EVENT, payload, dedupeKey: key };
}
