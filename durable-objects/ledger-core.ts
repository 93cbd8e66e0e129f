/**
 * The state and the commit path of a space's ledger object (SpaceLedger, space-ledger.ts, adds the group
 * commit that schedules writes; ledger-operations.ts the operations besides a commit). It keeps the
 * volumes, account rules and chain it has seen in memory, checks each write against them, and turns a
 * write into its D1 statements: transaction rows, entries, volumes, log rows, idempotency record and
 * side-effect rows, committed as one batch (or, in a group, as part of the group's batch).
 *
 * If a batch fails, or its outcome is unknown, the cached state is dropped (`forget`) and reloaded from
 * D1 before the next write, so the object never builds on a commit it is unsure of.
 */
import { DurableObject } from "cloudflare:workers";
import { ledgerTransactions, transactions, accounts as accountsTable, providerReviewFlags } from "../src/db/schema";
import { entityRows, IN_JSON_LIST, insertJsonRows, jsonList, type SqlValue } from "../src/lib/sql";
import { MAX_MINOR } from "../src/lib/money";
import { logError } from "../src/lib/log";
import { isoInZone } from "../src/lib/zoned-time";
import { GUARD_PREFIX, refusedByGuard } from "../src/lib/batch-guard";
import { foldedTexts } from "../src/lib/search-text";
import { countStatement, GroupBatch, type ReadSlot } from "./group-batch";
import { type AccountRule, checkAccountPostings, isAccountAddress } from "../src/modules/ledger/account-rules";
import { accountIdOf, isUnbounded } from "../src/modules/ledger/addresses";
import { listenedToNowSql } from "../src/modules/webhooks/creator";
import { GENESIS_HASH, hashLog } from "../src/modules/ledger/chain";
import { applyPostings, isFailure, volumeKey } from "../src/modules/ledger/engine";
import type { LedgerOp, LedgerResult, SideEffect, WriteGuard } from "../src/modules/ledger/operations";
import { KEY_REUSED_MESSAGE, recordedUnder } from "../src/modules/ledger/recorded-answer";
import { txFromRow } from "../src/modules/ledger/rows";
import type { CommittedTx, Entry, LedgerFailure, StoredVolume, TxIntent } from "../src/modules/ledger/types";
import { byValueDate, firstInstantOutside, firstOutOfRange, type GapRow, gapStatements, isBackDated } from "../src/modules/ledger/value-dates";

export interface ChainState {
  nextSeq: number;
  nextLogId: number;
  lastHash: string;
}

export interface PendingLog {
  type: string;
  data: string;
}

/** A transaction to commit; a compensating one names the transaction it reverts. */
export type Intent = TxIntent & { revertOf?: CommittedTx };

/** What the idempotency record keeps: enough to rebuild the answer, never the whole answer (a batch can exceed D1's row size). */
interface StoredAnswer {
  seqs: number[];
  returns: Record<string, string | string[]>;
}

/** Puts each answer's post-commit read rows into it, from the committed batch's results. */
export function fillReads(slots: ReadSlot[], results: D1Result[]): void {
  for (const s of slots) s.result.reads = results.slice(s.at, s.at + s.count).map((r) => r.results as Record<string, string | number | null>[]);
}

/** How many recorded Idempotency-Keys an object remembers (the most recent), to answer replays without failing a group. */
const RECORDED_KEYS_KEPT = 4096;

/**
 * The condition of an `onlyIfSubscribed` event row (insertJsonRows' `value` is the row, `$[1]` its space,
 * `$[2]` its type, `$[5]` its created_at): the space has a listener for the type (webhooks/creator.ts `listenedToNowSql`:
 * an enabled subscription lists it, existed when the event was created, and its creator may manage it), or it would
 * reach nobody.
 */
const IF_SUBSCRIBED = `AND ${listenedToNowSql("(value ->> '$[1]')", "(value ->> '$[2]')", "(value ->> '$[5]')")}`;

/** Thrown while staging a write that must read state its group has not committed yet. */
export const DEFER = Symbol("defer");

/**
 * A batch refused because its Idempotency-Key is already recorded. The key's
 * INSERT is the batch's first statement, so no other constraint can fire before
 * it, and a failed statement rolls the whole D1 batch back.
 */
export const isKeyReplay = (err: unknown) => /SQLITE_CONSTRAINT/.test(String(err)) && /idempotency_keys/.test(String(err));

/** Whether the operation's Idempotency-Key is recorded with its result (a preview writes nothing). */
export const recordsKey = (op: LedgerOp): op is LedgerOp & { idempotency: NonNullable<LedgerOp["idempotency"]> } =>
  !!op.idempotency && !(op.kind === "commit" && op.preview);

/**
 * The guard a write carries (operations.ts `WriteGuard`). A category's retirement marks the category retired in this
 * object before its batch, and takes the mark back when the batch is refused (ledger-operations.ts `retireCategory`).
 */
export const guardOf = (op: LedgerOp): WriteGuard | undefined => ("guard" in op ? op.guard : undefined);

/** A write that carries its own authorization (operations.ts `WriteGuard`): answered only once its batch commits. */
export const guarded = (op: LedgerOp) => !!guardOf(op);

/** A guard's condition alone, as a read: a row when the guard would refuse its batch. */
export const guardCondition = (db: D1Database, g: WriteGuard) =>
  db.prepare(g.sql.slice(GUARD_PREFIX.length - "SELECT ".length)).bind(...g.params);

/**
 * The answer to a guarded write that did not commit, whatever the reason (refused, replayed, guard
 * failed): it says nothing of the space, since the caller's access has not been seen to hold.
 */
export const unverified = () => fail(403, "UNVERIFIED", "The write's access could not be verified in its batch; check access and ask again");

/** Through the one error logger, which never writes a failed query's bound values (lib/log.ts). */
export const logLedgerError = (op: LedgerOp, err: unknown) => logError(undefined, "ledger.commit_failed", err, { spaceId: op.spaceId });

export const fail = (status: number, code: LedgerFailure["code"], message: string): { ok: false; error: LedgerFailure } => ({
  ok: false,
  error: { status, code, message },
});

/**
 * A refusal of the `i`-th of an op's `n` transactions. The message says which, in a batch; a ledger API op's
 * fields are named as its body names them (operations.ts `ledgerFields`).
 */
function failureAt(op: LedgerOp, n: number, i: number, f: LedgerFailure): { ok: false; error: LedgerFailure } {
  // The place in the batch means something to a client that sent the batch (the ledger API), not to a Dhanam write,
  // whose several ledger transactions are the route's own.
  const placed = n > 1 && (op.kind !== "commit" || op.ledgerFields);
  const message = placed ? `${f.message} (transaction ${i} of the batch)` : f.message;
  // A Dhanam write (a transaction, a transfer) has no postings in its body: what a posting refuses is its amount,
  // and minor units mean nothing there.
  if (op.kind !== "commit") return { ok: false, error: { ...f, message } };
  if (!op.ledgerFields) {
    const details = f.details ? { details: f.details.map(asDhanamDetail) } : {};
    // Nor do its ledger addresses and assets ("accounts:acc_… USD/2"): a posting's overdraft says it in the account's
    // terms. (An overdraft on a later day, value-dates' refusal, keeps its message: it names that day.)
    if (f.code === "INSUFFICIENT_FUNDS" && f.details?.some((d) => d.field.startsWith("postings."))) {
      return { ok: false, error: { ...f, status: 422, code: "INSUFFICIENT_FUNDS", message: "Insufficient funds: the account may not go below zero (PATCH it with allowOverdraft: true if it may)", ...details } };
    }
    return { ok: false, error: { ...f, message, ...details } };
  }
  const prefix = n > 1 ? `transactions.${i}.` : "";
  const details = f.details?.map((d) => ({ ...d, field: prefix + (d.field === "date" ? "timestamp" : d.field) }));
  return { ok: false, error: { ...f, message, ...(details ? { details } : {}) } };
}

/** A posting's refusal detail as a Dhanam write's body names it. */
function asDhanamDetail(d: NonNullable<LedgerFailure["details"]>[number]) {
  if (!d.field.startsWith("postings.")) return d;
  const message = d.code === "INSUFFICIENT_FUNDS" ? "Would take the account below zero, which it may not go" : d.message;
  return { ...d, field: "amount", message };
}

export abstract class LedgerCore extends DurableObject<Env> {
  protected spaceId: string | null = null;
  protected chain: ChainState | null = null;
  /** Volumes known to match D1, by volumeKey(address, asset). */
  protected volumes = new Map<string, StoredVolume>();
  /** Addresses whose volumes (all assets) are in `volumes`; a miss for them means zero. */
  protected loadedAddresses = new Set<string>();
  /** The rules of `accounts:` addresses (null: no such account in this space), by address. */
  protected accounts = new Map<string, AccountRule | null>();
  /** Timestamp of the latest stored entry, by volumeKey(address, asset): beyond it, writes append in value-date order. */
  protected lastEntryAt = new Map<string, number>();
  /**
   * Addresses whose ledger account row records its first transaction: a write that touches them again
   * leaves out its `ledger_accounts` upsert, which would change nothing but would still cost a statement
   * and two rows written (the row, rewritten in place, and its index entry) on every write.
   */
  protected firstSeqRecorded = new Set<string>();
  /**
   * Categories deleted through this object, with the category their rows moved to (`into`; null: none, a
   * plain delete) and the deletions that hold the mark (each attempt's name; one that completed keeps it for
   * good): rows in them are refused from the moment the deletion began, so a transaction that checked its
   * category just before cannot land in it after; and a second deletion of one into another target is
   * refused (ledger-operations.ts `retireCategory`). A deletion that will not complete gives its hold back;
   * the mark goes with the last hold.
   */
  protected retired = new Map<string, { into: string | null; holders: Set<string> }>();
  /** Idempotency-Keys of this space seen recorded (committed here, or found recorded), oldest first. */
  protected recordedKeys = new Set<string>();
  /**
   * While a group is staged: the batch its writes would commit, the volume
   * keys and references they touch. Null outside group staging, when every
   * write commits its own batch.
   */
  protected group: { batch: GroupBatch; touched: Set<string>; refs: Set<string> } | null = null;

  /** Notes the Idempotency-Key of a write that committed. */
  protected committed(op: LedgerOp, result: LedgerResult): void {
    if (recordsKey(op) && result.ok) this.noteRecordedKey(op.idempotency.key);
  }

  protected noteRecordedKey(key: string): void {
    this.recordedKeys.delete(key);
    if (this.recordedKeys.size >= RECORDED_KEYS_KEPT) this.recordedKeys.delete(this.recordedKeys.values().next().value!);
    this.recordedKeys.add(key);
  }

  /** Drops cached state (also used by fault-injection tests). */
  forget(): void {
    this.chain = null;
    this.volumes.clear();
    this.loadedAddresses.clear();
    this.firstSeqRecorded.clear();
    this.accounts.clear();
    this.lastEntryAt.clear();
  }

  protected get db(): D1Database {
    return this.env.DB;
  }

  /** Statements inserting `rows` into `table`; in a group, the rows join the group's own statement for that table. */
  protected insertRows(table: string, columns: string[], rows: SqlValue[][], suffix = ""): D1PreparedStatement[] {
    if (rows.length === 0) return [];
    if (!this.group) return insertJsonRows(this.db, table, columns, rows, suffix);
    this.group.batch.addRows(table, columns, rows, suffix);
    return [];
  }

  protected insertEntityRows<T extends Parameters<typeof entityRows>[0]>(table: T, rows: T["$inferInsert"][]): D1PreparedStatement[] {
    if (rows.length === 0) return [];
    const e = entityRows(table, rows);
    return this.insertRows(e.table, e.columns, e.rows);
  }

  /** A counter's increment; in a group, summed with the group's other increments of it. */
  protected count(table: "accounts" | "spaces", id: string, n: number): D1PreparedStatement[] {
    if (!this.group) return [countStatement(this.db, table, id, n)];
    this.group.batch.addCount(table, id, n);
    return [];
  }

  /** D1 bookmark of the last batch this object committed (null before the first, or where sessions are not available). */
  protected bookmark: string | null = null;

  /** Commits a batch at the primary and keeps its bookmark, so a reader can ask for a replica at least as fresh. */
  protected async write(statements: D1PreparedStatement[]): Promise<D1Result[]> {
    const db = this.db;
    if (typeof db.withSession !== "function") return db.batch(statements); // a stand-in database (fault-injection tests)
    const session = db.withSession("first-primary");
    const results = await session.batch(statements);
    this.bookmark = session.getBookmark();
    return results;
  }

  protected async run(op: LedgerOp): Promise<LedgerResult> {
    if (this.spaceId !== null && this.spaceId !== op.spaceId) {
      return fail(500, "INTERNAL_ERROR", "Operation routed to the wrong space ledger");
    }
    this.spaceId = op.spaceId;
    // Idempotency is optimistic: the key's record goes into the write's own batch,
    // whose primary key refuses a second use. A fresh key (the usual case) so
    // costs no extra D1 round trip; the stored result is read only when the
    // write could not go through as new, or its key is known here to be recorded.
    const known = await this.knownKeyAnswer(op).catch(() => null);
    if (known) return known;
    let result: LedgerResult;
    try {
      result = await this.dispatch(op, await this.loadChain());
    } catch (err) {
      // The key's own primary key refusing the batch means SQLite rolled it back and
      // the cache is still right. Any other failure may hide a commit: the cache is
      // dropped and rebuilt from D1, and the failure is logged even when the stored
      // result then answers the caller.
      const keyReplay = isKeyReplay(err);
      // A guarded write learns nothing from a key's record before its access is seen to hold (guardHolds).
      if (guarded(op) && (refusedByGuard(err) || (keyReplay && !(await this.guardHolds(op))))) return unverified();
      if (!keyReplay) {
        this.forget();
        logLedgerError(op, err);
      }
      const prior = guarded(op) && !keyReplay ? null : await this.storedResult(op).catch(() => null);
      if (prior) return prior;
      if (keyReplay) logLedgerError(op, err); // the record exists but could not be read
      throw err;
    }
    if (result.ok) {
      this.committed(op, result);
      return result;
    }
    if (guarded(op) && !(await this.guardHolds(op))) return unverified();
    // A refusal (funds since spent, already reverted…) may be the retry of a write that succeeded.
    return (await this.storedResult(op).catch(() => null)) ?? result;
  }

  /**
   * The answer to a write whose Idempotency-Key this object knows to be recorded (a replay, or the key reused with
   * another body), from the record, without first failing a batch on the key; for a guarded write, only once its guard
   * is seen to hold (guardHolds; UNVERIFIED otherwise). Null when the key is not known here, or its record is gone after all (the
   * key then goes in with the write, and its primary key decides).
   */
  protected async knownKeyAnswer(op: LedgerOp): Promise<LedgerResult | null> {
    if (!recordsKey(op) || !this.recordedKeys.has(op.idempotency.key)) return null;
    if (guarded(op) && !(await this.guardHolds(op))) return unverified();
    const prior = await this.storedResult(op);
    if (!prior) this.recordedKeys.delete(op.idempotency.key);
    return prior;
  }

  /**
   * Whether a guarded write that asks for its own refusals (operations.ts `answerRefusals`) may hear one: its guard's
   * condition, read after the write failed (and so wrote nothing), holds. False for any other write, or when the read fails.
   */
  private async guardHolds(op: LedgerOp): Promise<boolean> {
    const guard = guardOf(op);
    if (!guard || !op.answerRefusals) return false;
    return this.db.batch([guardCondition(this.db, guard)]).then((r) => r[0]!.results.length === 0, () => false);
  }

  /**
   * The result recorded under the operation's Idempotency-Key, replayed; a 422
   * if the key was used for a different request; null if the key is unused.
   * This also answers a retry whose first attempt committed but never heard back.
   */
  protected async storedResult(op: LedgerOp): Promise<LedgerResult | null> {
    if (!recordsKey(op)) return null;
    const recorded = await recordedUnder(this.db, op.spaceId, op.idempotency);
    if (recorded === null) return null;
    this.noteRecordedKey(op.idempotency.key);
    if (recorded === "reused") return fail(422, "IDEMPOTENCY_KEY_REUSED", KEY_REUSED_MESSAGE);
    const stored = recorded as unknown as StoredAnswer | (LedgerResult & { ok: true });
    if (!("seqs" in stored)) return { ...stored, replayed: true }; // a record written before answers were stored compactly
    // The transactions as they are now (a later revert shows), rebuilt from their rows.
    const rows = stored.seqs.length === 0 ? [] : (
      await this.db
        .prepare(`SELECT * FROM ledger_transactions WHERE space_id = ? AND seq ${IN_JSON_LIST} ORDER BY seq`)
        .bind(op.spaceId, jsonList(stored.seqs))
        .all<Record<string, unknown>>()
    ).results;
    return { ok: true, replayed: true, transactions: rows.map(txFromRow), returns: stored.returns };
  }

  protected async loadChain(): Promise<ChainState> {
    if (this.chain) return this.chain;
    const [tx, log] = await this.db.batch<{ next: number } & { id: number; hash: string }>([
      this.db.prepare("SELECT COALESCE(MAX(seq) + 1, 0) AS next FROM ledger_transactions WHERE space_id = ?").bind(this.spaceId),
      this.db.prepare("SELECT id, hash FROM ledger_logs WHERE space_id = ? ORDER BY id DESC LIMIT 1").bind(this.spaceId),
    ]);
    const last = log!.results[0];
    this.chain = {
      nextSeq: tx!.results[0]!.next,
      nextLogId: last ? last.id + 1 : 0,
      lastHash: last ? last.hash : GENESIS_HASH,
    };
    return this.chain;
  }

  /** Loads volumes, latest entry instants and account rules for the addresses a write touches. */
  protected async loadAddresses(addresses: Set<string>): Promise<void> {
    const missing = [...addresses].filter((a) => !this.loadedAddresses.has(a));
    if (missing.length > 0) {
      const rows = await this.db
        .prepare(
          `SELECT v.address, v.asset, v.input, v.output, v.rebased,
                  (SELECT MAX(e.timestamp) FROM ledger_entries e WHERE e.space_id = v.space_id AND e.address = v.address AND e.asset = v.asset) AS last_at,
                  (SELECT a.first_seq IS NOT NULL FROM ledger_accounts a WHERE a.space_id = v.space_id AND a.address = v.address) AS first_seq_recorded
             FROM ledger_volumes v WHERE v.space_id = ? AND v.address ${IN_JSON_LIST}`,
        )
        .bind(this.spaceId, jsonList(missing))
        .all<{ address: string; asset: string; input: number; output: number; rebased: string; last_at: number | null; first_seq_recorded: number | null }>();
      for (const r of rows.results) {
        if (r.first_seq_recorded === 1) this.firstSeqRecorded.add(r.address);
        const k = volumeKey(r.address, r.asset);
        this.volumes.set(k, { input: r.input, output: r.output, rebased: BigInt(r.rebased) });
        if (r.last_at !== null) this.lastEntryAt.set(k, r.last_at);
      }
      for (const a of missing) this.loadedAddresses.add(a);
    }
    const unknown = [...addresses].filter((a) => isAccountAddress(a) && !this.accounts.has(a));
    const ids = unknown.map(accountIdOf).filter((x): x is string => x !== null);
    for (const a of unknown) this.accounts.set(a, null);
    if (ids.length > 0) {
      const rows = await this.db
        .prepare(`SELECT id, currency, type, is_active, allow_overdraft FROM accounts WHERE space_id = ? AND id ${IN_JSON_LIST}`)
        .bind(this.spaceId, jsonList(ids))
        .all<{ id: string; currency: string; type: string; is_active: number; allow_overdraft: number }>();
      for (const r of rows.results) {
        this.accounts.set(`accounts:${r.id}`, { currency: r.currency, type: r.type, active: r.is_active === 1, allowOverdraft: r.allow_overdraft === 1 });
      }
    }
  }

  protected async commit(
    op: LedgerOp,
    chain: ChainState,
    intents: Intent[],
    preview: boolean,
    extraStatements: D1PreparedStatement[] = [],
    /** The answer names the transactions from this index on (a revert answers with its compensating transaction only). */
    answerFrom = 0,
  ): Promise<LedgerResult> {
    const now = Date.now();
    const inRetired = (op.effects ?? []).find((e) => e.kind === "insertTransaction" && e.row.categoryId && this.retired.has(e.row.categoryId));
    if (inRetired) return retiredCategory();
    const addresses = new Set<string>();
    for (const t of intents) for (const p of t.postings) addresses.add(p.source).add(p.destination);
    await this.loadAddresses(addresses);
    // Accounts created in this same write are not in D1 yet: take their rules from the effect.
    const newAccounts = new Map<string, AccountRule>();
    for (const e of op.effects ?? []) {
      if (e.kind === "insertAccount") {
        const r = e.row;
        newAccounts.set(`accounts:${r.id}`, { currency: r.currency, type: r.type, active: r.isActive ?? true, allowOverdraft: r.allowOverdraft ?? false });
      }
    }
    const ruleOf = (address: string) => newAccounts.get(address) ?? this.accounts.get(address) ?? null;
    const policy = { allowsOverdraft: (address: string) => ruleOf(address)?.allowOverdraft ?? false };

    const refusal = (i: number, f: LedgerFailure) => failureAt(op, intents.length, i, f);
    // A revert's compensating transaction undoes an entry the account took: an account inactive since (deactivated, its
    // bank disconnected) takes it too, so a person can still void a duplicate there. New entries stay refused.
    const undoing = (address: string) => {
      const rule = ruleOf(address);
      return rule && { ...rule, active: true };
    };
    for (const [i, t] of intents.entries()) {
      const broken = checkAccountPostings(t.postings, t.revertOf ? undoing : ruleOf);
      if (broken) return refusal(i, broken);
    }

    const refs = intents.map((t) => t.reference).filter((r): r is string => !!r);
    const repeated = intents.findIndex((t, i) => !!t.reference && intents.findIndex((u) => u.reference === t.reference) < i);
    if (repeated >= 0) {
      return refusal(repeated, {
        status: 409, code: "CONFLICT", message: "Two transactions in this request share a reference",
        details: [{ field: "reference", message: "An earlier transaction of this request has this reference", code: "CONFLICT" }],
      });
    }
    const stagedRef = refs.find((r) => this.group?.refs.has(r));
    if (stagedRef) return fail(409, "CONFLICT", `Reference ${stagedRef} is already used in this space`);
    if (refs.length > 0) {
      const taken = await this.db
        .prepare(`SELECT reference FROM ledger_transactions WHERE space_id = ? AND reference ${IN_JSON_LIST} LIMIT 1`)
        .bind(this.spaceId, jsonList(refs))
        .all<{ reference: string }>();
      if (taken.results.length > 0) return fail(409, "CONFLICT", `Reference ${taken.results[0]!.reference} is already used in this space`);
    }

    // Apply to a scratch copy of the touched volumes; the cache only changes once D1 has the batch.
    const scratch = new Map<string, StoredVolume>();
    for (const t of intents) {
      for (const p of t.postings) {
        for (const a of [p.source, p.destination]) {
          const k = volumeKey(a, p.asset);
          const v = this.volumes.get(k);
          if (v && !scratch.has(k)) scratch.set(k, { ...v });
        }
      }
    }
    const committed: CommittedTx[] = [];
    const entries: Entry[] = [];
    let seq = chain.nextSeq;
    for (const intent of intents) {
      const timestamp = intent.timestamp ?? now;
      const applied = applyPostings(scratch, intent.postings, seq, timestamp, policy);
      if (isFailure(applied)) return refusal(committed.length, applied);
      entries.push(...applied.entries);
      committed.push({
        txid: seq,
        postings: intent.postings,
        reference: intent.reference ?? null,
        metadata: intent.revertOf ? { ...(intent.metadata ?? {}), revertOf: String(intent.revertOf.txid) } : (intent.metadata ?? {}),
        timestamp,
        preCommitVolumes: applied.pre,
        postCommitVolumes: applied.post,
        reverted: false,
        revertedBy: null,
        reverts: intent.revertOf ? intent.revertOf.txid : null,
      });
      seq++;
    }
    const byDate = await this.firstValueDatedRefusal(entries, policy, scratch);
    if (byDate) return refusal(byDate.seq - chain.nextSeq, byDate.failure);
    if (preview) return { ok: true, replayed: false, transactions: committed.slice(answerFrom), returns: op.returns ?? {} };

    const logs: PendingLog[] = committed.map((tx, i) => {
      const revertOf = intents[i]!.revertOf;
      return revertOf
        ? { type: "REVERTED_TRANSACTION", data: JSON.stringify({ revertedTransactionId: revertOf.txid, transaction: logTx(tx) }) }
        : { type: "NEW_TRANSACTION", data: JSON.stringify({ transaction: logTx(tx) }) };
    });
    const statements = this.transactionStatements(committed, entries, scratch, now);
    for (const [i, tx] of committed.entries()) {
      const revertOf = intents[i]!.revertOf;
      if (!revertOf) continue;
      statements.push(
        this.db
          .prepare("UPDATE ledger_transactions SET reverted_by_seq = ? WHERE space_id = ? AND seq = ? AND reverted_by_seq IS NULL")
          .bind(tx.txid, this.spaceId, revertOf.txid),
      );
    }
    statements.push(...extraStatements);
    const result: LedgerResult = { ok: true, replayed: false, transactions: committed.slice(answerFrom), returns: op.returns ?? {} };
    await this.persist(op, chain, statements, logs, result, now, committed);
    if (this.group) {
      for (const e of entries) this.group.touched.add(volumeKey(e.address, e.asset));
      for (const r of refs) this.group.refs.add(r);
    }
    for (const e of entries) {
      const k = volumeKey(e.address, e.asset);
      this.volumes.set(k, scratch.get(k)!);
      this.lastEntryAt.set(k, Math.max(this.lastEntryAt.get(k) ?? e.timestamp, e.timestamp));
    }
    for (const [address, rule] of newAccounts) this.accounts.set(address, rule);
    for (const e of entries) this.firstSeqRecorded.add(e.address);
    chain.nextSeq = seq;
    return result;
  }

  /**
   * For each address that this write touches out of value-date order (a back-dated entry, or one before a
   * future-dated entry): one that may not overdraw must stay at or above zero at the end of every later
   * instant too (value-dates.ts says why the end of an instant and not each entry), and
   * a bounded one (not world, income, expense or equity) whose volumes have been rebased (`volumes`, after
   * the write) must stay within 2^53 - 1 either way at the end of every instant (without a rebase its sides,
   * and so every sum of its entries in any order, are within that).
   */
  protected async firstValueDatedRefusal(
    entries: Entry[],
    policy: { allowsOverdraft(a: string): boolean },
    volumes: Map<string, StoredVolume>,
  ): Promise<{ seq: number; failure: LedgerFailure } | null> {
    const byVolume = new Map<string, Entry[]>();
    for (const e of entries) {
      const k = volumeKey(e.address, e.asset);
      byVolume.set(k, [...(byVolume.get(k) ?? []), e]);
    }
    const checks: { pending: Entry[]; before: bigint; check: { mayNotOverdraw: boolean; range: boolean }; statements: D1PreparedStatement[] }[] = [];
    for (const [k, pending] of byVolume) {
      const { address } = pending[0]!;
      const mayNotOverdraw = !isUnbounded(address) && !policy.allowsOverdraft(address);
      const overdraftCheck = mayNotOverdraw && pending.some((e) => e.amount < 0);
      // Only for addresses whose balance by date is read (accounts and other bounded addresses: statements,
      // holdings): world and the income/expense/equity counterparties sum the whole space's traffic, and
      // bounding them by date let one income of the largest amount and its void refuse every earlier income.
      const rangeCheck = !isUnbounded(address) && (volumes.get(k)?.rebased ?? 0n) > 0n;
      if ((!overdraftCheck && !rangeCheck) || !isBackDated(pending, this.lastEntryAt.get(k) ?? null)) continue;
      // D1 does not hold this group's staged entries yet: such a write waits for the next group.
      if (this.group?.touched.has(k)) throw DEFER;
      const sorted = byValueDate(pending);
      // The cached volumes before this write are D1's for this key: the group has staged nothing for it.
      const stored = this.volumes.get(k);
      checks.push({
        pending: sorted,
        before: stored ? BigInt(stored.input) - BigInt(stored.output) : 0n,
        check: { mayNotOverdraw: overdraftCheck, range: rangeCheck },
        statements: gapStatements(this.db, this.spaceId!, address, sorted[0]!.asset, sorted),
      });
    }
    if (checks.length === 0) return null;
    const results = await this.db.batch<GapRow>(checks.flatMap((c) => c.statements));
    let read = 0;
    for (const c of checks) {
      const gaps = results.slice(read, read + c.statements.length).map((r) => r.results[0]!);
      read += c.statements.length;
      const out = firstOutOfRange(c.pending, gaps, c.before, c.check);
      if (!out) continue;
      const e = c.pending[0]!;
      // Inside a gap, one more read finds the instant, so the refusal names the day the balance leaves its range
      // (a refusal is rare; the write's own date is not always that day).
      const at = "at" in out ? out.at : (await firstInstantOutside(this.db, this.spaceId!, e.address, e.asset, out).first<{ at: number }>())!.at;
      // Written in the space's zone, where a bare date is local midnight (in UTC it read as the day before east of
      // Greenwich); the zone is read on a refusal only.
      const zone = await this.db.prepare("SELECT timezone FROM spaces WHERE id = ?").bind(this.spaceId).first<{ timezone: string }>();
      const day = zone ? isoInZone(at, zone.timezone) : new Date(at).toISOString();
      const failure: LedgerFailure = out.kind === "negative"
        ? {
            status: 422, code: "INSUFFICIENT_FUNDS",
            message: `Account ${e.address} would have a negative ${e.asset} balance on ${day}; it may not overdraw at any date`,
            // The day itself, local: it is not always a later one (a spend before an opening, or before an income).
            details: [{ field: "date", message: `The balance would be below zero on ${day.slice(0, 10)}`, code: "INSUFFICIENT_FUNDS" }],
          }
        : {
            status: 422, code: "VALIDATION_FAILED",
            message: `The ${e.asset} balance of ${e.address} at ${day} would pass the largest supported balance (${MAX_MINOR} minor units in either direction)`,
            details: [{ field: "date", message: `${e.address} would be out of range at that date`, code: "TOO_BIG" }],
          };
      // The write's transaction that is to blame: its last entry on this address at or before the instant out of range.
      const culprit = [...c.pending].reverse().find((x) => x.timestamp <= at) ?? e;
      return { seq: culprit.seq, failure };
    }
    return null;
  }

  protected transactionStatements(committed: CommittedTx[], entries: Entry[], volumes: Map<string, StoredVolume>, now: number): D1PreparedStatement[] {
    const sid = this.spaceId!;
    const statements = this.insertEntityRows(
      ledgerTransactions,
      committed.map((tx) => ({
        spaceId: sid,
        seq: tx.txid,
        reference: tx.reference,
        timestamp: tx.timestamp,
        postings: JSON.stringify(tx.postings),
        metadata: JSON.stringify(tx.metadata),
        preVolumes: JSON.stringify(tx.preCommitVolumes),
        postVolumes: JSON.stringify(tx.postCommitVolumes),
        revertedBySeq: null,
        revertsSeq: tx.reverts,
        createdAt: now,
      })),
    );
    statements.push(
      ...this.insertRows(
        "ledger_entries",
        ["space_id", "address", "asset", "seq", "posting_index", "amount", "balance_after", "timestamp"],
        entries.map((e) => [sid, e.address, e.asset, e.seq, e.postingIndex, e.amount, e.balanceAfter, e.timestamp]),
      ),
    );
    const touched = new Map<string, { address: string; asset: string; firstSeq: number }>();
    for (const e of entries) {
      const k = volumeKey(e.address, e.asset);
      if (!touched.has(k)) touched.set(k, { address: e.address, asset: e.asset, firstSeq: e.seq });
    }
    const volumeRows: SqlValue[][] = [...touched.values()].map(({ address, asset }) => {
      const v = volumes.get(volumeKey(address, asset))!;
      return [sid, address, asset, v.input, v.output, v.rebased.toString()];
    });
    statements.push(
      ...this.insertRows("ledger_volumes", ["space_id", "address", "asset", "input", "output", "rebased"], volumeRows,
        "ON CONFLICT (space_id, address, asset) DO UPDATE SET input = excluded.input, output = excluded.output, rebased = excluded.rebased"),
    );
    const firstSeen = new Map<string, number>();
    for (const t of touched.values()) if (!firstSeen.has(t.address) && !this.firstSeqRecorded.has(t.address)) firstSeen.set(t.address, t.firstSeq);
    statements.push(
      ...this.insertRows("ledger_accounts", ["space_id", "address", "metadata", "first_seq", "created_at"],
        [...firstSeen].map(([address, first]) => [sid, address, "{}", first, now]),
        "ON CONFLICT (space_id, address) DO UPDATE SET first_seq = COALESCE(ledger_accounts.first_seq, excluded.first_seq)"),
    );
    return statements;
  }

  /**
   * Appends the log rows (extending the chain), the idempotency record and
   * the side effects, then commits everything as one batch.
   */
  protected async persist(
    op: LedgerOp,
    chain: ChainState,
    statements: D1PreparedStatement[],
    logs: PendingLog[],
    result: LedgerResult,
    now: number,
    committed: CommittedTx[] = [],
  ): Promise<void> {
    const sid = this.spaceId!;
    let hash = chain.lastHash;
    let id = chain.nextLogId;
    const logRows: SqlValue[][] = [];
    for (const log of logs) {
      hash = await hashLog(hash, { id, type: log.type, date: now, data: log.data });
      logRows.push([sid, id, log.type, log.data, now, hash]);
      id++;
    }
    statements.push(...this.insertRows("ledger_logs", ["space_id", "id", "type", "data", "date", "hash"], logRows));
    statements.push(...this.effectStatements(op.effects ?? [], committed, now));
    const checks: D1PreparedStatement[] = [];
    // First of the write's statements, before even the key's record: none of them runs unless the caller's
    // access holds. (The object has staged the write against its cached state by then; a refusal there is
    // answered UNVERIFIED, which says nothing of that state.)
    const guard = guardOf(op);
    if (guard) checks.push(this.db.prepare(guard.sql).bind(...guard.params));
    if (recordsKey(op)) {
      // Next, so that a replayed key fails the batch before any other statement runs.
      checks.push(
        this.db
          .prepare("INSERT INTO idempotency_keys (space_id, key, fingerprint, result, created_at) VALUES (?, ?, ?, ?, ?)")
          .bind(sid, op.idempotency.key, op.idempotency.fingerprint, JSON.stringify(answerOf(result)), now),
      );
    }
    // The caller's reads go last, so that they see every write of the batch before them.
    const reads = (op.readAfter ?? []).map((r) => this.db.prepare(r.sql).bind(...r.params));
    const answered = reads.length > 0 && result.ok ? result : null;
    if (this.group) {
      this.group.batch.addWrite(checks, statements, answered ? { result: answered, statements: reads } : null);
    } else {
      const all = [...checks, ...statements, ...reads];
      const results = await this.write(all);
      if (answered) fillReads([{ result: answered, at: all.length - reads.length, count: reads.length }], results);
    }
    chain.lastHash = hash;
    chain.nextLogId = id;
  }

  protected effectStatements(effects: SideEffect[], committed: CommittedTx[], now: number): D1PreparedStatement[] {
    const out: D1PreparedStatement[] = [];
    const accountRows = effects.flatMap((e) => (e.kind === "insertAccount" ? [e.row] : []));
    out.push(...this.insertEntityRows(accountsTable, accountRows));
    // Every transaction row is written here, so its folded search texts are too (they copy its description and merchant).
    const txRows = effects.flatMap((e) =>
      e.kind === "insertTransaction" ? [{ ...e.row, ...foldedTexts(e.row.description, e.row.merchantName), ledgerSeq: committed[e.txIndex]!.txid }] : [],
    );
    out.push(...this.insertEntityRows(transactions, txRows));
    // The counts that lists report as their total, kept with the rows they count.
    const perAccount = new Map<string, number>();
    for (const r of txRows) perAccount.set(r.accountId, (perAccount.get(r.accountId) ?? 0) + 1);
    for (const [accountId, n] of perAccount) out.push(...this.count("accounts", accountId, n));
    if (txRows.length > 0) out.push(...this.count("spaces", this.spaceId!, txRows.length));
    const eventColumns = ["id", "space_id", "type", "payload", "dedupe_key", "created_at"];
    const eventRow = (r: Extract<SideEffect, { kind: "insertEvent" }>["row"]) => [r.id, r.spaceId, r.type, r.payload, r.dedupeKey, r.createdAt];
    const events = effects.flatMap((e) => (e.kind === "insertEvent" && !e.onlyIfSubscribed ? [eventRow(e.row)] : []));
    out.push(...this.insertRows("event_outbox", eventColumns, events, "ON CONFLICT (dedupe_key) DO NOTHING"));
    const wanted = effects.flatMap((e) => (e.kind === "insertEvent" && e.onlyIfSubscribed ? [eventRow(e.row)] : []));
    out.push(...this.insertRows("event_outbox", eventColumns, wanted, `${IF_SUBSCRIBED} ON CONFLICT (dedupe_key) DO NOTHING`));
    out.push(...this.insertEntityRows(providerReviewFlags, effects.flatMap((e) => (e.kind === "insertReviewFlag" ? [e.row] : []))));
    for (const e of effects) {
      if (e.kind === "voidTransactionsOf") {
        out.push(
          this.db
            .prepare("UPDATE transactions SET status = 'cancelled', updated_at = ? WHERE space_id = ? AND ledger_seq = ?")
            .bind(now, this.spaceId, e.seq),
        );
      }
    }
    return out;
  }

  protected async findTx(seq: number): Promise<CommittedTx | null> {
    const row = await this.db
      .prepare("SELECT * FROM ledger_transactions WHERE space_id = ? AND seq = ?")
      .bind(this.spaceId, seq)
      .first<Record<string, unknown>>();
    return row ? txFromRow(row) : null;
  }


  /** Runs one operation against the state (ledger-operations.ts). */
  protected abstract dispatch(op: LedgerOp, chain: ChainState): Promise<LedgerResult>;
}


export const retiredCategory = () => ({
  ok: false as const,
  error: {
    status: 422, code: "VALIDATION_FAILED" as const, message: "The category was deleted",
    details: [{ field: "categoryId", message: "The category was deleted", code: "NOT_FOUND" }],
  },
});

const answerOf = (result: LedgerResult): StoredAnswer =>
  result.ok ? { seqs: result.transactions.map((t) => t.txid), returns: result.returns } : { seqs: [], returns: {} };

/** The part of a transaction that goes into its log row. */
const logTx = (tx: CommittedTx) => ({
  txid: tx.txid,
  postings: tx.postings,
  reference: tx.reference,
  metadata: tx.metadata,
  timestamp: tx.timestamp,
});
