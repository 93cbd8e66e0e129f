/**
 * What a space owns, by source, at an instant: the ledger's accounts (here),
 * manual assets, DeFi and gaming positions (other modules). Net worth is the
 * sum of every source's holdings converted to the space's currency, each
 * thing counted once: a source reports only what it alone knows about.
 *
 * To add a source, append ONE line to `holdingsSources` below, e.g.
 *   `{ name: "assets", load: assetHoldings },`
 */
import type { Services } from "../../env";
import { assetHoldings } from "../assets/holdings";
import { defiHoldings } from "../defi/holdings";
import { gamingHoldings } from "../gaming/holdings";
import { getPrices } from "../prices/service";
import { ledgerAccountHoldings } from "./ledger-holdings";

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
}

export type HoldingsSource = (svc: Services, spaceId: string, atMs: number) => Promise<Holding[]>;

export interface RegisteredSource {
  name: string;
  load: HoldingsSource;
}

/** Every source of holdings, in order. The lead registers other modules' sources here, one line each. */
export const holdingsSources: RegisteredSource[] = [
  { name: "ledger", load: ledgerAccountHoldings },
  { name: "assets", load: assetHoldings },
  { name: "defi", load: defiHoldings },
  { name: "gaming", load: gamingHoldings },
];

/**
 * Market prices of coins and securities (symbol → price in `quote`, exact
 * decimal strings), today's. Wired to the prices module's `getPrices` (crypto
 * branch); a symbol it cannot price is absent, and its holdings are reported
 * as unconverted with a note, never as 0.
 */
export type MarketPriceLookup = (svc: Services, symbols: string[], quote: string) => Promise<{ symbol: string; price: string; date: string; source: string; stale: boolean }[]>;
export const marketPrices: { lookup: MarketPriceLookup | null } = {
  lookup: async (svc, symbols, quote) =>
    [...(await getPrices(svc, symbols, quote)).values()].map((p) => ({ symbol: p.symbol, price: p.priceDecimal, date: p.day, source: p.source, stale: p.stale })),
};
