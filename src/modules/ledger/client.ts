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

type LedgerAnswer = { transactions: CommittedTx[]; replayed: boolean; returns: Record<string, string | string[]>; reads?: Record<string, string | number | null>[][] };

/** Runs an operation on the space's ledger; a ledger failure becomes the matching ApiError. */
export async function runLedger(svc: Services, op: LedgerOp): Promise<LedgerAnswer> {
  await svc.progress?.();
  const ambient = svc.commitGuard;
  // Commits and reverts (a sync's corrections and removals) carry it: nothing of either lands once it stops holding.
  if (ambient && ((op.kind === "commit" && !op.guard && !op.preview) || (op.kind === "revert" && !op.guard))) {
    const answer = await runGuardedLedger(svc, { ...op, guard: ambient.guard });
    if (answer) return answer;
    // UNVERIFIED: the guard refused, or the write failed for a reason of its own (a reference already used, a
    // replayed key) that a guarded write is not told. The condition alone says which; the ordinary path answers the rest.
    if (!(await ambient.holds())) throw ambient.refused();
  }
  return (await runGuardedLedger(svc, op))!;
}

/**
 * runLedger for a write that carries a guard (operations.ts `WriteGuard`): null when the ledger could not
 * verify the write's access in its batch, and so committed nothing of it.
 */
export async function runGuardedLedger(svc: Services, op: LedgerOp): Promise<LedgerAnswer | null> {
  const result = await spaceLedgerOf(svc.env, op.spaceId).execute(op);
  if (!result.ok) {
    const { status, code, message, details } = result.error;
    if (code === "UNVERIFIED") {
      if ((op.kind === "commit" || op.kind === "revert") && op.guard) return null;
      throw new ApiError(500, "INTERNAL_ERROR", "The ledger answered an unguarded write as unverified");
    }
    throw new ApiError(status, code, message, details ?? []);
  }
  svc.noteBookmark?.(result.bookmark);
  return { transactions: result.transactions, replayed: result.replayed, returns: result.returns, reads: result.reads };
}
