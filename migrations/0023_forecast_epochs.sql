-- A space's epoch of forecast inputs besides the ledger (its currency or zone, its own rates, its recurring
-- decisions), bumped in each change's batch, and the epoch a cached forecast's inputs were read at. A forecast
-- computed from a read made before such a change could be written after the change had dropped the cache, and
-- it was served; now a cache is served only while its epoch is the space's. Rows cached before this column
-- (NULL) are recomputed once. Both are additions: no table is rebuilt.
CREATE TABLE `forecast_epochs` (
	`space_id` text PRIMARY KEY NOT NULL,
	`epoch` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `forecast_cache` ADD `epoch` integer;
