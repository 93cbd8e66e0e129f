CREATE TABLE `defi_position_values` (
	`position_id` text NOT NULL,
	`space_id` text NOT NULL,
	`wallet_id` text NOT NULL,
	`synced_at` integer NOT NULL,
	`value_usd` text,
	PRIMARY KEY(`position_id`, `synced_at`)
);
--> statement-breakpoint
CREATE INDEX `defi_position_values_wallet_idx` ON `defi_position_values` (`wallet_id`,`synced_at`);--> statement-breakpoint
CREATE INDEX `defi_position_values_closed_idx` ON `defi_position_values` (`space_id`,`synced_at`) WHERE value_usd IS NULL;--> statement-breakpoint
CREATE TABLE `gaming_position_values` (
	`wallet_id` text NOT NULL,
	`platform` text NOT NULL,
	`synced_at` integer NOT NULL,
	`space_id` text NOT NULL,
	`value_usd` text,
	PRIMARY KEY(`wallet_id`, `platform`, `synced_at`)
);
--> statement-breakpoint
CREATE INDEX `gaming_position_values_closed_idx` ON `gaming_position_values` (`space_id`,`synced_at`) WHERE value_usd IS NULL;--> statement-breakpoint
-- Positions already stored: the value shown today becomes the first point, at the instant the position was first
-- seen, so nothing shown changes until the next sync writes a point of its own.
INSERT OR IGNORE INTO `defi_position_values` (`position_id`, `space_id`, `wallet_id`, `synced_at`, `value_usd`)
  SELECT `id`, `space_id`, `wallet_id`, `first_seen_at`, `total_value_usd` FROM `defi_positions`;--> statement-breakpoint
INSERT OR IGNORE INTO `gaming_position_values` (`wallet_id`, `platform`, `synced_at`, `space_id`, `value_usd`)
  SELECT `wallet_id`, `platform`, `first_seen_at`, `space_id`, `total_value_usd` FROM `gaming_positions`;--> statement-breakpoint
-- Sandbox simulators' state (PROVIDER_MODE=sandbox only): what the Zapper and gaming simulators change in a
-- wallet's answer (sizes, positions closed), set through their /sandbox/... control routes.
CREATE TABLE `sandbox_wallet_settings` (
	`simulator` text NOT NULL,
	`address` text NOT NULL,
	`settings` text NOT NULL,
	PRIMARY KEY (`simulator`, `address`)
);
