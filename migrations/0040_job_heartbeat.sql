-- A running job's last sign of life: a sync refreshes it as it progresses (each ledger write, each page read),
-- so a long healthy sync is never taken for a dead one; its start until the first refresh.
ALTER TABLE `jobs` ADD `heartbeat_at` integer;
