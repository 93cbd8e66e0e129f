-- A manual account is not inserted into a space that holds 1,000 accounts already (MAX_ACCOUNTS_PER_SPACE,
-- modules/accounts/account-cap.ts). The cap's guard counts the space's accounts before the write's rows, and in a group
-- commit every write's guard runs before any write's rows (durable-objects/group-batch.ts): five creations queued
-- behind a batch at 998 accounts all passed, and the space held 1,003. Counted here, per row as it is inserted, the
-- row past the cap fails its batch as a refused guard does (the write_guards CHECK), and the ledger object then runs
-- the group's writes alone, where each guard counts the ones before it. Provider accounts are never refused (counted).
CREATE TRIGGER `accounts_manual_cap` BEFORE INSERT ON `accounts`
WHEN NEW.`provider` = 'manual' AND (SELECT COUNT(*) FROM `accounts` WHERE `space_id` = NEW.`space_id`) >= 1000
BEGIN
  INSERT INTO `write_guards` (`refused`) VALUES (1);
END;
