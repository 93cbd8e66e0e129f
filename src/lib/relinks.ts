/**
 * A provider account linked again: the bank disconnected and linked anew imports the same history into new
 * accounts, while the old ones keep theirs. Net worth counts the old account before its successor's history from
 * the provider begins (its opening included) and the successor from there on (ledger-holdings.ts, `handedOverAt`);
 * every reader of its cash flows leaves out its rows from where its successor's imported history begins
 * (`takenOverSince`, through `relinkedAccountsSql`): cash flow (cashflow-sums.ts), budgets' spending and their
 * alerts (budgets/spending.ts), recurring detection and the forecast (recurring.ts), trade history, and the
 * categorization model's retraining (ml/service.ts), which learns each bank transaction once. One definition
 * of a relink for all of them, so they cannot disagree on what one is.
 */

/**
 * SQL: account `b` (a table alias) took over account `a`: `a` is an inactive provider account, `b` one of the
 * same space on another connection, created since `a` was disconnected (active or not: a bank linked three
 * times, A → B → C, has B take over A and C take over B) or on the live twin that `a`'s connection was retired
 * as a duplicate of (`replaced_by`: the same login connected twice, whose history both imported), and the same
 * account by what the provider says of it, as the login guard compares Plaid items (providers/connections.ts,
 * `PlaidAccountPrint`): its connection's institution (the provider's id, not the name the browser sent with
 * Link) and its type, subtype, currency and last four digits (stored as `****1234`).
 *
 * Nothing unknown counts as equal: an account without digits (a Bitso wallet, a Plaid account whose mask is
 * null) is the same only when its login is known to be the same one (equal login keys, or the same account
 * at the provider: Bitso's client id, which outlives a revoked key as the login key, a hash of the key, does
 * not), and an account without a known disconnection (a legacy row) is taken over by none. A look-alike that is not proven the
 * same keeps its history counted: counting a relink twice shows; dropping another bank's money does not.
 */
export const takesOver = (a: string, b: string) =>
  `${a}.is_active = 0 AND ${a}.provider != 'manual' AND ${b}.space_id = ${a}.space_id AND ${b}.id != ${a}.id
   AND ${b}.provider = ${a}.provider AND ${b}.type = ${a}.type AND ${b}.subtype IS ${a}.subtype AND ${b}.currency = ${a}.currency
   AND (${b}.account_number_mask = ${a}.account_number_mask OR (${b}.account_number_mask IS NULL AND ${a}.account_number_mask IS NULL))
   AND EXISTS (SELECT 1 FROM provider_accounts la JOIN provider_connections ca ON ca.id = la.connection_id,
                 provider_accounts lb JOIN provider_connections cb ON cb.id = lb.connection_id
               WHERE la.account_id = ${a}.id AND lb.account_id = ${b}.id AND cb.id != ca.id AND cb.institution_id = ca.institution_id
                 AND (${b}.created_at >= COALESCE(${a}.disconnected_at, ca.disconnected_at) OR cb.id = ca.replaced_by)
                 AND (${a}.account_number_mask IS NOT NULL OR cb.login_key = ca.login_key OR cb.provider_client_id = ca.provider_client_id))`;

/**
 * SQL: the first instant of the history that took over account `a` (its successors' earliest row the provider
 * imported, the earliest successor's, active or not), NULL when none did or it has imported nothing yet. Only
 * the provider's rows say where its history begins: a row the user writes on the new account (back-dated a
 * year, say) must not move the cut-off and drop the old account's real rows. Each successor's rows are read
 * down its account index. Down a chain A → B → C, A's rows are left out from B's first on and B's from C's
 * first on, so each day's rows count once.
 */
export const takenOverSince = (a: string) => `(SELECT MIN(${firstProviderRow("b", false)}) FROM accounts b WHERE ${takesOver(a, "b")})`;

/**
 * SQL: where net worth hands account `a` over to its successors: the earliest instant of their history from the
 * provider, their openings included (an opening is dated just before its account's history; for an account
 * whose first sync brought a balance and no rows, it is the only start there is). NULL when none took it over or
 * none has synced. Net worth counts `a` before this instant (ledger-holdings.ts); a successor holds no row from the
 * provider before it, so no day counts the bank twice or not at all.
 */
export const handedOverAt = (a: string) => `(SELECT MIN(${firstProviderRow("b", true)}) FROM accounts b WHERE ${takesOver(a, "b")})`;

/**
 * SQL: the instant of account `a`'s earliest row from the provider (never a row the user wrote), NULL when it has
 * none yet; with `adjustments`, its balance adjustments (its opening) count too. Read down its account index.
 */
export const firstProviderRow = (a: string, adjustments: boolean) =>
  `(SELECT MIN(s.date) FROM transactions s
     WHERE s.account_id = ${a}.id AND s.provider_transaction_id IS NOT NULL${adjustments ? "" : " AND s.provider_transaction_id NOT LIKE 'balance#%'"})`;

const TEN_HOURS_MS = 36_000_000;

/**
 * SQL: row `t` of a relinked account is one its successor holds again: the provider's own row (a row the user wrote on
 * the old account is never imported anew, and still counts there), of a day from the cut-off `since` (`takenOverSince`)
 * on. Every reader that leaves relinked rows out tests this, so they leave out the same rows.
 *
 * A row written by hand that the bank's copy took over (manual-match.ts) keeps the person's date, up to days (a
 * cheque: months) from the bank's day, which the take-over keeps aside (`provider_day`); the successor imports the
 * bank's copy on the bank's day, so that day decides (a dinner logged 3 days before the bank posted it on the new
 * link's first day counted twice by the person's date; one dated after the bank's day, dropped). `since` is the
 * midnight of the successor's first day in the space's zone, which SQL does not know; the bank's day's midnight at
 * UTC-10 (its UTC midnight plus 10 hours) is at or after `since` exactly when the bank's day is the first day or
 * later, for every zone from UTC-10 (Hawaii) to below UTC+14: the first day's midnight there is from 10 hours after
 * its UTC midnight to less than 14 hours before it, where the day before's midnight at UTC-10 is. Past that (UTC-11,
 * UTC-12: a few islands) a taken-over row of the first day counts twice, at UTC+14 (the Line Islands) one of the day
 * before is dropped.
 */
export const heldAgain = (t: string, since: string) =>
  `(CASE WHEN ${t}.provider_day IS NULL THEN ${t}.date ELSE unixepoch(${t}.provider_day) * 1000 + ${TEN_HOURS_MS} END) >= ${since} AND ${t}.provider_transaction_id IS NOT NULL`;

/**
 * SQL: the accounts of the space `space` (SQL naming it) that may have been taken over (its inactive provider
 * accounts, read down the space's account index), as `id` and `since` (`takenOverSince`, NULL when none took it
 * over), for a CTE `relinked(id, since)`: a reader leaves out a relinked account's rows of days from `since` on (`heldAgain`). In
 * a space no bank was disconnected from it finds nothing, so a reader pays one index search for it.
 */
export const relinkedAccountsSql = (space: string) =>
  `SELECT a.id AS id, ${takenOverSince("a")} AS since FROM accounts a WHERE a.space_id = ${space} AND a.is_active = 0 AND a.provider != 'manual'`;
