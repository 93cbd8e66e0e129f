CREATE TABLE `space_shards` (
	`space_id` text PRIMARY KEY NOT NULL,
	`shard` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
-- Every space so far lives in the one database there is.
INSERT INTO `space_shards` (`space_id`, `shard`, `created_at`) SELECT `id`, 'DB', `created_at` FROM `spaces`;
