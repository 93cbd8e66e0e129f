-- Review flags of ambiguous pending/posted matches (issue 11) are resolved by a person:
-- `merge` (the posted transaction supersedes the chosen pending one) or `keep_both`.
ALTER TABLE `provider_review_flags` ADD COLUMN `resolved_at` integer;--> statement-breakpoint
ALTER TABLE `provider_review_flags` ADD COLUMN `resolution` text CHECK (`resolution` IS NULL OR `resolution` IN ('merge', 'keep_both'));--> statement-breakpoint
ALTER TABLE `provider_review_flags` ADD COLUMN `resolved_by` text;--> statement-breakpoint
ALTER TABLE `provider_review_flags` ADD COLUMN `merged_transaction_id` text;--> statement-breakpoint
CREATE INDEX `provider_review_flags_open_idx` ON `provider_review_flags` (`space_id`, `resolved_at`, `created_at`);
