/**
 * An account statement for a date range (seed 002): each ledger entry of the
 * account with its narration, debit, credit and running balance, in value-date
 * order (the date each transaction is for, in the space's time zone; entries
 * of one instant in the order they were committed).
 *
 * Back-dated entries appear on their own date and move every later running
 * balance; the ledger refuses one that would leave an account that may not
 * overdraw below zero at any date, so such an account's statement never shows
 * a negative running balance. Future-dated entries are part of the account's
 * balance at once and appear on their date: a statement without `to` runs
 * through the later of today and the account's last entry, so its closing
 * balance is always the account's balance (`currentBalance`); a statement with
 * an earlier `to` closes at that day's end and reports `currentBalance` beside.
 */
import type { AuthContext, Services } from "../../env";
import { instantIn, rangeEndExclusive } from "../../lib/dates";
import { validationFailed } from "../../lib/errors";
import { assetOf, type Currency, CURRENCY_SCALES, formatMinor } from "../../lib/money";
import { accountFor } from "../accounts/service";
import { accountAddress } from "../ledger/addresses";
import { addDays, isoInZone, ymdString, zonedDate } from "../../lib/zoned-time";

export const MAX_STATEMENT_ENTRIES = 10_000;

export async function accountStatement(svc: Services, auth: AuthContext, accountId: string, range: { from?: string; to?: string }) {
  const { account, membership } = await accountFor(svc, auth, accountId, "viewer");
  const tz = membership.space.timezone;
  const today = zonedDate(svc.clock.now(), tz);
  const from = range.from ?? ymdString(addDays(today, -30));
  const start = instantIn(from, tz);
  const end = range.to ? rangeEndExclusive(range.to, tz) : Number.MAX_SAFE_INTEGER;
  if (end <= start) throw validationFailed([{ field: "to", message: "Must not be before from", code: "INVALID_RANGE" }]);
  const scale = CURRENCY_SCALES[account.currency as Currency];
  const address = accountAddress(account.id);
  const asset = assetOf(account.currency as Currency);
  const db = svc.env.DB;
  const [current, opening, entries] = await db.batch<Record<string, unknown>>([
    db.prepare("SELECT COALESCE(SUM(input - output), 0) AS balance FROM ledger_volumes WHERE space_id = ? AND address = ? AND asset = ?")
      .bind(account.spaceId, address, asset),
    db.prepare("SELECT COALESCE(SUM(amount), 0) AS total FROM ledger_entries WHERE space_id = ? AND address = ? AND asset = ? AND timestamp < ?")
      .bind(account.spaceId, address, asset, start),
    db.prepare(
      `SELECT e.seq, e.amount, e.timestamp, t.id AS txn_id, t.description, t.merchant_name, lt.metadata
         FROM ledger_entries e
         JOIN ledger_transactions lt ON lt.space_id = e.space_id AND lt.seq = e.seq
         LEFT JOIN transactions t ON t.space_id = e.space_id AND t.ledger_seq = e.seq AND t.account_id = ?
        WHERE e.space_id = ? AND e.address = ? AND e.asset = ? AND e.timestamp >= ? AND e.timestamp < ?
        ORDER BY e.timestamp, e.seq, e.posting_index
        LIMIT ?`,
    ).bind(account.id, account.spaceId, address, asset, start, end, MAX_STATEMENT_ENTRIES + 1),
  ]);
  const rows = entries!.results as { seq: number; amount: number; timestamp: number; txn_id: string | null; description: string | null; merchant_name: string | null; metadata: string }[];
  if (rows.length > MAX_STATEMENT_ENTRIES) {
    throw validationFailed([{ field: "from", message: `More than ${MAX_STATEMENT_ENTRIES} entries; narrow the range`, code: "TOO_BIG" }]);
  }
  const openingMinor = opening!.results[0]!.total as number;
  let running = openingMinor;
  const fmt = (m: number) => formatMinor(m, scale);
  const lines = rows.map((r) => {
    running += r.amount;
    const meta = JSON.parse(r.metadata) as Record<string, string>;
    return {
      date: isoInZone(r.timestamp, tz),
      narration: narrationOf(r.description, r.merchant_name, meta, r.seq),
      voucherNumber: r.txn_id ?? `ledger:${r.seq}`,
      ledgerTxid: r.seq,
      debit: fmt(r.amount < 0 ? -r.amount : 0),
      credit: fmt(r.amount > 0 ? r.amount : 0),
      runningBalance: fmt(running),
    };
  });
  // Without `to`, the statement runs through today or the last (future-dated) entry, whichever is later.
  const lastDay = rows.length > 0 ? zonedDate(rows[rows.length - 1]!.timestamp, tz) : today;
  const to = range.to ?? ymdString(laterOf(today, lastDay));
  return {
    accountId: account.id,
    currency: account.currency,
    from,
    to,
    openingBalance: fmt(openingMinor),
    closingBalance: fmt(running),
    currentBalance: fmt(current!.results[0]!.balance as number),
    totalDebit: fmt(rows.reduce((s, r) => s + (r.amount < 0 ? -r.amount : 0), 0)),
    totalCredit: fmt(rows.reduce((s, r) => s + (r.amount > 0 ? r.amount : 0), 0)),
    entries: lines,
  };
}

const laterOf = (a: ReturnType<typeof zonedDate>, b: ReturnType<typeof zonedDate>) => (ymdString(a) >= ymdString(b) ? a : b);

function narrationOf(description: string | null, merchant: string | null, meta: Record<string, string>, seq: number): string {
  if (description) return merchant && !description.includes(merchant) ? `${description} (${merchant})` : description;
  if (meta.revertOf !== undefined) return `Reversal of ledger transaction ${meta.revertOf}`;
  return `Ledger transaction ${seq}`;
}
