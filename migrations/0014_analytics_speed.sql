-- Analytics over large spaces (issue 14): covering indexes for the dashboard's and the
-- projections' aggregates, so that a year of 100,000 transactions is summed from the index
-- alone (no row lookups).
-- Cash flow by day, currency and category (dashboard, projections' contribution default):
-- the filter's columns and the amount are all in the index.
CREATE INDEX `transactions_cashflow_idx` ON `transactions` (`space_id`, `date`, `currency`, `category_id`, `type`, `status`, `subtype`, `amount`);
--> statement-breakpoint
-- Account balances at instants (net worth now, at the period's start, history points): the sum
-- of an address's entries before an instant, per asset, from the index.
CREATE INDEX `ledger_entries_balance_idx` ON `ledger_entries` (`space_id`, `address`, `asset`, `timestamp`, `amount`);
