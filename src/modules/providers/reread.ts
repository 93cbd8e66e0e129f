/**
 * Reading a provider's change feed again from its start, for an account switched back on. While the account was off
 * its changes were passed over (an inactive account takes no entries), and a change feed (Plaid's cursor) never
 * reports them again: QA saw the purchases posted meanwhile never booked and pending rows the bank had posted or
 * dropped stay pending for good, the balance off by their sum. Read from the start, the feed books what was missed,
 * and what the bank no longer holds is removed (plaid/adapter.ts: a snapshot of each account it lists).
 *
 * The reset writes a fresh marker, never a value the cursor had: a sync in flight saves its cursor only over the one
 * it read from (compare and set), so no sync that read before the reset can undo it, a reread included. It is written
 * by the space's ledger in the same batch as the switch (durable-objects/ledger-operations.ts), so an account is
 * never on without it. Only Plaid has a feed with a position; Belvo lists a window and Bitso every trade each sync.
 */
export const REREAD_PREFIX = "reread:";

export const REREAD_FROM_START_SQL = `UPDATE provider_connections SET sync_cursor = '${REREAD_PREFIX}' || lower(hex(randomblob(8)))
  WHERE id = (SELECT connection_id FROM provider_accounts WHERE account_id = ?) AND provider = 'plaid'`;

/** Whether a stored cursor asks for the feed from its start (a reread), not a position in it. */
export const isReread = (cursor: string | null) => cursor !== null && cursor.startsWith(REREAD_PREFIX);
