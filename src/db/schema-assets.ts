/**
 * Manual assets (issue 12): the assets, their valuation history and their
 * documents in R2. Written by migrations/0008_assets.sql.
 */
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";

export const ASSET_TYPES = ["real_estate", "vehicle", "collectible", "private_holding", "other"] as const;
export type AssetType = (typeof ASSET_TYPES)[number];

export const manualAssets = sqliteTable(
  "manual_assets",
  {
    id: text("id").primaryKey(),
    spaceId: text("space_id").notNull(),
    name: text("name").notNull(),
    type: text("type", { enum: ASSET_TYPES }).notNull(),
    currency: text("currency").notNull(),
    description: text("description"),
    addressLine: text("address_line"),
    city: text("city"),
    state: text("state"),
    zipCode: text("zip_code"),
    /** The real-estate provider's property id, remembered after a successful look-up. */
    propertyId: text("property_id"),
    collectibleProvider: text("collectible_provider"),
    collectibleCategory: text("collectible_category"),
    collectibleExternalId: text("collectible_external_id"),
    collectibleName: text("collectible_name"),
    /**
     * The day (YYYY-MM-DD, the space's time zone) the asset was sold or disposed of; NULL while held. Net worth
     * counts it on the days before and not from this day on (its start in the space's zone, worked out when read,
     * so a change of zone moves it with the days), and its valuations stay: the past keeps it.
     */
    disposedOn: text("disposed_on"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("manual_assets_space_idx").on(t.spaceId, t.createdAt),
    index("manual_assets_linked_idx").on(t.collectibleProvider).where(sql`collectible_provider IS NOT NULL`),
    index("manual_assets_property_idx").on(t.propertyId).where(sql`property_id IS NOT NULL`),
  ],
);

export const assetValuations = sqliteTable(
  "asset_valuations",
  {
    id: text("id").primaryKey(),
    assetId: text("asset_id").notNull(),
    spaceId: text("space_id").notNull(),
    /** Integer minor units of `currency` (the asset's). */
    value: integer("value").notNull(),
    currency: text("currency").notNull(),
    /** The day in the space's time zone the value is as of. */
    date: text("date").notNull(),
    /** The instant the value takes effect (epoch ms). */
    valuedAt: integer("valued_at").notNull(),
    source: text("source").notNull(),
    notes: text("notes"),
    /** UTC day of an automatic refresh; unique per asset, so a second run that day adds nothing. */
    refreshDay: text("refresh_day"),
    createdBy: text("created_by"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("asset_valuations_asset_idx").on(t.assetId, t.valuedAt, t.createdAt),
    index("asset_valuations_space_idx").on(t.spaceId, t.valuedAt),
    uniqueIndex("asset_valuations_refresh_unique").on(t.assetId, t.refreshDay).where(sql`refresh_day IS NOT NULL`),
  ],
);

export const DOCUMENT_STATUSES = ["pending", "uploading", "uploaded"] as const;

export const assetDocuments = sqliteTable(
  "asset_documents",
  {
    id: text("id").primaryKey(),
    spaceId: text("space_id").notNull(),
    assetId: text("asset_id").notNull(),
    filename: text("filename").notNull(),
    category: text("category"),
    contentType: text("content_type").notNull(),
    status: text("status", { enum: DOCUMENT_STATUSES }).notNull(),
    /** Bytes reserved against the space's quota while the upload is pending (the token's cap). */
    maxBytes: integer("max_bytes").notNull(),
    /** The stored object's size, read from R2 once uploaded. */
    size: integer("size"),
    r2Key: text("r2_key").notNull(),
    uploadMode: text("upload_mode", { enum: ["worker", "s3"] }).notNull(),
    expiresAt: integer("expires_at").notNull(),
    claimedAt: integer("claimed_at"),
    uploadedAt: integer("uploaded_at"),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("asset_documents_asset_idx").on(t.assetId, t.createdAt),
    index("asset_documents_space_idx").on(t.spaceId, t.status),
    index("asset_documents_pending_idx").on(t.status, t.expiresAt),
  ],
);

/**
 * R2 keys of s3-mode documents deleted while their presigned upload URL could still write (R2 cannot revoke
 * it, and after the delete its `If-None-Match: *` passes again). The bytes count toward the space's quota,
 * and the cleanup cron deletes the key once the URL is dead (`deleteAfter`: its expiry plus a grace).
 */
export const documentTombstones = sqliteTable(
  "document_tombstones",
  {
    r2Key: text("r2_key").primaryKey(),
    spaceId: text("space_id").notNull(),
    bytes: integer("bytes").notNull(),
    deleteAfter: integer("delete_after").notNull(),
  },
  (t) => [index("document_tombstones_space_idx").on(t.spaceId), index("document_tombstones_due_idx").on(t.deleteAfter)],
);
