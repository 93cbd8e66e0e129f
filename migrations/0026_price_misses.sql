-- Symbols the securities feed said it does not list, by quote and UTC day, so that a day's reads ask it once.
CREATE TABLE `price_misses` (
	`symbol` text NOT NULL,
	`quote` text NOT NULL,
	`day` text NOT NULL,
	PRIMARY KEY(`symbol`, `quote`, `day`)
);
