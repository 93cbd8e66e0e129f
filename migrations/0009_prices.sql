-- Market prices cached per asset, quote currency and UTC day (src/modules/prices).
-- Prices are exact decimal strings, never floats.
CREATE TABLE `market_prices` (
  `symbol` text NOT NULL,
  `quote` text NOT NULL,
  `day` text NOT NULL CHECK (length(`day`) = 10 AND `day` GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  `price_decimal` text NOT NULL CHECK (length(`price_decimal`) BETWEEN 1 AND 64 AND `price_decimal` NOT GLOB '*[^0-9.]*' AND `price_decimal` NOT LIKE '%.%.%'),
  `source` text NOT NULL,
  `as_of` integer NOT NULL,
  `fetched_at` integer NOT NULL,
  PRIMARY KEY (`symbol`, `quote`, `day`)
);
