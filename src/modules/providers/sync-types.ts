/**
 * What a provider's sync hands the sync engine (apply.ts), in one shape for Plaid, Belvo and Bitso: the accounts, the
 * transactions and trades as the institution reports them, the tally of what a sync did, and the rows a provider id
 * already owns in the ledger (its "group").
 */
import { type Currency } from "../../lib/money";
import type { AccountType } from "../accounts/schemas";
import type { Unsupported } from "./left-out";

export interface NormalAccount {
  externalId: string;
  name: string;
  type: AccountType;
  subtype: string | null;
  currency: Currency;
  mask: string | null;
  /** What the institution says the account holds, excluding pending transactions (minor units); null if unknown. */
  balanceMinor: number | null;
}

export interface NormalTxn {
  id: string;
  accountExternalId: string;
  /** Signed minor units from the account's point of view: negative leaves the account. */
  amountMinor: number;
  /** YYYY-MM-DD, the day the institution gives. */
  date: string;
  description: string;
  merchantName: string | null;
  pending: boolean;
  /** The pending transaction this posted one replaces, when the provider says so (Plaid). */
  pendingId: string | null;
}

/** A cash-and-asset exchange (Bitso): one ledger transaction, a row per account it touches. */
export interface NormalTrade {
  id: string;
  date: string;
  description: string;
  /** Legs: each moves `amountMinor` (signed, the account's view) of the account's currency against `world`. */
  legs: { accountExternalId: string; amountMinor: number; fee: boolean; side: "buy" | "sell" }[];
  record: Record<string, string>;
}

export interface SyncChanges {
  accounts: NormalAccount[];
  upserts: NormalTxn[];
  removed: string[];
  trades?: NormalTrade[];
  /** Match posted to pending by amount, date and merchant (providers without a pending link). */
  matchPendingHeuristically: boolean;
  /**
   * The upserts are everything the provider holds of each account named here from its day on (a listing, as
   * Belvo's, or a change feed read from its start, as Plaid's reread): a synced transaction of such an account
   * from that day on that is no longer listed was removed. An account not named (the provider did not list it,
   * or listed nothing of it) is left alone: a closed account's history is not removed for want of a listing.
   */
  snapshot?: { fromDayByAccount: Record<string, string> };
  /**
   * Transactions the provider listed that this sync left out (`unsupported`: a currency with no asset here, none, or
   * not its account's): still held at the provider, so the snapshot does not take a booked one for removed.
   */
  leftOutIds?: string[];
  /** Of the left out, how many the sync could not read (a Belvo transaction with no amount or type): `errors`. */
  unreadable?: number;
  /** What the provider listed and this sync could not import, by currency (left-out.ts). */
  unsupported?: Unsupported[];
}

export interface SyncStats {
  created: number;
  updated: number;
  unchanged: number;
  /** Transactions the provider listed that the sync could not process (SyncChanges.unreadable). */
  errors: number;
  removed: number;
  corrections: number;
  adjustments: number;
  flagged: number;
}

export const emptyStats = (): SyncStats => ({ created: 0, updated: 0, unchanged: 0, errors: 0, removed: 0, corrections: 0, adjustments: 0, flagged: 0 });

export interface ExistingRow {
  id: string;
  account_id: string;
  pid: string;
  amount: number;
  status: string;
  ledger_seq: number;
  category_id: string | null;
  category_source: string | null;
  type: string;
  date: number;
  normalized_merchant: string | null;
  currency: string;
  /** The provider's day of a hand-written row its copy took over (manual-match.ts), which keeps the person's date. */
  provider_day: string | null;
}

/** The provider id a row's id names: a correcting entry's `<id>#c<n>` (or a trade leg's `#leg<n>`) belongs to `<id>`. */
export const baseOf = (pid: string) => pid.split("#")[0]!;
