-- Per-user salt for backup-code hashes. Rows stored before it stay NULL: their codes were hashed
-- without a salt and are re-hashed under a fresh salt at the next second-factor check
-- (src/modules/auth/backup-codes.ts), so no code has to be known here.
ALTER TABLE `users` ADD `backup_code_salt` text;