-- Crypto: ESG portfolio snapshots, DeFi wallets and positions, gaming positions and earnings (issue 13).
-- USD amounts from providers are exact decimal strings; minor-unit totals too large for a double are text.

CREATE TABLE `esg_snapshots` (
  `space_id` text NOT NULL,
  `day` text NOT NULL CHECK (length(`day`) = 10),
  `environmental` integer NOT NULL CHECK (`environmental` BETWEEN 0 AND 100),
  `social` integer NOT NULL CHECK (`social` BETWEEN 0 AND 100),
  `governance` integer NOT NULL CHECK (`governance` BETWEEN 0 AND 100),
  `overall` integer NOT NULL CHECK (`overall` BETWEEN 0 AND 100),
  `grade` text NOT NULL,
  `scored_value` text NOT NULL,
  `currency` text NOT NULL,
  `dataset_version` text NOT NULL,
  `created_at` integer NOT NULL,
  PRIMARY KEY (`space_id`, `day`)
);

CREATE TABLE `defi_wallets` (
  `id` text PRIMARY KEY NOT NULL,
  `space_id` text NOT NULL,
  `address` text NOT NULL CHECK (length(`address`) = 42 AND substr(`address`, 1, 2) = '0x'),
  `label` text NOT NULL,
  `networks` text NOT NULL DEFAULT '[]',
  `created_by` text NOT NULL,
  `created_at` integer NOT NULL,
  `updated_at` integer NOT NULL,
  `last_synced_at` integer,
  `last_sync_status` text CHECK (`last_sync_status` IS NULL OR `last_sync_status` IN ('ok', 'failed')),
  `last_sync_error` text
);
CREATE UNIQUE INDEX `defi_wallets_space_address_unique` ON `defi_wallets` (`space_id`, `address`);

CREATE TABLE `defi_positions` (
  `id` text PRIMARY KEY NOT NULL,
  `space_id` text NOT NULL,
  `wallet_id` text NOT NULL,
  `position_key` text NOT NULL,
  `protocol` text NOT NULL,
  `network` text NOT NULL,
  `type` text NOT NULL CHECK (`type` IN ('liquidity-pool', 'lending', 'borrowing', 'staking', 'farming', 'vault', 'other')),
  `label` text NOT NULL,
  `tokens` text NOT NULL,
  `total_value_usd` text NOT NULL,
  `baseline_value_usd` text NOT NULL,
  `apy` text,
  `first_seen_at` integer NOT NULL,
  `synced_at` integer NOT NULL
);
CREATE UNIQUE INDEX `defi_positions_wallet_key_unique` ON `defi_positions` (`wallet_id`, `position_key`);
CREATE INDEX `defi_positions_space_protocol_idx` ON `defi_positions` (`space_id`, `protocol`);
CREATE INDEX `defi_positions_space_network_idx` ON `defi_positions` (`space_id`, `network`);

CREATE TABLE `gaming_positions` (
  `space_id` text NOT NULL,
  `wallet_id` text NOT NULL,
  `platform` text NOT NULL,
  `data` text NOT NULL,
  `total_value_usd` text NOT NULL,
  `first_seen_at` integer NOT NULL,
  `synced_at` integer NOT NULL,
  PRIMARY KEY (`wallet_id`, `platform`)
);
CREATE INDEX `gaming_positions_space_idx` ON `gaming_positions` (`space_id`, `platform`);

CREATE TABLE `gaming_earnings` (
  `space_id` text NOT NULL,
  `wallet_id` text NOT NULL,
  `platform` text NOT NULL,
  `source` text NOT NULL,
  `day` text NOT NULL CHECK (length(`day`) = 10),
  `amount_usd` text NOT NULL,
  PRIMARY KEY (`wallet_id`, `platform`, `source`, `day`)
);
CREATE INDEX `gaming_earnings_space_day_idx` ON `gaming_earnings` (`space_id`, `day`);
