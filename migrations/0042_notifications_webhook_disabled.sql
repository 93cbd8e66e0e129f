-- The notification outbox (Life Beat's) also carries the email to a webhook's creator when the webhook disables
-- itself after its run of failed attempts: such a row belongs to no household (`household_id` NULL) and is of kind
-- `webhook_disabled`. SQLite cannot change a column's NOT NULL or a CHECK in place, so the table is rebuilt with
-- its rows; no table references it (nothing cascades from the DROP).
CREATE TABLE `__new_life_beat_notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`household_id` text REFERENCES `households`(`id`) ON DELETE CASCADE,
	`kind` text NOT NULL CHECK (`kind` IN ('escalation', 'executor', 'invitation', 'webhook_disabled')),
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
	`sent_at` integer,
	CHECK ((`household_id` IS NULL) = (`kind` = 'webhook_disabled'))
);
--> statement-breakpoint
INSERT INTO `__new_life_beat_notifications` (`id`, `household_id`, `kind`, `cycle`, `level`, `channel`, `recipient`, `locale`, `subject`, `body`, `status`, `attempts`, `next_attempt_at`, `last_error`, `provider_message_id`, `dedupe_key`, `created_at`, `sent_at`)
SELECT `id`, `household_id`, `kind`, `cycle`, `level`, `channel`, `recipient`, `locale`, `subject`, `body`, `status`, `attempts`, `next_attempt_at`, `last_error`, `provider_message_id`, `dedupe_key`, `created_at`, `sent_at` FROM `life_beat_notifications`;
--> statement-breakpoint
DROP TABLE `life_beat_notifications`;
--> statement-breakpoint
ALTER TABLE `__new_life_beat_notifications` RENAME TO `life_beat_notifications`;
--> statement-breakpoint
CREATE UNIQUE INDEX `life_beat_notifications_dedupe_unique` ON `life_beat_notifications` (`dedupe_key`);
--> statement-breakpoint
CREATE INDEX `life_beat_notifications_due_idx` ON `life_beat_notifications` (`next_attempt_at`) WHERE `status` = 'pending';
--> statement-breakpoint
CREATE INDEX `life_beat_notifications_household_idx` ON `life_beat_notifications` (`household_id`, `created_at`);
--> statement-breakpoint
-- When a webhook was last switched on again (PATCH `enabled: true` on a disabled one); NULL if never: it listens to
-- events created since then (and since `created_at`), whenever their fan-out runs (webhooks/creator.ts).
ALTER TABLE `webhook_subscriptions` ADD `enabled_at` integer;
