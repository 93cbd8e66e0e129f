-- The (symbol, quote) pairs whose past prices the hourly history backfill has asked its feed for, and how many
-- days it stored: each pair once; one its feed had nothing for is asked again after a week.
CREATE TABLE `price_history_backfills` (
	`symbol` text NOT NULL,
	`quote` text NOT NULL,
	`attempted_at` integer NOT NULL,
	`stored` integer NOT NULL,
	PRIMARY KEY(`symbol`, `quote`)
);
