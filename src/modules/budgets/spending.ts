/**
 * What a budget has spent in its current period, computed from the
 * transactions that the ledger committed: expenses count, refunds in the same
 * categories reduce it, voided transactions do not count, and a bank linked
 * again counts each day once (relinks.ts). Subcategories count
 * toward a budgeted parent category. Spending in another currency than the
 * budget's is read by day (`foreign`), with the rates that may convert it, in
 * the same statement; `convertSpendings` converts it.
 */
import type { Services } from "../../env";
import { exactSumSql, jsonList, readExactSum, rowReader, type SqlGuard, type SqlValue } from "../../lib/sql";
import { budgetCategories, budgets } from "../../db/schema";
import { addDays, parseYmd, ymdString, zonedDate } from "../../lib/zoned-time";
import { type DatedAmount, HUB, LOOKBACK_DAYS, type RateRow } from "../rates/convert";
import { currentPeriod, type Period, type PeriodWindow } from "./periods";
import { heldAgain, relinkedAccountsSql } from "../../lib/relinks";

export type BudgetRow = typeof budgets.$inferSelect;

export interface Spending {
  window: PeriodWindow;
  /** Minor units; positive means money went out. Sums, so bigints: many amounts can pass 2^53 together. */
  spent: bigint;
  byCategory: Map<string, bigint>;
  /**
   * Spending in other currencies than the budget's, not yet in `spent` or `byCategory`: by the budgeted
   * category it counts toward (`key`), the currency and the day in the space's zone. `convertSpendings`
   * converts it at each day's rate and folds it in.
   */
  foreign: (DatedAmount & { key: string })[];
  /** The rates (and coin prices) converting `foreign` may need, read with it (`withRatesSql`). */
  rates: RateRow[];
}

/** Budget `b`'s spending over `categoryIds` in its period at `nowMs`, read on its own. */
export async function spendingOf(svc: Services, b: BudgetRow, categoryIds: string[], tz: string, nowMs = svc.clock.now()): Promise<Spending> {
  const window = currentPeriod({ period: b.period as Period, startDate: b.startDate, endDate: b.endDate }, nowMs, tz);
  if (categoryIds.length === 0) return spendingFromRows(b, window, categoryIds, [], tz);
  return spendingFromRows(b, window, categoryIds, (await spendingStatement(svc.env.DB, b, categoryIds, window).all()).results, tz);
}

/**
 * What a budget counts, of a transaction `t`: cash flows only. Transfers, trades, opening balances and balance adjustments move
 * no money to or from a category in the ledger, so counting them would part budgets from the ledger's
 * category balances. One text for both of the reads below, so they cannot drift apart.
 */
export const COUNTED = `t.status != 'cancelled' AND t.type IN ('expense', 'income', 'fee', 'other') AND (t.subtype IS NULL OR t.subtype NOT IN ('opening_balance', 'adjustment'))`;

/** Transaction `t` (with `c`, its category) is in one of `wanted`'s categories or one of their children. */
export const inCategories = (wanted: string) => `(t.category_id IN ${wanted} OR c.parent_id IN ${wanted})`;

/**
 * After the rows of a spending CTE `s` (its `columns`; `other` and `at` mark the groups in another
 * currency than their budget's and their instant), the rates converting those may need, as rows of
 * `kind` 1 (`kind` 0 for `s`'s own): the provider's rates, the space's own and the market's coin prices,
 * among their currencies, the budgets' (`budgetCurrencies`, SQL) and USD, from the rate lookback before
 * the earliest such group to the day after the latest (a zone's day is within a day of UTC's). With none
 * the day range is NULL and the rate reads find nothing, so a budget spending only its own currency reads
 * no rates. `space` is SQL naming the space, for its own rates.
 *
 * `takenOut`, a SELECT of the same `columns`: rows of `kind` 0 too, after `s`'s, that take part of some of
 * its groups out again (a relinked account's rows its successor holds again: `RELINKED_ROWS`). They are
 * parts of `s`'s groups, so they need no currency or day of their own; and they stay out of `s`, which
 * SQLite copies into every reference to it, `codes` and `days` (a dozen), before it plans them: in `s`,
 * the relink rule's SQL more than doubled the time to prepare the statement.
 */
function withRatesSql(columns: string[], budgetCurrencies: string, space: string, takenOut: string): string {
  const blanks = columns.map(() => "NULL").join(", ");
  const inCodes = (col: string) => `${col} IN (SELECT code FROM codes)`;
  const inDays = (col: string) => `${col} >= (SELECT d0 FROM days) AND ${col} <= (SELECT d1 FROM days)`;
  return `,
  codes(code) AS (SELECT currency FROM s WHERE other UNION ${budgetCurrencies} UNION SELECT '${HUB}'),
  days AS (SELECT date(min(at) / 1000.0, 'unixepoch', '-${LOOKBACK_DAYS + 1} days') AS d0, date(max(at) / 1000.0, 'unixepoch', '+1 day') AS d1 FROM s WHERE other)
  SELECT 0 AS kind, ${columns.join(", ")}, NULL AS base, NULL AS quote, NULL AS date, NULL AS rate, NULL AS source FROM s
  UNION ALL
  SELECT 0, ${columns.join(", ")}, NULL, NULL, NULL, NULL, NULL FROM (${takenOut})
  UNION ALL
  SELECT 1, ${blanks}, base, quote, date, rate, source FROM exchange_rates WHERE ${inCodes("base")} AND ${inCodes("quote")} AND ${inDays("date")}
  UNION ALL
  SELECT 1, ${blanks}, base, quote, date, rate, 'manual' FROM space_rates
   WHERE space_id = ${space} AND ${inCodes("base")} AND ${inCodes("quote")} AND ${inDays("date")}
  UNION ALL
  SELECT 1, ${blanks}, symbol, quote, day, price_decimal, 'market:' || source FROM market_prices WHERE ${inCodes("symbol")} AND ${inCodes("quote")} AND ${inDays("day")}`;
}

const SPENDING_COLUMNS = ["category", "parent", "currency", "spent", "at"];

/**
 * The read of budget `b`'s spending over `categoryIds` in `window` (one row per category, and in another
 * currency than the budget's one per category, currency and instant, whose day picks the rate), with the
 * rates those may need (`withRatesSql`), for `spendingFromRows`, of what a budget counts (`COUNTED`). The
 * category list is one JSON parameter, named once in a CTE and used for both the categories and their
 * children: a list of `?`s would be bound twice and pass D1's 100-parameter cap at 49 categories.
 *
 * A bank disconnected and linked again holds its history twice (relinks.ts): the space's rows are summed
 * from the covering index `transactions_cashflow_idx` as ever, and its relinked accounts' rows that their
 * successors hold again are summed apart, down the account index (`RELINKED_ROWS`), in the same groups,
 * as rows that take them out again (`withRatesSql`'s `takenOut`: `spendingFromRows` adds every row of a
 * group, and converts a day's amounts in another currency summed).
 */
export function spendingStatement(db: D1Database, b: BudgetRow, categoryIds: string[], window: PeriodWindow): D1PreparedStatement {
  const groups = "GROUP BY t.category_id, t.currency, CASE WHEN t.currency = ? THEN 0 ELSE t.date END";
  const keys = (amount: string) =>
    `COALESCE(c.parent_id, t.category_id) AS parent, t.category_id AS category, t.currency AS currency, t.currency != ? AS other,
            ${exactSumSql(amount)} AS spent, MIN(t.date) AS at`;
  const where = `${COUNTED} AND ${inCategories("(SELECT id FROM wanted)")}`;
  const takenOut = `SELECT ${keys("t.amount")}
       FROM ${RELINKED_ROWS} AND t.date >= ? AND t.date < ? LEFT JOIN categories c ON c.id = t.category_id
      WHERE ${where}
      ${groups}`;
  return db.prepare(
    `WITH wanted(id) AS (SELECT value FROM json_each(?)),
     relinked(id, since) AS MATERIALIZED (${relinkedAccountsSql("?")}),
     s AS MATERIALIZED (
     SELECT ${keys("-t.amount")}
       FROM transactions t LEFT JOIN categories c ON c.id = t.category_id
      WHERE t.space_id = ? AND t.date >= ? AND t.date < ? AND ${where}
      ${groups})${withRatesSql(SPENDING_COLUMNS, "SELECT ?", "?", takenOut)}`,
  ).bind(
    jsonList(categoryIds), b.spaceId,
    b.currency, b.spaceId, window.startMs, window.endMsExclusive, b.currency,
    b.currency, // the budget's currency among the rates' (`codes`)
    b.currency, window.startMs, window.endMsExclusive, b.currency, // taken out
    b.spaceId, // the space's own rates
  );
}

/**
 * The rows of a CTE `relinked(id, since)` (`relinkedAccountsSql`) that their successors hold again, as a join
 * to `transactions t` (more of its ON clause may follow): each relinked account's rows from `since` on, read
 * down the account index.
 */
const RELINKED_ROWS = `relinked r JOIN transactions t ON t.account_id = r.id AND ${heldAgain("t", "r.since")}`;

/**
 * The spending of budget `b` that rows of `spendingStatement` or `spendingSql` add up to (their sums exact,
 * `exactSumSql`): a subcategory's counts toward its budgeted parent. Rows in another currency go to
 * `foreign`, dated by their instant's day in the space's zone `tz`; rate rows (`kind` 1) to `rates`, with
 * `rates` (read beside them) added.
 */
export function spendingFromRows(
  b: BudgetRow, window: PeriodWindow, categoryIds: string[], rows: Record<string, unknown>[], tz: string, rates: RateRow[] = [],
): Spending {
  const byCategory = new Map<string, bigint>(categoryIds.map((id) => [id, 0n]));
  const foreign: Spending["foreign"] = [];
  const read: RateRow[] = [];
  let spent = 0n;
  for (const r of rows as { kind?: number; parent: string; category: string; currency: string; spent: string; at: number }[]) {
    if (r.kind === 1) {
      read.push(rateOf(r as unknown as RateRow));
      continue;
    }
    const key = byCategory.has(r.category) ? r.category : r.parent;
    const amount = readExactSum(r.spent);
    if (r.currency !== b.currency) {
      foreign.push({ key, currency: r.currency, minor: amount, date: ymdString(zonedDate(r.at, tz)) });
      continue;
    }
    byCategory.set(key, (byCategory.get(key) ?? 0n) + amount);
    spent += amount;
  }
  // `rates` itself when it is all: budgets read together share that list, and the conversion adds it once.
  return { window, spent, byCategory, foreign, rates: read.length === 0 ? rates : [...rates, ...read] };
}

const rateOf = ({ base, quote, date, rate, source }: RateRow): RateRow => ({ base, quote, date, rate, source });

const DAY_MS = 86_400_000;

/** `addMonths` (periods.ts) in SQL, over a YYYY-MM-DD expression: the anchor's day, or the month's last if it has fewer. */
const addMonthsSql = (date: string, months: string) =>
  `min(date(${date}, 'start of month', '+' || (${months}) || ' months', '+' || (CAST(substr(${date}, 9, 2) AS INTEGER) - 1) || ' days'),
       date(${date}, 'start of month', '+' || ((${months}) + 1) || ' months', '-1 day'))`;

/** The UTC day of `ms` plus `days`, as YYYY-MM-DD. */
const utcDate = (ms: number, days: number) => new Date(Math.floor(ms / DAY_MS) * DAY_MS + days * DAY_MS).toISOString().slice(0, 10);

/**
 * `WITH sp(id), win(id, ps0, ps1, pe0, pe1, a0, a1, a2, a3)`: the space's budgets (only `budgetId`
 * when given) and where their current period may start and end (`currentPeriod` in SQL). The batch is
 * built before the space's zone is known, and the zone's today is the UTC day before or after at the
 * furthest, so each budget gets the period of both: its start is `ps0` or `ps1` and its exclusive end
 * `pe0` or `pe1` (periods are a month or more, so the day between has one of them), and `a0`..`a3` are
 * those days' UTC midnights (ms), each within a day of the zone's midnight of the same date.
 */
function windowsCte(space: SqlGuard, nowMs: number, budgetId?: string): { sql: string; params: SqlValue[] } {
  const month = (col: string) => `CAST(substr(${col}, 6, 2) AS INTEGER)`;
  const year = (col: string) => `CAST(substr(${col}, 1, 4) AS INTEGER)`;
  const ms = (col: string) => `unixepoch(${col}) * 1000`;
  return {
    sql: `WITH sp(id) AS MATERIALIZED (SELECT ${space.sql}),
      b0 AS (SELECT bu.id, bu.start_date AS s, bu.end_date AS e, CASE bu.period WHEN 'quarterly' THEN 3 WHEN 'yearly' THEN 12 ELSE 1 END AS step,
                    CASE WHEN bu.end_date IS NOT NULL AND j.value > bu.end_date THEN bu.end_date ELSE j.value END AS today
               FROM budgets bu, json_each(?) j WHERE bu.space_id = (SELECT id FROM sp)${budgetId ? " AND bu.id = ?" : ""}),
      b1 AS (SELECT *, CASE WHEN today > s THEN ((${year("today")} - ${year("s")}) * 12 + ${month("today")} - ${month("s")}) / step ELSE 0 END AS k0 FROM b0),
      b2 AS (SELECT *, CASE WHEN k0 > 0 AND ${addMonthsSql("s", "k0 * step")} > today THEN k0 - 1 ELSE k0 END AS k FROM b1),
      b3 AS (SELECT id, e, ${addMonthsSql("s", "k * step")} AS ps, ${addMonthsSql("s", "(k + 1) * step")} AS pn FROM b2),
      b4 AS (SELECT id, ps, CASE WHEN e IS NOT NULL AND pn > date(e, '+1 day') THEN date(e, '+1 day') ELSE pn END AS pe FROM b3),
      w0 AS (SELECT id, min(ps) AS ps0, max(ps) AS ps1, min(pe) AS pe0, max(pe) AS pe1 FROM b4 GROUP BY id),
      win AS MATERIALIZED (SELECT *, ${ms("ps0")} AS a0, ${ms("ps1")} AS a1, ${ms("pe0")} AS a2, ${ms("pe1")} AS a3 FROM w0)`,
    params: [...space.params, jsonList([utcDate(nowMs, -1), utcDate(nowMs, 1)]), ...(budgetId ? [budgetId] : [])],
  };
}

/** A transaction's instant `t.date` within a day of band `a`'s midnight. */
const inBand = (a: string) => `(t.date >= ${a} - ${DAY_MS} AND t.date < ${a} + ${DAY_MS})`;
const BANDS = ["w.a0", "w.a1", "w.a2", "w.a3"];

/**
 * Every budget's spending by category over a span that holds its period whatever the zone, in groups
 * that no period boundary can split: within a day of a possible start or end, by instant; elsewhere,
 * by the stretch between two such days (all in the period or all out of it). `at` is a group's earliest
 * instant, which tells which side of the exact boundaries it is on. The same transactions counted as
 * `spendingStatement` counts, with a relinked account's rows that its successor holds again taken out in
 * the same groups (part of a group: on the same side of every boundary as the group). Spending in another
 * currency than the budget's is grouped by instant, as its day picks its rate.
 *
 * The rates their conversion may need come after them (`withRatesSql`).
 */
const spendingSql = (cte: string) => {
  const keys = (amount: string) =>
    `w.id AS budget_id, t.category_id AS category, COALESCE(c.parent_id, t.category_id) AS parent, t.currency AS currency,
         t.currency != b.currency AS other, ${exactSumSql(amount)} AS spent, MIN(t.date) AS at`;
  const span = `t.date >= min(w.a0, w.a1) - ${DAY_MS} AND t.date < max(w.a2, w.a3) + ${DAY_MS}`;
  const rest = `LEFT JOIN categories c ON c.id = t.category_id
   WHERE ${COUNTED} AND ${inCategories("(SELECT category_id FROM budget_categories WHERE budget_id = w.id)")}
   GROUP BY w.id, t.category_id, t.currency,
            CASE WHEN t.currency != b.currency OR ${BANDS.map(inBand).join(" OR ")} THEN t.date ELSE -(${BANDS.map((a) => `(t.date >= ${a} + ${DAY_MS})`).join(" + ")}) END`;
  return `${cte},
  relinked(id, since) AS MATERIALIZED (${relinkedAccountsSql("(SELECT id FROM sp)")}),
  s AS MATERIALIZED (
  SELECT ${keys("-t.amount")}
    FROM win w JOIN budgets b ON b.id = w.id
    JOIN transactions t ON t.space_id = (SELECT id FROM sp) AND ${span}
    ${rest})${withRatesSql(
  ["budget_id", ...SPENDING_COLUMNS],
  "SELECT currency FROM budgets WHERE space_id = (SELECT id FROM sp)",
  "(SELECT id FROM sp)",
  // The space's relinked accounts' rows that their successors hold again, in the same groups, take them out (spendingStatement).
  `SELECT ${keys("t.amount")}
    FROM win w JOIN budgets b ON b.id = w.id
    JOIN ${RELINKED_ROWS} AND ${span}
    ${rest}`,
)}`;
};

export type LinkRow = typeof budgetCategories.$inferSelect;

/** What `budgetReads` read: the budgets, their category links with the categories' names, and their spending. */
export interface BudgetData {
  budgets: BudgetRow[];
  links: (LinkRow & { name: string | null })[];
  nowMs: number;
  windows: Map<string, { ps0: string; ps1: string; pe0: string; pe1: string }>;
  spending: SpendingRow[];
  /** The rates converting `spending`'s other currencies may need (`spendingSql`). */
  rates: RateRow[];
}

interface SpendingRow {
  budget_id: string;
  category: string;
  parent: string;
  currency: string;
  /** An exact sum, `exactSumSql`'s text. */
  spent: string;
  at: number;
}

const readBudget = rowReader(budgets);
const readLink = rowReader(budgetCategories);

/**
 * A space's budgets (only `budgetId` when given), their links and every one's spending in its current
 * period, as statements for the batch of the role check (`space` names the space, NULL for a caller who
 * may not see it), and the reader of their results.
 */
export function budgetReads(db: D1Database, space: SqlGuard, nowMs: number, budgetId?: string) {
  const only = budgetId ? " AND id = ?" : "";
  const onlyParams = budgetId ? [budgetId] : [];
  const cte = windowsCte(space, nowMs, budgetId);
  const statements = [
    db.prepare(`SELECT * FROM budgets WHERE space_id = ${space.sql}${only}`).bind(...space.params, ...onlyParams),
    // Ordered as the links' primary key reads them, as a read of one budget's links always came back.
    db.prepare(
      `SELECT l.*, (SELECT name FROM categories WHERE id = l.category_id) AS name FROM budget_categories l
        WHERE l.budget_id IN (SELECT id FROM budgets WHERE space_id = ${space.sql}${only}) ORDER BY l.budget_id, l.category_id`,
    ).bind(...space.params, ...onlyParams),
    db.prepare(`${cte.sql} SELECT id, ps0, ps1, pe0, pe1 FROM win`).bind(...cte.params),
    db.prepare(spendingSql(cte.sql)).bind(...cte.params),
  ];
  const read = ([b, l, w, s]: D1Result[]): BudgetData => ({
    budgets: b!.results.map((r) => readBudget(r as Record<string, unknown>)),
    links: l!.results.map((r) => ({ ...readLink(r as Record<string, unknown>), name: (r as { name: string | null }).name })),
    nowMs,
    windows: new Map((w!.results as { id: string; ps0: string; ps1: string; pe0: string; pe1: string }[]).map((r) => [r.id, r])),
    spending: (s!.results as ({ kind: number } & SpendingRow)[]).filter((r) => r.kind === 0),
    rates: (s!.results as ({ kind: number } & RateRow)[]).filter((r) => r.kind === 1).map(rateOf),
  });
  return { statements, read };
}

/**
 * Budget `b`'s spending from `budgetReads`' results: the groups inside its exact window. Should the
 * window not be one the batch read around (it always is: this guards the SQL's period arithmetic), it
 * is read on its own, exactly as before.
 */
export async function spendingFrom(svc: Services, data: BudgetData, b: BudgetRow, tz: string): Promise<Spending> {
  const categoryIds = data.links.filter((l) => l.budgetId === b.id).map((l) => l.categoryId);
  const window = currentPeriod({ period: b.period as Period, startDate: b.startDate, endDate: b.endDate }, data.nowMs, tz);
  const read = data.windows.get(b.id);
  const endExclusive = ymdString(addDays(parseYmd(window.endDate), 1));
  if (!read || (window.startDate !== read.ps0 && window.startDate !== read.ps1) || (endExclusive !== read.pe0 && endExclusive !== read.pe1)) {
    return spendingOf(svc, b, categoryIds, tz, data.nowMs);
  }
  const rows = data.spending.filter((r) => r.budget_id === b.id && r.at >= window.startMs && r.at < window.endMsExclusive);
  return spendingFromRows(b, window, categoryIds, rows as unknown as Record<string, unknown>[], tz, data.rates);
}
