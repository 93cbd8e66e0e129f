/**
 * What the price cache knows of securities (stocks and funds held through trades) beside coins: which symbols
 * are asked of the securities feed, how their closes are kept (in USD, as of the end of their trading day),
 * and which tickers the feed said it does not list today (`price_misses`), so that a day's reads ask it once
 * per ticker whatever the number of reads, isolates or made-up symbols.
 */
import type { Services } from "../../env";
import { iso } from "../../lib/clock";
import { logError } from "../../lib/log";
import { CURRENCY_SCALES } from "../../lib/money";
import { coinIdOf } from "./assets";
import { isFeedFailure } from "./client";
import { fetchLatestClose, SECURITIES_QUOTE, type SecurityClose } from "./securities-client";

/** A security's close is stale when older than this: markets close for weekends, and for a holiday beside one. */
export const SECURITY_STALE_AFTER_MS = 4 * 86_400_000;

/**
 * A symbol the securities feed is asked about: neither a coin the market API lists nor a currency of an
 * account (a trade's units of a stock or fund, AAPL, VOO). A ticker that is also a coin's (BTC) is the coin.
 */
export const isSecuritySymbol = (symbol: string) => coinIdOf(symbol) === undefined && !Object.prototype.hasOwnProperty.call(CURRENCY_SCALES, symbol);

/** A close is kept as of the end of its trading day (UTC): its staleness counts from there, and its day is read back from it. */
export const closeAsOf = (tradingDay: string) => Date.parse(`${tradingDay}T23:59:59.999Z`);
const tradingDayOf = (asOf: number) => iso(asOf).slice(0, 10);

/** The trading day of a cached security close: its as-of day, never after the day it was cached under. */
export const securityDay = (r: { day: string; as_of: number }) => {
  const traded = tradingDayOf(r.as_of);
  return traded < r.day ? traded : r.day;
};

/** Tickers asked a read at most (one request each, each within FEED_TIMEOUT_MS): the rest on later reads. */
const TICKERS_PER_READ = 5;
const FEED_TIMEOUT_MS = 5_000;
/**
 * After a failure of the feed's own, this isolate leaves that feed (its address and key) alone this long
 * rather than asking on every read.
 */
const FEED_PAUSE_MS = 60_000;
const pausedUntil = new Map<string, number>();
const feedOf = (env: Env) => `${env.SECURITIES_BASE_URL}|${env.SECURITIES_API_KEY}`;

/** The quote of `missesSql`'s rows among cached price rows: one no price is in, so no price reader takes them. */
export const MISSED_QUOTE = "-";

/**
 * Today's misses among the symbols SQL `symbols` lists, shaped as price-cache rows of quote MISSED_QUOTE (so
 * they travel with `latestPricesSql`'s rows as `getPrices`' `cached`). Binds `symbols`' parameters, then the day.
 */
export const missesSql = (symbols: string) =>
  `SELECT symbol, '${MISSED_QUOTE}' AS quote, day, '' AS price_decimal, '' AS source, 0 AS as_of FROM price_misses
    WHERE quote = '${SECURITIES_QUOTE}' AND symbol IN (${symbols}) AND day = ?`;

/**
 * Today's closes of `tickers` from the feed, asking at most TICKERS_PER_READ; `misses` are the tickers it does
 * not list (or answered unreadably), to record for the day. A failure of the feed's own ends the asking and
 * pauses it for this isolate: the cache answers meanwhile.
 */
export async function fetchSecurityCloses(svc: Services, tickers: string[]): Promise<{ closes: Map<string, SecurityClose>; misses: string[] }> {
  const closes = new Map<string, SecurityClose>();
  const misses: string[] = [];
  if (tickers.length === 0 || Date.now() < (pausedUntil.get(feedOf(svc.env)) ?? 0)) return { closes, misses };
  for (const t of tickers.slice(0, TICKERS_PER_READ)) {
    try {
      const close = await fetchLatestClose(svc.env, t, AbortSignal.timeout(FEED_TIMEOUT_MS));
      if (close) closes.set(t, close);
      else misses.push(t);
    } catch (err) {
      // A failure about this ticker (a bad bar, a 4xx) is its miss for the day; the feed's own stops the asking.
      if (!isFeedFailure(err)) {
        misses.push(t);
        continue;
      }
      if (pausedUntil.size >= 100) pausedUntil.clear();
      pausedUntil.set(feedOf(svc.env), Date.now() + FEED_PAUSE_MS);
      logError(undefined, "prices.securities_fetch_failed", err, { tickers: tickers.length });
      break;
    }
  }
  return { closes, misses };
}
