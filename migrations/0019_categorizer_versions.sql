-- What a space's categorizer decides from (its categories, its rules and the learned model) carries a
-- version that every change to those tables moves, in the same statement's transaction, by triggers, so
-- no code path can change them without it. (Two ways around them, neither used anywhere: a REPLACE
-- conflict resolution, whose implied delete fires no trigger while recursive_triggers is off; and a
-- rebuild of one of these tables, which drops its triggers. The version test would catch the second.) A Worker that remembers a space's categorizer state
-- (categories/remembered-categorizers.ts) sends a write it categorized from that memory with the version
-- in its guard: if the state has changed since, the guard refuses the batch and the ordinary path reads
-- it again. The version means nothing else and is never shown.
CREATE TABLE `categorizer_versions` (
	`space_id` text PRIMARY KEY NOT NULL,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE TRIGGER `categories_categorizer_insert` AFTER INSERT ON `categories` BEGIN
	INSERT INTO `categorizer_versions` (`space_id`, `version`) VALUES (NEW.space_id, 1) ON CONFLICT (`space_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `categories_categorizer_update` AFTER UPDATE ON `categories` BEGIN
	INSERT INTO `categorizer_versions` (`space_id`, `version`) VALUES (NEW.space_id, 1) ON CONFLICT (`space_id`) DO UPDATE SET `version` = `version` + 1;
	INSERT INTO `categorizer_versions` (`space_id`, `version`) SELECT OLD.space_id, 1 WHERE OLD.space_id IS NOT NEW.space_id ON CONFLICT (`space_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `categories_categorizer_delete` AFTER DELETE ON `categories` BEGIN
	INSERT INTO `categorizer_versions` (`space_id`, `version`) VALUES (OLD.space_id, 1) ON CONFLICT (`space_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `category_rules_categorizer_insert` AFTER INSERT ON `category_rules` BEGIN
	INSERT INTO `categorizer_versions` (`space_id`, `version`) VALUES (NEW.space_id, 1) ON CONFLICT (`space_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `category_rules_categorizer_update` AFTER UPDATE ON `category_rules` BEGIN
	INSERT INTO `categorizer_versions` (`space_id`, `version`) VALUES (NEW.space_id, 1) ON CONFLICT (`space_id`) DO UPDATE SET `version` = `version` + 1;
	INSERT INTO `categorizer_versions` (`space_id`, `version`) SELECT OLD.space_id, 1 WHERE OLD.space_id IS NOT NEW.space_id ON CONFLICT (`space_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `category_rules_categorizer_delete` AFTER DELETE ON `category_rules` BEGIN
	INSERT INTO `categorizer_versions` (`space_id`, `version`) VALUES (OLD.space_id, 1) ON CONFLICT (`space_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `ml_models_categorizer_insert` AFTER INSERT ON `ml_models` BEGIN
	INSERT INTO `categorizer_versions` (`space_id`, `version`) VALUES (NEW.space_id, 1) ON CONFLICT (`space_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `ml_models_categorizer_update` AFTER UPDATE ON `ml_models` BEGIN
	INSERT INTO `categorizer_versions` (`space_id`, `version`) VALUES (NEW.space_id, 1) ON CONFLICT (`space_id`) DO UPDATE SET `version` = `version` + 1;
	INSERT INTO `categorizer_versions` (`space_id`, `version`) SELECT OLD.space_id, 1 WHERE OLD.space_id IS NOT NEW.space_id ON CONFLICT (`space_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `ml_models_categorizer_delete` AFTER DELETE ON `ml_models` BEGIN
	INSERT INTO `categorizer_versions` (`space_id`, `version`) VALUES (OLD.space_id, 1) ON CONFLICT (`space_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `ml_category_stats_categorizer_insert` AFTER INSERT ON `ml_category_stats` BEGIN
	INSERT INTO `categorizer_versions` (`space_id`, `version`) VALUES (NEW.space_id, 1) ON CONFLICT (`space_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `ml_category_stats_categorizer_update` AFTER UPDATE ON `ml_category_stats` BEGIN
	INSERT INTO `categorizer_versions` (`space_id`, `version`) VALUES (NEW.space_id, 1) ON CONFLICT (`space_id`) DO UPDATE SET `version` = `version` + 1;
	INSERT INTO `categorizer_versions` (`space_id`, `version`) SELECT OLD.space_id, 1 WHERE OLD.space_id IS NOT NEW.space_id ON CONFLICT (`space_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `ml_category_stats_categorizer_delete` AFTER DELETE ON `ml_category_stats` BEGIN
	INSERT INTO `categorizer_versions` (`space_id`, `version`) VALUES (OLD.space_id, 1) ON CONFLICT (`space_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `ml_token_counts_categorizer_insert` AFTER INSERT ON `ml_token_counts` BEGIN
	INSERT INTO `categorizer_versions` (`space_id`, `version`) VALUES (NEW.space_id, 1) ON CONFLICT (`space_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `ml_token_counts_categorizer_update` AFTER UPDATE ON `ml_token_counts` BEGIN
	INSERT INTO `categorizer_versions` (`space_id`, `version`) VALUES (NEW.space_id, 1) ON CONFLICT (`space_id`) DO UPDATE SET `version` = `version` + 1;
	INSERT INTO `categorizer_versions` (`space_id`, `version`) SELECT OLD.space_id, 1 WHERE OLD.space_id IS NOT NEW.space_id ON CONFLICT (`space_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `ml_token_counts_categorizer_delete` AFTER DELETE ON `ml_token_counts` BEGIN
	INSERT INTO `categorizer_versions` (`space_id`, `version`) VALUES (OLD.space_id, 1) ON CONFLICT (`space_id`) DO UPDATE SET `version` = `version` + 1;
END;
