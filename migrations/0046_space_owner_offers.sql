-- A space's ownership changes hands only when the member it is offered to accepts (spaces/service.ts): the owner's
-- pending offer, one per space, replaced by a new one, ended by its acceptance, its withdrawal or its expiry. A new
-- table: spaces is not rebuilt (a rebuild on D1 can cascade-delete the rows that reference it).
CREATE TABLE `space_owner_offers` (
	`space_id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`offered_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`space_id`) REFERENCES `spaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`offered_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `space_owner_offers_user_idx` ON `space_owner_offers` (`user_id`);
