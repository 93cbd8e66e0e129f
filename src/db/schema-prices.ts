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
