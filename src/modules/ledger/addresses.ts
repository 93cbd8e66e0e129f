/**
 * Ledger addresses: `world`, `accounts:acc_X`, `expense:cat_Y`... Segments are
 * letters, digits and underscores separated by colons (Formance's rule).
 */
export const ADDRESS_PATTERN = /^[a-zA-Z0-9_]{1,64}(:[a-zA-Z0-9_]{1,64}){0,9}$/;

export const accountAddress = (accountId: string) => `accounts:${accountId}`;

/** The Dhanam account id behind an `accounts:<id>` address, if it is one. */
export function accountIdOf(address: string): string | null {
  const m = /^accounts:([a-z]+_[a-z0-9]+)$/.exec(address);
  return m ? m[1]! : null;
}

/**
 * Counterparty addresses that may go negative: the outside world, income and
 * expense categories, and equity (opening balances).
 */
export function isUnbounded(address: string): boolean {
  return address === "world" || /^(income|expense|equity)(:|$)/.test(address);
}

/**
 * Address filter with `*` matching one segment or part of one, and `...`
 * matching any remaining segments, compiled to a SQL LIKE pattern plus a
 * regex for exact checking.
 */
export function compileAddressFilter(filter: string): RegExp {
  const escaped = filter
    .split(":")
    .map((seg) => (seg === "..." ? "__REST__" : seg.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^:]*")))
    .join(":")
    .replace(/:__REST__$/, "(:.*)?")
    .replace(/__REST__/g, ".*");
  return new RegExp(`^${escaped}$`);
}
