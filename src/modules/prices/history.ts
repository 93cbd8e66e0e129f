/**
 * Past market prices. Net worth on a past day (the series, the dashboard's "previous", the forecast's and
 * projections' history) values coins and securities at the prices cached on or before that day; the cache
 * only fills as days pass, so a holding older than the first time it was priced stayed unconverted on every
 * day before. This hourly task asks the feeds once for the last PRICE_HISTORY_DAYS of every (symbol, quote)
 * pair the cache holds (a pair is in the cache because something held it was priced): CoinGecko's daily
 * range for a coin, the securities feed's closes for a security (in USD). A pair whose feed had nothing (an
 * unlisted symbol, an answer that did not read) is recorded and asked again after a week; a failure of the
 * feed's own (unreachable, key refused, limited, 5xx) ends the run without recording anything.
 */
import type { Services } from "../../env";
import { insertJsonRows } from "../../lib/sql";
import { daysBefore } from "../rates/convert";
import { coinIdOf } from "./assets";
import { fetchDailyPriceRange, isFeedFailure, priceSource } from "./client";
import { fetchCloseHistory, SECURITIES_QUOTE, securitiesSource } from "./securities-client";
import { priceDay } from "./service";
import { isSecuritySymbol } from "./securities";

/** How far back: a year's series with the rates' lookback before it, as the rates backfill reaches. */
export const PRICE_HISTORY_DAYS = 400;
/** Pairs asked a run (one request each). */
export const HISTORY_PAIRS_PER_RUN = 10;
/** A pair whose feed had nothing is asked again after this long. */
export const HISTORY_RETRY_MS = 7 * 86_400_000;

/** Fetches and stores the past prices of pairs not backfilled yet; returns the pairs asked, as `SYMBOL/QUOTE`. */
export async function backfillPriceHistory(svc: Services, scheduledTime: number): Promise<string[]> {
  const db = svc.env.DB;
  const now = svc.clock.now();
  const to = daysBefore(priceDay(scheduledTime), 1);
  const from = daysBefore(to, PRICE_HISTORY_DAYS - 1);
  const [found] = await db.batch<{ symbol: string; quote: string }>([
    db.prepare(
      `SELECT m.symbol, m.quote FROM (SELECT DISTINCT symbol, quote FROM market_prices) m
        LEFT JOIN price_history_backfills b ON b.symbol = m.symbol AND b.quote = m.quote
        WHERE b.symbol IS NULL OR (b.stored = 0 AND b.attempted_at <= ?)
        ORDER BY m.symbol, m.quote LIMIT ?`,
    ).bind(now - HISTORY_RETRY_MS, HISTORY_PAIRS_PER_RUN * 4),
    // The securities feed's misses matter for their own day only (securities.ts); a week of them is kept.
    db.prepare("DELETE FROM price_misses WHERE day < ?").bind(daysBefore(to, 7)),
  ]);
  const pairs = found!.results;
  const asked: string[] = [];
  const record = (symbol: string, quote: string, stored: number) =>
    db.prepare(
      "INSERT INTO price_history_backfills (symbol, quote, attempted_at, stored) VALUES (?, ?, ?, ?) ON CONFLICT(symbol, quote) DO UPDATE SET attempted_at = excluded.attempted_at, stored = excluded.stored",
    ).bind(symbol, quote, now, stored);
  // Pairs no feed here prices (a security in another quote than USD, a fiat pair): recorded unasked, so they
  // do not hold the run's places.
  const unpriceable: D1PreparedStatement[] = [];
  for (const { symbol, quote } of pairs) {
    if (asked.length >= HISTORY_PAIRS_PER_RUN) break;
    const coin = coinIdOf(symbol);
    const security = coin === undefined && quote === SECURITIES_QUOTE && isSecuritySymbol(symbol);
    if (coin === undefined && !security) {
      unpriceable.push(record(symbol, quote, 0));
      continue;
    }
    asked.push(`${symbol}/${quote}`);
    let days: { day: string; priceDecimal: string }[];
    try {
      days = coin !== undefined ? await fetchDailyPriceRange(svc.env, coin, quote, from, to) : ((await fetchCloseHistory(svc.env, symbol, from, to)) ?? []);
    } catch (err) {
      if (isFeedFailure(err)) throw err;
      days = [];
    }
    const source = coin !== undefined ? priceSource(svc.env) : securitiesSource(svc.env);
    // Each day's price as of that day's end (UTC); a day the cache already holds keeps its row.
    const rows = days.map((d) => [symbol, quote, d.day, d.priceDecimal, source, Date.parse(`${d.day}T23:59:59.999Z`), now]);
    await db.batch([
      ...insertJsonRows(db, "market_prices", ["symbol", "quote", "day", "price_decimal", "source", "as_of", "fetched_at"], rows, "", "INSERT OR IGNORE"),
      record(symbol, quote, rows.length),
    ]);
  }
  if (unpriceable.length) await db.batch(unpriceable);
  return asked;
}
