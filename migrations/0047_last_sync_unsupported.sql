-- What a connection's last completed sync read and could not import (an account or transaction in a currency with no
-- asset here, or a transaction in a currency other than its account's), by currency: a JSON list shown as the
-- connection's `unsupported` (modules/providers/left-out.ts). A column added, not a rebuild (a rebuild on D1 can
-- cascade-delete the rows that reference the table).
ALTER TABLE `provider_connections` ADD `last_sync_unsupported` text;
