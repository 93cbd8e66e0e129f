/** The way services reach a space's SpaceLedger Durable Object. */
import type { Services } from "../../env";
import { ApiError } from "../../lib/errors";
import { OVERTAKEN, untilLanded } from "../spaces/access";
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

/** Whether `op` is a write that takes `ambient`, the services' commitGuard, and carries no guard of its own. */
function takesAmbient(op: LedgerOp, ambient: NonNullable<Services["commitGuard"]>): boolean {
  // Commits and reverts (a sync's corrections and removals) carry it: nothing of either lands once it stops holding.
  if (op.kind === "commit") return !op.guard && !op.preview;
  if (op.kind === "revert") return !op.guard;
  // Undoing a deletion's mark must happen even (above all) when the caller's access has gone.
  if (op.kind === "restoreCategory") return false;
  // A member's recategorization, category deletion, account change or metadata too, when the guard says so (asMemberServices).
  return !op.guard && !!ambient.changes;
}

/** Runs an operation on the space's ledger; a ledger failure becomes the matching ApiError. */
export async function runLedger(svc: Services, op: LedgerOp): Promise<LedgerAnswer> {
  await svc.progress?.();
  const ambient = svc.commitGuard;
  if (!ambient || !takesAmbient(op, ambient)) return (await runGuardedLedger(svc, op))!;
  // UNVERIFIED: the guard refused, or the write failed for a reason of its own (a reference already used, a replayed
  // key, funds short) that a guarded write is not told. The condition alone says which: not holding, the write is
  // refused. Holding, it goes again guarded (the condition may have stopped holding and come back between the try and
  // the read), its later tries asking for their own failures, which the ledger answers once the condition holds
  // after them. The write is never made without its guard: one that can land lands only while the condition holds. A
  // condition that holds at every read while the ledger refuses it at every try is a 409 (untilLanded).
  // The first try may share a batch with others (group commit); the later ones run alone (answerRefusals).
  let tries = 0;
  return untilLanded(async () => {
    const answer = await runGuardedLedger(svc, { ...op, guard: ambient.guard, ...(tries++ > 0 ? { answerRefusals: true } : {}) } as LedgerOp);
    if (answer) return answer;
    if (!(await ambient.holds())) throw ambient.refused();
    return OVERTAKEN;
  });
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
      if ("guard" in op && op.guard) return null;
      throw new ApiError(500, "INTERNAL_ERROR", "The ledger answered an unguarded write as unverified");
    }
    throw new ApiError(status, code, message, details ?? []);
  }
  svc.noteBookmark?.(result.bookmark);
  return { transactions: result.transactions, replayed: result.replayed, returns: result.returns, reads: result.reads };
}
