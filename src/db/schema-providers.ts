/**
 * Provider connections, their accounts and queued syncs (migration 0006).
 * Credentials and tokens are AES-GCM sealed (`credentialsEnc`) and never leave the server.
 */
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { spaces } from "./schema";

export const providerConnections = sqliteTable(
  "provider_connections",
  {
    id: text("id").primaryKey(),
    spaceId: text("space_id").notNull().references(() => spaces.id),
    provider: text("provider", { enum: ["plaid", "belvo", "bitso"] }).notNull(),
    status: text("status", { enum: ["pending", "active", "error", "reauth_required", "disconnected"] }).notNull(),
    externalId: text("external_id"),
    institutionId: text("institution_id"),
    institutionName: text("institution_name"),
    credentialsEnc: text("credentials_enc").notNull(),
    statusReason: text("status_reason"),
    syncCursor: text("sync_cursor"),
    lastSyncAt: integer("last_sync_at"),
    lastSyncAttemptAt: integer("last_sync_attempt_at"),
    /** What the last completed sync could not import, by currency: a JSON list (modules/providers/left-out.ts); NULL before one (migration 0047). */
    lastSyncUnsupported: text("last_sync_unsupported"),
    /** Until when an active connection's status reason is a provider's warning a sync keeps (Plaid's PENDING_EXPIRATION; migration 0050). */
    noticeUntil: integer("notice_until"),
    /** The warning itself, which a sync's success shows again after an error until `noticeUntil` (migration 0051). */
    noticeReason: text("notice_reason"),
    nextSyncAt: integer("next_sync_at"),
    nonce: integer("nonce").notNull().default(0),
    createdBy: text("created_by"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    disconnectedAt: integer("disconnected_at"),
    /** A keyed hash of the login a connection was made with (a Bitso key, a Belvo institution and user), so a space cannot connect the same one twice (migration 0029). */
    loginKey: text("login_key"),
    /**
     * The provider's own id of the account behind the login, when it has one that outlives a credential (Bitso's
     * `client_id` from its account status: a key revoked and another issued is the same account): what tells a
     * relink from another account when an account has no digits (lib/relinks.ts). NULL when not known.
     */
    providerClientId: text("provider_client_id"),
    /**
     * The live connection of the same login or account this one was retired as a duplicate of (migration 0035):
     * its accounts are taken over by that one's on every day, not only from a disconnection (lib/relinks.ts).
     */
    replacedBy: text("replaced_by"),
  },
  (t) => [
    index("provider_connections_space_idx").on(t.spaceId, t.createdAt),
    index("provider_connections_external_idx").on(t.provider, t.externalId),
    index("provider_connections_due_idx").on(t.status, t.nextSyncAt),
  ],
);

export const providerAccounts = sqliteTable(
  "provider_accounts",
  {
    accountId: text("account_id").primaryKey(),
    connectionId: text("connection_id").notNull().references(() => providerConnections.id),
    spaceId: text("space_id").notNull(),
    providerAccountId: text("provider_account_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("provider_accounts_external_unique").on(t.connectionId, t.providerAccountId)],
);

export const providerSyncJobs = sqliteTable(
  "provider_sync_jobs",
  {
    jobId: text("job_id").primaryKey(),
    connectionId: text("connection_id").notNull(),
    spaceId: text("space_id").notNull(),
    accountIds: text("account_ids").notNull().default("[]"),
    trigger: text("trigger", { enum: ["manual", "webhook", "cron", "connect"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    /** When the job's message was last sent, and when it is due to be picked up (its delay counted); NULL before migration 0044. */
    sentAt: integer("sent_at"),
    dueAt: integer("due_at"),
    /** How many times its message was sent again as lost (resendLostSyncs): only a message carrying this number may claim the job. */
    resends: integer("resends").notNull().default(0),
  },
  (t) => [index("provider_sync_jobs_connection_idx").on(t.connectionId, t.createdAt)],
);

export const providerReviewFlags = sqliteTable(
  "provider_review_flags",
  {
    id: text("id").primaryKey(),
    spaceId: text("space_id").notNull(),
    transactionId: text("transaction_id").notNull(),
    candidateTransactionIds: text("candidate_transaction_ids").notNull(),
    reason: text("reason").notNull(),
    createdAt: integer("created_at").notNull(),
    /** Set when a person resolves the flag (migration 0014): `merge` or `keep_both`, by whom, and the pending row merged. */
    resolvedAt: integer("resolved_at"),
    resolution: text("resolution", { enum: ["merge", "keep_both"] }),
    resolvedBy: text("resolved_by"),
    mergedTransactionId: text("merged_transaction_id"),
  },
  (t) => [
    uniqueIndex("provider_review_flags_txn_unique").on(t.transactionId, t.reason),
    index("provider_review_flags_space_idx").on(t.spaceId, t.createdAt),
    index("provider_review_flags_open_idx").on(t.spaceId, t.resolvedAt, t.createdAt),
  ],
);

export const providerWebhookKeys = sqliteTable(
  "provider_webhook_keys",
  {
    provider: text("provider").notNull(),
    kid: text("kid").notNull(),
    jwk: text("jwk").notNull(),
    expiredAt: integer("expired_at"),
    fetchedAt: integer("fetched_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.kid] })],
);

/**
 * Provider webhooks already received, by the SHA-256 of their signed token (Plaid's Plaid-Verification JWT): an exact
 * replay of one while its token is still accepted (5 minutes) is acknowledged and ignored, never acted on twice. A row
 * is kept until its token could no longer be accepted anyway (`expires_at`), then swept as new ones are written.
 */
export const providerWebhookReceipts = sqliteTable(
  "provider_webhook_receipts",
  {
    provider: text("provider").notNull(),
    tokenHash: text("token_hash").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.tokenHash] }), index("provider_webhook_receipts_expires_idx").on(t.expiresAt)],
);
