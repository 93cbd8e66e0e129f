-- Manual assets (issue 12): assets with a valuation history, documents in R2, provider links.
CREATE TABLE `manual_assets` (
	`id` text PRIMARY KEY NOT NULL,
	`space_id` text NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL CHECK (`type` IN ('real_estate', 'vehicle', 'collectible', 'private_holding', 'other')),
	`currency` text NOT NULL,
	`description` text,
	`address_line` text,
	`city` text,
	`state` text,
	`zip_code` text,
	-- Real-estate provider property id, remembered after the first successful look-up.
	`property_id` text,
	-- Collectible catalog link: all three set or none.
	`collectible_provider` text,
	`collectible_category` text,
	`collectible_external_id` text,
	`collectible_name` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CHECK ((`collectible_provider` IS NULL) = (`collectible_external_id` IS NULL) AND (`collectible_provider` IS NULL) = (`collectible_category` IS NULL))
);
--> statement-breakpoint
CREATE INDEX `manual_assets_space_idx` ON `manual_assets` (`space_id`, `created_at`);
--> statement-breakpoint
CREATE INDEX `manual_assets_linked_idx` ON `manual_assets` (`collectible_provider`) WHERE `collectible_provider` IS NOT NULL;
--> statement-breakpoint
CREATE INDEX `manual_assets_property_idx` ON `manual_assets` (`property_id`) WHERE `property_id` IS NOT NULL;
--> statement-breakpoint
CREATE TABLE `asset_valuations` (
	`id` text PRIMARY KEY NOT NULL,
	`asset_id` text NOT NULL,
	`space_id` text NOT NULL,
	-- Integer minor units of the asset's currency.
	`value` integer NOT NULL,
	`currency` text NOT NULL,
	-- The day (space time zone) the value is as of, and the instant it takes effect.
	`date` text NOT NULL,
	`valued_at` integer NOT NULL,
	`source` text NOT NULL,
	`notes` text,
	-- Set on automatic refreshes only: the UTC day of the run, one per asset per day.
	`refresh_day` text,
	`created_by` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `asset_valuations_asset_idx` ON `asset_valuations` (`asset_id`, `valued_at`, `created_at`);
--> statement-breakpoint
CREATE INDEX `asset_valuations_space_idx` ON `asset_valuations` (`space_id`, `valued_at`);
--> statement-breakpoint
CREATE UNIQUE INDEX `asset_valuations_refresh_unique` ON `asset_valuations` (`asset_id`, `refresh_day`) WHERE `refresh_day` IS NOT NULL;
--> statement-breakpoint
CREATE TABLE `asset_documents` (
	`id` text PRIMARY KEY NOT NULL,
	`space_id` text NOT NULL,
	`asset_id` text NOT NULL,
	`filename` text NOT NULL,
	`category` text,
	`content_type` text NOT NULL,
	-- pending: URL issued, nothing stored yet; uploading: a PUT holds it; uploaded: in R2 with `size`.
	`status` text NOT NULL CHECK (`status` IN ('pending', 'uploading', 'uploaded')),
	-- Bytes reserved against the space's quota while pending (the token's cap).
	`max_bytes` integer NOT NULL,
	`size` integer,
	`r2_key` text NOT NULL,
	`upload_mode` text NOT NULL CHECK (`upload_mode` IN ('worker', 's3')),
	`expires_at` integer NOT NULL,
	`claimed_at` integer,
	`uploaded_at` integer,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `asset_documents_asset_idx` ON `asset_documents` (`asset_id`, `created_at`);
--> statement-breakpoint
CREATE INDEX `asset_documents_space_idx` ON `asset_documents` (`space_id`, `status`);
--> statement-breakpoint
CREATE INDEX `asset_documents_pending_idx` ON `asset_documents` (`status`, `expires_at`);
