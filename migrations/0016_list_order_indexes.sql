-- Transaction lists page by (date DESC, id DESC). With (space_id, date) alone SQLite sorted every row
-- sharing the page's dates by id in a temporary B-tree ("USE TEMP B-TREE FOR RIGHT PART OF ORDER BY"):
-- a space whose rows share a day (an import, a busy business day) paid for sorting all of them on
-- every page. With the id in the index, a page reads its rows in order and stops.
-- The new indexes are built before the old ones go, so lists always have one to use.
CREATE INDEX `transactions_space_date_id_idx` ON `transactions` (`space_id`,`date`,`id`);--> statement-breakpoint
CREATE INDEX `transactions_account_date_id_idx` ON `transactions` (`account_id`,`date`,`id`);--> statement-breakpoint
DROP INDEX `transactions_space_date_idx`;--> statement-breakpoint
DROP INDEX `transactions_account_date_idx`;
