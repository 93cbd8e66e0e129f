-- Outgoing webhooks: subscriptions per space, one delivery per (subscription, outbox event),
-- and the log of every attempt. Hand-written (see the brief); drizzle tables in src/db/schema-webhooks.ts.
CREATE TABLE `webhook_subscriptions` (
	`id` text PRIMARY KEY NOT NULL,
	`space_id` text NOT NULL,
	`url` text NOT NULL,
	-- JSON array of event types.
	`events` text NOT NULL,
	`description` text,
	-- AES-GCM sealed (lib/crypto encryptSecret); the plaintext is shown once, at creation.
	`secret_enc` text NOT NULL,
	`enabled` integer DEFAULT 1 NOT NULL CHECK (`enabled` IN (0, 1)),
	`consecutive_failures` integer DEFAULT 0 NOT NULL CHECK (`consecutive_failures` >= 0),
	`disabled_reason` text CHECK (`disabled_reason` IS NULL OR `disabled_reason` IN ('manual', 'failures')),
	`disabled_at` integer,
	`last_success_at` integer,
	`last_failure_at` integer,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webhook_subscriptions_space_idx` ON `webhook_subscriptions` (`space_id`,`created_at`);
--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`subscription_id` text NOT NULL,
	`space_id` text NOT NULL,
	`event_id` text NOT NULL,
	`event_type` text NOT NULL,
	`status` text NOT NULL CHECK (`status` IN ('pending', 'succeeded', 'failed', 'cancelled')),
	`attempts` integer DEFAULT 0 NOT NULL CHECK (`attempts` >= 0),
	`next_attempt_at` integer,
	-- A sender holds the delivery until this time, so two copies of a message never send twice at once.
	`claimed_until` integer,
	`response_status` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`last_attempt_at` integer,
	`delivered_at` integer
);
--> statement-breakpoint
-- One delivery per subscription and event, however many times the event is fanned out.
CREATE UNIQUE INDEX `webhook_deliveries_event_unique` ON `webhook_deliveries` (`subscription_id`,`event_id`);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_subscription_idx` ON `webhook_deliveries` (`subscription_id`,`id`);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_due_idx` ON `webhook_deliveries` (`next_attempt_at`) WHERE `status` = 'pending';
--> statement-breakpoint
CREATE TABLE `webhook_delivery_attempts` (
	`delivery_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`at` integer NOT NULL,
	`response_status` integer,
	`error` text,
	`duration_ms` integer NOT NULL,
	PRIMARY KEY(`delivery_id`, `attempt`)
);
--> statement-breakpoint
-- The hourly sweep looks for outbox rows not yet fanned out.
CREATE INDEX `event_outbox_undelivered_idx` ON `event_outbox` (`created_at`) WHERE `delivered_at` IS NULL;
