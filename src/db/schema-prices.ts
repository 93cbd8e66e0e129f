/**
 * Market prices (migration 0009): one row per asset, quote currency and UTC
 * day, written the first time that day's price is asked for. Prices are exact
 * decimal strings; `as_of` is the provider's own update time.
 */
import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const marketPrices = sqliteTable(
  "market_prices",
  {
    symbol: text("symbol").notNull(),
    quote: text("quote").notNull(),
    /** UTC day (YYYY-MM-DD) the price was fetched for. */
    day: text("day").notNull(),
    priceDecimal: text("price_decimal").notNull(),
    source: text("source").notNull(),
    /** Provider's last update of the price, epoch ms. */
    asOf: integer("as_of").notNull(),
    fetchedAt: integer("fetched_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.symbol, t.quote, t.day] })],
);

/**
 * Each (symbol, quote) pair whose past prices the hourly history backfill has asked its feed for, and how many
 * days it stored: a pair is backfilled once, and one its feed had nothing for is asked again after a week.
 */
export const priceHistoryBackfills = sqliteTable(
  "price_history_backfills",
  {
    symbol: text("symbol").notNull(),
    quote: text("quote").notNull(),
    attemptedAt: integer("attempted_at").notNull(),
    stored: integer("stored").notNull(),
  },
  (t) => [primaryKey({ columns: [t.symbol, t.quote] })],
);

/**
 * Symbols the securities feed answered it does not list, by quote and UTC day: asked again the next day, not
 * on every read (a user can hold any number of made-up symbols). Rows older than a week are deleted.
 */
export const priceMisses = sqliteTable(
  "price_misses",
  {
    symbol: text("symbol").notNull(),
    quote: text("quote").notNull(),
    day: text("day").notNull(),
  },
  (t) => [primaryKey({ columns: [t.symbol, t.quote, t.day] })],
);
