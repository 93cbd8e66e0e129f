ALTER TABLE `transactions` ADD `description_folded` text;--> statement-breakpoint
ALTER TABLE `transactions` ADD `merchant_folded` text;--> statement-breakpoint
CREATE INDEX `transactions_unfolded_idx` ON `transactions` (`id`) WHERE "transactions"."description_folded" IS NULL;