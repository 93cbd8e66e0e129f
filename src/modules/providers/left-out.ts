/**
 * What a sync read and could not import, told rather than dropped in silence: an account in a currency with no asset
 * here (CHF, USDT), a transaction or trade in such a currency, and a transaction in a currency other than its
 * account's (an amount in one currency is never booked as another). Counted by currency for the sync's job and its
 * connection (`unsupported`). The balances of the accounts that are imported stay the provider's either way: the
 * sync's balance adjustments reconcile them.
 */
import { truncateText } from "../../lib/exact-json";

export interface Unsupported {
  /** The provider's code, upper-cased (at most 16 characters), or "(none)" when it gave none. */
  currency: string;
  accounts: number;
  transactions: number;
}

/** Distinct codes kept; past them (a provider sending a different code on every row) the rest count as "(other)". */
const MAX_CODES = 20;

export class LeftOut {
  private readonly byCode = new Map<string, Unsupported>();

  account(code: unknown): void {
    this.entry(code).accounts++;
  }

  transaction(code: unknown): void {
    this.entry(code).transactions++;
  }

  list(): Unsupported[] {
    return [...this.byCode.values()].sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0));
  }

  private entry(code: unknown): Unsupported {
    let key = typeof code === "string" && code.trim() !== "" ? truncateText(code.trim().toUpperCase(), 16) : "(none)";
    if (!this.byCode.has(key) && this.byCode.size >= MAX_CODES) key = "(other)";
    let e = this.byCode.get(key);
    if (!e) this.byCode.set(key, (e = { currency: key, accounts: 0, transactions: 0 }));
    return e;
  }
}
