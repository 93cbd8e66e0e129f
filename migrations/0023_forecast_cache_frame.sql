-- The space's currency and zone a cached forecast was computed in. A forecast computed from a read of the
-- space made before a PATCH of its currency or zone could be written after the PATCH had dropped the cache;
-- the read now serves a cache only of the space's currency and zone as they are. Rows written before these
-- columns (NULL) are recomputed once.
ALTER TABLE `forecast_cache` ADD `currency` text;--> statement-breakpoint
ALTER TABLE `forecast_cache` ADD `timezone` text;
