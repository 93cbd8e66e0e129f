-- Provider connections (Plaid items, Belvo links, Bitso API keys), their accounts, queued syncs,
-- the Plaid webhook key cache, review flags of pending/posted matching, and the sandbox simulators' state.
CREATE TABLE `provider_connections` (
	`id` text PRIMARY KEY NOT NULL,
	`space_id` text NOT NULL REFERENCES `spaces`(`id`),
	`provider` text NOT NULL CHECK (`provider` IN ('plaid', 'belvo', 'bitso')),
	`status` text NOT NULL CHECK (`status` IN ('pending', 'active', 'error', 'reauth_required', 'disconnected')),
	-- The provider's own id of the connection: Plaid item_id, Belvo link id, a Bitso key fingerprint.
	`external_id` text,
	`institution_id` text,
	`institution_name` text,
	-- AES-GCM sealed JSON (lib/crypto encryptSecret): access tokens, credentials, API secrets. Never returned.
	`credentials_enc` text NOT NULL,
	`status_reason` text,
	`sync_cursor` text,
	`last_sync_at` integer,
	`last_sync_attempt_at` integer,
	`next_sync_at` integer,
	-- Last nonce used in a signed request (Bitso): bumped atomically with UPDATE ... RETURNING.
	`nonce` integer NOT NULL DEFAULT 0 CHECK (`nonce` >= 0),
	`created_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`disconnected_at` integer
);
--> statement-breakpoint
CREATE INDEX `provider_connections_space_idx` ON `provider_connections` (`space_id`, `created_at`);--> statement-breakpoint
CREATE INDEX `provider_connections_external_idx` ON `provider_connections` (`provider`, `external_id`);--> statement-breakpoint
CREATE INDEX `provider_connections_due_idx` ON `provider_connections` (`status`, `next_sync_at`);--> statement-breakpoint
CREATE TABLE `provider_accounts` (
	`account_id` text PRIMARY KEY NOT NULL,
	`connection_id` text NOT NULL REFERENCES `provider_connections`(`id`),
	`space_id` text NOT NULL,
	`provider_account_id` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `provider_accounts_external_unique` ON `provider_accounts` (`connection_id`, `provider_account_id`);--> statement-breakpoint
-- Synced rows are found by provider transaction id within their account.
CREATE INDEX `transactions_provider_idx` ON `transactions` (`account_id`, `provider_transaction_id`);--> statement-breakpoint
CREATE TABLE `provider_sync_jobs` (
	`job_id` text PRIMARY KEY NOT NULL,
	`connection_id` text NOT NULL,
	`space_id` text NOT NULL,
	-- JSON list of the Dhanam account ids asked for (all of the connection's when empty).
	`account_ids` text NOT NULL DEFAULT '[]',
	`trigger` text NOT NULL CHECK (`trigger` IN ('manual', 'webhook', 'cron', 'connect')),
	`attempts` integer NOT NULL DEFAULT 0,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `provider_sync_jobs_connection_idx` ON `provider_sync_jobs` (`connection_id`, `created_at`);--> statement-breakpoint
CREATE TABLE `provider_review_flags` (
	`id` text PRIMARY KEY NOT NULL,
	`space_id` text NOT NULL,
	`transaction_id` text NOT NULL,
	`candidate_transaction_ids` text NOT NULL,
	`reason` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `provider_review_flags_txn_unique` ON `provider_review_flags` (`transaction_id`, `reason`);--> statement-breakpoint
CREATE INDEX `provider_review_flags_space_idx` ON `provider_review_flags` (`space_id`, `created_at`);--> statement-breakpoint
CREATE TABLE `provider_webhook_keys` (
	`provider` text NOT NULL,
	`kid` text NOT NULL,
	`jwk` text NOT NULL,
	`expired_at` integer,
	`fetched_at` integer NOT NULL,
	PRIMARY KEY (`provider`, `kid`)
);
--> statement-breakpoint
-- Sandbox simulators' state (PROVIDER_MODE=sandbox only).
CREATE TABLE `sandbox_plaid_items` (
	`item_id` text PRIMARY KEY NOT NULL,
	`access_token` text NOT NULL,
	`seed` text NOT NULL,
	`generation` integer NOT NULL DEFAULT 0,
	`anchor_day` text NOT NULL,
	`status` text NOT NULL DEFAULT 'ok' CHECK (`status` IN ('ok', 'login_required', 'removed')),
	`mutate_during_pagination` integer NOT NULL DEFAULT 0,
	-- Largest page /transactions/sync serves for this item (tests use small pages to split changes across pages).
	`max_page_size` integer NOT NULL DEFAULT 500,
	`update_link_token` text,
	-- The next this many data requests are refused with Plaid's RATE_LIMIT_EXCEEDED (429).
	`rate_limited_requests` integer NOT NULL DEFAULT 0,
	-- Days of history at generation 0 (a public token `public-sandbox-history-<days>-...` sets it; the bench uses ~2900).
	`history_days` integer NOT NULL DEFAULT 90,
	`webhook` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sandbox_plaid_items_token_unique` ON `sandbox_plaid_items` (`access_token`);--> statement-breakpoint
CREATE TABLE `sandbox_plaid_keys` (
	`kid` text PRIMARY KEY NOT NULL,
	`public_jwk` text NOT NULL,
	`private_jwk` text,
	`created_at` integer NOT NULL,
	`expired_at` integer
);
--> statement-breakpoint
CREATE TABLE `sandbox_belvo_links` (
	`id` text PRIMARY KEY NOT NULL,
	`institution` text NOT NULL,
	`username` text NOT NULL,
	`seed` text NOT NULL,
	`generation` integer NOT NULL DEFAULT 0,
	`anchor_day` text NOT NULL,
	`status` text NOT NULL DEFAULT 'valid',
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sandbox_bitso_keys` (
	`api_key` text PRIMARY KEY NOT NULL,
	`api_secret` text NOT NULL,
	`seed` text NOT NULL,
	`last_nonce` integer NOT NULL DEFAULT 0,
	`requests` integer NOT NULL DEFAULT 0,
	`rejected_nonces` integer NOT NULL DEFAULT 0,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
-- The bench's bare-insert baseline (sandbox only): rows shaped like synced transactions, nothing else.
CREATE TABLE `sandbox_bench_rows` (
	`id` integer PRIMARY KEY AUTOINCREMENT,
	`account_id` text NOT NULL,
	`provider_transaction_id` text NOT NULL,
	`amount` integer NOT NULL,
	`description` text NOT NULL,
	`date` integer NOT NULL
);
