/**
 * The rules an `accounts:` address obeys in the ledger, whoever posts to it:
 * the Dhanam routes or the raw ledger API. `accounts:<id>` belongs to a Dhanam
 * account, so a posting to it must name an account of this space that is
 * active (a disconnected account takes no new entries) in the account's own
 * currency; an investment-type account may also hold units of securities.
 */
import { assetOf, type Currency, FIAT_CURRENCIES } from "../../lib/money";
import { accountIdOf } from "./addresses";
import type { LedgerFailure, Posting } from "./types";

/** What the ledger needs to know about a Dhanam account. */
export interface AccountRule {
  currency: string;
  type: string;
  active: boolean;
  allowOverdraft: boolean;
}

/** Account types that hold securities or coins besides their cash currency. */
const HOLDS_SECURITIES = new Set([
  "investment", "brokerage", "crypto", "ira", "roth_ira", "sep_ira", "simple_ira", "401k", "403b", "hsa", "education", "trust",
]);

/** Units of a security or coin are `SYMBOL/8`; a fiat currency code is never one (BTC and ETH are). */
const isSecurityAsset = (asset: string) => {
  const [symbol, scale] = asset.split("/");
  return scale === "8" && !(FIAT_CURRENCIES as readonly string[]).includes(symbol!);
};

export const isAccountAddress = (address: string) => address === "accounts" || address.startsWith("accounts:");

export function acceptsAsset(rule: Pick<AccountRule, "currency" | "type">, asset: string): boolean {
  return asset === assetOf(rule.currency as Currency) || (HOLDS_SECURITIES.has(rule.type) && isSecurityAsset(asset));
}

/**
 * The first posting that breaks an account rule, as the failure to report.
 * `ruleOf` answers null for an address with no account in this space.
 */
export function checkAccountPostings(postings: Posting[], ruleOf: (address: string) => AccountRule | null): LedgerFailure | null {
  for (let i = 0; i < postings.length; i++) {
    const p = postings[i]!;
    for (const [side, address] of [["source", p.source], ["destination", p.destination]] as const) {
      if (!isAccountAddress(address)) continue;
      const field = `postings.${i}.${side}`;
      const rule = accountIdOf(address) ? ruleOf(address) : null;
      if (!rule) {
        return {
          status: 422, code: "VALIDATION_FAILED", message: `${address} is not an account of this space`,
          details: [{ field, message: "accounts: addresses belong to the space's accounts; use another prefix for other ledger accounts", code: "UNKNOWN_ACCOUNT" }],
        };
      }
      if (!rule.active) {
        // Named as the API names accounts (acc_…), the words of the route's own check (transactions/service.ts).
        return { status: 409, code: "CONFLICT", message: `Account ${accountIdOf(address)} is disconnected or inactive; it accepts no new entries` };
      }
      if (!acceptsAsset(rule, p.asset)) {
        return {
          status: 422, code: "VALIDATION_FAILED", message: `${address} holds ${assetOf(rule.currency as Currency)}, not ${p.asset}`,
          details: [{ field: `postings.${i}.asset`, message: `Must be ${assetOf(rule.currency as Currency)} for this account`, code: "CURRENCY_MISMATCH" }],
        };
      }
    }
  }
  return null;
}

/**
 * Addresses whose balances mirror Dhanam rows: accounts (each account's
 * transactions sum to its balance) and the counterparties of categorized cash
 * flows (budgets and category balances agree). The raw ledger API may not post
 * to them directly; Dhanam routes move that money and write the rows with it.
 */
export function isDhanamOwnedAddress(address: string): boolean {
  if (isAccountAddress(address)) return true;
  const [kind, name, ...rest] = address.split(":");
  if ((kind !== "expense" && kind !== "income") || name === undefined || rest.length > 0) return false;
  return name.startsWith("cat_") || name === "uncategorized" || name === "fees";
}

/** The first posting of raw ledger API transactions that touches a Dhanam-owned address. */
export function dhanamOwnedPosting(txs: { postings: Posting[] }[]): { field: string; address: string } | null {
  for (const [t, tx] of txs.entries()) {
    for (const [i, p] of tx.postings.entries()) {
      for (const side of ["source", "destination"] as const) {
        if (isDhanamOwnedAddress(p[side])) return { field: `${txs.length > 1 ? `transactions.${t}.` : ""}postings.${i}.${side}`, address: p[side] };
      }
    }
  }
  return null;
}
