/**
 * A provider account linked again: the bank disconnected and linked anew imports the same history into new
 * accounts, while the old ones keep theirs. Net worth leaves the old account out on every day
 * (ledger-holdings.ts); cash flow leaves out its rows over the days its successor's history covers
 * (cashflow-sums.ts). One definition for both, so they cannot disagree on what a relink is.
 */

/**
 * SQL: account `b` (a table alias) took over account `a`: `a` is an inactive provider account, `b` an active
 * one of the same space, provider, institution, masked number, type and currency, created since `a` went
 * inactive.
 */
export const takesOver = (a: string, b: string) =>
  `${a}.is_active = 0 AND ${a}.provider != 'manual' AND ${b}.space_id = ${a}.space_id AND ${b}.is_active = 1 AND ${b}.id != ${a}.id
   AND ${b}.provider = ${a}.provider AND ${b}.type = ${a}.type AND ${b}.currency = ${a}.currency AND ${b}.institution_name IS ${a}.institution_name
   AND ${b}.account_number_mask IS ${a}.account_number_mask AND ${b}.created_at >= COALESCE(${a}.disconnected_at, 0)`;

/**
 * SQL: the first instant of the history that took over account `a` (its successors' earliest row), NULL when
 * none did or it has no row yet. Each successor's earliest row is one step down its account index.
 */
export const takenOverSince = (a: string) =>
  `(SELECT MIN((SELECT MIN(s.date) FROM transactions s WHERE s.account_id = b.id)) FROM accounts b WHERE ${takesOver(a, "b")})`;
