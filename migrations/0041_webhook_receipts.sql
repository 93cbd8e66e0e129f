-- Provider webhooks already received, by the SHA-256 of their signed token: an exact replay within the token's
-- validity (Plaid's 5 minutes) is acknowledged and ignored. Rows are swept once past expires_at.
CREATE TABLE `provider_webhook_receipts` (
	`provider` text NOT NULL,
	`token_hash` text NOT NULL,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`provider`, `token_hash`)
);
--> statement-breakpoint
CREATE INDEX `provider_webhook_receipts_expires_idx` ON `provider_webhook_receipts` (`expires_at`);