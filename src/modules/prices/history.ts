/**
 * Past market prices. Net worth on a past day (the series, the dashboard's "previous", the forecast's and
 * projections' history) values coins and securities at the prices cached on or before that day; the cache
 * only fills as days pass, so a holding older than the first time it was priced stayed unconverted on every
 * day before. This hourly task asks the feeds once for the last PRICE_HISTORY_DAYS of every (symbol, quote)
 * pair the cache holds (a pair is in the cache because something held it was priced), new pairs first: CoinGecko's daily
 * range for a coin (its point at 00:00 UTC of a day, as the cache keeps a coin's past day everywhere), the
 * securities feed's closes for a security (in USD, each under its trading day). A pair whose feed had nothing
 * (an unlisted symbol, an answer that did not read) is recorded and asked again after a week; a failure of
 * a feed's own (unreachable, key refused, limited, 5xx) leaves that feed's pairs for the next run, unrecorded,
 * while the other feed's go on. A pair still in use is asked again a month after its last backfill
 * (HISTORY_REFRESH_MS), which fills the days nobody read it.
 */
import type { Services } from "../../env";
import { logError } from "../../lib/log";
import { insertJsonRows, type SqlValue } from "../../lib/sql";
import { daysBefore } from "../rates/convert";
import { coinIdOf } from "./assets";
import { fetchDailyPriceRange, isFeedFailure, priceSource } from "./client";
import { fetchCloseHistory, SECURITIES_QUOTE, securitiesSource } from "./securities-client";
import { priceDay } from "./service";
import { closeAsOf, isSecuritySymbol } from "./securities";

/** How far back: a year's series (the most CoinGecko's smaller plans serve; a longer range is refused). */
export const PRICE_HISTORY_DAYS = 365;
/** A history request's time limit: the run goes on to the next pair. */
const HISTORY_TIMEOUT_MS = 15_000;
/** Pairs asked a run (one request each). */
export const HISTORY_PAIRS_PER_RUN = 10;
/** A pair whose feed had nothing is asked again after this long. */
export const HISTORY_RETRY_MS = 7 * 86_400_000;
/**
 * A pair still priced (a row of the last two days: something held is being read) is asked again this long
 * after its last backfill. The cache fills only on the days something reads a pair, so a holding nobody looked
 * at for longer than the 31-day lookback leaves days no price covers; a month's refresh fills them, and
 * costs one request a month for each pair in use.
 */
export const HISTORY_REFRESH_MS = 30 * 86_400_000;

const RECORD_AGAIN = "ON CONFLICT(symbol, quote) DO UPDATE SET attempted_at = excluded.attempted_at, stored = excluded.stored";
const NEWER_CLOSE_WINS =
  "ON CONFLICT(symbol, quote, day) DO UPDATE SET price_decimal = excluded.price_decimal, source = excluded.source, as_of = excluded.as_of, fetched_at = excluded.fetched_at WHERE market_prices.as_of < excluded.as_of";

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
           OR (b.stored > 0 AND b.attempted_at <= ? AND EXISTS (SELECT 1 FROM market_prices r WHERE r.symbol = m.symbol AND r.quote = m.quote AND r.day >= ?))
        ORDER BY b.symbol IS NOT NULL, m.symbol, m.quote LIMIT ?`,
    ).bind(now - HISTORY_RETRY_MS, now - HISTORY_REFRESH_MS, daysBefore(to, 1), HISTORY_PAIRS_PER_RUN * 4),
    // The securities feed's misses matter for their own day only (securities.ts); a week of them is kept.
    db.prepare("DELETE FROM price_misses WHERE day < ?").bind(daysBefore(to, 7)),
  ]);
  const pairs = found!.results;
  const asked: string[] = [];
  // Pairs no feed here prices (a security in another quote than USD, a fiat pair): recorded unasked, so they
  // do not hold the run's places.
  const unpriceable: SqlValue[][] = [];
  // Feeds that failed this run: their other pairs wait for the next one.
  const down = new Set<"coin" | "security">();
  for (const { symbol, quote } of pairs) {
    if (asked.length >= HISTORY_PAIRS_PER_RUN) break;
    const coin = coinIdOf(symbol);
    const kind = coin !== undefined ? "coin" : quote === SECURITIES_QUOTE && isSecuritySymbol(symbol) ? "security" : null;
    if (kind === null) {
      unpriceable.push([symbol, quote, now, 0]);
      continue;
    }
    if (down.has(kind)) continue;
    let days: { day: string; priceDecimal: string }[];
    try {
      const signal = AbortSignal.timeout(HISTORY_TIMEOUT_MS);
      days = coin !== undefined ? await fetchDailyPriceRange(svc.env, coin, quote, from, to, signal) : ((await fetchCloseHistory(svc.env, symbol, from, to, signal)) ?? []);
    } catch (err) {
      if (isFeedFailure(err)) {
        down.add(kind);
        logError(undefined, "prices.history_feed_failed", err, { feed: kind });
        continue;
      }
      days = [];
    }
    asked.push(`${symbol}/${quote}`);
    const source = coin !== undefined ? priceSource(svc.env) : securitiesSource(svc.env);
    // A coin's price is as of its point (00:00 UTC), and a day the cache already holds keeps its row. A
    // security's close is as of its trading day's end, and replaces a row that holds an older close: a read on
    // a morning caches the day before's close under that morning's day, and the day's own would never land.
    const asOf = (day: string) => (kind === "coin" ? Date.parse(`${day}T00:00:00Z`) : closeAsOf(day));
    const rows = days.map((d) => [symbol, quote, d.day, d.priceDecimal, source, asOf(d.day), now]);
    const columns = ["symbol", "quote", "day", "price_decimal", "source", "as_of", "fetched_at"];
    await db.batch([
      ...(kind === "coin"
        ? insertJsonRows(db, "market_prices", columns, rows, "", "INSERT OR IGNORE")
        : insertJsonRows(db, "market_prices", columns, rows, NEWER_CLOSE_WINS)),
      db.prepare(`INSERT INTO price_history_backfills (symbol, quote, attempted_at, stored) VALUES (?, ?, ?, ?) ${RECORD_AGAIN}`).bind(symbol, quote, now, rows.length),
    ]);
  }
  if (unpriceable.length) await db.batch(insertJsonRows(db, "price_history_backfills", ["symbol", "quote", "attempted_at", "stored"], unpriceable, RECORD_AGAIN));
  return asked;
}
