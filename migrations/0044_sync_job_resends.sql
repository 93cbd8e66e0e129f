-- A queued sync's message: when it was last sent and when it is due to be picked up (a retry's delay counted), and how
-- many times it was sent again, its first message being lost (providers/sync.ts resendLostSyncs). A message carries the
-- number of its send; only the job's latest one may claim it, so a late original never runs a job a second time.
ALTER TABLE `provider_sync_jobs` ADD `sent_at` integer;--> statement-breakpoint
ALTER TABLE `provider_sync_jobs` ADD `due_at` integer;--> statement-breakpoint
ALTER TABLE `provider_sync_jobs` ADD `resends` integer DEFAULT 0 NOT NULL;
