-- A write the Worker built from facts it remembered (an account's space and currency, the space's time
-- zone) carries its authorization into the ledger's own batch: one INSERT here that selects a row only
-- when a check fails (the session has ended, the caller may no longer write in the space, the account or
-- category no longer qualifies, the zone has changed). The CHECK refuses that row, so the whole batch
-- rolls back and nothing of the write lands. The table never holds a row.
CREATE TABLE `write_guards` (
	`refused` integer NOT NULL,
	CONSTRAINT "write_guard_refused" CHECK("write_guards"."refused" = 0)
);
