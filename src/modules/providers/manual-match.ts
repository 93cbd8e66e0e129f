/**
 * Rows a person writes by hand on a bank-fed account, waiting for the bank (QA-6 F7). Someone who logs a purchase
 * the day they make it, on the checking account a bank link feeds, will see the bank's own copy of it come in a day
 * or a few later. Imported as a new row, it counted twice in cash flow and budgets, while the balance
 * adjustment cancelled the hand-written one in the balance only.
 *
 * So a hand-written row (an expense, income, fee, or one side of a transfer; not a trade) is "uncleared" for a few
 * days after its day: the sync's balance adjustment leaves it standing (the balance shows the bank's plus what the
 * person says is still to come, as a register does), and the bank's copy, when it comes, takes it over in place
 * instead of being posted again: the row takes the provider's transaction id and status (and the bank's day, kept
 * aside in `provider_day`) and keeps the person's day, category, notes, tags and description. Nothing new reaches
 * the ledger. A row the bank never sends stops waiting after the window, and the next sync's adjustment cancels it in
 * the balance, as before; a copy the bank sends later still takes it over (the adjustments then even out). A row the
 * person marked pending (a cheque) waits until the bank sends it, up to MANUAL_PENDING_DAYS_AFTER days.
 *
 * Only the exact amount pairs (no merchant text to go by: the person's description is theirs), on the same account
 * or one it took over (a bank linked again: below), in the account's currency, the bank's day within a few days of
 * the person's; a transfer the person wrote never with a bank row the space's rules file under a category. Equal
 * candidates pair one to one: first those whose categories agree (the person's against the rules'), then the nearest
 * days. A copy the bank removes gives the row back to the person rather than reversing it. Only accounts whose feed
 * sends cash rows wait at all (`receivesCopies`).
 *
 * A bank linked again (lib/relinks.ts) imports into new accounts, and a row the person wrote on the old account
 * that was still waiting is paired with the new account's copy: the copy is posted (the new account holds the
 * bank's history), and the old row takes its id and day, so that analytics leave it out as a copy the new account
 * holds again, and the relink carry gives the new copy the person's work (relink-carry.ts; a side of a transfer the
 * person wrote stays a transfer).
 */
import type { Services } from "../../env";
import { dateIn, instantIn } from "../../lib/dates";
import { foldForSearch } from "../../lib/search-text";
import { IN_JSON_LIST, jsonList } from "../../lib/sql";
import { addDays, parseYmd, ymdString } from "../../lib/zoned-time";
import { bumpForecastEpoch } from "../analytics/forecast-epoch";
import type { ExistingRow } from "./sync-types";

/** The bank's copy may carry a day up to this many days before the person's (a purchase logged late). */
export const MANUAL_DAYS_BEFORE = 3;
/** ...or this many after (banks post within a few business days; a weekend and a holiday in between). */
export const MANUAL_DAYS_AFTER = 10;
/** ...or, for a row the person marked pending (a cheque, a rent payment), this many after. */
export const MANUAL_PENDING_DAYS_AFTER = 90;
const DAY_MS = 86_400_000;
/** Take-overs per D1 batch (a batch is one round trip; each statement binds nine values). */
const CLAIMS_PER_BATCH = 100;

/**
 * Account types whose provider feed sends cash rows (bank and card accounts, Plaid's transactions, Belvo's): a row
 * written by hand there waits for its copy. An investment account's or a Bitso wallet's feed sends none (Plaid's
 * investments, Bitso's trades), while its reported total already holds what the person wrote: waiting, the row counted
 * twice in the balance (a wallet 3,000.00 for Bitso's 2,000.00), so there it is cancelled in the balance at once.
 */
const CASH_FEED_TYPES: ReadonlySet<string> = new Set(["checking", "savings", "credit", "credit_card", "money_market", "cd", "loan", "mortgage"]);

/** Whether a row written by hand on an account of `type` waits for the provider's copy. */
export const receivesCopies = (type: string) => CASH_FEED_TYPES.has(type);

/** The row types a bank sends: a trade is one ledger transaction of two assets, which no bank row is. */
const BANK_TYPES = "('expense', 'income', 'transfer', 'fee')";

/**
 * The SQL condition on a `transactions` row (its columns prefixed by `t`, an alias and a dot, or nothing) written by
 * hand that a bank's import may take over: the person's (no provider id), live (pending or posted), of a bank's type.
 */
export const handWrittenSql = (t = "") =>
  `${t}provider_transaction_id IS NULL AND ${t}status IN ('pending', 'posted') AND ${t}type IN ${BANK_TYPES} AND ${t}trade IS NULL`;

/**
 * The first instant whose day is still waiting for the bank today: a hand-written row dated from it on (or pending)
 * is uncleared. `now` in ms, `tz` the space's zone.
 */
export function unclearedFrom(now: number, tz: string): number {
  return instantIn(ymdString(addDays(parseYmd(dateIn(now, tz)), -MANUAL_DAYS_AFTER)), tz);
}

/**
 * The SQL condition (on `transactions`, aliased `t`) of the hand-written rows the balance adjustment leaves standing:
 * pending ones (the person's own word that they have not cleared, as before), and posted ones dated from the bound
 * value (`unclearedFrom`) on, but not one the bank had already sent: a provider row of the same amount on the account,
 * of the same day (within a day of it), there before the person wrote theirs (a purchase logged in the evening after
 * the bank's pending copy came in), and no hand-written row itself. That one is a duplicate the person wrote, and the
 * next sync's adjustment cancels it in the balance, as before. Yesterday's coffee of the same price is not today's.
 */
export const unclearedSql = (t: string, from = "?") => `(${handWrittenSql(`${t}.`)}
  AND (${t}.status = 'pending' OR (${t}.date >= ${from} AND NOT EXISTS (
    SELECT 1 FROM transactions p
     WHERE p.account_id = ${t}.account_id AND p.date > ${t}.date - ${DAY_MS} AND p.date < ${t}.date + ${DAY_MS}
       AND p.amount = ${t}.amount AND p.provider_transaction_id IS NOT NULL AND p.provider_day IS NULL AND p.type IN ${BANK_TYPES}
       AND p.status != 'cancelled' AND p.created_at < ${t}.created_at))))`;

type HandRow = Omit<ExistingRow, "pid">;

/** A bank's row this sync would post as new. */
export interface Incoming {
  id: string;
  accountId: string;
  currency: string;
  amountMinor: number;
  /** YYYY-MM-DD, the day it pairs from: the bank's day (a tipped posting's, its pending copy's: the purchase's). */
  day: string;
  /** YYYY-MM-DD, the bank's own day of this row, kept on the row it takes over (`provider_day`). */
  bankDay: string;
  pending: boolean;
  merchantName: string | null;
  /** The provider's merchant key (normalizeMerchant), as synced rows keep it. */
  merchant: string | null;
  /** The category one of the space's rules gives it (not the model's guess), if any. */
  ruleCategoryId: string | null;
}

/** What the bank's new rows may pair with, read in one round trip. */
export interface HandWritten {
  rows: HandRow[];
  /** The new rows' ids that a row carries already: a concurrent run of the same sync took them since this one read. */
  present: Set<string>;
  /**
   * The provider's rows of the accounts the new rows' accounts took over (a bank linked again), of the new rows'
   * amounts: a new row one of them was already the copy of (yesterday's coffee, imported again) is no row the person
   * is still waiting for there.
   */
  heldBefore: { account_id: string; amount: number; normalized_merchant: string | null; date: number; provider_day: string | null }[];
}

/** The day `n` days before `day` (YYYY-MM-DD), at its midnight in `tz`, less a day of slack (days are exact when pairing). */
const daysBefore = (day: string, n: number, tz: string) => instantIn(ymdString(addDays(parseYmd(day), -n - 1)), tz);

/**
 * The hand-written rows of the new rows' accounts, and of the accounts those took over (`predecessors`), dated where a
 * bank day of theirs could pair (whether or not the balance still waits for them: a sync that comes late must not post
 * the bank's copy twice), and the new rows' ids already there.
 */
export async function readHandWritten(svc: Services, tz: string, incoming: Incoming[], predecessors: Map<string, string[]>): Promise<HandWritten> {
  const candidates = incoming.filter((t) => t.amountMinor !== 0);
  if (candidates.length === 0) return { rows: [], present: new Set(), heldBefore: [] };
  const earliest = candidates.reduce((min, t) => (t.day < min ? t.day : min), candidates[0]!.day);
  const own = [...new Set(candidates.map((t) => t.accountId))];
  const old = [...new Set(own.flatMap((a) => predecessors.get(a) ?? []))];
  const accounts = [...new Set([...own, ...old])];
  const db = svc.env.DB;
  const [rows, present, heldBefore] = await db.batch<Record<string, unknown>>([
    db.prepare(
      `SELECT id, account_id, amount, status, ledger_seq, category_id, category_source, type, date, normalized_merchant, currency, provider_day
         FROM transactions
        WHERE account_id ${IN_JSON_LIST} AND date >= ? AND ${handWrittenSql()} AND (status = 'pending' OR date >= ?)`,
    ).bind(jsonList(accounts), daysBefore(earliest, MANUAL_PENDING_DAYS_AFTER, tz), daysBefore(earliest, MANUAL_DAYS_AFTER, tz)),
    db.prepare(`SELECT provider_transaction_id AS pid FROM transactions WHERE account_id ${IN_JSON_LIST} AND provider_transaction_id ${IN_JSON_LIST}`)
      .bind(jsonList(own), jsonList(candidates.map((t) => t.id))),
    // None without an account taken over (no old account: the JSON list is empty).
    db.prepare(
      `SELECT account_id, amount, normalized_merchant, date, provider_day FROM transactions
        WHERE account_id ${IN_JSON_LIST} AND date >= ? AND provider_transaction_id IS NOT NULL AND provider_transaction_id NOT LIKE 'balance#%'
          AND status != 'cancelled' AND amount ${IN_JSON_LIST}`,
    ).bind(jsonList(old), daysBefore(earliest, 2, tz), jsonList([...new Set(candidates.map((t) => t.amountMinor))])),
  ]);
  return {
    rows: rows!.results as unknown as HandRow[],
    present: new Set(present!.results.map((r) => r.pid as string)),
    heldBefore: heldBefore!.results as unknown as HandWritten["heldBefore"],
  };
}

export interface TakenOver {
  /** Provider id → the row of its own account that now carries it (not to be posted again), as a sync's groups hold it. */
  taken: Map<string, ExistingRow>;
  /** Provider ids whose hand-written row was on an account this one took over: the copy is posted all the same. */
  handedOver: Set<string>;
}

/**
 * Pairs the bank's new rows with the hand-written rows read (`readHandWritten`) and hands each paired row over to its
 * bank copy.
 */
export async function takeOverHandWritten(
  svc: Services, spaceId: string, tz: string, incoming: Incoming[], found: HandWritten, predecessors: Map<string, string[]>,
): Promise<TakenOver> {
  const out: TakenOver = { taken: new Map(), handedOver: new Set() };
  if (found.rows.length === 0) return out;
  const now = svc.clock.now();
  const db = svc.env.DB;
  const live = incoming.filter((t) => t.amountMinor !== 0);
  const paired = pairs(live, found.rows, tz, predecessors, copiesHeldBefore(live, found.heldBefore, tz, predecessors));
  // Every take-over in one round trip (a batch per CLAIMS_PER_BATCH), each under its own guard.
  const claims: D1Result[] = [];
  for (let i = 0; i < paired.length; i += CLAIMS_PER_BATCH) {
    const chunk = paired.slice(i, i + CLAIMS_PER_BATCH);
    // A take-over gives the row the bank's merchant key, which the forecast's recurring series are found by: a
    // forecast cached before it is not served after (in the first batch, so even a run that stops after it bumps).
    const staleForecast = i === 0 ? [bumpForecastEpoch(db, spaceId)] : [];
    const results = await db.batch([...chunk.map(([t, r]) =>
      // Never while a row of the account carries the id: a concurrent run of this sync posted the bank's copy since.
      db.prepare(
        `UPDATE transactions SET provider_transaction_id = ?1, status = ?2, normalized_merchant = ?3, provider_day = ?9,
                merchant_name = COALESCE(merchant_name, ?4), merchant_folded = COALESCE(merchant_folded, ?5), updated_at = ?6
          WHERE id = ?7 AND ${handWrittenSql()}
            AND NOT EXISTS (SELECT 1 FROM transactions p WHERE p.account_id = ?8 AND p.provider_transaction_id = ?1)`,
      ).bind(t.id, t.pending ? "pending" : "posted", t.merchant, t.merchantName, t.merchantName === null ? null : foldForSearch(t.merchantName), now, r.id, r.account_id, t.bankDay),
    ), ...staleForecast]);
    claims.push(...results.slice(0, chunk.length));
  }
  const missed: [Incoming, HandRow][] = [];
  paired.forEach(([t, r], i) => {
    const claimed = claims[i]!.meta.changes === 1;
    // On the old account of a bank linked again: the copy is posted in the new one, which takes the person's work.
    if (r.account_id !== t.accountId) {
      if (claimed) out.handedOver.add(t.id);
    } else if (claimed) {
      out.taken.set(t.id, { ...r, pid: t.id, status: t.pending ? "pending" : "posted", normalized_merchant: t.merchant, provider_day: t.bankDay });
    } else {
      missed.push([t, r]);
    }
  });
  if (missed.length === 0) return out;
  // Taken meanwhile: by a concurrent run of this same sync (the bank's row is there then, this one or a new one), or
  // voided by the person. The bank's row is whatever carries its id now; with none, it is posted as new.
  const held = await db.batch<{ id: string; status: string; normalized_merchant: string | null; provider_day: string | null }>(missed.map(([t, r]) =>
    db.prepare("SELECT id, status, normalized_merchant, provider_day FROM transactions WHERE account_id = ? AND provider_transaction_id = ? ORDER BY status = 'cancelled', created_at LIMIT 1")
      .bind(r.account_id, t.id),
  ));
  missed.forEach(([t, r], i) => {
    const h = held[i]!.results[0];
    if (h) out.taken.set(t.id, { ...r, id: h.id, pid: t.id, status: h.status, normalized_merchant: h.normalized_merchant, provider_day: h.provider_day });
  });
  return out;
}

/**
 * The new rows of accounts that took over others that an old account's provider row was already the copy of: the same
 * amount, merchant key and day (the bank's, for a taken-over row); one to one, in the new rows' order of day.
 */
function copiesHeldBefore(incoming: Incoming[], heldBefore: HandWritten["heldBefore"], tz: string, predecessors: Map<string, string[]>): Set<string> {
  const out = new Set<string>();
  if (heldBefore.length === 0) return out;
  const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);
  // By amount and merchant key (a first sync after a relink brings months of both).
  const byKey = new Map<string, { account: string; day: number; used: boolean }[]>();
  for (const h of heldBefore) {
    const key = `${h.amount}\u0000${h.normalized_merchant}`;
    const list = byKey.get(key) ?? byKey.set(key, []).get(key)!;
    list.push({ account: h.account_id, day: dayMs(h.provider_day ?? dateIn(h.date, tz)), used: false });
  }
  for (const t of [...incoming].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0))) {
    const old = predecessors.get(t.accountId) ?? [];
    const day = dayMs(t.day);
    const copy = (byKey.get(`${t.amountMinor}\u0000${t.merchant}`) ?? []).find((h) => !h.used && old.includes(h.account) && h.day === day);
    if (!copy) continue;
    copy.used = true;
    out.add(t.id);
  }
  return out;
}

/**
 * The bank removed the copy that took over a row written by hand (a pending copy dropped, to come again posted under a
 * new id without naming it): the row is the person's again, waiting for the copy (posted, ten days from its day), and
 * never reversed: their row stays, and a transfer's other side with it. False when another run changed it since.
 */
export async function releaseHandWritten(svc: Services, rowId: string, pid: string): Promise<boolean> {
  const released = await svc.env.DB.prepare(
    "UPDATE transactions SET provider_transaction_id = NULL, provider_day = NULL, status = 'posted', updated_at = ? WHERE id = ? AND provider_transaction_id = ?",
  )
    .bind(svc.clock.now(), rowId, pid)
    .run();
  return released.meta.changes === 1;
}

/**
 * One to one: rows whose categories agree first, then the nearest days (then the row on the new row's own account, then
 * the older hand-written row, then ids, so every run pairs alike).
 */
function pairs(incoming: Incoming[], rows: HandRow[], tz: string, predecessors: Map<string, string[]>, heldBefore: Set<string>): [Incoming, HandRow][] {
  const dayOf = new Map(rows.map((r) => [r.id, Date.parse(`${dateIn(r.date, tz)}T00:00:00Z`)]));
  const options: { t: Incoming; r: HandRow; gap: number; own: number; other: number }[] = [];
  for (const t of incoming) {
    const day = Date.parse(`${t.day}T00:00:00Z`);
    const accounts = [t.accountId, ...(predecessors.get(t.accountId) ?? [])];
    for (const r of rows) {
      if (!accounts.includes(r.account_id) || r.currency !== t.currency || r.amount !== t.amountMinor) continue;
      // A row of an old account waits for a copy the old link never sent, not for one of what it held already.
      if (r.account_id !== t.accountId && heldBefore.has(t.id)) continue;
      // A transfer the person wrote is no purchase: a bank row the space's rules file under a category is not its copy
      // (the rent is not the move to savings of the same amount).
      if (r.type === "transfer" && t.ruleCategoryId !== null) continue;
      const d = dayOf.get(r.id)!;
      const after = r.status === "pending" ? MANUAL_PENDING_DAYS_AFTER : MANUAL_DAYS_AFTER;
      if (day < d - MANUAL_DAYS_BEFORE * DAY_MS || day > d + after * DAY_MS) continue;
      // Maybe another purchase of the same amount: the person filed theirs under one category and the space's rules put
      // the bank's under another (the fuel is not the groceries). It pairs after every row that agrees, but it still
      // pairs: the person may simply file it elsewhere than the rules ("Course books", not "Shopping"), and a purchase
      // counted twice is worse than one filed under the other's category. Only a category the person chose says so: one
      // the rules or the model gave their row from its own words ("lunch") tells nothing of the bank's ("UBER EATS").
      const other = r.category_source === "manual" && r.category_id !== null && t.ruleCategoryId !== null && r.category_id !== t.ruleCategoryId ? 1 : 0;
      options.push({ t, r, gap: Math.abs(day - d), own: r.account_id === t.accountId ? 0 : 1, other });
    }
  }
  const byId = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  options.sort((a, b) => a.other - b.other || a.gap - b.gap || a.own - b.own || a.r.date - b.r.date || byId(a.r.id, b.r.id) || byId(a.t.id, b.t.id));
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
