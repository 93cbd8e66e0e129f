/**
 * What callers ask the SpaceLedger Durable Object to do, and what it answers.
 * Operations are plain data (they cross the RPC boundary); failures come back
 * as values rather than exceptions, which would reach the caller as rejected RPC calls.
 */
import type { accounts, eventOutbox, providerReviewFlags, transactions } from "../../db/schema";
import type { CommittedTx, LedgerFailure, Metadata, TxIntent } from "./types";

/** Rows written in the same batch as the ledger transactions they belong to. */
export type SideEffect =
  | { kind: "insertAccount"; row: typeof accounts.$inferInsert }
  /** A Dhanam transaction row for the op's `txIndex`-th transaction; its ledgerSeq is filled in at commit. */
  | { kind: "insertTransaction"; txIndex: number; row: Omit<typeof transactions.$inferInsert, "ledgerSeq"> }
  /** Marks the Dhanam rows of a reverted ledger transaction as cancelled (voided). */
  | { kind: "voidTransactionsOf"; seq: number }
  /**
   * An outgoing webhook event announcing this write (webhooks/publish.ts `outboxRow`), committed with it:
   * the write and its event land together or not at all. A dedupe key already in the outbox is a no-op.
   */
  | {
      kind: "insertEvent";
      row: Omit<typeof eventOutbox.$inferInsert, "deliveredAt">;
      /** Written only when an enabled subscription of the row's space asks for its type (judged in the batch). */
      onlyIfSubscribed?: boolean;
    }
  /**
   * A review flag on a transaction this write creates (an ambiguous pending/posted match of a sync),
   * committed with it: a crash between the two can neither lose the flag nor leave a flag without its row.
   */
  | { kind: "insertReviewFlag"; row: typeof providerReviewFlags.$inferInsert };

export interface Idempotency {
  key: string;
  /** Hash of the method, path and canonical body of the request. */
  fingerprint: string;
}

/**
 * A read run in the write's own batch after its statements, so it sees the database as the write leaves it;
 * in a group commit, after every write of the group (durable-objects/group-batch.ts), whose writes it sees too.
 */
export interface PostCommitRead {
  sql: string;
  params: (string | number | null)[];
}

interface OpBase {
  spaceId: string;
  idempotency?: Idempotency;
  effects?: SideEffect[];
  /**
   * Reads whose rows come back in the answer's `reads`, in order: the caller saves a D1 round trip of
   * its own after the write. `reads` is absent when the answer does not come from this batch (a
   * replay, a refusal, a batch whose outcome had to be confirmed afterwards): the caller reads then.
   * SELECTs only (anything else is refused), and only reads that cannot fail on valid data: a read that
   * fails rolls its batch back, write included.
   */
  readAfter?: PostCommitRead[];
  /**
   * Ids the caller chose for what this write creates (e.g. `{ accountId }`).
   * Stored with the idempotency record, so a replay names the first write's ids.
   */
  returns?: Record<string, string | string[]>;
  /**
   * A guarded write's last try (ledger/client.ts runLedger): a failure of its own (a refusal, a replayed key) is
   * answered as an unguarded write's would be once its guard's condition, read after the failure, holds (nothing of
   * it was written, and the caller's access held then); UNVERIFIED only when the guard refused or its read failed.
   */
  answerRefusals?: boolean;
}

/**
 * A write's authorization, checked inside its own batch: an `INSERT INTO write_guards` that fails the
 * batch, rolling it back, unless the caller's access and the facts the write was built from still hold.
 * A guarded write is answered only when its batch commits: a refusal, a replay of its key or a failed
 * guard comes back as UNVERIFIED (nothing of the space's state in it), and the caller then checks access
 * the ordinary way before asking again (guarded again: with `answerRefusals`, its own failure is answered).
 */
export interface WriteGuard {
  sql: string;
  params: (string | number | null)[];
}

/** A category change of one Dhanam transaction, applied by the ledger with its reclassification. */
export interface CategoryChange {
  transactionId: string;
  categoryId: string | null;
  categorySource: "manual" | "rule" | "ml" | null;
  /** Leave the row alone if its category was set by hand (rules and the model never overrule a person). */
  unlessManual?: boolean;
  /** Leave the row alone unless it is still in this category (a correction following its transaction: not over a move made since it was read). */
  whileCategoryId?: string | null;
}

/** Account fields that the ledger must see change in order with the writes it checks. */
export interface AccountChange {
  name?: string;
  institutionName?: string;
  allowOverdraft?: boolean;
  isActive?: boolean;
}

export type LedgerOp =
  | (OpBase & {
      kind: "commit"; txs: TxIntent[]; preview?: boolean; guard?: WriteGuard;
      /**
       * A failure's fields are named as the ledger API's body names them: `timestamp` (not a Dhanam write's
       * `date`), and `transactions.<i>.` before each when the op holds more than one transaction (a batch).
       */
      ledgerFields?: boolean;
    })
  /**
   * `atEffectiveDate`: the compensating transaction takes the original's date, not now (a revert of a transaction
   * that backs Dhanam rows always does: it voids them).
   * `then`: transactions committed after the compensating one in the same batch (a restatement: the old
   * entry out, its replacement in, never one without the other). An `insertTransaction` effect of a revert
   * names one of them by its index in `then`. `thenFirst`: they go before the compensating transaction.
   * `guard`: as a commit's (a sync's "its space is live", ledger/client.ts runLedger).
   */
  | (OpBase & { kind: "revert"; seq: number; metadata?: Metadata; atEffectiveDate?: boolean; then?: TxIntent[]; thenFirst?: boolean; guard?: WriteGuard })
  /** `guard`: as a commit's (a member's recategorization lands only while they may still write: spaces/access.ts asMemberServices). */
  | (OpBase & { kind: "recategorize"; changes: CategoryChange[]; guard?: WriteGuard })
  /**
   * A category is being deleted: from now on the ledger refuses rows in it, and its transactions move
   * to `reassignTo` (refused with 409 while any use it and no `reassignTo` is given). `deletion` names this
   * attempt (restoreCategory gives it back). `guard`: as a commit's, on the batch that moves its rows (a
   * member's deletion moves them only while they may still write: asMemberServices); with no rows to move
   * there is no batch, and the Worker's own batch that deletes the category carries the guard.
   */
  | (OpBase & { kind: "retireCategory"; categoryId: string; reassignTo?: string; deletion: string; guard?: WriteGuard })
  /**
   * A deletion begun by retireCategory that will not complete (the Worker's batch was refused: the caller's
   * access went meanwhile): rows may land in the category again, unless another deletion of it holds it.
   */
  | (OpBase & { kind: "restoreCategory"; categoryId: string; deletion: string })
  /** `guard`: as a commit's (an account's PATCH or disconnect lands only while its caller may still make it). */
  | (OpBase & { kind: "updateAccount"; accountId: string; set: AccountChange; guard?: WriteGuard })
  /** `guard`: as a commit's (metadata set through the ledger API only while its caller may still write). */
  | (OpBase & { kind: "setTransactionMetadata"; seq: number; metadata: Metadata; guard?: WriteGuard })
  | (OpBase & { kind: "setAccountMetadata"; address: string; metadata: Metadata; guard?: WriteGuard });

export type LedgerResult =
  | {
      ok: true; replayed: boolean; transactions: CommittedTx[]; returns: Record<string, string | string[]>;
      /** The D1 bookmark of the ledger's state after this operation: a read with it sees the write. */
      bookmark?: string | null;
      /** The rows of the op's `readAfter` reads, when they ran in its batch. */
      reads?: Record<string, string | number | null>[][];
    }
  | { ok: false; error: LedgerFailure };
