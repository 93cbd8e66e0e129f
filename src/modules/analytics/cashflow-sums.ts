/**
 * Cash flow summed in SQL, as the dashboard and the projections' defaults read it: the space's income and
 * expenses per currency and instant (and category), each row by its sign but a refund (money in under an expense
 * category), which is negative spending. Every column named here is in
 * the covering index `transactions_cashflow_idx`, so a year of rows is summed from the index alone.
 *
 * A manual trade is cash for units (neither income nor spending) and a fee: the fee (`fee_amount`, the part of
 * its amount the ledger posts to `expense:fees`) is spending like a fee of its own. A synced trade's fee is a
 * `fee` row already (the sync writes one per leg), so its trade rows carry no `fee_amount` and add nothing.
 *
 * A bank disconnected and linked again (relinks.ts) has its history twice: the old accounts' rows and the same
 * ones imported into the new accounts. The old accounts' rows from the first instant of their successors'
 * history on are summed apart (a second statement, down the account index: the old accounts only) and taken
 * out, so that history counts once and what only the old accounts hold still counts.
 */
import { exactSumSql, readExactSum, type SqlGuard } from "../../lib/sql";
import { CASHFLOW_FILTER } from "./recurring";
import { heldAgain, relinkedAccountsSql } from "../../lib/relinks";

/**
 * The rows summed: the cash flows, and the trades that paid a fee; not a row filed under a transfer category
 * (the space's `transfers`), which moves money between the user's own accounts: the two rows of a move between
 * currencies written by hand, or a bank's copies of a move to savings. QA saw 10,000.00 MXN out and 500.00 USD in
 * counted as both spending and income. `kinds` is the statement's CTE of the space's transfer and expense categories.
 */
const SUMMED = `((${CASHFLOW_FILTER}) OR (type = 'trade' AND status != 'cancelled' AND fee_amount > 0))
  AND (category_id IS NULL OR category_id NOT IN (SELECT id FROM kinds WHERE type = 'transfer'))`;
const categoryKinds = (space: SqlGuard) =>
  `kinds(id, type) AS MATERIALIZED (SELECT id, type FROM categories WHERE space_id = ${space.sql} AND type IN ('transfer', 'expense'))`;
/**
 * Money in is income, money out spending, but for a refund: money in filed under an expense category reduces that
 * category's spending, as a budget counts it (budgets/spending.ts). QA saw 150.00 back after 100.00 spent in one
 * category as 150.00 of income on the dashboard (and in a projection's default income) while the budget said −50.00
 * spent. A group's expenses are then below zero when its refunds exceed its spending.
 */
const IN_EXPENSE_CATEGORY = "category_id IN (SELECT id FROM kinds WHERE type = 'expense')";
const INCOME = `CASE WHEN type = 'trade' THEN 0 WHEN amount > 0 AND (category_id IS NULL OR NOT ${IN_EXPENSE_CATEGORY}) THEN amount ELSE 0 END`;
const EXPENSES = `CASE WHEN type = 'trade' THEN fee_amount WHEN amount < 0 OR ${IN_EXPENSE_CATEGORY} THEN -amount ELSE 0 END`;

/** Income and expenses of one currency at one instant (and in one category, when summed by category). */
export interface CashflowSum {
  currency: string;
  date: number;
  category_id?: string | null;
  income: bigint;
  expenses: bigint;
}

type SumRow = { currency: string; date: number; category_id?: string | null; income: string; expenses: string };

/**
 * The statements summing the cash flow of the space `space` names between two instants, by currency and
 * instant, and by category too when `byCategory`: the space's (from the covering index, in its order: no
 * sort), and its relinked accounts' rows that their successors' history holds again.
 */
export function cashflowSumsStatements(db: D1Database, space: SqlGuard, fromMs: number, toMs: number, byCategory: boolean): D1PreparedStatement[] {
  const keys = byCategory ? "currency, date, category_id" : "currency, date";
  const sums = `${exactSumSql(INCOME)} AS income, ${exactSumSql(EXPENSES)} AS expenses`;
  return [
    db.prepare(
      `WITH ${categoryKinds(space)}
       SELECT ${keys}, ${sums}
         FROM transactions WHERE space_id = ${space.sql} AND date >= ? AND date < ? AND ${SUMMED}
        GROUP BY ${keys}`,
    ).bind(...space.params, ...space.params, fromMs, toMs),
    db.prepare(
      `WITH ${categoryKinds(space)}, relinked(id, since) AS (${relinkedAccountsSql(space.sql)})
       SELECT ${keys}, ${sums}
         FROM relinked r JOIN transactions t ON t.account_id = r.id AND ${heldAgain("t", "r.since")} AND t.date >= ? AND t.date < ?
        WHERE ${SUMMED}
        GROUP BY ${keys}`,
    ).bind(...space.params, ...space.params, fromMs, toMs),
  ];
}

const read = (result: D1Result): CashflowSum[] =>
  (result.results as SumRow[]).map((r) => ({ ...r, income: readExactSum(r.income), expenses: readExactSum(r.expenses) }));

/** The sums `cashflowSumsStatements` read (its results, in order): the space's, less its relinked accounts' counted again. */
export function cashflowSumsFrom(results: D1Result[]): CashflowSum[] {
  const key = (r: CashflowSum) => `${r.currency}|${r.date}|${r.category_id ?? ""}`;
  const sums = new Map(read(results[0]!).map((r) => [key(r), r]));
  // Each of these groups is part of one of the space's: same rows, filter and keys.
  for (const r of read(results[1]!)) {
    const s = sums.get(key(r))!;
    s.income -= r.income;
    s.expenses -= r.expenses;
  }
  return [...sums.values()].filter((s) => s.income !== 0n || s.expenses !== 0n);
}
