-- Past days the hourly rates backfill has asked the provider for, and how many rates it stored: a day the
-- provider had none for is asked again only after a week, so such days cannot hold back older ones.
CREATE TABLE `rate_backfill_attempts` (
	`date` text PRIMARY KEY NOT NULL,
	`attempted_at` integer NOT NULL,
	`stored` integer NOT NULL
);
