/**
 * Households and Life Beat tables, as migrations/0013_lifebeat.sql creates them
 * (columns, keys, indexes; CHECK constraints live in the SQL only).
 * Timestamps are epoch milliseconds.
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { spaces, users } from "./schema";

export const households = sqliteTable(
  "households",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    ownerId: text("owner_id").notNull().references(() => users.id),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("households_owner_idx").on(t.ownerId)],
);

export const householdSpaces = sqliteTable(
  "household_spaces",
  {
    householdId: text("household_id").notNull().references(() => households.id, { onDelete: "cascade" }),
    spaceId: text("space_id").notNull().references(() => spaces.id),
    addedAt: integer("added_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.householdId, t.spaceId] }), index("household_spaces_space_idx").on(t.spaceId)],
);

export const householdMembers = sqliteTable(
  "household_members",
  {
    id: text("id").primaryKey(),
    householdId: text("household_id").notNull().references(() => households.id, { onDelete: "cascade" }),
    userId: text("user_id").references(() => users.id),
    email: text("email").notNull(),
    name: text("name"),
    relationship: text("relationship").notNull(),
    role: text("role", { enum: ["owner", "member", "executor"] }).notNull(),
    status: text("status", { enum: ["invited", "active"] }).notNull(),
    /** SHA-256 (hex) of the invitation token; null once accepted. */
    invitationHash: text("invitation_hash"),
    invitationExpiresAt: integer("invitation_expires_at"),
    invitedAt: integer("invited_at").notNull(),
    joinedAt: integer("joined_at"),
    /**
     * When the owner removed the member. The row stays (its emergency grants, which the access log cites,
     * keep their member), but a removed member is no member: every read of members skips it, and the
     * unique indexes cover only current ones, so the same address or user can be invited again.
     */
    removedAt: integer("removed_at"),
  },
  (t) => [
    uniqueIndex("household_members_current_email_unique").on(t.householdId, sql`lower(${t.email})`).where(sql`removed_at IS NULL`),
    uniqueIndex("household_members_current_user_unique").on(t.householdId, t.userId).where(sql`user_id IS NOT NULL AND removed_at IS NULL`),
    index("household_members_user_idx").on(t.userId),
    uniqueIndex("household_members_invitation_unique").on(t.invitationHash).where(sql`invitation_hash IS NOT NULL`),
  ],
);

export const lifeBeat = sqliteTable(
  "life_beat",
  {
    householdId: text("household_id").primaryKey().references(() => households.id, { onDelete: "cascade" }),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(false),
    checkInInterval: text("check_in_interval", { enum: ["weekly", "biweekly", "monthly"] }).notNull().default("monthly"),
    /** JSON array of strictly increasing day counts. */
    escalationDays: text("escalation_days").notNull().default("[30,60,90]"),
    executorMemberId: text("executor_member_id").references(() => householdMembers.id, { onDelete: "set null" }),
    /** JSON array of "email" | "sms". */
    channels: text("channels").notNull().default('["email"]'),
    smsNumber: text("sms_number"),
    accessDays: integer("access_days").notNull().default(30),
    lastCheckIn: integer("last_check_in").notNull(),
    currentLevel: integer("current_level").notNull().default(0),
    cycle: integer("cycle").notNull().default(0),
    nextEscalationAt: integer("next_escalation_at"),
    /** When the owner's one warning before a single-level grant is due this cycle; null once sent, and for other schedules. */
    warningAt: integer("warning_at"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("life_beat_due_idx").on(t.nextEscalationAt).where(sql`enabled = 1`),
    index("life_beat_warning_idx").on(t.warningAt).where(sql`enabled = 1`),
    index("life_beat_escalated_idx").on(t.currentLevel).where(sql`enabled = 1 AND current_level > 0`),
  ],
);

export const lifeBeatEscalations = sqliteTable(
  "life_beat_escalations",
  {
    householdId: text("household_id").notNull().references(() => households.id, { onDelete: "cascade" }),
    cycle: integer("cycle").notNull(),
    level: integer("level").notNull(),
    escalatedAt: integer("escalated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.householdId, t.cycle, t.level] })],
);

export const lifeBeatNotifications = sqliteTable(
  "life_beat_notifications",
  {
    id: text("id").primaryKey(),
    /** Null only for `webhook_disabled` (migration 0041): the outbox also carries that email to a webhook's creator. */
    householdId: text("household_id").references(() => households.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["escalation", "executor", "invitation", "webhook_disabled"] }).notNull(),
    cycle: integer("cycle"),
    level: integer("level"),
    channel: text("channel", { enum: ["email", "sms"] }).notNull(),
    recipient: text("recipient").notNull(),
    locale: text("locale").notNull(),
    subject: text("subject").notNull(),
    /** AES-GCM sealed (encryptSecret). */
    body: text("body").notNull(),
    status: text("status", { enum: ["pending", "sent", "failed", "cancelled"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at").notNull(),
    lastError: text("last_error"),
    providerMessageId: text("provider_message_id"),
    dedupeKey: text("dedupe_key").notNull(),
    createdAt: integer("created_at").notNull(),
    sentAt: integer("sent_at"),
  },
  (t) => [
    uniqueIndex("life_beat_notifications_dedupe_unique").on(t.dedupeKey),
    index("life_beat_notifications_due_idx").on(t.nextAttemptAt).where(sql`status = 'pending'`),
    index("life_beat_notifications_household_idx").on(t.householdId, t.createdAt),
  ],
);

export const emergencyGrants = sqliteTable(
  "emergency_grants",
  {
    id: text("id").primaryKey(),
    householdId: text("household_id").notNull().references(() => households.id, { onDelete: "cascade" }),
    memberId: text("member_id").notNull().references(() => householdMembers.id, { onDelete: "cascade" }),
    accessLevel: text("access_level", { enum: ["read-only"] }).notNull().default("read-only"),
    source: text("source", { enum: ["escalation", "manual"] }).notNull(),
    grantedBy: text("granted_by"),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    revokedAt: integer("revoked_at"),
    revokedReason: text("revoked_reason"),
    dedupeKey: text("dedupe_key"),
  },
  (t) => [
    uniqueIndex("emergency_grants_dedupe_unique").on(t.dedupeKey).where(sql`dedupe_key IS NOT NULL`),
    index("emergency_grants_live_idx").on(t.householdId, t.expiresAt).where(sql`revoked_at IS NULL`),
    index("emergency_grants_member_idx").on(t.memberId),
  ],
);

export const emergencyAccessLog = sqliteTable(
  "emergency_access_log",
  {
    id: text("id").primaryKey(),
    grantId: text("grant_id").notNull(),
    householdId: text("household_id").notNull().references(() => households.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull(),
    spaceId: text("space_id").notNull(),
    method: text("method").notNull(),
    path: text("path").notNull(),
    allowed: integer("allowed", { mode: "boolean" }).notNull(),
    at: integer("at").notNull(),
  },
  (t) => [index("emergency_access_log_household_idx").on(t.householdId, t.at)],
);

export const sandboxMessages = sqliteTable(
  "sandbox_messages",
  {
    id: text("id").primaryKey(),
    channel: text("channel").notNull(),
    recipient: text("recipient").notNull(),
    sender: text("sender").notNull(),
    subject: text("subject"),
    body: text("body").notNull(),
    idempotencyKey: text("idempotency_key"),
    receivedAt: integer("received_at").notNull(),
  },
  (t) => [uniqueIndex("sandbox_messages_idempotency_unique").on(t.channel, t.idempotencyKey).where(sql`idempotency_key IS NOT NULL`)],
);
