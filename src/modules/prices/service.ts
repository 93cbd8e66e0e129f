/**
 * Market prices for the rest of the app (ESG weights, crypto balances, DeFi
 * and gaming values, net worth). One price per asset, quote currency and UTC
 * day is fetched from the market API and cached in D1 (`market_prices`); when
 * the API cannot answer, the latest cached day is used and, if that price is
 * more than a day old, it says so (`stale: true`). A symbol with no price at
 * all is absent from the result: callers never get an invented value.
 */
import type { Services } from "../../env";
import { iso } from "../../lib/clock";
import { logError } from "../../lib/log";
import { IN_JSON_LIST, insertRows, jsonList } from "../../lib/sql";
import { coinIdOf } from "./assets";
import { fetchSimplePrices, priceSource, type QuotedPrice } from "./client";

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

interface Row {
  symbol: string;
  quote: string;
  day: string;
  price_decimal: string;
  source: string;
  as_of: number;
}

/** Latest cached row per symbol on or before `day`. One statement, the list bound as one JSON parameter. */
const LATEST_SQL = `SELECT m.symbol, m.quote, m.day, m.price_decimal, m.source, m.as_of FROM market_prices m
  WHERE m.quote = ? AND m.symbol ${IN_JSON_LIST} AND m.day = (
    SELECT MAX(x.day) FROM market_prices x WHERE x.symbol = m.symbol AND x.quote = m.quote AND x.day <= ?)`;

/**
 * Prices of `symbols` (tickers such as "BTC") in `quote` (an ISO code such as
 * "USD") for the current day. Symbols that cannot be priced are absent.
 */
export async function getPrices(svc: Services, symbols: string[], quote: string): Promise<Map<string, Price>> {
  const now = svc.clock.now();
  const today = priceDay(now);
  const q = quote.trim().toUpperCase();
  const out = new Map<string, Price>();
  if (!QUOTE.test(q)) return out;
  const wanted = [...new Set(symbols.map((s) => s.trim().toUpperCase()))].filter((s) => SYMBOL.test(s));
  const toPrice = (symbol: string, priceDecimal: string, day: string, source: string, asOf: number): Price => ({
    symbol, quote: q, priceDecimal, day, source, stale: now - asOf > PRICE_STALE_AFTER_MS,
  });

  const market: string[] = [];
  for (const s of wanted) {
    if (s === q) out.set(s, toPrice(s, "1", today, "identity", now));
    else market.push(s);
  }
  if (market.length === 0) return out;

  const cached = await svc.env.DB.prepare(LATEST_SQL).bind(q, jsonList(market), today).all<Row>();
  const latest = new Map(cached.results.map((r) => [r.symbol, r]));

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
  if (fetched.size > 0) {
    const source = priceSource(svc.env);
    const rows = [...fetched].map(([s, p]) => [s, q, today, p.priceDecimal, source, p.asOfMs, now]);
    const statements = insertRows(svc.env.DB, "market_prices", ["symbol", "quote", "day", "price_decimal", "source", "as_of", "fetched_at"], rows, "", "INSERT OR IGNORE");
    try {
      await svc.env.DB.batch(statements);
    } catch (err) {
      logError(undefined, "prices.cache_write_failed", err, { quote: q, rows: rows.length });
    }
    for (const [s, p] of fetched) latest.set(s, { symbol: s, quote: q, day: today, price_decimal: p.priceDecimal, source, as_of: p.asOfMs });
  }
  for (const s of market) {
    const r = latest.get(s);
    if (r) out.set(s, toPrice(s, r.price_decimal, r.day, r.source, r.as_of));
  }
  return out;
}
