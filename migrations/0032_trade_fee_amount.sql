-- A manual trade's fee is part of its row's amount (the net cash) and posted to `expense:fees`, but cash flow
-- summed rows by type and left trades out whole, fee included (QA-B F2). The fee gets a column of its own, in
-- the cash-flow covering index, so the sums read it from the index alone.
DROP INDEX `transactions_cashflow_idx`;--> statement-breakpoint
ALTER TABLE `transactions` ADD `fee_amount` integer;--> statement-breakpoint
-- Manual trades written before: their record's `fees` is the fee written with exactly the currency's decimals
-- (formatMinor), so its digits without the point are its minor units. A synced trade's record has a `quote` and
-- no `gross`; its fee is a `fee` row of its own, already counted.
UPDATE `transactions` SET `fee_amount` = CAST(REPLACE(json_extract(`trade`, '$.fees'), '.', '') AS INTEGER)
 WHERE `type` = 'trade' AND `trade` IS NOT NULL AND json_extract(`trade`, '$.gross') IS NOT NULL AND json_extract(`trade`, '$.quote') IS NULL;--> statement-breakpoint
CREATE INDEX `transactions_cashflow_idx` ON `transactions` (`space_id`,`date`,`currency`,`category_id`,`type`,`status`,`subtype`,`amount`,`fee_amount`);
