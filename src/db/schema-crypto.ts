/**
 * Crypto tables (migration 0010): ESG portfolio snapshots, DeFi wallets and
 * positions, gaming positions and earnings. Provider USD figures are exact
 * decimal strings.
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const esgSnapshots = sqliteTable(
  "esg_snapshots",
  {
    spaceId: text("space_id").notNull(),
    day: text("day").notNull(),
    environmental: integer("environmental").notNull(),
    social: integer("social").notNull(),
    governance: integer("governance").notNull(),
    overall: integer("overall").notNull(),
    grade: text("grade").notNull(),
    /** Total scored value in minor units of `currency`, as a decimal integer string. */
    scoredValue: text("scored_value").notNull(),
    currency: text("currency").notNull(),
    datasetVersion: text("dataset_version").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.spaceId, t.day] })],
);

export const defiWallets = sqliteTable(
  "defi_wallets",
  {
    id: text("id").primaryKey(),
    spaceId: text("space_id").notNull(),
    /** EIP-55 checksummed. */
    address: text("address").notNull(),
    label: text("label").notNull(),
    /** JSON array of network ids. */
    networks: text("networks").notNull().default("[]"),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    lastSyncedAt: integer("last_synced_at"),
    lastSyncStatus: text("last_sync_status"),
    lastSyncError: text("last_sync_error"),
  },
  (t) => [uniqueIndex("defi_wallets_space_address_unique").on(t.spaceId, t.address)],
);

export const defiPositions = sqliteTable(
  "defi_positions",
  {
    id: text("id").primaryKey(),
    spaceId: text("space_id").notNull(),
    walletId: text("wallet_id").notNull(),
    /** The provider's stable key of the position: the upsert key of a sync. */
    positionKey: text("position_key").notNull(),
    protocol: text("protocol").notNull(),
    network: text("network").notNull(),
    type: text("type").notNull(),
    label: text("label").notNull(),
    /** JSON: [{ symbol, balanceDecimal, balanceUsdDecimal }] */
    tokens: text("tokens").notNull(),
    totalValueUsd: text("total_value_usd").notNull(),
    /** Value when the position was first seen: the basis of its unrealized gain. */
    baselineValueUsd: text("baseline_value_usd").notNull(),
    apy: text("apy"),
    firstSeenAt: integer("first_seen_at").notNull(),
    syncedAt: integer("synced_at").notNull(),
  },
  (t) => [
    uniqueIndex("defi_positions_wallet_key_unique").on(t.walletId, t.positionKey),
    index("defi_positions_space_protocol_idx").on(t.spaceId, t.protocol),
    index("defi_positions_space_network_idx").on(t.spaceId, t.network),
  ],
);

/**
 * Each DeFi position's value over time (migration 0039), so a past instant shows the value known then:
 * at most one row a position per day of the space (src/lib/value-history.ts): written at the day's first sync
 * that changed its value (the first sync that saw it included), then holding the day's latest value; `value_usd`
 * NULL from the sync that no longer saw it (it counts until then, not after). Kept while the
 * wallet is connected; removed with it. Rows of positions that existed before were backfilled with their
 * value then at their first-seen instant.
 */
export const defiPositionValues = sqliteTable(
  "defi_position_values",
  {
    /** The `defi_positions` id; the row itself is deleted when the position goes, its history is not. */
    positionId: text("position_id").notNull(),
    spaceId: text("space_id").notNull(),
    walletId: text("wallet_id").notNull(),
    /** The sync that recorded the value. */
    syncedAt: integer("synced_at").notNull(),
    /** Exact decimal USD, as `defi_positions.total_value_usd`; NULL: no longer held from this sync on. */
    valueUsd: text("value_usd"),
  },
  (t) => [
    primaryKey({ columns: [t.positionId, t.syncedAt] }),
    index("defi_position_values_wallet_idx").on(t.walletId, t.syncedAt),
    // The positions closed after an instant: with the open ones, every position a valuation since then may hold.
    index("defi_position_values_closed_idx").on(t.spaceId, t.syncedAt).where(sql`value_usd IS NULL`),
  ],
);

export const gamingPositions = sqliteTable(
  "gaming_positions",
  {
    spaceId: text("space_id").notNull(),
    walletId: text("wallet_id").notNull(),
    platform: text("platform").notNull(),
    /** JSON: the platform client's normalized positions. */
    data: text("data").notNull(),
    totalValueUsd: text("total_value_usd").notNull(),
    /** When the wallet was first seen on the platform: holdings before it are not counted. */
    firstSeenAt: integer("first_seen_at").notNull(),
    syncedAt: integer("synced_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.walletId, t.platform] }), index("gaming_positions_space_idx").on(t.spaceId, t.platform)],
);

/** Each (wallet, platform) gaming row's value over time, as `defi_position_values` (migration 0039). */
export const gamingPositionValues = sqliteTable(
  "gaming_position_values",
  {
    walletId: text("wallet_id").notNull(),
    platform: text("platform").notNull(),
    syncedAt: integer("synced_at").notNull(),
    spaceId: text("space_id").notNull(),
    /** Exact decimal USD, as `gaming_positions.total_value_usd`; NULL: the platform no longer knew the wallet from this sync on. */
    valueUsd: text("value_usd"),
  },
  (t) => [
    primaryKey({ columns: [t.walletId, t.platform, t.syncedAt] }),
    index("gaming_position_values_closed_idx").on(t.spaceId, t.syncedAt).where(sql`value_usd IS NULL`),
  ],
);

export const gamingEarnings = sqliteTable(
  "gaming_earnings",
  {
    spaceId: text("space_id").notNull(),
    walletId: text("wallet_id").notNull(),
    platform: text("platform").notNull(),
    source: text("source").notNull(),
    day: text("day").notNull(),
    amountUsd: text("amount_usd").notNull(),
  },
  (t) => [primaryKey({ columns: [t.walletId, t.platform, t.source, t.day] }), index("gaming_earnings_space_day_idx").on(t.spaceId, t.day)],
);
