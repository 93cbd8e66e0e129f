/** The way services reach a space's SpaceLedger Durable Object. */
import type { Services } from "../../env";
import { ApiError } from "../../lib/errors";
import type { LedgerOp } from "./operations";
import type { CommittedTx } from "./types";

/**
 * The ids of spaces' ledger objects this isolate has derived, per binding: `idFromName` hashes the
 * name on every call, and a space's id never changes. Only ids are kept; a stub belongs to the
 * request that made it.
 */
const ledgerIds = new WeakMap<Env["SPACE_LEDGER"], Map<string, DurableObjectId>>();
const LEDGER_IDS_KEPT_AT_MOST = 10_000;

/** The RPC handle of the space's SpaceLedger Durable Object. */
export function spaceLedgerOf(env: Env, spaceId: string) {
  const ns = env.SPACE_LEDGER;
  let ids = ledgerIds.get(ns);
  if (!ids) ledgerIds.set(ns, (ids = new Map()));
  let id = ids.get(spaceId);
  if (!id) {
    if (ids.size >= LEDGER_IDS_KEPT_AT_MOST) ids.clear();
    ids.set(spaceId, (id = ns.idFromName(spaceId)));
  }
  return ns.get(id);
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
