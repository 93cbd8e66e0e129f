/**
 * The one place the D1 schema is written. `npm run db:generate` turns changes
 * here into a numbered SQL migration in migrations/.
 *
 * Timestamps are integer epoch milliseconds; money is integer minor units.
 */
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    locale: text("locale").notNull().default("en"),
    /** `pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>` */
    passwordHash: text("password_hash").notNull(),
    twoFactorEnabled: integer("two_factor_enabled", { mode: "boolean" }).notNull().default(false),
    /** AES-GCM encrypted base32 TOTP secret, set once 2FA is enabled. */
    totpSecretEnc: text("totp_secret_enc"),
    /** Secret proposed by /2fa/setup and not yet confirmed by /2fa/enable. */
    totpPendingSecretEnc: text("totp_pending_secret_enc"),
    /** Last TOTP time step accepted: a code at or before it is a replay. */
    totpLastStep: integer("totp_last_step").notNull().default(0),
    /** Per-user salt of the backup-code hashes; null for codes stored before salting (upgraded on next use). */
    backupCodeSalt: text("backup_code_salt"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("users_email_unique").on(t.email)],
);

/**
 * A login session. Its refresh tokens form one family: presenting a used
 * refresh token revokes the session, and access tokens carry the session id so
 * that revocation stops them too.
 */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    revokedAt: integer("revoked_at"),
    revokedReason: text("revoked_reason"),
    /** When the user last proved a second factor in this session. */
    stepUpAt: integer("step_up_at"),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

export const refreshTokens = sqliteTable(
  "refresh_tokens",
  {
    /** SHA-256 hex of the token: the token itself is never stored. */
    tokenHash: text("token_hash").primaryKey(),
    sessionId: text("session_id")
      .notNull()
      .references(() => sessions.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
  },
  (t) => [index("refresh_tokens_session_idx").on(t.sessionId)],
);

export const backupCodes = sqliteTable(
  "backup_codes",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    codeHash: text("code_hash").notNull(),
    usedAt: integer("used_at"),
  },
  (t) => [primaryKey({ columns: [t.userId, t.codeHash] })],
);

export const spaces = sqliteTable("spaces", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  type: text("type", { enum: ["personal", "business"] }).notNull(),
  currency: text("currency").notNull(),
  /** IANA time zone in which the space's periods (budget months, quarters, years) start. */
  timezone: text("timezone").notNull().default("UTC"),
  ownerId: text("owner_id")
    .notNull()
    .references(() => users.id),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
  /** Deleted spaces keep their ledger history but lose every member. */
  deletedAt: integer("deleted_at"),
  /** Dhanam transaction rows of the space, kept in the batch that writes them: a list's total without counting. */
  transactionCount: integer("transaction_count").notNull().default(0),
});

/**
 * The directory from space to the D1 database (shard) that holds its data. It
 * lives with the global tables (users, sessions) in the first database; today
 * every space is on that one, and docs/SCALING.md says how more are added.
 */
export const spaceShards = sqliteTable("space_shards", {
  spaceId: text("space_id").primaryKey(),
  /** A D1 binding name (wrangler.toml). */
  shard: text("shard").notNull(),
  createdAt: integer("created_at").notNull(),
});

export const spaceMembers = sqliteTable(
  "space_members",
  {
    spaceId: text("space_id")
      .notNull()
      .references(() => spaces.id),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["owner", "admin", "member", "viewer"] }).notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.spaceId, t.userId] }), index("space_members_user_idx").on(t.userId)],
);

/**
 * A space's owner's pending offer to hand it to one of its members (spaces/service.ts offerOwnership): the space
 * changes hands only when that member accepts it, before `expiresAt`. One per space; a new offer replaces it.
 */
export const spaceOwnerOffers = sqliteTable(
  "space_owner_offers",
  {
    spaceId: text("space_id")
      .primaryKey()
      .references(() => spaces.id),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    offeredBy: text("offered_by")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("space_owner_offers_user_idx").on(t.userId)],
);

// ---------------------------------------------------------------------------
// Ledger. Every row below is written only by the space's SpaceLedger Durable
// Object, in one D1 batch per commit.
// ---------------------------------------------------------------------------

/** A user-facing financial account (bank, card, wallet...). Its ledger address is `accounts:<id>`. */
export const accounts = sqliteTable(
  "accounts",
  {
    id: text("id").primaryKey(),
    spaceId: text("space_id")
      .notNull()
      .references(() => spaces.id),
    name: text("name").notNull(),
    type: text("type").notNull(),
    subtype: text("subtype"),
    currency: text("currency").notNull(),
    provider: text("provider").notNull().default("manual"),
    providerAccountId: text("provider_account_id"),
    institutionName: text("institution_name"),
    /** Only the last four digits are ever stored, already masked (`****1234`). */
    accountNumberMask: text("account_number_mask"),
    routingNumberMask: text("routing_number_mask"),
    isActive: integer("is_active", { mode: "boolean" }).notNull().default(true),
    allowOverdraft: integer("allow_overdraft", { mode: "boolean" }).notNull().default(false),
    lastSyncedAt: integer("last_synced_at"),
    disconnectedAt: integer("disconnected_at"),
    /** Dhanam transaction rows of the account, kept in the batch that writes them. */
    transactionCount: integer("transaction_count").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("accounts_space_idx").on(t.spaceId, t.createdAt)],
);

/** Minimal category records; transactions reference them. */
export const categories = sqliteTable(
  "categories",
  {
    id: text("id").primaryKey(),
    spaceId: text("space_id")
      .notNull()
      .references(() => spaces.id),
    name: text("name").notNull(),
    type: text("type", { enum: ["income", "expense", "transfer"] }).notNull(),
    color: text("color"),
    icon: text("icon"),
    parentId: text("parent_id"),
    isSystem: integer("is_system", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("categories_space_idx").on(t.spaceId)],
);

/** One committed ledger transaction. `seq` is the space's gapless transaction id (0, 1, 2...). */
export const ledgerTransactions = sqliteTable(
  "ledger_transactions",
  {
    spaceId: text("space_id").notNull(),
    seq: integer("seq").notNull(),
    reference: text("reference"),
    timestamp: integer("timestamp").notNull(),
    /** JSON: [{source, destination, amount, asset}] */
    postings: text("postings").notNull(),
    metadata: text("metadata").notNull().default("{}"),
    /** JSON: {address: {asset: {input, output}}} before and after this transaction. */
    preVolumes: text("pre_volumes").notNull(),
    postVolumes: text("post_volumes").notNull(),
    revertedBySeq: integer("reverted_by_seq"),
    revertsSeq: integer("reverts_seq"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.spaceId, t.seq] }),
    uniqueIndex("ledger_tx_reference_unique").on(t.spaceId, t.reference),
    index("ledger_tx_timestamp_idx").on(t.spaceId, t.timestamp),
  ],
);

/**
 * One movement of one address in one asset: the account side of a posting.
 * `balanceAfter` makes running balances checkable and statements cheap.
 */
export const ledgerEntries = sqliteTable(
  "ledger_entries",
  {
    spaceId: text("space_id").notNull(),
    address: text("address").notNull(),
    asset: text("asset").notNull(),
    seq: integer("seq").notNull(),
    postingIndex: integer("posting_index").notNull(),
    /** Signed: positive when the address receives, negative when it sends. */
    amount: integer("amount").notNull(),
    balanceAfter: integer("balance_after").notNull(),
    timestamp: integer("timestamp").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.spaceId, t.address, t.asset, t.seq, t.postingIndex] }),
    index("ledger_entries_seq_idx").on(t.spaceId, t.seq),
    index("ledger_entries_time_idx").on(t.spaceId, t.address, t.timestamp),
    // Balances at an instant summed from the index alone (analytics; migration 0014).
    index("ledger_entries_balance_idx").on(t.spaceId, t.address, t.asset, t.timestamp, t.amount),
  ],
);

/**
 * Current volumes per address and asset; balance = input - output. Each side stays within 2^53: when one
 * would pass it, the smaller side is taken off both and added to `rebased` (decimal text, exact, unbounded),
 * so input + rebased and output + rebased are the address's cumulative volumes.
 */
export const ledgerVolumes = sqliteTable(
  "ledger_volumes",
  {
    spaceId: text("space_id").notNull(),
    address: text("address").notNull(),
    asset: text("asset").notNull(),
    input: integer("input").notNull(),
    output: integer("output").notNull(),
    rebased: text("rebased").notNull().default("0"),
  },
  (t) => [primaryKey({ columns: [t.spaceId, t.address, t.asset] })],
);

/** Ledger accounts that carry metadata or have been used. */
export const ledgerAccounts = sqliteTable(
  "ledger_accounts",
  {
    spaceId: text("space_id").notNull(),
    address: text("address").notNull(),
    metadata: text("metadata").notNull().default("{}"),
    firstSeq: integer("first_seq"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.spaceId, t.address] })],
);

/** The append-only, hash-chained log of every ledger write in a space. */
export const ledgerLogs = sqliteTable(
  "ledger_logs",
  {
    spaceId: text("space_id").notNull(),
    id: integer("id").notNull(),
    type: text("type").notNull(),
    data: text("data").notNull(),
    date: integer("date").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [primaryKey({ columns: [t.spaceId, t.id] })],
);

/**
 * Never holds a row: a ledger batch built from remembered facts inserts one here only when its caller's
 * access or those facts no longer hold, and the CHECK then fails the batch (transactions/write-guard.ts).
 */
export const writeGuards = sqliteTable("write_guards", { refused: integer("refused").notNull() }, (t) => [
  check("write_guard_refused", sql`${t.refused} = 0`),
]);

/** Idempotency records, committed in the same batch as the write they describe. */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    spaceId: text("space_id").notNull(),
    key: text("key").notNull(),
    fingerprint: text("fingerprint").notNull(),
    /** JSON result of the original operation, replayed on a retry. */
    result: text("result").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.spaceId, t.key] })],
);

/** Dhanam-shaped transactions: an account's view of a ledger transaction. */
export const transactions = sqliteTable(
  "transactions",
  {
    id: text("id").primaryKey(),
    spaceId: text("space_id").notNull(),
    accountId: text("account_id").notNull(),
    ledgerSeq: integer("ledger_seq").notNull(),
    /** Signed minor units from the account's point of view. */
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    description: text("description").notNull(),
    merchantName: text("merchant_name"),
    /**
     * Description and merchant folded for search (lib/search-text.ts): SQLite's LIKE folds ASCII only. Written with
     * the texts they copy; NULL on rows from before migration 0030 until the hourly backfill folds them (a search
     * reads a text without its copy as it is).
     */
    descriptionFolded: text("description_folded"),
    merchantFolded: text("merchant_folded"),
    /** Merchant after normalization (case, accents, store numbers, processor prefixes): groups "similar" transactions. */
    normalizedMerchant: text("normalized_merchant"),
    date: integer("date").notNull(),
    /** Seed 000's income/expense/transfer plus seed 001's trade/fee/other. */
    type: text("type", { enum: ["income", "expense", "transfer", "trade", "fee", "other"] }).notNull(),
    subtype: text("subtype"),
    /** Seed 001's statuses plus seed 000's `posted`; a voided transaction is `cancelled`. */
    status: text("status", { enum: ["pending", "posted", "settled", "failed", "cancelled"] }).notNull().default("posted"),
    categoryId: text("category_id"),
    /** Who set the category: manual (never overwritten by rules), rule or ml. */
    categorySource: text("category_source"),
    tags: text("tags").notNull().default("[]"),
    notes: text("notes"),
    location: text("location"),
    counterpartyAccountId: text("counterparty_account_id"),
    /** JSON: {symbol, side, quantity, unitPrice, fees} for investment trades. */
    trade: text("trade"),
    /**
     * A manual trade's fee in minor units of the row's currency (0 for none), the part of its amount posted to
     * `expense:fees`: cash flow counts it as an expense without reading the JSON (migration 0032). NULL on every
     * other row; a synced trade's fee is a `fee` row of its own.
     */
    feeAmount: integer("fee_amount"),
    providerTransactionId: text("provider_transaction_id"),
    /**
     * The provider's own day (YYYY-MM-DD) of a row written by hand that the provider's copy took over
     * (providers/manual-match.ts): the row keeps the person's `date`, and a bank linked again pairs its copy by the
     * bank's day (relink-carry.ts). NULL on every other row (migration 0037).
     */
    providerDay: text("provider_day"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("transactions_space_date_id_idx").on(t.spaceId, t.date, t.id),
    index("transactions_account_date_id_idx").on(t.accountId, t.date, t.id),
    index("transactions_space_category_date_id_idx").on(t.spaceId, t.categoryId, t.date, t.id),
    index("transactions_ledger_idx").on(t.spaceId, t.ledgerSeq),
    index("transactions_merchant_idx").on(t.spaceId, t.normalizedMerchant),
    index("transactions_provider_idx").on(t.accountId, t.providerTransactionId),
    // Cash flow by day, currency and category summed from the index alone (analytics; migration 0014; a trade's fee, 0032).
    index("transactions_cashflow_idx").on(t.spaceId, t.date, t.currency, t.categoryId, t.type, t.status, t.subtype, t.amount, t.feeAmount),
    // The rows the search backfill has still to fold (search-backfill.ts UNFOLDED_SQL): empty once it has run, so
    // writes never touch it.
    index("transactions_unfolded_idx")
      .on(t.id)
      .where(sql`${t.descriptionFolded} IS NULL OR (${t.merchantFolded} IS NULL AND ${t.merchantName} IS NOT NULL)`),
  ],
);

// ---------------------------------------------------------------------------
// Categorization: rules, the learning model, corrections, jobs.
// ---------------------------------------------------------------------------

/** A rule: all its conditions must match (AND); higher priority runs first; the first match wins. */
export const categoryRules = sqliteTable(
  "category_rules",
  {
    id: text("id").primaryKey(),
    spaceId: text("space_id").notNull(),
    categoryId: text("category_id").notNull(),
    /** JSON: [{condition, value}] */
    conditions: text("conditions").notNull(),
    priority: integer("priority").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    /** States of the rule's regex conditions as they run: a space's sum is bounded (categories/service.ts). 0 for rules saved before. */
    regexStates: integer("regex_states").notNull().default(0),
  },
  (t) => [index("category_rules_space_idx").on(t.spaceId, t.priority)],
);

/** Multinomial naive Bayes counts: how often `token` appeared in transactions of `categoryId`. */
export const mlTokenCounts = sqliteTable(
  "ml_token_counts",
  {
    spaceId: text("space_id").notNull(),
    token: text("token").notNull(),
    categoryId: text("category_id").notNull(),
    count: integer("count").notNull(),
  },
  (t) => [primaryKey({ columns: [t.spaceId, t.token, t.categoryId] })],
);

/** Per category: documents (transactions) and total tokens seen. */
export const mlCategoryStats = sqliteTable(
  "ml_category_stats",
  {
    spaceId: text("space_id").notNull(),
    categoryId: text("category_id").notNull(),
    docs: integer("docs").notNull(),
    tokens: integer("tokens").notNull(),
  },
  (t) => [primaryKey({ columns: [t.spaceId, t.categoryId] })],
);

/**
 * Per space: a number that moves with every change to its categories, rules or model (triggers in
 * migration 0019), so a remembered categorizer state can be checked for staleness inside a write's batch.
 */
export const categorizerVersions = sqliteTable("categorizer_versions", {
  spaceId: text("space_id").primaryKey(),
  version: integer("version").notNull(),
});

/** Per space: when the model was last rebuilt and its calibration temperature. */
export const mlModels = sqliteTable("ml_models", {
  spaceId: text("space_id").primaryKey(),
  temperature: real("temperature").notNull().default(1),
  samples: integer("samples").notNull().default(0),
  trainedAt: integer("trained_at"),
  updatedAt: integer("updated_at").notNull(),
});

export const mlCorrections = sqliteTable(
  "ml_corrections",
  {
    id: text("id").primaryKey(),
    spaceId: text("space_id").notNull(),
    transactionId: text("transaction_id").notNull(),
    originalCategoryId: text("original_category_id"),
    correctedCategoryId: text("corrected_category_id").notNull(),
    merchantName: text("merchant_name"),
    normalizedMerchant: text("normalized_merchant"),
    confidence: real("confidence"),
    status: text("status", { enum: ["pending", "applied", "rejected"] }).notNull(),
    affectedTransactions: integer("affected_transactions").notNull().default(0),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("ml_corrections_space_idx").on(t.spaceId, t.createdAt)],
);

/** Background jobs (model retraining, later provider syncs) and their outcome. */
export const jobs = sqliteTable(
  "jobs",
  {
    id: text("id").primaryKey(),
    spaceId: text("space_id").notNull(),
    type: text("type").notNull(),
    status: text("status", { enum: ["queued", "running", "completed", "failed"] }).notNull(),
    result: text("result"),
    error: text("error"),
    createdAt: integer("created_at").notNull(),
    startedAt: integer("started_at"),
    /** A running job's last sign of life (a sync refreshes it as it progresses); null before it starts. */
    heartbeatAt: integer("heartbeat_at"),
    finishedAt: integer("finished_at"),
  },
  (t) => [index("jobs_space_idx").on(t.spaceId, t.createdAt)],
);

// ---------------------------------------------------------------------------
// Budgets and the event outbox.
// ---------------------------------------------------------------------------

export const budgets = sqliteTable(
  "budgets",
  {
    id: text("id").primaryKey(),
    spaceId: text("space_id").notNull(),
    name: text("name").notNull(),
    /** Minor units of `currency` (the space's currency). */
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    period: text("period", { enum: ["monthly", "quarterly", "yearly"] }).notNull(),
    /** Calendar dates in the space's time zone; the budget repeats each period from startDate until endDate. */
    startDate: text("start_date").notNull(),
    endDate: text("end_date"),
    alertThreshold: integer("alert_threshold"),
    alertsEnabled: integer("alerts_enabled", { mode: "boolean" }).notNull().default(true),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("budgets_space_idx").on(t.spaceId)],
);

export const budgetCategories = sqliteTable(
  "budget_categories",
  {
    budgetId: text("budget_id").notNull(),
    categoryId: text("category_id").notNull(),
    /** Optional allocation in minor units. */
    allocated: integer("allocated"),
  },
  (t) => [primaryKey({ columns: [t.budgetId, t.categoryId] }), index("budget_categories_category_idx").on(t.categoryId)],
);

/**
 * Spaces whose budget alert check left spending unconverted (no rate or price for its day yet): the hourly
 * task checks their budgets again once rates and prices may have arrived (budgets/rate-waits.ts). `firstAt`
 * bounds how long a space is checked; `lastAt` is the latest check that found spending unconverted.
 */
export const budgetRateWaits = sqliteTable("budget_rate_waits", {
  spaceId: text("space_id").primaryKey(),
  firstAt: integer("first_at").notNull(),
  lastAt: integer("last_at").notNull(),
});

/**
 * Budgets with spending dated in a period not begun yet (in the space's zone), by that period's start instant
 * (`dueAt`): the hourly task checks their alerts once it has come (budgets/period-waits.ts). Written beside an alert
 * check; one row per budget and period start. No foreign key: a wait written as its budget is deleted must not fail
 * the write that checked it, and the task drops the waits of budgets and spaces that are gone.
 */
export const budgetPeriodWaits = sqliteTable(
  "budget_period_waits",
  {
    budgetId: text("budget_id").notNull(),
    dueAt: integer("due_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.budgetId, t.dueAt] }), index("budget_period_waits_due_idx").on(t.dueAt)],
);

/**
 * Events for outgoing webhooks, written once: `dedupeKey` is unique, so an
 * event that many writers race to emit is stored exactly once.
 */
export const eventOutbox = sqliteTable(
  "event_outbox",
  {
    id: text("id").primaryKey(),
    spaceId: text("space_id").notNull(),
    type: text("type").notNull(),
    payload: text("payload").notNull(),
    dedupeKey: text("dedupe_key").notNull(),
    createdAt: integer("created_at").notNull(),
    deliveredAt: integer("delivered_at"),
  },
  (t) => [
    uniqueIndex("event_outbox_dedupe_unique").on(t.dedupeKey),
    index("event_outbox_space_idx").on(t.spaceId, t.createdAt),
    index("event_outbox_undelivered_idx").on(t.createdAt).where(sql`delivered_at IS NULL`),
  ],
);
export * from "./schema-webhooks";
export * from "./schema-prices";
export * from "./schema-crypto";
export * from "./schema-analytics";
export * from "./schema-projections";
export * from "./schema-assets";
export * from "./schema-lifebeat";
export * from "./schema-providers";
