-- A page of one category's transactions (GET /v1/transactions?categoryId=) read the space's whole
-- (space_id, date, id) index in order and skipped the other categories' rows: a rare category in a
-- large space walked all of it for one page, and its total counted the same way. (space_id,
-- category_id, date, id) reads that category's rows in page order and counts them from the index.
-- It replaces (space_id, category_id), whose every use it also serves.
-- The new index is built before the old one goes.
CREATE INDEX `transactions_space_category_date_id_idx` ON `transactions` (`space_id`,`category_id`,`date`,`id`);--> statement-breakpoint
DROP INDEX `transactions_category_idx`;
