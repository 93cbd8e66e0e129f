-- Budgets with spending dated in a period not begun yet, by that period's start instant: the hourly task checks their
-- alerts once it has come (modules/budgets/period-waits.ts). A new table, no rebuild.
CREATE TABLE `budget_period_waits` (
	`budget_id` text NOT NULL,
	`due_at` integer NOT NULL,
	PRIMARY KEY(`budget_id`, `due_at`)
);
--> statement-breakpoint
CREATE INDEX `budget_period_waits_due_idx` ON `budget_period_waits` (`due_at`);