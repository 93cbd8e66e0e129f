/**
 * How transaction rows are read by hand-written SQL: the columns a read names and the reader of what it gets
 * back. A module of its own so that both the list and the service can use them while loading (they import
 * each other).
 */
import { getTableColumns } from "drizzle-orm";
import { transactions } from "../../db/schema";
import { rowReader } from "../../lib/sql";

/** A Dhanam transaction from a raw `transactions` row (`SELECT ${TRANSACTION_COLUMNS}`). */
export const transactionOfRow = rowReader(transactions);

/**
 * A transaction's columns as `t.<column>`, all but its folded search copies: a page reads and decodes only what
 * it shows.
 */
export const TRANSACTION_COLUMNS = Object.values(getTableColumns(transactions))
  .filter((c) => c !== transactions.descriptionFolded && c !== transactions.merchantFolded)
  .map((c) => `t.${c.name}`)
  .join(", ");
