ALTER TABLE `accounts` ADD `transaction_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `spaces` ADD `transaction_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Backfill: from here on the ledger keeps both counts in the batch that writes the rows.
UPDATE `accounts` SET `transaction_count` = (SELECT COUNT(*) FROM `transactions` t WHERE t.`account_id` = `accounts`.`id`);--> statement-breakpoint
UPDATE `spaces` SET `transaction_count` = (SELECT COUNT(*) FROM `transactions` t WHERE t.`space_id` = `spaces`.`id`);
