/**
 * What a provider sends, made fit to store before a sync applies it. D1 keeps a string holding an unpaired
 * UTF-16 surrogate as bytes that read back as three U+FFFD, so the row would no longer equal what the
 * provider sent: a description or name is stored with U+FFFD in the surrogate's place (as the API refuses
 * such text from clients, and text cut to a length later is cut between pairs, `truncateText`), and an id
 * that is not well-formed refuses the sync, since a changed id would no longer find its row (the next sync
 * would add the transaction again), and two ids replaced alike would be taken for one.
 */
import { isWellFormedText, toWellFormedText } from "../../lib/exact-json";
import { ProviderError, type ProviderName } from "../../providers/errors";
import type { NormalAccount, NormalTrade, NormalTxn, SyncChanges } from "./sync-types";

export function wellFormedChanges(provider: ProviderName, changes: SyncChanges): SyncChanges {
  const id = <T extends string | null>(value: T, what: string): T => {
    // An adapter's optional id may come as undefined; it is left as it came.
    if (value !== null && value !== undefined && !isWellFormedText(value)) {
      throw new ProviderError(provider, 200, "INVALID_RESPONSE", `The provider sent ${what} that is not well-formed Unicode text`);
    }
    return value;
  };
  const text = <T extends string | null>(value: T): T => (typeof value === "string" ? (toWellFormedText(value) as T) : value);
  const account = (a: NormalAccount): NormalAccount => ({
    ...a, externalId: id(a.externalId, "an account id"), name: text(a.name), subtype: text(a.subtype), mask: text(a.mask),
  });
  const txn = (t: NormalTxn): NormalTxn => ({
    ...t, id: id(t.id, "a transaction id"), accountExternalId: id(t.accountExternalId, "an account id"), pendingId: id(t.pendingId, "a transaction id"),
    description: text(t.description), merchantName: text(t.merchantName),
  });
  const trade = (t: NormalTrade): NormalTrade => ({
    ...t, id: id(t.id, "a trade id"), description: text(t.description),
    legs: t.legs.map((l) => ({ ...l, accountExternalId: id(l.accountExternalId, "an account id") })),
    record: Object.fromEntries(Object.entries(t.record).map(([k, v]) => [text(k), text(v)])),
  });
  return {
    ...changes,
    accounts: changes.accounts.map(account),
    upserts: changes.upserts.map(txn),
    removed: changes.removed.map((r) => id(r, "a removed transaction's id")),
    ...(changes.trades ? { trades: changes.trades.map(trade) } : {}),
  };
}
