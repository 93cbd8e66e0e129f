-- A Life Beat with a single escalation level granted the executor access with no notice to the owner before it:
-- the owner is now warned once ahead of the grant (warningAt in src/modules/lifebeat/state.ts), at the instant
-- this column holds for the current cycle (NULL once sent, and for schedules of several levels).
ALTER TABLE `life_beat` ADD `warning_at` integer;--> statement-breakpoint
-- Households already waiting at level 0 on a single level: the grant's instant less the lead warningAt gives
-- (the wait, at most the longer of a week and half the wait), so that they are warned too; one whose warning
-- instant has passed is warned by the next run, still before the grant.
UPDATE `life_beat` SET `warning_at` = `next_escalation_at`
  - MIN(json_extract(`escalation_days`, '$[0]') * 86400000, MAX(604800000, json_extract(`escalation_days`, '$[0]') * 43200000))
 WHERE `enabled` = 1 AND `current_level` = 0 AND `next_escalation_at` IS NOT NULL AND json_array_length(`escalation_days`) = 1;--> statement-breakpoint
CREATE INDEX `life_beat_warning_idx` ON `life_beat` (`warning_at`) WHERE enabled = 1;
