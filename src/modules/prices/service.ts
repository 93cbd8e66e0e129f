/**
 * Market prices for the rest of the app (ESG weights, crypto balances, DeFi
 * and gaming values, net worth). One price per asset, quote currency and UTC
 * day is fetched from the market API (coins) or, for a caller that asks for
 * them, the securities feed (stocks and ETFs, in USD only) and cached in D1
 * (`market_prices`); when
 * the API cannot answer, the latest cached day is used and, if that price is
 * more than a day old, it says so (`stale: true`). A symbol with no price at
 * all is absent from the result: callers never get an invented value.
 */
import type { Services } from "../../env";
import { iso } from "../../lib/clock";
import { logError } from "../../lib/log";
import { IN_JSON_LIST, insertRows, jsonList } from "../../lib/sql";
import { coinIdOf } from "./assets";
import { fetchHistoricalPrice, fetchSimplePrices, priceSource, type QuotedPrice } from "./client";
import { isSecuritiesSource, SECURITIES_QUOTE, securitiesSource } from "./securities-client";
import { closeAsOf, fetchSecurityCloses, isSecuritySymbol, MISSED_QUOTE, missesSql, SECURITY_STALE_AFTER_MS, securityDay } from "./securities";

export interface Price {
  symbol: string;
  quote: string;
  priceDecimal: string;
  day: string;
  source: string;
  stale: boolean;
}

/** A price whose provider update is older than this is stale. */
export const PRICE_STALE_AFTER_MS = 86_400_000;

/** The UTC day (YYYY-MM-DD) prices are cached under for instant `ms`. */
export const priceDay = (ms: number) => iso(ms).slice(0, 10);

const SYMBOL = /^[A-Z0-9]{1,16}$/;
const QUOTE = /^[A-Z]{3,5}$/;

/** A row of the price cache (`market_prices`). */
export interface PriceRow {
  symbol: string;
  quote: string;
  day: string;
  price_decimal: string;
  source: string;
  as_of: number;
}

/**
 * The price cache's latest row per symbol in quote `quote` on or before a day (SQL values, e.g. a
 * space's currency as a subquery), of the symbols SQL `symbols` lists (a subquery, so the list may come
 * from data read in the same batch). Binds `quote`'s parameters, `symbols`' and then the day. Its rows
 * are what `getPrices` takes as `cached`.
 */
export const latestPricesSql = (quote: string, symbols: string) => `SELECT m.symbol, m.quote, m.day, m.price_decimal, m.source, m.as_of FROM market_prices m
  WHERE m.quote = ${quote} AND m.symbol IN (${symbols}) AND m.day = (
    SELECT MAX(x.day) FROM market_prices x WHERE x.symbol = m.symbol AND x.quote = m.quote AND x.day <= ?)`;

/** Latest cached row per symbol on or before `day`: binds the quote, the symbols as one JSON list, and the day. */
const LATEST_SQL = latestPricesSql("?", "SELECT value FROM json_each(?)");
/** The same, and the day's securities misses: binds as LATEST_SQL, then the symbols and the day again. */
const LATEST_AND_MISSES_SQL = `${LATEST_SQL} UNION ALL ${missesSql("SELECT value FROM json_each(?)")}`;

/**
 * Prices of `symbols` (tickers such as "BTC") in `quote` (an ISO code such as
 * "USD") for the current day. Symbols that cannot be priced are absent.
 * `cached`: the cache's rows of `latestPricesSql` for today, when the caller
 * read them in its own batch (rows of other symbols or quotes are ignored);
 * then only a price the cache lacks today costs a round trip.
 */
export async function getPrices(svc: Services, symbols: string[], quote: string, cached?: PriceRow[], opts: { securities?: boolean } = {}): Promise<Map<string, Price>> {
  const now = svc.clock.now();
  const today = priceDay(now);
  const q = quote.trim().toUpperCase();
  const out = new Map<string, Price>();
  if (!QUOTE.test(q)) return out;
  const wanted = [...new Set(symbols.map((s) => s.trim().toUpperCase()))].filter((s) => SYMBOL.test(s));
  const toPrice = (symbol: string, priceDecimal: string, day: string, source: string, asOf: number): Price => ({
    symbol, quote: q, priceDecimal, day, source, stale: now - asOf > (isSecuritySymbol(symbol) ? SECURITY_STALE_AFTER_MS : PRICE_STALE_AFTER_MS),
  });

  const market: string[] = [];
  for (const s of wanted) {
    if (s === q) out.set(s, toPrice(s, "1", today, "identity", now));
    else market.push(s);
  }
  if (market.length === 0) return out;

  const securities = opts.securities === true && q === SECURITIES_QUOTE;
  const rows =
    cached ??
    (securities
      ? await svc.env.DB.prepare(LATEST_AND_MISSES_SQL).bind(q, jsonList(market), today, jsonList(market), today).all<PriceRow>()
      : await svc.env.DB.prepare(LATEST_SQL).bind(q, jsonList(market), today).all<PriceRow>()
    ).results;
  const wantedHere = new Set(market);
  // The cache is shared: a close from the securities feed is only for a caller that asks for securities (a
  // gaming token must not be valued at a stock's close because some space holds that ticker).
  const latest = new Map(rows.filter((r) => r.quote === q && wantedHere.has(r.symbol) && (opts.securities || !isSecuritiesSource(r.source))).map((r) => [r.symbol, r]));
  const missed = new Set(rows.filter((r) => r.quote === MISSED_QUOTE && r.day === today).map((r) => r.symbol));

  const missing = market.filter((s) => latest.get(s)?.day !== today && coinIdOf(s) !== undefined);
  let fetched = new Map<string, QuotedPrice>();
  if (missing.length > 0) {
    try {
      const byId = await fetchSimplePrices(svc.env, [...new Set(missing.map((s) => coinIdOf(s)!))], q, now);
      fetched = new Map(missing.filter((s) => byId.has(coinIdOf(s)!)).map((s) => [s, byId.get(coinIdOf(s)!)!]));
    } catch (err) {
      // The API failing is not the caller's failure: the cache answers, marked stale when old.
      logError(undefined, "prices.fetch_failed", err, { quote: q, symbols: missing.length });
    }
  }
  const newRows: (string | number)[][] = [];
  if (fetched.size > 0) {
    const source = priceSource(svc.env);
    newRows.push(...[...fetched].map(([s, p]) => [s, q, today, p.priceDecimal, source, p.asOfMs, now]));
    for (const [s, p] of fetched) latest.set(s, { symbol: s, quote: q, day: today, price_decimal: p.priceDecimal, source, as_of: p.asOfMs });
  }
  let missedNow: string[] = [];
  if (securities) {
    const source = securitiesSource(svc.env);
    const asked = await fetchSecurityCloses(svc, market.filter((x) => latest.get(x)?.day !== today && isSecuritySymbol(x) && !missed.has(x)));
    for (const [s, close] of asked.closes) {
      const asOf = closeAsOf(close.day);
      newRows.push([s, q, today, close.priceDecimal, source, asOf, now]);
      latest.set(s, { symbol: s, quote: q, day: today, price_decimal: close.priceDecimal, source, as_of: asOf });
    }
    missedNow = asked.misses;
  }
  if (newRows.length > 0 || missedNow.length > 0) {
    const statements = [
      ...insertRows(svc.env.DB, "market_prices", ["symbol", "quote", "day", "price_decimal", "source", "as_of", "fetched_at"], newRows, "", "INSERT OR IGNORE"),
      ...insertRows(svc.env.DB, "price_misses", ["symbol", "quote", "day"], missedNow.map((s) => [s, q, today]), "", "INSERT OR IGNORE"),
    ];
    try {
      await svc.env.DB.batch(statements);
    } catch (err) {
      logError(undefined, "prices.cache_write_failed", err, { quote: q, rows: newRows.length });
    }
  }
  for (const s of market) {
    const r = latest.get(s);
    // A security's price is of its close's trading day (Friday's on a Sunday), not of the day it was fetched.
    if (r) out.set(s, toPrice(s, r.price_decimal, isSecuritySymbol(s) ? securityDay(r) : r.day, r.source, r.as_of));
  }
  return out;
}

/**
 * Prices on a past UTC `day` (for backfilled trends): that day's cached row,
 * else the provider's historical price, cached under that day. A day that is
 * today or later is `getPrices`. Symbols without a price that day are absent.
 */
export async function getPricesOn(svc: Services, symbols: string[], quote: string, day: string): Promise<Map<string, Price>> {
  const now = svc.clock.now();
  if (day >= priceDay(now)) return getPrices(svc, symbols, quote);
  const q = quote.trim().toUpperCase();
  const out = new Map<string, Price>();
  if (!QUOTE.test(q) || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return out;
  const wanted = [...new Set(symbols.map((s) => s.trim().toUpperCase()))].filter((s) => SYMBOL.test(s));
  const endOfDay = Date.parse(`${day}T23:59:59.999Z`);
  const market = wanted.filter((s) => {
    if (s !== q) return true;
    out.set(s, { symbol: s, quote: q, priceDecimal: "1", day, source: "identity", stale: false });
    return false;
  });
  if (market.length === 0) return out;
  const cached = await svc.env.DB.prepare(`SELECT symbol, price_decimal, source, as_of FROM market_prices WHERE quote = ? AND day = ? AND symbol ${IN_JSON_LIST}`)
    .bind(q, day, jsonList(market))
    .all<{ symbol: string; price_decimal: string; source: string; as_of: number }>();
  for (const r of cached.results) out.set(r.symbol, { symbol: r.symbol, quote: q, priceDecimal: r.price_decimal, day, source: r.source, stale: endOfDay - r.as_of > PRICE_STALE_AFTER_MS });
  const source = priceSource(svc.env);
  const rows: (string | number)[][] = [];
  for (const s of market.filter((x) => !out.has(x) && coinIdOf(x) !== undefined)) {
    try {
      const price = await fetchHistoricalPrice(svc.env, coinIdOf(s)!, q, day);
      if (price === null) continue;
      out.set(s, { symbol: s, quote: q, priceDecimal: price, day, source, stale: false });
      rows.push([s, q, day, price, source, endOfDay, now]);
    } catch (err) {
      logError(undefined, "prices.history_failed", err, { quote: q, day });
      break; // the provider is failing: do not hammer it symbol by symbol
    }
  }
  if (rows.length) {
    await svc.env.DB.batch(insertRows(svc.env.DB, "market_prices", ["symbol", "quote", "day", "price_decimal", "source", "as_of", "fetched_at"], rows, "", "INSERT OR IGNORE"));
  }
  return out;
}
