/** Tables of exchange rates and analytics (migration 0011). */
import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Provider rates per day: 1 `base` = `rate` `quote`, an exact decimal string. */
export const exchangeRates = sqliteTable(
  "exchange_rates",
  {
    base: text("base").notNull(),
    quote: text("quote").notNull(),
    date: text("date").notNull(),
    rate: text("rate").notNull(),
    source: text("source").notNull(),
    fetchedAt: integer("fetched_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.base, t.quote, t.date] })],
);

/**
 * Past days the rates backfill has asked the provider for (rates/backfill.ts): a day the provider had no
 * rates for, refused, or answered unreadably is asked again only after a week, so it cannot hold back older days.
 */
export const rateBackfillAttempts = sqliteTable("rate_backfill_attempts", {
  date: text("date").primaryKey(),
  attemptedAt: integer("attempted_at").notNull(),
  stored: integer("stored").notNull(),
});

/** Rates a space's members set by hand; they win over the provider's for that space and day. */
export const spaceRates = sqliteTable(
  "space_rates",
  {
    spaceId: text("space_id").notNull(),
    base: text("base").notNull(),
    quote: text("quote").notNull(),
    date: text("date").notNull(),
    rate: text("rate").notNull(),
    setBy: text("set_by").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.spaceId, t.base, t.quote, t.date] })],
);

/** A user's decision on a detected recurring series, by its stable key: a dismissed series stays dismissed. */
export const recurringDecisions = sqliteTable(
  "recurring_decisions",
  {
    spaceId: text("space_id").notNull(),
    seriesKey: text("series_key").notNull(),
    status: text("status", { enum: ["confirmed", "dismissed", "edited"] }).notNull(),
    name: text("name"),
    amount: integer("amount"),
    cadence: text("cadence"),
    updatedBy: text("updated_by").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.spaceId, t.seriesKey] })],
);

/** The 60-day forecast of a space, computed nightly or after a change, with what it was computed from. */
export const forecastCache = sqliteTable("forecast_cache", {
  spaceId: text("space_id").primaryKey(),
  ledgerSeq: integer("ledger_seq").notNull(),
  transactionCount: integer("transaction_count").notNull(),
  asOfDate: text("as_of_date").notNull(),
  payload: text("payload").notNull(),
  computedAt: integer("computed_at").notNull(),
  /** The instant the space's next day began when it was computed: the cache may be fresh only before it. */
  validUntil: integer("valid_until"),
  /** The space's `forecast_epochs` epoch when the forecast's inputs were read: served only while it is current. */
  epoch: integer("epoch"),
});

/**
 * A space's count of changes to what its forecast is computed from besides the ledger (its currency or
 * zone, its own rates, its recurring decisions, its accounts, a transaction's description or merchant; see
 * forecast-epoch.ts). A forecast computed from a
 * read made before such a change can be written after it; its older epoch keeps it from being served.
 */
export const forecastEpochs = sqliteTable("forecast_epochs", {
  spaceId: text("space_id").primaryKey(),
  epoch: integer("epoch").notNull(),
});
