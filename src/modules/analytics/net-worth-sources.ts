/**
 * What a space owns, by source, at an instant: the ledger's accounts (here),
 * manual assets, DeFi and gaming positions (other modules). Net worth is the
 * sum of every source's holdings converted to the space's currency, each
 * thing counted once: a source reports only what it alone knows about.
 *
 * To add a source, append ONE line to `holdingsSources` below, e.g.
 *   `{ name: "asset", read: assetHistoryStatement, at: assetHoldingsAt },`
 * A source is one statement (what it holds at any instant up to the last one
 * asked about, in the space a guarded value names) and a function that picks
 * its holdings at each instant from those rows: a series of any length costs
 * each source one statement in the valuation's batch.
 */
import type { Services } from "../../env";
import type { SqlGuard } from "../../lib/sql";
import type { Span } from "../../lib/value-history";
import { assetHistoryStatement, assetHoldingsAt } from "../assets/holdings";
import { defiHoldingsAt, defiPositionsStatement } from "../defi/holdings";
import { gamingHoldingsAt, gamingPositionsStatement } from "../gaming/holdings";
import { getPrices, type PriceRow } from "../prices/service";

export interface Holding {
  source: string;
  id: string;
  name: string;
  /** A currency code (USD, MXN), or a coin / security symbol (BTC, AAPL) valued through a market price. */
  currency: string;
  /** Minor units of `currency` (8 decimals for coins and securities); negative for a debt. */
  valueMinor: bigint;
  /** Day (YYYY-MM-DD, the space's zone) the value is as of. */
  asOf: string;
  /** The value is older than the instant asked for (a last known valuation). */
  stale?: boolean;
  /**
   * A `newInPeriod: "wallet"` source's: the instant it first knew the holding's wallet (or account), the one
   * that decides whether the holding's past is unknown: a wallet linked during a period, not a position opened in it.
   */
  knownSince?: number;
}

export interface RegisteredSource {
  /** The `source` its holdings carry. */
  name: string;
  /**
   * The statement reading what the source holds at any instant up to `lastMs` in the space `space` names;
   * `spans` (inclusive) are where the instants it will be asked about lie, for a source that reads only what
   * those need.
   */
  read: (db: D1Database, space: SqlGuard, lastMs: number, spans: Span[]) => D1PreparedStatement;
  /** The holdings at each of `instants` (inclusive, ascending), from `read`'s rows. */
  at: (rows: any[], instants: number[]) => Holding[][];
  /**
   * Which holdings that appear during a comparison's period are no gain (the dashboard's change leaves them
   * out of both days, naming them): what was owned before but is known only from then on.
   * - "wallet": the source knows a holding only from when it first saw its wallet, and cannot be told its
   *   past (a DeFi or gaming wallet linked today held its positions before): a holding of a wallet first known
   *   since the start (`knownSince`) is no gain; a new position of a wallet known before is (money moved into it).
   * - "first-value": a holding recorded in the period with its value as of then (`knownSince`: a house entered
   *   today with no earlier valuation date was owned before, not bought today); one recorded with an earlier
   *   valuation date has a past and is compared like any holding (a car bought ten days ago is no loss).
   */
  newInPeriod?: "wallet" | "first-value";
}

/**
 * Every source of holdings besides the ledger's accounts (read with the ledger), in order. The lead
 * registers other modules' sources here, one line each.
 */
export const holdingsSources: RegisteredSource[] = [
  { name: "asset", read: assetHistoryStatement, at: assetHoldingsAt, newInPeriod: "first-value" },
  { name: "defi", read: defiPositionsStatement, at: defiHoldingsAt, newInPeriod: "wallet" },
  { name: "gaming", read: gamingPositionsStatement, at: gamingHoldingsAt, newInPeriod: "wallet" },
];

/**
 * Market prices of coins and securities (symbol → price in `quote`, exact
 * decimal strings), today's. Wired to the prices module's `getPrices`, coins
 * and (in USD) securities; a symbol it cannot price is absent, and its holdings are reported
 * as unconverted with a note, never as 0. `cached`, when given, is the
 * price cache's rows already read in the caller's batch (see prices'
 * `latestPricesStatement`), so only a price missing today costs a trip.
 */
export type MarketPriceLookup = (
  svc: Services,
  symbols: string[],
  quote: string,
  cached?: PriceRow[],
) => Promise<{ symbol: string; price: string; date: string; source: string; stale: boolean }[]>;
export const marketPrices: { lookup: MarketPriceLookup | null } = {
  lookup: async (svc, symbols, quote, cached) =>
    [...(await getPrices(svc, symbols, quote, cached, { securities: true })).values()].map((p) => ({ symbol: p.symbol, price: p.priceDecimal, date: p.day, source: p.source, stale: p.stale })),
};
