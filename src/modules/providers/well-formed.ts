/**
 * What a provider sends, made fit to store before a sync applies it. D1 keeps a string holding an unpaired
 * UTF-16 surrogate as bytes that read back as three U+FFFD, so the row would no longer equal what the
 * provider sent: a description or name is stored with U+FFFD in the surrogate's place (as the API refuses
 * such text from clients, and text cut to a length later is cut between pairs, `truncateText`), and an id
 * that is not well-formed refuses the sync, since a changed id would no longer find its row (the next sync
 * would add the transaction again), and two ids replaced alike would be taken for one.
 */
import { CalendarDay } from "../../lib/dates";
import { isWellFormedText, toWellFormedText, truncateText } from "../../lib/exact-json";
import { ProviderError, type ProviderName } from "../../providers/errors";
import type { NormalAccount, NormalTrade, NormalTxn, SyncChanges } from "./sync-types";

/** The longest account subtype and merchant name a client may send (accounts/schemas.ts, transactions/schemas.ts). */
const MAX_SUBTYPE = 40;
const MAX_MERCHANT_NAME = 200;

export function wellFormedChanges(provider: ProviderName, changes: SyncChanges): SyncChanges {
  const id = <T extends string | null>(value: T, what: string): T => {
    // An adapter's optional id may come as undefined; it is left as it came.
    if (value !== null && value !== undefined && !isWellFormedText(value)) {
      throw new ProviderError(provider, 200, "INVALID_RESPONSE", `The provider sent ${what} that is not well-formed Unicode text`);
    }
    return value;
  };
  const text = <T extends string | null>(value: T): T => (typeof value === "string" ? (toWellFormedText(value) as T) : value);
  // Cut to what the API takes from a client (an account's subtype, a transaction's merchant): a provider's is stored
  // and answered on every read, so none is kept at whatever length it came (a name and a description are cut where stored).
  const cut = <T extends string | null>(value: T, max: number): T => (typeof value === "string" ? (truncateText(text(value), max) as T) : value);
  const account = (a: NormalAccount): NormalAccount => ({
    ...a, externalId: id(a.externalId, "an account id"), name: text(a.name), subtype: cut(a.subtype, MAX_SUBTYPE), mask: text(a.mask),
  });
  const txn = (t: NormalTxn): NormalTxn => ({
    ...t, id: id(t.id, "a transaction id"), accountExternalId: id(t.accountExternalId, "an account id"), pendingId: id(t.pendingId, "a transaction id"),
    description: text(t.description), merchantName: cut(t.merchantName, MAX_MERCHANT_NAME),
  });
  const trade = (t: NormalTrade): NormalTrade => ({
    ...t, id: id(t.id, "a trade id"), description: text(t.description),
    legs: t.legs.map((l) => ({ ...l, accountExternalId: id(l.accountExternalId, "an account id") })),
    record: Object.fromEntries(Object.entries(t.record).map(([k, v]) => [text(k), text(v)])),
  });
  // A day the ledger can hold (a calendar day in its years): a date that does not read as one (2024-02-30, a word)
  // would be stored as another day or fail the sync at its commit with a message that names nothing. A trade's date
  // is an instant (Bitso's, to whatever precision it gives) or a day: its day must be one, and it must read.
  const day = (value: string, what: string, instant = false) => {
    const ok = typeof value === "string"
      && (instant && value.length > 10 ? CalendarDay.safeParse(value.slice(0, 10)).success && Number.isFinite(Date.parse(value)) : CalendarDay.safeParse(value).success);
    if (!ok) {
      throw new ProviderError(provider, 200, "INVALID_DATE", `The provider dated ${what} ${JSON.stringify(truncateText(String(value), 40))}, which is not a day in the years 1800 to 2999`);
    }
  };
  // A transaction listed twice (on two pages, or twice on one) is one transaction: the later listing is the newer.
  const upserts = new Map<string, NormalTxn>();
  for (const t of changes.upserts.map(txn)) {
    day(t.date, `transaction ${truncateText(t.id, 80)}`);
    upserts.delete(t.id);
    upserts.set(t.id, t);
  }
  for (const t of changes.trades ?? []) day(t.date, `trade ${truncateText(t.id, 80)}`, true);
  return {
    ...changes,
    accounts: changes.accounts.map(account),
    upserts: [...upserts.values()],
    removed: changes.removed.map((r) => id(r, "a removed transaction's id")),
    ...(changes.trades ? { trades: changes.trades.map(trade) } : {}),
  };
}
