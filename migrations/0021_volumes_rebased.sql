-- Volumes are cumulative, so an income and its void could push one side past 2^53 (the largest amount
-- JavaScript and the ledger hold exactly) while the balance stayed small, and no write to that address
-- fitted again. The ledger object now takes the smaller side off both when one would pass it (the balance
-- unchanged) and keeps the total taken here, as exact decimal text: input + rebased is the cumulative input.
ALTER TABLE `ledger_volumes` ADD `rebased` text DEFAULT '0' NOT NULL;
