-- A removed household member is kept (removed_at set), not deleted: deleting
-- cascaded to their emergency grants, which the owner's Life Beat view and
-- the access log cite. Only a column and indexes: no table rebuild (on D1 a
-- rebuild of household_members would cascade-delete those grants). The unique
-- indexes now cover current members only, so the same address or user can be
-- invited again.
DROP INDEX `household_members_email_unique`;--> statement-breakpoint
DROP INDEX `household_members_user_unique`;--> statement-breakpoint
ALTER TABLE `household_members` ADD `removed_at` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `household_members_current_email_unique` ON `household_members` (`household_id`,lower("email")) WHERE removed_at IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `household_members_current_user_unique` ON `household_members` (`household_id`,`user_id`) WHERE user_id IS NOT NULL AND removed_at IS NULL;