/**
 * Rows a person writes by hand on a bank-fed account, waiting for the bank (QA-6 F7). Someone who logs a purchase
 * the day they make it, on the checking account a bank link feeds, will see the bank's own copy of it come in a day
 * or a few later. Imported as a new row, it counted twice in cash flow and budgets, while the balance
 * adjustment cancelled the hand-written one in the balance only.
 *
 * So a hand-written expense or income is "uncleared" for a few days after its day: the sync's balance
 * adjustment leaves it standing (the balance shows the bank's plus what the person says is still to come, as a
 * register does), and the bank's copy, when it comes, takes it over in place instead of being posted again: the row
 * takes the provider's transaction id and status and keeps the person's category, notes, tags and description.
 * Nothing new reaches the ledger. A row the bank never sends stops waiting after the window, and the next sync's
 * adjustment cancels it in the balance, as before.
 *
 * Only the exact amount pairs (no merchant text to go by: the person's description is theirs), on the same account,
 * in the account's currency, and the bank's day within a few days of the person's. Transfers and trades (one ledger
 * transaction for two rows) are left alone. Equal candidates pair one to one, nearest day first: whichever
 * pairing is taken, the amounts and days agree, so the figures are the same.
 */
import type { Services } from "../../env";
import { dateIn, instantIn } from "../../lib/dates";
import { foldForSearch } from "../../lib/search-text";
import { IN_JSON_LIST, jsonList } from "../../lib/sql";
import { addDays, parseYmd, ymdString } from "../../lib/zoned-time";
import type { ExistingRow } from "./apply";

/** The bank's copy may carry a day up to this many days before the person's (a purchase logged late). */
export const MANUAL_DAYS_BEFORE = 3;
/** ...or this many after (banks post within a few business days; a weekend and a holiday in between). */
export const MANUAL_DAYS_AFTER = 10;
const DAY_MS = 86_400_000;

/**
 * The SQL condition on a `transactions` row written by hand that a bank's import may take over: an expense or income
 * the person wrote (no provider id), live (a hand-written pending row, or a posted one), not one leg of a transfer or a trade.
 */
export const HAND_WRITTEN_SQL =
  "provider_transaction_id IS NULL AND status IN ('pending', 'posted') AND type IN ('expense', 'income') AND counterparty_account_id IS NULL AND trade IS NULL";

/**
 * The first instant whose day is still waiting for the bank today: a hand-written row dated from it on (or pending)
 * is uncleared. `now` in ms, `tz` the space's zone.
 */
export function unclearedFrom(now: number, tz: string): number {
  return instantIn(ymdString(addDays(parseYmd(dateIn(now, tz)), -MANUAL_DAYS_AFTER)), tz);
}

/**
 * The SQL condition (on `transactions`) of the hand-written rows the balance adjustment leaves standing: pending
 * ones (the person's own word that they have not cleared, as before), and posted ones dated from the bound value
 * (`unclearedFrom`) on.
 */
export const UNCLEARED_SQL = (from = "?") => `(${HAND_WRITTEN_SQL} AND (status = 'pending' OR date >= ${from}))`;

type HandRow = Omit<ExistingRow, "pid">;

/** A bank's row this sync would post as new. */
export interface Incoming {
  id: string;
  accountId: string;
  currency: string;
  amountMinor: number;
  /** YYYY-MM-DD, the bank's day. */
  day: string;
  pending: boolean;
  merchantName: string | null;
  /** The provider's merchant key (normalizeMerchant), as synced rows keep it. */
  merchant: string | null;
}

/**
 * Pairs the bank's new rows with the uncleared hand-written rows of their accounts and hands each paired row over
 * to its bank copy. Returns the provider ids taken over (not to be posted again), each with the row that now carries
 * it, as a sync's groups hold it.
 */
export async function takeOverHandWritten(svc: Services, tz: string, incoming: Incoming[]): Promise<Map<string, ExistingRow>> {
  const out = new Map<string, ExistingRow>();
  const candidates = incoming.filter((t) => t.amountMinor !== 0);
  if (candidates.length === 0) return out;
  const now = svc.clock.now();
  const earliest = candidates.reduce((min, t) => (t.day < min ? t.day : min), candidates[0]!.day);
  // A day of slack on the bound: the rows' days are worked out in the zone below, exactly.
  const from = instantIn(ymdString(addDays(parseYmd(earliest), -MANUAL_DAYS_AFTER - 1)), tz);
  const rows = (
    await svc.env.DB.prepare(
      `SELECT id, account_id, amount, status, ledger_seq, category_id, category_source, type, date, normalized_merchant, currency FROM transactions
        WHERE account_id ${IN_JSON_LIST} AND date >= ? AND ${UNCLEARED_SQL()}`,
    )
      .bind(jsonList([...new Set(candidates.map((t) => t.accountId))]), from, unclearedFrom(now, tz))
      .all<HandRow>()
  ).results;
  if (rows.length === 0) return out;
  for (const [t, r] of pairs(candidates, rows, tz)) {
    const status = t.pending ? "pending" : "posted";
    const claimed = await svc.env.DB.prepare(
      `UPDATE transactions SET provider_transaction_id = ?, status = ?, normalized_merchant = ?,
              merchant_name = COALESCE(merchant_name, ?), merchant_folded = COALESCE(merchant_folded, ?), updated_at = ?
        WHERE id = ? AND ${HAND_WRITTEN_SQL}`,
    )
      .bind(t.id, status, t.merchant, t.merchantName, t.merchantName === null ? null : foldForSearch(t.merchantName), now, r.id)
      .run();
    if (claimed.meta.changes === 1) {
      out.set(t.id, { ...r, pid: t.id, status, normalized_merchant: t.merchant });
      continue;
    }
    // Taken meanwhile: by a concurrent run of this same sync (the bank's row is there then) or voided or edited by
    // the person. Either way the bank's row is whatever the row holds now.
    const held = await svc.env.DB.prepare("SELECT provider_transaction_id AS pid, status, normalized_merchant FROM transactions WHERE id = ?")
      .bind(r.id)
      .first<{ pid: string | null; status: string; normalized_merchant: string | null }>();
    if (held?.pid === t.id) out.set(t.id, { ...r, pid: t.id, status: held.status, normalized_merchant: held.normalized_merchant });
  }
  return out;
}

/** One to one, nearest days first (then the older hand-written row, then ids, so every run pairs alike). */
function pairs(incoming: Incoming[], rows: HandRow[], tz: string): [Incoming, HandRow][] {
  const dayOf = new Map(rows.map((r) => [r.id, Date.parse(`${dateIn(r.date, tz)}T00:00:00Z`)]));
  const options: { t: Incoming; r: HandRow; gap: number }[] = [];
  for (const t of incoming) {
    const day = Date.parse(`${t.day}T00:00:00Z`);
    for (const r of rows) {
      if (r.account_id !== t.accountId || r.currency !== t.currency || r.amount !== t.amountMinor) continue;
      const d = dayOf.get(r.id)!;
      if (day < d - MANUAL_DAYS_BEFORE * DAY_MS || day > d + MANUAL_DAYS_AFTER * DAY_MS) continue;
      options.push({ t, r, gap: Math.abs(day - d) });
    }
  }
  options.sort((a, b) => a.gap - b.gap || a.r.date - b.r.date || (a.r.id < b.r.id ? -1 : a.r.id > b.r.id ? 1 : 0) || (a.t.id < b.t.id ? -1 : a.t.id > b.t.id ? 1 : 0));
  const usedT = new Set<string>();
  const usedR = new Set<string>();
  const out: [Incoming, HandRow][] = [];
  for (const o of options) {
    if (usedT.has(o.t.id) || usedR.has(o.r.id)) continue;
    usedT.add(o.t.id);
    usedR.add(o.r.id);
    out.push([o.t, o.r]);
  }
  return out;
}
