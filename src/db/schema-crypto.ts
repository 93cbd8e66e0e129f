/**
 * Crypto tables (migration 0010): ESG portfolio snapshots, DeFi wallets and
 * positions, gaming positions and earnings. Provider USD figures are exact
 * decimal strings.
 */
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
