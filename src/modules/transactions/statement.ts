/**
 * An account statement for a date range (seed 002): each ledger entry of the
 * account with its narration, debit, credit and running balance, in value-date
 * order (the date each transaction is for, in the space's time zone; entries
 * of one instant in the order they were committed).
 *
 * Back-dated entries appear on their own date and move every later running
 * balance; the ledger refuses one that would leave an account that may not
 * overdraw below zero at the end of any date, so such an account's statement
 * never closes a day below zero (between the entries of one day it may: an
 * expense listed before its same-day void when the income that paid for it
 * was voided first, value-dates.ts). Future-dated entries are part of the account's
 * balance at once and appear on their date: a statement without `to` runs
 * through the later of today and the account's last entry, so its closing
 * balance is always the account's balance (`currentBalance`); a statement with
 * an earlier `to` closes at that day's end and reports `currentBalance` beside.
 */
import type { AuthContext, Services } from "../../env";
import { instantIn, rangeEndExclusive } from "../../lib/dates";
import { validationFailed } from "../../lib/errors";
import { assetOf, type Currency, CURRENCIES, CURRENCY_SCALES, formatMinor } from "../../lib/money";
import { exactSumSql, readExactSum, type SqlValue } from "../../lib/sql";
import { accountFor, accountSpace } from "../accounts/service";
import { accountAddress } from "../ledger/addresses";
import { addDays, isoInZone, parseYmd, ymdString, zonedDate } from "../../lib/zoned-time";
import { type Band, bandOf, inBand } from "./list";

export const MAX_STATEMENT_ENTRIES = 10_000;

/** The default `from`: this many days before today in the space's zone. */
const DEFAULT_DAYS = 30;

/**
 * The session, the account, the caller's role and the statement in one round trip. The space's zone
 * comes in that batch, so the range is read zone-free (as an account's transactions are: list.ts) and
 * trimmed to the zone afterwards; the opening balance is the sum before the range's widened start plus
 * the fetched entries before its true one.
 */
export async function accountStatement(svc: Services, auth: AuthContext, accountId: string, asked: { from?: string; to?: string }) {
  const now = svc.clock.now();
  const range = { ...asked, from: asked.from ?? defaultFrom(asked.to, now) };
  const bands = { from: fromBand(range.from, now), to: range.to ? bandOf(range.to, rangeEndExclusive) : undefined };
  const { account, membership, extra } = await accountFor(svc, auth, accountId, "viewer", statementReads(svc, auth, accountId, bands));
  const tz = membership.space.timezone;
  const today = zonedDate(now, tz);
  const from = range.from ?? ymdString(addDays(today, -DEFAULT_DAYS));
  const start = inBand(instantIn(from, tz), bands.from, tz, from);
  const end = range.to ? inBand(rangeEndExclusive(range.to, tz), bands.to!, tz, range.to) : Number.MAX_SAFE_INTEGER;
  if (end <= start) throw validationFailed([{ field: "to", message: "Must not be before from", code: "INVALID_RANGE" }]);
  const [current, beforeBand, entries] = extra;
  const fetched = entries!.results as EntryRow[];
  const rows = fetched.filter((r) => r.timestamp >= start && r.timestamp < end);
  if (rows.length > MAX_STATEMENT_ENTRIES) {
    throw validationFailed([{ field: "from", message: `More than ${MAX_STATEMENT_ENTRIES} entries; narrow the range`, code: "TOO_BIG" }]);
  }
  // In bigints: an account's balance at each instant's end is within 2^53 - 1 (the ledger refuses one past
  // it), but between two entries of one instant that cancel (an income of the largest amount and its void)
  // it may not be, and the totals are sums of any size.
  const openingMinor = fetched.filter((r) => r.timestamp < start).reduce((s, r) => s + BigInt(r.amount), readExactSum((beforeBand!.results[0] as { total: string }).total));
  const scale = CURRENCY_SCALES[account.currency as Currency];
  let running = openingMinor;
  const fmt = (m: number | bigint) => formatMinor(m, scale);
  const lines = rows.map((r) => {
    running += BigInt(r.amount);
    return {
      date: isoInZone(r.timestamp, tz),
      narration: narrationOf(r.description, r.merchant_name, r.reverts_seq, r.seq),
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
    currentBalance: fmt((current!.results[0] as { balance: number }).balance),
    totalDebit: fmt(rows.reduce((s, r) => s + (r.amount < 0 ? BigInt(-r.amount) : 0n), 0n)),
    totalCredit: fmt(rows.reduce((s, r) => s + (r.amount > 0 ? BigInt(r.amount) : 0n), 0n)),
    entries: lines,
  };
}

type EntryRow = { seq: number; amount: number; timestamp: number; txn_id: string | null; description: string | null; merchant_name: string | null; reverts_seq: number | null };

/**
 * Where the start may fall, whatever the zone. The default, today − 30 days, is a day of the zone's,
 * whose today is within a day of UTC's (tzdb's offsets stay within ±16 hours): so it is one of three
 * dates, each with its bare date's band.
 */
/**
 * A statement asked only for its end, long ago, starts the default span before that end (it began 30 days
 * before today, after such an end: a 422 for a range the client never wrote). Otherwise `from` stays unset,
 * to be 30 days before the space's today once its zone is read.
 */
function defaultFrom(to: string | undefined, now: number): string | undefined {
  if (!to) return undefined;
  // Before the earliest day the space's today can be (UTC's, less one): whatever the zone, `to` is then
  // before the zone's default start, and its own span is what the client meant.
  const end = parseYmd(to);
  return ymdString(end) < ymdString(addDays(zonedDate(now, "UTC"), -DEFAULT_DAYS + 1)) ? ymdString(addDays(end, -DEFAULT_DAYS)) : undefined;
}

function fromBand(from: string | undefined, now: number): Band {
  if (from) return bandOf(from, instantIn);
  const utcToday = zonedDate(now, "UTC");
  const day = (days: number) => bandOf(ymdString(addDays(utcToday, days - DEFAULT_DAYS)), instantIn);
  return { lo: day(-1).lo, hi: day(1).hi };
}

/** Each currency's ledger asset, as one JSON parameter. */
const ASSETS = JSON.stringify(Object.fromEntries(CURRENCIES.map((c) => [c, assetOf(c)])));

/** The account's asset as SQL: its currency's, which comes in the same batch as the reads that need it. */
const accountAssetSql = (accountId: string): { sql: string; params: SqlValue[] } => ({
  sql: "(SELECT json_extract(?, '$.' || a.currency) FROM accounts a WHERE a.id = ?)",
  params: [ASSETS, accountId],
});

/**
 * accountFor's extra reads: the account's balance, the sum of its entries before the start's band, and
 * its entries from that band through the end's (or on), with room for those before the true start (at
 * most the start band's). Each entry is one row, with the first of its transaction's Dhanam rows on the
 * account (a trade with a fee in the same currency has two): a join on all of them would list the entry,
 * and add it to the opening balance, once a row. The space is named through the caller's access (accountSpace), so a stranger's
 * batch reads none of the account's entries.
 */
function statementReads(svc: Services, auth: AuthContext, accountId: string, bands: { from: Band; to?: Band }): D1PreparedStatement[] {
  const db = svc.env.DB;
  const space = accountSpace(svc, auth, accountId);
  const asset = accountAssetSql(accountId);
  const address = accountAddress(accountId);
  const w = `e.space_id = ${space.sql} AND e.address = ? AND e.asset = ${asset.sql}`;
  const params = [...space.params, address, ...asset.params];
  const { lo, hi } = bands.from;
  const room = lo < hi ? `(SELECT COUNT(*) FROM ledger_entries e WHERE ${w} AND e.timestamp >= ? AND e.timestamp < ?)` : "0";
  const roomParams = lo < hi ? [...params, lo, hi] : [];
  return [
    db.prepare(`SELECT COALESCE(SUM(input - output), 0) AS balance FROM ledger_volumes WHERE space_id = ${space.sql} AND address = ? AND asset = ${asset.sql}`)
      .bind(...params),
    db.prepare(`SELECT ${exactSumSql("e.amount")} AS total FROM ledger_entries e WHERE ${w} AND e.timestamp < ?`).bind(...params, lo),
    db.prepare(
      `SELECT e.seq, e.amount, e.timestamp, t.id AS txn_id, t.description, t.merchant_name, lt.reverts_seq
         FROM ledger_entries e
         JOIN ledger_transactions lt ON lt.space_id = e.space_id AND lt.seq = e.seq
         LEFT JOIN transactions t ON t.id = (
           SELECT t1.id FROM transactions t1 WHERE t1.space_id = e.space_id AND t1.ledger_seq = e.seq AND t1.account_id = ? ORDER BY t1.id LIMIT 1)
        WHERE ${w} AND e.timestamp >= ? AND e.timestamp < ?
        ORDER BY e.timestamp, e.seq, e.posting_index
        LIMIT ? + ${room}`,
    ).bind(accountId, ...params, lo, bands.to?.hi ?? Number.MAX_SAFE_INTEGER, MAX_STATEMENT_ENTRIES + 1, ...roomParams),
  ];
}

const laterOf = (a: ReturnType<typeof zonedDate>, b: ReturnType<typeof zonedDate>) => (ymdString(a) >= ymdString(b) ? a : b);

function narrationOf(description: string | null, merchant: string | null, revertsSeq: number | null, seq: number): string {
  if (description) return merchant && !description.includes(merchant) ? `${description} (${merchant})` : description;
  // From the ledger's own column: metadata is the caller's to change (PUT .../metadata), so it names nothing here.
  if (revertsSeq !== null) return `Reversal of ledger transaction ${revertsSeq}`;
  return `Ledger transaction ${seq}`;
}
