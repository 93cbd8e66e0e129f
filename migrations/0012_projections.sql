-- Saved long-term projection scenarios (issue 14 item 6): the inputs as resolved
-- when saved (defaults from the ledger included) and the seed, so that a scenario
-- re-runs to the same figures; a summary of the saved run for lists.
CREATE TABLE `projection_scenarios` (
	`id` text PRIMARY KEY NOT NULL,
	`space_id` text NOT NULL REFERENCES `spaces`(`id`),
	`name` text NOT NULL CHECK (length(`name`) BETWEEN 1 AND 120),
	`created_by` text NOT NULL,
	`currency` text NOT NULL,
	`seed` integer NOT NULL CHECK (`seed` BETWEEN 0 AND 4294967295),
	`inputs` text NOT NULL CHECK (json_valid(`inputs`)),
	`summary` text NOT NULL CHECK (json_valid(`summary`)),
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `projection_scenarios_space_idx` ON `projection_scenarios` (`space_id`, `created_at`);
