-- Exchange rates and analytics (issue 14): provider rates per day with their source, manual
-- per-space rates (they win for that space and day), user decisions on recurring series, and
-- the cached 60-day forecast.
CREATE TABLE `exchange_rates` (
	`base` text NOT NULL,
	`quote` text NOT NULL,
	`date` text NOT NULL,
	-- Exact decimal string: 1 base = rate quote. Never a float.
	`rate` text NOT NULL,
	`source` text NOT NULL,
	`fetched_at` integer NOT NULL,
	PRIMARY KEY(`base`, `quote`, `date`),
	CHECK (`base` != `quote`),
	CHECK (length(`date`) = 10)
);
--> statement-breakpoint
CREATE TABLE `space_rates` (
	`space_id` text NOT NULL,
	`base` text NOT NULL,
	`quote` text NOT NULL,
	`date` text NOT NULL,
	`rate` text NOT NULL,
	`set_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`space_id`, `base`, `quote`, `date`),
	CHECK (`base` != `quote`),
	CHECK (length(`date`) = 10)
);
--> statement-breakpoint
CREATE TABLE `recurring_decisions` (
	`space_id` text NOT NULL,
	`series_key` text NOT NULL,
	`status` text NOT NULL,
	`name` text,
	`amount` integer,
	`cadence` text,
	`updated_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`space_id`, `series_key`),
	CHECK (`status` IN ('confirmed', 'dismissed', 'edited'))
);
--> statement-breakpoint
CREATE TABLE `forecast_cache` (
	`space_id` text PRIMARY KEY NOT NULL,
	-- What the forecast was computed from: the ledger's last sequence and the space's row counter.
	`ledger_seq` integer NOT NULL,
	`transaction_count` integer NOT NULL,
	`as_of_date` text NOT NULL,
	`payload` text NOT NULL,
	`computed_at` integer NOT NULL
);
