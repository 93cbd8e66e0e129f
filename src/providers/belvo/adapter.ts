/** Belvo → the sync engine's normalized shapes: a listing of the link's last 120 days, pending matched by heuristics. */
import type { Services } from "../../env";
import { type Currency, CURRENCY_SCALES, isCurrency, parseMajor } from "../../lib/money";
import type { AccountType } from "../../modules/accounts/schemas";
import type { NormalAccount, NormalTxn } from "../../modules/providers/sync-types";
import { LeftOut } from "../../modules/providers/left-out";
import { type ConnectionRow, openCredentials } from "../../modules/providers/connections";
import type { Fetched } from "../../modules/providers/sync";
import { ProviderError, shownValue } from "../errors";
import { type BelvoAccount, BelvoClient, type BelvoTransaction } from "./client";

export const BELVO_WINDOW_DAYS = 120;

function minor(amount: number | string, currency: Currency): number {
  const p = parseMajor(amount, CURRENCY_SCALES[currency]);
  if (!p.ok) throw new ProviderError("belvo", 200, "INVALID_AMOUNT", `Amount ${shownValue(amount)} is not exact in ${currency}`);
  return p.minor;
}

/**
 * A transaction's amount: Belvo's are unsigned, its direction in `type` (INFLOW, OUTFLOW). One that carries a sign
 * ("-12.50", "+12", "-0", a negative number) is not one Belvo sends: taking its sign or dropping it would each guess
 * the direction, so it is refused as other bad amounts are.
 */
function unsignedMinor(amount: number | string, currency: Currency): number {
  const signed = typeof amount === "number" ? amount < 0 || Object.is(amount, -0) : /^\s*[+-]/.test(amount);
  if (signed) throw new ProviderError("belvo", 200, "INVALID_AMOUNT", `Amount ${shownValue(amount)} carries a sign; Belvo's amounts are unsigned, their direction in the type`);
  return minor(amount, currency);
}

/** Own keys only are read: a category such as "constructor" (a key of every object's prototype) is "other", not a function. */
const TYPES: Record<string, AccountType> = { CHECKING_ACCOUNT: "checking", SAVINGS_ACCOUNT: "savings", CREDIT_CARD: "credit_card", LOAN_ACCOUNT: "loan", INVESTMENT_ACCOUNT: "investment" };

export function normalBelvoAccount(a: BelvoAccount): NormalAccount | null {
  if (!isCurrency(a.currency)) return null;
  const owed = a.category === "CREDIT_CARD" || a.category === "LOAN_ACCOUNT";
  return {
    externalId: a.id, name: a.name, type: Object.hasOwn(TYPES, a.category) ? TYPES[a.category]! : "other", subtype: a.type, currency: a.currency, mask: a.number,
    balanceMinor: a.balance.current === null ? null : (owed ? -1 : 1) * minor(a.balance.current, a.currency),
  };
}

export function normalBelvoTxn(t: BelvoTransaction): NormalTxn | null {
  if (!isCurrency(t.currency)) return null;
  const amount = unsignedMinor(t.amount, t.currency);
  return {
    id: t.id, accountExternalId: t.account.id, amountMinor: t.type === "OUTFLOW" ? -amount : amount, date: t.value_date,
    description: t.description, merchantName: t.merchant?.name ?? null, pending: t.status === "PENDING", pendingId: null,
  };
}

export async function fetchBelvo(svc: Services, conn: ConnectionRow): Promise<Fetched> {
  const { linkId } = await openCredentials<{ linkId: string }>(svc.env, conn);
  const client = new BelvoClient(svc.env);
  const today = new Date(svc.clock.now()).toISOString().slice(0, 10);
  const fromDay = new Date(svc.clock.now() - BELVO_WINDOW_DAYS * 86_400_000).toISOString().slice(0, 10);
  // A few days ahead: the sandbox (and some banks) date transactions in the institution's time zone.
  const toDay = new Date(svc.clock.now() + 40 * 86_400_000).toISOString().slice(0, 10);
  const paging = { onPage: svc.progress };
  const [accounts, txns] = await Promise.all([client.accounts(linkId, paging), client.transactions(linkId, fromDay, toDay, paging)]);
  void today;
  const listed = accounts.map(normalBelvoAccount).filter((a): a is NormalAccount => a !== null);
  const leftOut = new LeftOut();
  for (const a of accounts) if (!isCurrency(a.currency)) leftOut.account(a.currency);
  const currencyOf = new Map(listed.map((a) => [a.externalId, a.currency]));
  // Accounts listed and left out: their transactions, in whatever currency, have no account here to be booked in.
  const notImported = new Set(accounts.filter((a) => !isCurrency(a.currency)).map((a) => a.id));
  const upserts: NormalTxn[] = [];
  for (const t of txns) {
    // One in a currency not its account's (or with no asset here) cannot be booked in it.
    const own = currencyOf.get(t.account.id);
    if (!isCurrency(t.currency) || notImported.has(t.account.id) || (own !== undefined && own !== t.currency)) leftOut.transaction(t.currency);
    else upserts.push(normalBelvoTxn(t)!);
  }
  return {
    changes: {
      accounts: listed,
      upserts,
      removed: [],
      matchPendingHeuristically: true,
      // Belvo lists the window of every account it lists.
      snapshot: { fromDayByAccount: Object.fromEntries(listed.map((a) => [a.externalId, fromDay])) },
      unsupported: leftOut.list(),
    },
  };
}
