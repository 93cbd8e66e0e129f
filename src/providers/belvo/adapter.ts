/** Belvo → the sync engine's normalized shapes: a listing of the link's last 120 days, pending matched by heuristics. */
import type { Services } from "../../env";
import { type Currency, CURRENCY_SCALES, isCurrency, parseMajorHalfEven } from "../../lib/money";
import type { AccountType } from "../../modules/accounts/schemas";
import type { NormalAccount, NormalTxn } from "../../modules/providers/sync-types";
import { LeftOut } from "../../modules/providers/left-out";
import { type ConnectionRow, openCredentials } from "../../modules/providers/connections";
import type { Fetched } from "../../modules/providers/sync";
import { ProviderError, shownValue } from "../errors";
import { type BelvoAccount, BelvoClient, type BelvoTransaction } from "./client";

export const BELVO_WINDOW_DAYS = 120;

/**
 * An amount or balance as Belvo writes it (a JSON number, to 2 to 4 decimals in its schema: "2145.4550") in minor
 * units of `currency`, rounded half-even once when finer than them, as the Bitso adapter rounds (inMinorUnits): the
 * difference those roundings leave against the balance Belvo reports lands in the sync's balance adjustment. Finer
 * than 8 places, or not a decimal at all, is no amount: INVALID_AMOUNT, the sync failed, nothing stored.
 */
function minor(amount: number | string, currency: Currency): number {
  // Read off the wire: a balance of another type (an object, a boolean) is no amount either, not a TypeError.
  const raw: unknown = amount;
  const p = typeof raw === "number" || typeof raw === "string" ? parseMajorHalfEven(raw, CURRENCY_SCALES[currency]) : null;
  if (!p?.ok) throw new ProviderError("belvo", 200, "INVALID_AMOUNT", `Amount ${shownValue(amount)} is not exact in ${currency}`);
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

/**
 * Whether the account's balance is money owed (negative in our ledger): Belvo's `balance_type` says so (LIABILITY,
 * ASSET) where it gives one; else a card's or a loan's is (on a card `balance.current` is what is owed, positive).
 */
const owes = (a: BelvoAccount) =>
  a.balance_type === "LIABILITY" ? true : a.balance_type === "ASSET" ? false : a.category === "CREDIT_CARD" || a.category === "LOAN_ACCOUNT";

export function normalBelvoAccount(a: BelvoAccount): NormalAccount | null {
  if (!isCurrency(a.currency)) return null;
  const category = typeof a.category === "string" ? a.category : "";
  const current = a.balance.current;
  // Money owed under a category that names no type here (UNCATEGORIZED: a "Crédito simple") is a loan, which may be
  // negative: as "other" the forecast told it as an account already overdrawn.
  const type: AccountType = Object.hasOwn(TYPES, category) ? TYPES[category]! : owes(a) ? "loan" : "other";
  return {
    externalId: a.id, name: a.name ?? a.type ?? (category || "Belvo account"), type, subtype: a.type ?? null,
    currency: a.currency, mask: a.number ?? null,
    balanceMinor: current === null || current === undefined ? null : (owes(a) ? -1 : 1) * minor(current, a.currency),
  };
}

/** The transaction's day: its `value_date`, or (Belvo's schema lets that be null) the day of its `accounting_date`. */
const dayOf = (t: BelvoTransaction): string => (typeof t.value_date === "string" && /^\d{4}-\d{2}-\d{2}/.test(t.value_date) ? t.value_date : t.accounting_date!).slice(0, 10);

export function normalBelvoTxn(t: BelvoTransaction): NormalTxn | null {
  if (!isCurrency(t.currency)) return null;
  const amount = unsignedMinor(t.amount, t.currency);
  return {
    id: t.id, accountExternalId: t.account.id, amountMinor: t.type === "OUTFLOW" ? -amount : amount, date: dayOf(t),
    description: t.description ?? "", merchantName: t.merchant?.merchant_name ?? null, pending: t.status === "PENDING", pendingId: null,
  };
}

/** Mexico City's offset (UTC−06:00 all year since 2022), the westernmost of Belvo's markets. */
const BELVO_WEST_OFFSET_MS = -6 * 3_600_000;

/**
 * The last day to ask Belvo for (`date_to`): Belvo refuses one after today ("no future dates", a 400 that failed
 * every sync while this asked for 40 days ahead). Today where it is earliest among Belvo's markets, Mexico City's,
 * so it is never after Belvo's today whichever zone Belvo counts it in; a transaction a Brazilian bank dates in the
 * hours its day is ahead comes with the next sync.
 */
export const belvoToday = (nowMs: number) => new Date(nowMs + BELVO_WEST_OFFSET_MS).toISOString().slice(0, 10);

export async function fetchBelvo(svc: Services, conn: ConnectionRow): Promise<Fetched> {
  const { linkId } = await openCredentials<{ linkId: string }>(svc.env, conn);
  const client = new BelvoClient(svc.env);
  const fromDay = new Date(svc.clock.now() - BELVO_WINDOW_DAYS * 86_400_000).toISOString().slice(0, 10);
  const toDay = belvoToday(svc.clock.now());
  const paging = { onPage: svc.progress };
  const [accounts, txns] = await Promise.all([client.accounts(linkId, paging), client.transactions(linkId, fromDay, toDay, paging)]);
  const listed = accounts.map(normalBelvoAccount).filter((a): a is NormalAccount => a !== null);
  const leftOut = new LeftOut();
  for (const a of accounts) if (!isCurrency(a.currency)) leftOut.account(a.currency);
  const currencyOf = new Map(listed.map((a) => [a.externalId, a.currency]));
  // Accounts listed and left out: their transactions, in whatever currency, have no account here to be booked in.
  const notImported = new Set(accounts.filter((a) => !isCurrency(a.currency)).map((a) => a.id));
  const upserts: NormalTxn[] = [];
  // Listed, so not removed at Belvo: the snapshot leaves a booked one of them alone (sync-types.ts).
  const leftOutIds: string[] = [];
  let unreadable = 0;
  for (const t of txns) {
    // One it cannot read (no amount or direction): left out, counted as an error.
    if ("unreadable" in t) {
      unreadable++;
      leftOutIds.push(t.id);
      continue;
    }
    // One in a currency not its account's (or with no asset here) cannot be booked in it.
    const own = currencyOf.get(t.account.id);
    if (!isCurrency(t.currency) || notImported.has(t.account.id) || (own !== undefined && own !== t.currency)) {
      leftOut.transaction(t.currency);
      leftOutIds.push(t.id);
    } else upserts.push(normalBelvoTxn(t)!);
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
      leftOutIds,
      unreadable,
    },
  };
}
