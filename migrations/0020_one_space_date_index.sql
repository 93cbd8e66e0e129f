-- Two indexes of `transactions` began with (space_id, date): the list's (space_id, date, id), which pages
-- in order (0016), and the cash flow's covering index (0014), whose other columns are only ever read,
-- never sought (every query ranges over date). One index with the id after the date serves both, and
-- each transaction written touches one index entry fewer (D1 bills each as a row written).
-- The new index is built before the old ones go, so lists and the analytics always have one to use.
CREATE INDEX `transactions_space_date_id_flow_idx` ON `transactions` (`space_id`,`date`,`id`,`currency`,`category_id`,`type`,`status`,`subtype`,`amount`);--> statement-breakpoint
DROP INDEX `transactions_space_date_id_idx`;--> statement-breakpoint
DROP INDEX `transactions_cashflow_idx`;
