/** Conversions between stored ledger rows and the API's transaction objects. */
import type { ledgerTransactions } from "../../db/schema";
import type { CommittedTx } from "./types";

export type LedgerTxRow = typeof ledgerTransactions.$inferSelect;

/** Raw D1 rows use snake_case; drizzle rows use camelCase. Accept both. */
export function txFromRow(row: LedgerTxRow | Record<string, unknown>): CommittedTx {
  const r = row as Record<string, unknown>;
  const revertedBy = (r.revertedBySeq ?? r.reverted_by_seq ?? null) as number | null;
  return {
    txid: r.seq as number,
    postings: JSON.parse(r.postings as string),
    reference: (r.reference ?? null) as string | null,
    metadata: JSON.parse((r.metadata as string) ?? "{}"),
    timestamp: r.timestamp as number,
    preCommitVolumes: JSON.parse((r.preVolumes ?? r.pre_volumes) as string),
    postCommitVolumes: JSON.parse((r.postVolumes ?? r.post_volumes) as string),
    reverted: revertedBy !== null,
    revertedBy,
    reverts: (r.revertsSeq ?? r.reverts_seq ?? null) as number | null,
  };
}
