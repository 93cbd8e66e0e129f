-- Spaces whose budget alerts wait for a rate or price that was missing when they were checked (budgets/rate-waits.ts).
CREATE TABLE `budget_rate_waits` (
	`space_id` text PRIMARY KEY NOT NULL,
	`first_at` integer NOT NULL,
	`last_at` integer NOT NULL
);
