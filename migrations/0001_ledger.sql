CREATE TABLE `accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`space_id` text NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`subtype` text,
	`currency` text NOT NULL,
	`provider` text DEFAULT 'manual' NOT NULL,
	`provider_account_id` text,
	`institution_name` text,
	`account_number_mask` text,
	`routing_number_mask` text,
	`is_active` integer DEFAULT true NOT NULL,
	`allow_overdraft` integer DEFAULT false NOT NULL,
	`last_synced_at` integer,
	`disconnected_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`space_id`) REFERENCES `spaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `accounts_space_idx` ON `accounts` (`space_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `categories` (
	`id` text PRIMARY KEY NOT NULL,
	`space_id` text NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`color` text,
	`icon` text,
	`parent_id` text,
	`is_system` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`space_id`) REFERENCES `spaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `categories_space_idx` ON `categories` (`space_id`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`space_id` text NOT NULL,
	`key` text NOT NULL,
	`fingerprint` text NOT NULL,
	`result` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`space_id`, `key`)
);
--> statement-breakpoint
CREATE TABLE `ledger_accounts` (
	`space_id` text NOT NULL,
	`address` text NOT NULL,
	`metadata` text DEFAULT '{}' NOT NULL,
	`first_seq` integer,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`space_id`, `address`)
);
--> statement-breakpoint
CREATE TABLE `ledger_entries` (
	`space_id` text NOT NULL,
	`address` text NOT NULL,
	`asset` text NOT NULL,
	`seq` integer NOT NULL,
	`posting_index` integer NOT NULL,
	`amount` integer NOT NULL,
	`balance_after` integer NOT NULL,
	`timestamp` integer NOT NULL,
	PRIMARY KEY(`space_id`, `address`, `asset`, `seq`, `posting_index`)
);
--> statement-breakpoint
CREATE INDEX `ledger_entries_seq_idx` ON `ledger_entries` (`space_id`,`seq`);--> statement-breakpoint
CREATE INDEX `ledger_entries_time_idx` ON `ledger_entries` (`space_id`,`address`,`timestamp`);--> statement-breakpoint
CREATE TABLE `ledger_logs` (
	`space_id` text NOT NULL,
	`id` integer NOT NULL,
	`type` text NOT NULL,
	`data` text NOT NULL,
	`date` integer NOT NULL,
	`hash` text NOT NULL,
	PRIMARY KEY(`space_id`, `id`)
);
--> statement-breakpoint
CREATE TABLE `ledger_transactions` (
	`space_id` text NOT NULL,
	`seq` integer NOT NULL,
	`reference` text,
	`timestamp` integer NOT NULL,
	`postings` text NOT NULL,
	`metadata` text DEFAULT '{}' NOT NULL,
	`pre_volumes` text NOT NULL,
	`post_volumes` text NOT NULL,
	`reverted_by_seq` integer,
	`reverts_seq` integer,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`space_id`, `seq`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_tx_reference_unique` ON `ledger_transactions` (`space_id`,`reference`);--> statement-breakpoint
CREATE INDEX `ledger_tx_timestamp_idx` ON `ledger_transactions` (`space_id`,`timestamp`);--> statement-breakpoint
CREATE TABLE `ledger_volumes` (
	`space_id` text NOT NULL,
	`address` text NOT NULL,
	`asset` text NOT NULL,
	`input` integer NOT NULL,
	`output` integer NOT NULL,
	PRIMARY KEY(`space_id`, `address`, `asset`)
);
--> statement-breakpoint
CREATE TABLE `transactions` (
	`id` text PRIMARY KEY NOT NULL,
	`space_id` text NOT NULL,
	`account_id` text NOT NULL,
	`ledger_seq` integer NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`description` text NOT NULL,
	`merchant_name` text,
	`date` integer NOT NULL,
	`type` text NOT NULL,
	`subtype` text,
	`status` text DEFAULT 'posted' NOT NULL,
	`category_id` text,
	`category_source` text,
	`tags` text DEFAULT '[]' NOT NULL,
	`notes` text,
	`location` text,
	`counterparty_account_id` text,
	`trade` text,
	`provider_transaction_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `transactions_space_date_idx` ON `transactions` (`space_id`,`date`);--> statement-breakpoint
CREATE INDEX `transactions_account_date_idx` ON `transactions` (`account_id`,`date`);--> statement-breakpoint
CREATE INDEX `transactions_category_idx` ON `transactions` (`space_id`,`category_id`);--> statement-breakpoint
CREATE INDEX `transactions_ledger_idx` ON `transactions` (`space_id`,`ledger_seq`);