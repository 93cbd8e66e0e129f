/**
 * A bank disconnected and linked again imports its history anew into new accounts (lib/relinks.ts,
 * `takesOver`), while the user's work on the old rows (a category chosen by hand, notes, tags) stays on the old
 * account, which analytics no longer count from the new history on: without this, the dashboard's categories
 * and budgets lose it and the user categorizes months again. A new row the sync imports into an account that
 * took over others takes that work from its predecessor's copy of the same transaction.
 *
 * The same transaction, conservatively: the same local day, the same amount (what the institution last said of
 * the old one: its row with any correcting entries) and currency, and the same provider text, the merchant key
 * the sync stores with each row (`normalized_merchant`: the provider's merchant name, else its description,
 * folded as the pending match folds it; a rename by the user leaves it as it was, so a renamed row still pairs).
 * Rows equal on all of that pair one to one, in order: the old ones by (date, id), the new ones as imported,
 * and the successor's earlier rows pair first, taking again what they took when they came, so an old row is
 * taken once across syncs too. Down a chain (A → B → C, C taking over both) the newest predecessor's copy
 * wins: it holds what the user did since the last relink.
 *
 * The old row's day is the one it was stored for: the sync stores a row at its day's midnight in the space's zone
 * of then, and a zone changed since (a space moved from UTC to Mexico City) puts that midnight on another local
 * day now (18:00 of the day before), so keyed by its local day now no row paired (a review). A row at a midnight
 * of the zone now is on that day for certain and pairs there only (a copy of another day is another transaction,
 * or the same one seen on another day, which it is not worth guessing at). A row at no midnight of the zone now
 * is on its local day or the next: it pairs, after the certain ones, with what is left on those two days, the
 * nearer midnight first (then the older row, then the earlier new row), so equal charges of consecutive days keep
 * their own day. That is exact while the zone moved by less than 12 hours. Past that (Tokyo to New York, 14) a row
 * is nearer the day before's midnight, and so is a person's afternoon hour on a row the bank took over (the
 * manual match keeps it) to the next day's: each still pairs with its own day's copy when no equal charge of the
 * other day is left unpaired, and with equal charges on consecutive days the work moves by a day. No zone of
 * then is stored, so none is needed. A row written by hand that the bank's copy took over (manual-match.ts) keeps
 * the person's day, up to days away from the bank's: it pairs by the bank's day, which the take-over stores
 * (`provider_day`), for certain.
 *
 * Only what the user chose is carried, as rows record it (`category_source`), and only a category that still
 * exists: one set by hand (`manual`: a patch, bulk categorize, a correction and its similar rows) wins over the
 * import's own decision and stays the user's; one the user's rules set (`rule`) is kept as the old row keeps it,
 * unless a rule of the space hits the new row now (as running the rules over the old row would change it: a rule
 * edited since wins, a rule deleted since leaves it as it was). The model's guess (`ml`) is not the user's: the
 * import guesses anew. Notes and tags are the user's by nature.
 *
 * A transfer the person wrote between a bank-fed account and another (a savings jar) is one ledger transaction
 * between the two accounts, whose bank-fed side the bank's copy took over. Posted as the import posts a row (an
 * expense), the new account's copy counted the transfer as spending in cash flow and budgets (510.00 for 10.00; a
 * review). Posted as a transfer to the other account, it would put the money into the jar a second time. So it is
 * the transfer's side again (type `transfer`, naming the other account), its money against `world`, as the ledger
 * posts a bank's row whose other side it does not hold: the new account's balance is the bank's, the jar's leg stays
 * the one, and no cash flow, budget or recurring series counts it (none counts a transfer; the model learns from
 * categorized rows only). The old
 * account's side is a copy the new account holds again, as any other (lib/relinks.ts); the ledger keeps both, as it
 * keeps both copies of every relinked row. The person's transfer wins over a rule that files the bank's text now.
 *
 * A bank row the person voided on the old account (a charge they say is not theirs, a duplicate of a row they keep)
 * pairs as the others do, after the live copies (of equal charges on one day, one voided, a new link that sends
 * one gets it live): the new copy is posted and voided as the person's void did, and the next sync's adjustment
 * keeps the balance the bank's, as it did on the old account. Only the person's void carries: a row the bank removed
 * (or a duplicate the sync merged away) is reversed by the sync itself, and a new link's row of the same charge is
 * another transaction (the posted one of a pending copy dropped, say).
 */
import type { Services } from "../../env";
import { dateIn, instantIn } from "../../lib/dates";
import { addDays, parseYmd, ymdString } from "../../lib/zoned-time";
import { IN_JSON_LIST, jsonList } from "../../lib/sql";
import { MANUAL_DAYS_AFTER, MANUAL_DAYS_BEFORE } from "./manual-match";
import { REVERSED_BY_PERSON } from "./existing-rows";
import { takesOver } from "../../lib/relinks";

/** What a new row takes from its predecessor's copy. */
export interface Carried {
  /** A live category the user chose, else null (the import's own decision stands). */
  categoryId: string | null;
  /** Who chose it: by hand, or by the user's rules (null with no category). */
  categorySource: "manual" | "rule" | null;
  /** JSON list, as stored. */
  tags: string;
  notes: string | null;
  /**
   * The old copy is one side of a transfer the person wrote, which the bank's copy took over (manual-match.ts): the new
   * copy is that side again, on the new account, against `world` (see the head of this file), with the transfer's other
   * account (its successor, when that account was linked again too); null for any other row.
   */
  transfer: { counterpartyAccountId: string | null } | null;
  /** The person voided the old copy: the new one is voided too (existing-rows.ts voidCarried). */
  voided: boolean;
  /** The old copy's id. */
  fromId: string;
}

/** A row about to be imported, or one the successor already holds (`existing`). */
export interface CarrySubject {
  accountId: string;
  /** The local day (YYYY-MM-DD). */
  day: string;
  amountMinor: number;
  currency: string;
  merchant: string | null;
}

/**
 * SQL for a select list over the new connection's accounts `a`: each one's predecessors (the accounts it took
 * over) as a JSON list of `[id, created_at]`, '[]' for none. Rides in the sync's read of its accounts, so a sync
 * of an account that took over nothing (most syncs) costs no round trip more.
 */
export const predecessorsSql = (a: string) =>
  `(SELECT json_group_array(json_array(x.id, x.created_at)) FROM accounts x WHERE ${takesOver("x", a)})`;

/** `predecessorsSql`'s value as ids, the newest predecessor first. */
export function predecessorIds(json: string | null | undefined): string[] {
  if (!json) return [];
  return (JSON.parse(json) as [string, number][]).sort((p, q) => q[1] - p[1] || (p[0] < q[0] ? 1 : -1)).map((p) => p[0]);
}

interface OldRow {
  id: string;
  account_id: string;
  pid: string;
  amount: number;
  currency: string;
  date: number;
  merchant: string;
  category_id: string | null;
  category_source: "manual" | "rule" | null;
  tags: string;
  notes: string | null;
  /** The bank's day of a hand-written row its copy took over (manual-match.ts); null on the others. */
  provider_day: string | null;
  type: string;
  counterparty_account_id: string | null;
  /** 1 when the person voided it (not the bank's removal nor the sync's merge: see the query). */
  voided: number;
}

/** An old transaction as it pairs: its first row and the day(s) it may be on. */
interface OldCopy {
  row: OldRow;
  /** Its local day, when its instant is that day's midnight in the space's zone now; null when it is none. */
  day: string | null;
  /** Its local day and the next, when it is no midnight of the zone now (the day is one of them). */
  near: [string, string] | null;
}

const DAY_MS = 86_400_000;

/**
 * For each of `rows` (new rows, in import order), what it takes from a predecessor's copy, or null. `predecessors`
 * maps a successor account to the accounts it took over, newest first; `existing` are the successor's rows already
 * imported (its groups' first rows, any status: each took an old row when it came). One read, and none when no
 * row is in an account that took over another.
 */
export async function relinkCarry(
  svc: Services, tz: string, predecessors: Map<string, string[]>, rows: CarrySubject[], existing: CarrySubject[],
): Promise<(Carried | null)[]> {
  const out: (Carried | null)[] = rows.map(() => null);
  const relinked = rows.filter((r) => r.merchant !== null && (predecessors.get(r.accountId)?.length ?? 0) > 0);
  if (relinked.length === 0) return out;
  const oldAccounts = [...new Set(relinked.flatMap((r) => predecessors.get(r.accountId)!))];
  const merchants = [...new Set(relinked.map((r) => r.merchant!))];
  const days = relinked.map((r) => r.day).sort();
  const midnights = new Map<string, number>();
  const midnight = (day: string) => midnights.get(day) ?? midnights.set(day, instantIn(day, tz)).get(day)!;
  // An old row pairs with a day at most one after its local one (below); the margin covers daylight saving too. A
  // taken-over hand-written row's own date is up to MANUAL_DAYS_AFTER days before its bank day or MANUAL_DAYS_BEFORE after.
  const from = midnight(days[0]!) - (2 + MANUAL_DAYS_AFTER) * DAY_MS;
  const to = midnight(days[days.length - 1]!) + (2 + MANUAL_DAYS_BEFORE) * DAY_MS;
  // Each group's rows (its first row and correcting entries, which share its date and merchant key); a row the sync
  // reversed (the bank removed it, or it was merged into its pending copy) carries nothing, one the person voided (a
  // reversal of their own: the transactions' void, the ledger's revert) carries its void. The category only when the
  // user chose it (by hand or by rule) and it still exists.
  const found = await svc.env.DB.prepare(
    `SELECT t.id, t.account_id, t.provider_transaction_id AS pid, t.amount, t.currency, t.date, t.provider_day, t.normalized_merchant AS merchant,
            CASE WHEN t.category_source IN ('manual', 'rule') AND c.id IS NOT NULL THEN t.category_id END AS category_id,
            CASE WHEN t.category_source IN ('manual', 'rule') AND c.id IS NOT NULL THEN t.category_source END AS category_source, t.tags, t.notes,
            t.type, t.counterparty_account_id, t.status = 'cancelled' AS voided
       FROM transactions t LEFT JOIN categories c ON c.id = t.category_id AND c.space_id = t.space_id
      WHERE t.account_id ${IN_JSON_LIST} AND t.date >= ? AND t.date <= ?
        AND (t.status != 'cancelled' OR ${REVERSED_BY_PERSON})
        AND t.provider_transaction_id IS NOT NULL AND t.provider_transaction_id NOT LIKE 'balance#%'
        AND t.normalized_merchant ${IN_JSON_LIST}`,
  )
    .bind(jsonList(oldAccounts), from, to, jsonList(merchants))
    .all<OldRow>();

  // The old transactions, each with its live amount, by account, amount, currency and merchant key, in (date, id) order.
  const byGroup = new Map<string, { first: OldRow | null; amount: number }>();
  for (const r of found.results) {
    const g = `${r.account_id}\u0000${r.pid.split("#")[0]}`;
    const group = byGroup.get(g) ?? { first: null, amount: 0 };
    // The bank's last word on the amount: the person's void of a row changes nothing of it.
    group.amount += r.amount;
    if (!r.pid.includes("#")) group.first = r;
    byGroup.set(g, group);
  }
  const keyOf = (accountId: string, s: { amountMinor: number; currency: string; merchant: string | null }) =>
    JSON.stringify([accountId, s.amountMinor, s.currency, s.merchant]);
  const old = new Map<string, OldCopy[]>();
  for (const { first, amount } of byGroup.values()) {
    if (!first) continue;
    // A midnight of the zone now is that day for certain. Any other instant was stored while the space had another
    // zone (or is the hour a person wrote on a row the bank's copy then took over): its day is its local one or the
    // next (a zone moved by less than a day moves a midnight by less than a day); see the head of this file.
    const local = first.provider_day ?? dateIn(first.date, tz);
    const certain = first.provider_day !== null || midnight(local) === first.date;
    const copy: OldCopy = { row: first, day: certain ? local : null, near: certain ? null : [local, nextDay(local)] };
    const k = keyOf(first.account_id, { amountMinor: amount, currency: first.currency, merchant: first.merchant });
    old.set(k, [...(old.get(k) ?? []), copy]);
  }
  // The live copies first: of equal charges of a day, one of them voided, a new link sending one gets it live.
  for (const list of old.values()) list.sort((p, q) => p.row.voided - q.row.voided || p.row.date - q.row.date || (p.row.id < q.row.id ? -1 : p.row.id > q.row.id ? 1 : 0));

  // The successor's earlier rows first (each took an old row when it came, and takes it again here), then the new
  // ones; in each round, every predecessor's copy is taken (each old row pairs once in its own account).
  const taken = new Set<string>();
  pairRound(existing, predecessors, old, taken, keyOf, midnight);
  const pairs = pairRound(rows, predecessors, old, taken, keyOf, midnight);
  // A transfer's other account linked again too (checking and savings of one bank) is named by its successor.
  const successorOf = new Map([...predecessors].flatMap(([successor, list]) => list.map((p) => [p, successor] as const)));
  rows.forEach((r, i) => {
    // The newest predecessor's copy is carried.
    const chosen = (predecessors.get(r.accountId) ?? []).map((p) => pairs.get(`${i}\u0000${p}`)).find((c) => c !== undefined);
    const transfer = chosen?.type === "transfer" ? { counterpartyAccountId: chosen.counterparty_account_id === null ? null : (successorOf.get(chosen.counterparty_account_id) ?? chosen.counterparty_account_id) } : null;
    if (chosen && (chosen.category_id !== null || chosen.notes !== null || chosen.tags !== "[]" || transfer !== null || chosen.voided === 1)) {
      out[i] = { categoryId: chosen.category_id, categorySource: chosen.category_source, tags: chosen.tags, notes: chosen.notes, transfer, voided: chosen.voided === 1, fromId: chosen.id };
    }
  });
  return out;
}

/**
 * Pairs `subjects` with old copies not `taken` yet (and marks them taken), for each subject and each predecessor of
 * its account; the pairs by `subject index \0 predecessor`. A copy of a certain day pairs on that day only, one to
 * one in order; those of an uncertain one then pair with what is left on either of its two days, the nearest
 * midnight first, then the older copy and the earlier subject, so every run pairs alike: equal charges of
 * consecutive days each keep their own day.
 */
function pairRound(
  subjects: CarrySubject[], predecessors: Map<string, string[]>, old: Map<string, OldCopy[]>, taken: Set<string>,
  keyOf: (accountId: string, s: CarrySubject) => string, midnight: (day: string) => number,
): Map<string, OldRow> {
  const pairs = new Map<string, OldRow>();
  const options: { gap: number; copy: OldCopy; i: number; p: string }[] = [];
  subjects.forEach((s, i) => {
    if (s.merchant === null) return;
    for (const p of predecessors.get(s.accountId) ?? []) {
      const copies = old.get(keyOf(p, s));
      if (!copies) continue;
      const exact = copies.find((c) => c.day === s.day && !taken.has(c.row.id));
      if (exact) {
        taken.add(exact.row.id);
        pairs.set(`${i}\u0000${p}`, exact.row);
        continue;
      }
      for (const c of copies) {
        if (c.near && (c.near[0] === s.day || c.near[1] === s.day)) options.push({ gap: Math.abs(midnight(s.day) - c.row.date), copy: c, i, p });
      }
    }
  });
  options.sort((a, b) => a.gap - b.gap || a.copy.row.voided - b.copy.row.voided || a.copy.row.date - b.copy.row.date || (a.copy.row.id < b.copy.row.id ? -1 : a.copy.row.id > b.copy.row.id ? 1 : 0) || a.i - b.i);
  for (const o of options) {
    const k = `${o.i}\u0000${o.p}`;
    if (taken.has(o.copy.row.id) || pairs.has(k)) continue;
    taken.add(o.copy.row.id);
    pairs.set(k, o.copy.row);
  }
  return pairs;
}

const nextDay = (day: string) => ymdString(addDays(parseYmd(day), 1));
