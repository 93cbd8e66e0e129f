/**
 * Plaid → the sync engine's normalized shapes. Plaid amounts are positive
 * when money leaves the account; Dhanam's are the account's view (negative
 * out). A credit account's `current` is what is owed, so its ledger balance is
 * the negative of it.
 */
import type { AccountBase, Transaction as PlaidTransaction } from "plaid";
import type { Services } from "../../env";
import { type Currency, CURRENCY_SCALES, isCurrency, parseMajorHalfEven } from "../../lib/money";
import type { AccountType } from "../../modules/accounts/schemas";
import type { NormalAccount, NormalTxn } from "../../modules/providers/sync-types";
import { LeftOut } from "../../modules/providers/left-out";
import { type ConnectionRow, openCredentials } from "../../modules/providers/connections";
import { admitPlaidLogin } from "../../modules/providers/plaid-login";
import { isReread } from "../../modules/providers/reread";
import type { Fetched } from "../../modules/providers/sync";
import { ProviderError, shownValue } from "../errors";
import { PlaidClient } from "./client";

/**
 * Plaid's amount or balance (a JSON double) in minor units. Nothing bounds its places: one finer than the currency's
 * unit (a fuel purchase at 45.678, a loan's accrued balance) is rounded half-even to it, not a sync failed for good
 * (the cursor never moved past it); the balance adjustment settles the fraction. One that is no number at all (null,
 * missing, a word) is unusable: INVALID_AMOUNT.
 */
const PLAID_PLACES = 24; // a double written out in full (1e-20 is 0.00000000000000000001): any Plaid sends

function minor(amount: number | string, currency: Currency): number {
  const parsed = typeof amount === "number" || typeof amount === "string" ? parseMajorHalfEven(amount, CURRENCY_SCALES[currency], PLAID_PLACES) : null;
  if (!parsed?.ok) throw new ProviderError("plaid", 200, "INVALID_AMOUNT", `Amount ${shownValue(amount)} is not exact in ${currency}`);
  return parsed.minor;
}

function accountType(a: AccountBase): AccountType {
  const sub = String(a.subtype ?? "");
  switch (String(a.type)) {
    case "credit":
      return "credit_card";
    case "loan":
      return sub === "mortgage" ? "mortgage" : "loan";
    case "investment":
    case "brokerage":
      return "investment";
    case "depository":
      return sub === "savings" ? "savings" : sub === "money market" ? "money_market" : sub === "cd" ? "cd" : "checking";
    default:
      return "other";
  }
}

export function normalAccount(a: AccountBase): NormalAccount | null {
  const currency = a.balances.iso_currency_code;
  if (!isCurrency(currency)) return null;
  const owed = a.type === "credit" || a.type === "loan";
  // Plaid's `current` is null when it does not know it (left out, too: it is optional on the wire).
  const current = a.balances.current ?? null;
  return {
    externalId: a.account_id, name: a.official_name ?? a.name, type: accountType(a), subtype: a.subtype ? String(a.subtype) : null, currency,
    mask: a.mask, balanceMinor: current === null ? null : (owed ? -1 : 1) * minor(current, currency),
  };
}

export function normalTxn(t: PlaidTransaction): NormalTxn | null {
  if (!isCurrency(t.iso_currency_code)) return null;
  return {
    id: t.transaction_id, accountExternalId: t.account_id, amountMinor: -minor(t.amount, t.iso_currency_code), date: t.date,
    description: t.name ?? t.original_description ?? "", merchantName: t.merchant_name ?? null, pending: t.pending, pendingId: t.pending_transaction_id,
  };
}

/**
 * Read from its start (a reread, providers/reread.ts), Plaid's feed is everything it holds of each account: its
 * window of history, from the account's earliest transaction in it. A row of ours in that window the feed no longer
 * holds was removed (posted under another id, or dropped) while the account was off. Only accounts Plaid lists and
 * has transactions of are named: one it no longer lists (closed, or left out in Link's update mode) keeps its history.
 */
function heldSince(accounts: NormalAccount[], upserts: NormalTxn[]): Record<string, string> {
  const listed = new Set(accounts.map((a) => a.externalId));
  const since: Record<string, string> = {};
  for (const t of upserts) {
    if (!listed.has(t.accountExternalId)) continue;
    const day = since[t.accountExternalId];
    if (day === undefined || t.date < day) since[t.accountExternalId] = t.date;
  }
  return since;
}

export async function fetchPlaid(svc: Services, conn: ConnectionRow): Promise<Fetched> {
  const { accessToken } = await openCredentials<{ accessToken: string }>(svc.env, conn);
  const client = new PlaidClient(svc.env);
  const rereading = isReread(conn.sync_cursor);
  const sync = await client.syncAll(accessToken, rereading ? null : conn.sync_cursor, { onPage: svc.progress });
  const item = await client.accountsGet(accessToken);
  const accounts = item.accounts.map(normalAccount).filter((a): a is NormalAccount => a !== null);
  await admitPlaidLogin(svc, conn, item.item.institution_id ?? null, accounts, () => client.itemRemove(accessToken));
  const leftOut = new LeftOut();
  for (const a of item.accounts) if (!isCurrency(a.balances.iso_currency_code)) leftOut.account(a.balances.iso_currency_code ?? a.balances.unofficial_currency_code);
  const currencyOf = new Map(accounts.map((a) => [a.externalId, a.currency]));
  // Accounts listed and left out: their transactions, in whatever currency, have no account here to be booked in.
  const notImported = new Set(item.accounts.filter((a) => !isCurrency(a.balances.iso_currency_code)).map((a) => a.account_id));
  const upserts: NormalTxn[] = [];
  // Listed, so not removed at Plaid: a reread's snapshot leaves a booked one of them alone (sync-types.ts).
  const leftOutIds: string[] = [];
  for (const t of [...sync.added, ...sync.modified]) {
    // Plaid gives a currency per transaction: one not the account's (or with no asset here) cannot be booked in it.
    const own = currencyOf.get(t.account_id);
    if (!isCurrency(t.iso_currency_code) || notImported.has(t.account_id) || (own !== undefined && own !== t.iso_currency_code)) {
      leftOut.transaction(t.iso_currency_code ?? t.unofficial_currency_code);
      leftOutIds.push(t.transaction_id);
      continue;
    }
    const n = normalTxn(t);
    if (n) upserts.push(n);
  }
  return {
    changes: {
      accounts,
      upserts,
      removed: sync.removed.map((r) => r.transaction_id),
      matchPendingHeuristically: false,
      ...(rereading ? { snapshot: { fromDayByAccount: heldSince(accounts, upserts) } } : {}),
      unsupported: leftOut.list(),
      leftOutIds,
    },
    connectionWide: true,
    // Saved only over the cursor this sync read from: one reset meanwhile (an account switched back on) stays reset.
    commit: async () => {
      await svc.env.DB.prepare("UPDATE provider_connections SET sync_cursor = ? WHERE id = ? AND sync_cursor IS ?").bind(sync.nextCursor, conn.id, conn.sync_cursor).run();
    },
  };
}
