-- Until when an active connection keeps a provider's warning as its status reason: Plaid's PENDING_EXPIRATION and
-- PENDING_DISCONNECT say, about 7 days ahead, that the item's access ends unless the user renews it in Link's update
-- mode. The connection still works meanwhile, so it stays active and keeps syncing (it was set to reauth_required,
-- which stopped its automatic syncs a week early); a sync's success no longer clears the warning before this time.
-- A column added, not a rebuild (a rebuild on D1 can cascade-delete the rows that reference the table).
ALTER TABLE `provider_connections` ADD `notice_until` integer;
