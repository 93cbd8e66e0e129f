-- The provider's warning itself (Plaid's PENDING_EXPIRATION, PENDING_DISCONNECT, USER_ACCOUNT_REVOKED), kept apart from
-- the status reason until `notice_until`: a sync that fails meanwhile writes its error as the reason, and the next
-- one's success shows the warning again (it was lost: Plaid sends it once, and the user was never asked to renew).
-- A column added, not a rebuild (a rebuild on D1 can cascade-delete the rows that reference the table).
ALTER TABLE `provider_connections` ADD `notice_reason` text;
