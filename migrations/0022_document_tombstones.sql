CREATE TABLE `document_tombstones` (
	`r2_key` text PRIMARY KEY NOT NULL,
	`space_id` text NOT NULL,
	`bytes` integer NOT NULL,
	`delete_after` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `document_tombstones_space_idx` ON `document_tombstones` (`space_id`);--> statement-breakpoint
CREATE INDEX `document_tombstones_due_idx` ON `document_tombstones` (`delete_after`);