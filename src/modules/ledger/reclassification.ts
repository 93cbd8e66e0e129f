/**
 * A Dhanam transaction's category lives in the ledger too: spending posts to
 * `expense:<category>` and income comes from `income:<category>` (or `world`
 * when uncategorized). When a row's category changes, the ledger moves the
 * amount from the old counterparty to the new one (a reclassification), so the
 * ledger's category balances and the budgets always agree.
 *
 * Transfers and trades carry no category in the ledger (they move money between
 * accounts or against `world`), nor do opening balances (`equity:opening`).
 */
import { assetOf, type Currency } from "../../lib/money";
import { accountAddress } from "./addresses";
import type { Posting } from "./types";

/** The part of a Dhanam row that decides its ledger counterparty. */
export interface CategorizedRow {
  accountId: string;
  amount: number;
  currency: string;
  type: string;
  categoryId: string | null;
}

/** The counterparty a cash flow posts to: the category's, else `expense:uncategorized` (or `expense:fees`) or `world`. */
export function categoryCounterparty(amount: number, categoryId: string | null, isFee: boolean): string {
  if (amount < 0) return `expense:${categoryId ?? (isFee ? "fees" : "uncategorized")}`;
  return categoryId ? `income:${categoryId}` : "world";
}

export const counterpartyOf = (row: CategorizedRow) => categoryCounterparty(row.amount, row.categoryId, row.type === "fee");

const isCategoryAddress = (a: string) => a === "world" || a.startsWith("expense:") || a.startsWith("income:");

/**
 * Whether the row's category is reflected in the ledger: a cash flow whose
 * ledger transaction has a posting between its account and a category-like
 * counterparty. Null when it is not (a transfer, a trade, an opening balance).
 */
export function ledgerCounterparty(row: CategorizedRow, postings: Posting[]): string | null {
  if (row.type === "transfer" || row.type === "trade") return null;
  const account = accountAddress(row.accountId);
  const asset = assetOf(row.currency as Currency);
  for (const p of postings) {
    if (p.asset !== asset) continue;
    if (row.amount < 0 && p.source === account && isCategoryAddress(p.destination)) return p.destination;
    if (row.amount > 0 && p.destination === account && isCategoryAddress(p.source)) return p.source;
  }
  return null;
}

/** The posting that moves a row's amount from counterparty `from` to `to`. */
export function reclassPosting(row: CategorizedRow, from: string, to: string): Posting {
  const asset = assetOf(row.currency as Currency);
  const amount = Math.abs(row.amount);
  // Spending flowed account → counterparty; income flowed counterparty → account.
  return row.amount < 0 ? { source: from, destination: to, amount, asset } : { source: to, destination: from, amount, asset };
}
