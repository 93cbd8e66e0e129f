/**
 * Cash flow summed in SQL, as the dashboard and the projections' defaults read it: the space's income and
 * expenses per currency and instant (and category), each row by its sign. Every column named here is in
 * the covering index `transactions_cashflow_idx`, so a year of rows is summed from the index alone.
 *
 * A manual trade is cash for units (neither income nor spending) and a fee: the fee (`fee_amount`, the part of
 * its amount the ledger posts to `expense:fees`) is spending like a fee of its own. A synced trade's fee is a
 * `fee` row already (the sync writes one per leg), so its trade rows carry no `fee_amount` and add nothing.
 */
import { exactSumSql, readExactSum, type SqlGuard } from "../../lib/sql";
import { CASHFLOW_FILTER } from "./recurring";

/** The rows summed: the cash flows, and the trades that paid a fee. */
const SUMMED = `((${CASHFLOW_FILTER}) OR (type = 'trade' AND status != 'cancelled' AND fee_amount > 0))`;
const INCOME = "CASE WHEN type = 'trade' THEN 0 WHEN amount > 0 THEN amount ELSE 0 END";
const EXPENSES = "CASE WHEN type = 'trade' THEN fee_amount WHEN amount < 0 THEN -amount ELSE 0 END";

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
 * The statement summing the cash flow of the space `space` names between two instants, by currency and
 * instant, and by category too when `byCategory` (in the index's order: no sort).
 */
export function cashflowSumsStatement(db: D1Database, space: SqlGuard, fromMs: number, toMs: number, byCategory: boolean): D1PreparedStatement {
  const keys = byCategory ? "currency, date, category_id" : "currency, date";
  return db.prepare(
    `SELECT ${keys}, ${exactSumSql(INCOME)} AS income, ${exactSumSql(EXPENSES)} AS expenses
       FROM transactions WHERE space_id = ${space.sql} AND date >= ? AND date < ? AND ${SUMMED}
      GROUP BY ${keys}`,
  ).bind(...space.params, fromMs, toMs);
}

/** The sums `cashflowSumsStatement` read. */
export const cashflowSumsFrom = (result: D1Result): CashflowSum[] =>
  (result.results as SumRow[]).map((r) => ({ ...r, income: readExactSum(r.income), expenses: readExactSum(r.expenses) }));
