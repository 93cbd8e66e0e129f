/** The way services reach a space's SpaceLedger Durable Object. */
import type { Services } from "../../env";
import { ApiError } from "../../lib/errors";
import type { LedgerOp } from "./operations";
import type { CommittedTx } from "./types";

/** The RPC handle of the space's SpaceLedger Durable Object. */
export function spaceLedgerOf(env: Env, spaceId: string) {
  return env.SPACE_LEDGER.get(env.SPACE_LEDGER.idFromName(spaceId));
}

/** Runs an operation on the space's ledger; a ledger failure becomes the matching ApiError. */
export async function runLedger(
  svc: Services,
  op: LedgerOp,
): Promise<{ transactions: CommittedTx[]; replayed: boolean; returns: Record<string, string | string[]>; reads?: Record<string, string | number | null>[][] }> {
  const result = await spaceLedgerOf(svc.env, op.spaceId).execute(op);
  if (result.ok) svc.noteBookmark?.(result.bookmark);
  if (!result.ok) {
    const { status, code, message, details } = result.error;
    throw new ApiError(status, code, message, details ?? []);
  }
  return { transactions: result.transactions, replayed: result.replayed, returns: result.returns, reads: result.reads };
}
