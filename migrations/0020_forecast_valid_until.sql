-- The instant at which the space's day after the forecast's began when the forecast was computed, so that
-- the read's first batch can tell a cache of yesterday from one of today without knowing the space's zone
-- (GET /v1/analytics/forecast: the forecast's reads then ride in that batch). NULL for rows written before
-- this column, which are judged by their date as before.
ALTER TABLE `forecast_cache` ADD `valid_until` integer;
