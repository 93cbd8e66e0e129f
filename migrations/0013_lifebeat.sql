-- Households and Life Beat (issue 15): households grouping members and spaces,
-- the dead man's switch configuration, its escalation history, the
-- notification outbox, emergency access grants and their audit log.
-- Timestamps are epoch milliseconds.

CREATE TABLE `households` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`owner_id` text NOT NULL REFERENCES `users`(`id`),
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `households_owner_idx` ON `households` (`owner_id`);
--> statement-breakpoint
CREATE TABLE `household_spaces` (
	`household_id` text NOT NULL REFERENCES `households`(`id`) ON DELETE CASCADE,
	`space_id` text NOT NULL REFERENCES `spaces`(`id`),
	`added_at` integer NOT NULL,
	PRIMARY KEY (`household_id`, `space_id`)
);
--> statement-breakpoint
CREATE INDEX `household_spaces_space_idx` ON `household_spaces` (`space_id`);
--> statement-breakpoint
-- A member is invited by email; `user_id` is set when the invitation is
-- accepted (the owner's row is active from the start). The invitation token
-- is stored only as its SHA-256 and cleared when used.
CREATE TABLE `household_members` (
	`id` text PRIMARY KEY NOT NULL,
	`household_id` text NOT NULL REFERENCES `households`(`id`) ON DELETE CASCADE,
	`user_id` text REFERENCES `users`(`id`),
	`email` text NOT NULL,
	`name` text,
	`relationship` text NOT NULL,
	`role` text NOT NULL CHECK (`role` IN ('owner', 'member', 'executor')),
	`status` text NOT NULL CHECK (`status` IN ('invited', 'active')),
	`invitation_hash` text,
	`invitation_expires_at` integer,
	`invited_at` integer NOT NULL,
	`joined_at` integer,
	CHECK ((`status` = 'active') = (`user_id` IS NOT NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `household_members_email_unique` ON `household_members` (`household_id`, lower(`email`));
--> statement-breakpoint
CREATE UNIQUE INDEX `household_members_user_unique` ON `household_members` (`household_id`, `user_id`) WHERE `user_id` IS NOT NULL;
--> statement-breakpoint
CREATE INDEX `household_members_user_idx` ON `household_members` (`user_id`);
--> statement-breakpoint
CREATE UNIQUE INDEX `household_members_invitation_unique` ON `household_members` (`invitation_hash`) WHERE `invitation_hash` IS NOT NULL;
--> statement-breakpoint
-- One row per household. `cycle` grows on every check-in, enable and disable:
-- an escalation belongs to one cycle, so a check-in makes every pending step
-- of the old cycle void. `next_escalation_at` is when the next level is due.
CREATE TABLE `life_beat` (
	`household_id` text PRIMARY KEY NOT NULL REFERENCES `households`(`id`) ON DELETE CASCADE,
	`enabled` integer NOT NULL DEFAULT 0,
	`check_in_interval` text NOT NULL DEFAULT 'monthly' CHECK (`check_in_interval` IN ('weekly', 'biweekly', 'monthly')),
	`escalation_days` text NOT NULL DEFAULT '[30,60,90]',
	`executor_member_id` text REFERENCES `household_members`(`id`) ON DELETE SET NULL,
	`channels` text NOT NULL DEFAULT '["email"]',
	`sms_number` text,
	`access_days` integer NOT NULL DEFAULT 30 CHECK (`access_days` BETWEEN 1 AND 365),
	`last_check_in` integer NOT NULL,
	`current_level` integer NOT NULL DEFAULT 0 CHECK (`current_level` >= 0),
	`cycle` integer NOT NULL DEFAULT 0,
	`next_escalation_at` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `life_beat_due_idx` ON `life_beat` (`next_escalation_at`) WHERE `enabled` = 1;
--> statement-breakpoint
CREATE INDEX `life_beat_escalated_idx` ON `life_beat` (`current_level`) WHERE `enabled` = 1 AND `current_level` > 0;
--> statement-breakpoint
-- Each level of each cycle is reached at most once (primary key).
CREATE TABLE `life_beat_escalations` (
	`household_id` text NOT NULL REFERENCES `households`(`id`) ON DELETE CASCADE,
	`cycle` integer NOT NULL,
	`level` integer NOT NULL,
	`escalated_at` integer NOT NULL,
	PRIMARY KEY (`household_id`, `cycle`, `level`)
);
--> statement-breakpoint
-- The notification outbox: one row per message and channel, unique by
-- `dedupe_key`; `body` is sealed with AES-GCM (invitations carry a token).
CREATE TABLE `life_beat_notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`household_id` text NOT NULL REFERENCES `households`(`id`) ON DELETE CASCADE,
	`kind` text NOT NULL CHECK (`kind` IN ('escalation', 'executor', 'invitation')),
	`cycle` integer,
	`level` integer,
	`channel` text NOT NULL CHECK (`channel` IN ('email', 'sms')),
	`recipient` text NOT NULL,
	`locale` text NOT NULL,
	`subject` text NOT NULL,
	`body` text NOT NULL,
	`status` text NOT NULL CHECK (`status` IN ('pending', 'sent', 'failed', 'cancelled')),
	`attempts` integer NOT NULL DEFAULT 0,
	`next_attempt_at` integer NOT NULL,
	`last_error` text,
	`provider_message_id` text,
	`dedupe_key` text NOT NULL,
	`created_at` integer NOT NULL,
	`sent_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `life_beat_notifications_dedupe_unique` ON `life_beat_notifications` (`dedupe_key`);
--> statement-breakpoint
CREATE INDEX `life_beat_notifications_due_idx` ON `life_beat_notifications` (`next_attempt_at`) WHERE `status` = 'pending';
--> statement-breakpoint
CREATE INDEX `life_beat_notifications_household_idx` ON `life_beat_notifications` (`household_id`, `created_at`);
--> statement-breakpoint
-- Read-only access to the household's spaces for an executor member, until
-- `expires_at` or revocation. `dedupe_key` makes an escalation grant once per cycle.
CREATE TABLE `emergency_grants` (
	`id` text PRIMARY KEY NOT NULL,
	`household_id` text NOT NULL REFERENCES `households`(`id`) ON DELETE CASCADE,
	`member_id` text NOT NULL REFERENCES `household_members`(`id`) ON DELETE CASCADE,
	`access_level` text NOT NULL DEFAULT 'read-only' CHECK (`access_level` = 'read-only'),
	`source` text NOT NULL CHECK (`source` IN ('escalation', 'manual')),
	`granted_by` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`revoked_at` integer,
	`revoked_reason` text,
	`dedupe_key` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `emergency_grants_dedupe_unique` ON `emergency_grants` (`dedupe_key`) WHERE `dedupe_key` IS NOT NULL;
--> statement-breakpoint
CREATE INDEX `emergency_grants_live_idx` ON `emergency_grants` (`household_id`, `expires_at`) WHERE `revoked_at` IS NULL;
--> statement-breakpoint
CREATE INDEX `emergency_grants_member_idx` ON `emergency_grants` (`member_id`);
--> statement-breakpoint
-- Every use of a grant (and every refused write under one): who, what, when.
CREATE TABLE `emergency_access_log` (
	`id` text PRIMARY KEY NOT NULL,
	`grant_id` text NOT NULL,
	`household_id` text NOT NULL REFERENCES `households`(`id`) ON DELETE CASCADE,
	`user_id` text NOT NULL,
	`space_id` text NOT NULL,
	`method` text NOT NULL,
	`path` text NOT NULL,
	`allowed` integer NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `emergency_access_log_household_idx` ON `emergency_access_log` (`household_id`, `at`);
--> statement-breakpoint
-- What the sandbox email and SMS simulators received (sandbox mode only).
CREATE TABLE `sandbox_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`channel` text NOT NULL,
	`recipient` text NOT NULL,
	`sender` text NOT NULL,
	`subject` text,
	`body` text NOT NULL,
	`idempotency_key` text,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sandbox_messages_idempotency_unique` ON `sandbox_messages` (`channel`, `idempotency_key`) WHERE `idempotency_key` IS NOT NULL;
