CREATE TABLE `budget_categories` (
	`budget_id` text NOT NULL,
	`category_id` text NOT NULL,
	`allocated` integer,
	PRIMARY KEY(`budget_id`, `category_id`)
);
--> statement-breakpoint
CREATE INDEX `budget_categories_category_idx` ON `budget_categories` (`category_id`);--> statement-breakpoint
CREATE TABLE `budgets` (
	`id` text PRIMARY KEY NOT NULL,
	`space_id` text NOT NULL,
	`name` text NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`period` text NOT NULL,
	`start_date` text NOT NULL,
	`end_date` text,
	`alert_threshold` integer,
	`alerts_enabled` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `budgets_space_idx` ON `budgets` (`space_id`);--> statement-breakpoint
CREATE TABLE `category_rules` (
	`id` text PRIMARY KEY NOT NULL,
	`space_id` text NOT NULL,
	`category_id` text NOT NULL,
	`conditions` text NOT NULL,
	`priority` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `category_rules_space_idx` ON `category_rules` (`space_id`,`priority`);--> statement-breakpoint
CREATE TABLE `event_outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`space_id` text NOT NULL,
	`type` text NOT NULL,
	`payload` text NOT NULL,
	`dedupe_key` text NOT NULL,
	`created_at` integer NOT NULL,
	`delivered_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `event_outbox_dedupe_unique` ON `event_outbox` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `event_outbox_space_idx` ON `event_outbox` (`space_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`space_id` text NOT NULL,
	`type` text NOT NULL,
	`status` text NOT NULL,
	`result` text,
	`error` text,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `jobs_space_idx` ON `jobs` (`space_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `ml_category_stats` (
	`space_id` text NOT NULL,
	`category_id` text NOT NULL,
	`docs` integer NOT NULL,
	`tokens` integer NOT NULL,
	PRIMARY KEY(`space_id`, `category_id`)
);
--> statement-breakpoint
CREATE TABLE `ml_corrections` (
	`id` text PRIMARY KEY NOT NULL,
	`space_id` text NOT NULL,
	`transaction_id` text NOT NULL,
	`original_category_id` text,
	`corrected_category_id` text NOT NULL,
	`merchant_name` text,
	`normalized_merchant` text,
	`confidence` real,
	`status` text NOT NULL,
	`affected_transactions` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `ml_corrections_space_idx` ON `ml_corrections` (`space_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `ml_models` (
	`space_id` text PRIMARY KEY NOT NULL,
	`temperature` real DEFAULT 1 NOT NULL,
	`samples` integer DEFAULT 0 NOT NULL,
	`trained_at` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `ml_token_counts` (
	`space_id` text NOT NULL,
	`token` text NOT NULL,
	`category_id` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`space_id`, `token`, `category_id`)
);
--> statement-breakpoint
ALTER TABLE `spaces` ADD `timezone` text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
ALTER TABLE `transactions` ADD `normalized_merchant` text;--> statement-breakpoint
CREATE INDEX `transactions_merchant_idx` ON `transactions` (`space_id`,`normalized_merchant`);