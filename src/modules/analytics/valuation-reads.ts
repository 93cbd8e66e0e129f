/**
 * Everything a valuation of a space reads, as statements for the caller's
 * batch (the one that checks the session and the role): the accounts, the
 * ledger balances, every registered source, the space's and the provider's
 * rates and the cached market prices. The space's zone and currency are not
 * known when the batch is built, so the instants and days are windows that
 * hold the real ones (a day's end is known to within a day); what is read is
 * trimmed to the real ones afterwards, so the figures are those of an exact
 * read. Which currencies and symbols to read rates and prices of is worked
 * out in SQL from the space's own data (`codesCte`): a superset of what its
 * holdings hold, and a rate or price of a currency nothing holds is never
 * used.
 */
import { type SqlGuard } from "../../lib/sql";
import { latestPricesSql, type PriceRow } from "../prices/service";
import { missesSql } from "../prices/securities";
import { daysBefore, LOOKBACK_DAYS, type RateRow } from "../rates/convert";
import { type AccountInfo, accountsFrom, accountsStatement, balanceStatements, type InstantRange } from "./ledger-holdings";
import { holdingsSources } from "./net-worth-sources";

export interface ValuationWindow {
  /** Where the valuation's instants fall (`lo <= instant <= hi`), ascending. */
  ranges: InstantRange[];
  /** The earliest first day and the latest last day (YYYY-MM-DD, the space's zone) the valuation may be on. */
  fromDate: string;
  toDate: string;
  /** Today's UTC day (the price cache's day). */
  priceDay: string;
}

export interface PastPriceRow {
  symbol: string;
  quote: string;
  day: string;
  price_decimal: string;
  source: string;
  as_of: number;
}

export interface ValuationData {
  window: ValuationWindow;
  accounts: Map<string, AccountInfo>;
  balances: D1Result[];
  /** Each registered source's rows, in `holdingsSources` order. */
  sources: unknown[][];
  rates: RateRow[];
  pastPrices: PastPriceRow[];
  latestPrices: PriceRow[];
}

/** `accounts:` addresses as an index range. */
const ACCOUNT_RANGE = "address >= 'accounts:' AND address < 'accounts;'";

/**
 * `WITH sp(id), held(k), codes(c)`: the space (NULL for a caller who may not see it, so nothing is
 * read), and the codes of every currency and symbol its holdings may be in (five terms at most: D1
 * limits a compound SELECT to five): each ledger asset an
 * account of it has had (one index seek per account and asset, not a scan of its entries), its
 * currency, its accounts' and manual assets' currencies, USD (DeFi and gaming values) and `extra`
 * (SQL selecting codes, e.g. a window's transaction currencies, naming the space as `(SELECT id FROM sp)`).
 * Binds `space`'s parameters, then `extra`'s.
 */
function codesCte(space: SqlGuard, extra?: SqlGuard): { sql: string; params: unknown[] } {
  const sp = "(SELECT id FROM sp)";
  return {
    sql: `WITH RECURSIVE sp(id) AS MATERIALIZED (SELECT ${space.sql}),
      held(k) AS (
        SELECT (SELECT asset || ' ' || address FROM ledger_entries WHERE space_id = ${sp} AND ${ACCOUNT_RANGE} ORDER BY address, asset LIMIT 1)
        UNION ALL
        SELECT (SELECT e.asset || ' ' || e.address FROM ledger_entries e
                 WHERE e.space_id = ${sp} AND e.address < 'accounts;'
                   AND (e.address, e.asset) > (substr(h.k, instr(h.k, ' ') + 1), substr(h.k, 1, instr(h.k, ' ') - 1))
                 ORDER BY e.address, e.asset LIMIT 1)
          FROM held h WHERE h.k IS NOT NULL),
      codes(c) AS (
        SELECT substr(k, 1, instr(k, '/') - 1) FROM held WHERE k IS NOT NULL
        UNION SELECT currency FROM accounts WHERE space_id = ${sp}
        UNION SELECT currency FROM manual_assets WHERE space_id = ${sp}
        UNION SELECT j.value FROM sp, json_each(json_array((SELECT currency FROM spaces WHERE id = sp.id), 'USD')) j WHERE sp.id IS NOT NULL
        ${extra ? `UNION ${extra.sql}` : ""})`,
    params: [...space.params, ...(extra?.params ?? [])],
  };
}

const CODES = "(SELECT c FROM codes)";
const SPACE_CURRENCY = "(SELECT currency FROM spaces WHERE id = (SELECT id FROM sp))";

/**
 * The statements of a valuation over `w`, for the batch of the space `space` names, and the reader of
 * their results. `extraCodes`: more currencies the caller converts (see codesCte). `withBalances: false`
 * leaves out the ledger's balances (`balances` is then empty), for a caller that reads them otherwise.
 */
export function valuationReads(db: D1Database, space: SqlGuard, w: ValuationWindow, extraCodes?: SqlGuard, withBalances = true) {
  const lastMs = Math.max(...w.ranges.map((r) => r.hi));
  const balances = withBalances ? balanceStatements(db, space, w.ranges) : [];
  const cte = codesCte(space, extraCodes);
  const floor = daysBefore(w.fromDate, LOOKBACK_DAYS);
  const withCodes = (sql: string, ...params: unknown[]) => db.prepare(`${cte.sql} ${sql}`).bind(...cte.params, ...params);
  const statements = [
    accountsStatement(db, space),
    ...balances,
    // A source is asked at a point's instant − 1 ms (holdingsAt: it counts what it held at the instant, inclusive).
    ...holdingsSources.map((s) => s.read(db, space, lastMs, w.ranges.map((r) => ({ lo: r.lo - 1, hi: r.hi - 1 })))),
    withCodes(`SELECT base, quote, date, rate, source FROM exchange_rates WHERE base IN ${CODES} AND quote IN ${CODES} AND date >= ? AND date <= ?`, floor, w.toDate),
    withCodes(
      `SELECT base, quote, date, rate, 'manual' AS source FROM space_rates
        WHERE space_id = (SELECT id FROM sp) AND base IN ${CODES} AND quote IN ${CODES} AND date >= ? AND date <= ?`,
      floor, w.toDate,
    ),
    // Coins are cached in the space's currency; securities in USD (the securities feed's only quote).
    withCodes(`SELECT symbol, quote, day, price_decimal, source, as_of FROM market_prices WHERE quote IN (${SPACE_CURRENCY}, 'USD') AND symbol IN ${CODES} AND day >= ? AND day <= ?`, floor, w.toDate),
    withCodes(latestPricesSql(SPACE_CURRENCY, "SELECT c FROM codes"), w.priceDay),
    withCodes(latestPricesSql("'USD'", "SELECT c FROM codes"), w.priceDay),
    withCodes(missesSql("SELECT c FROM codes"), w.priceDay),
  ];
  const read = (results: D1Result[]): ValuationData => {
    let i = 0;
    const next = () => results[i++]!;
    const accounts = accountsFrom(next().results as never[]);
    const bal = balances.map(next);
    const sources = holdingsSources.map(() => next().results);
    const rates = [...(next().results as RateRow[]), ...(next().results as RateRow[])];
    const pastPrices = next().results as PastPriceRow[];
    // The latest rows in both quotes, and today's securities misses (rows of quote MISSED_QUOTE; see getPrices).
    const latestPrices = [...(next().results as PriceRow[]), ...(next().results as PriceRow[]), ...(next().results as PriceRow[])];
    return { window: w, accounts, balances: bal, sources, rates, pastPrices, latestPrices };
  };
  return { statements, read };
}

/** True when every instant of `points` lies in the window's ranges and their days in its days. */
export function windowCovers(w: ValuationWindow, points: { atMs: number; date: string }[]): boolean {
  return points.every((p) => w.ranges.some((r) => r.lo <= p.atMs && p.atMs <= r.hi) && p.date >= w.fromDate && p.date <= w.toDate);
}
