/**
 * SpaceLedger: the single writer of one space's money.
 *
 * Every write of the space passes through `execute`, one at a time (a promise
 * chain, because D1 calls are outgoing I/O during which a Durable Object may
 * otherwise interleave requests). The object assigns gapless sequence numbers,
 * keeps the volumes it has seen in memory, checks overdrafts, extends the log's
 * hash chain and commits each write as ONE D1 batch: transaction rows, entries,
 * volumes, log rows, idempotency record and side-effect rows together.
 *
 * If a batch fails, or its outcome is unknown, the cached state is dropped and
 * reloaded from D1 before the next write, so the object never builds on a
 * commit it is unsure of.
 */
import { DurableObject } from "cloudflare:workers";
import { ledgerTransactions, transactions, accounts as accountsTable, providerReviewFlags } from "../src/db/schema";
import { D1_MAX_PARAMS, entityRows, IN_JSON_LIST, insertJsonRows, jsonList, type SqlValue } from "../src/lib/sql";
import { MAX_MINOR } from "../src/lib/money";
import { GUARD_PREFIX, refusedByGuard } from "../src/lib/batch-guard";
import { countStatement, GroupBatch, type ReadSlot } from "./group-batch";
import { type AccountRule, checkAccountPostings, isAccountAddress, isDhanamOwnedAddress } from "../src/modules/ledger/account-rules";
import { accountIdOf, isUnbounded } from "../src/modules/ledger/addresses";
import { GENESIS_HASH, hashLog } from "../src/modules/ledger/chain";
import { applyPostings, isFailure, reversePostings, volumeKey } from "../src/modules/ledger/engine";
import type { LedgerOp, LedgerResult, SideEffect, WriteGuard } from "../src/modules/ledger/operations";
import { type CategorizedRow, counterpartyOf, ledgerCounterparty, reclassPosting } from "../src/modules/ledger/reclassification";
import { txFromRow } from "../src/modules/ledger/rows";
import type { CommittedTx, Entry, LedgerFailure, Posting, StoredVolume, TxIntent } from "../src/modules/ledger/types";
import { byValueDate, firstOutOfRange, type GapRow, gapStatements, isBackDated } from "../src/modules/ledger/value-dates";

interface ChainState {
  nextSeq: number;
  nextLogId: number;
  lastHash: string;
}

interface PendingLog {
  type: string;
  data: string;
}

/** A transaction to commit; a compensating one names the transaction it reverts. */
type Intent = TxIntent & { revertOf?: CommittedTx };

/** What the idempotency record keeps: enough to rebuild the answer, never the whole answer (a batch can exceed D1's row size). */
interface StoredAnswer {
  seqs: number[];
  returns: Record<string, string | string[]>;
}

/** A write waiting its turn, and how to answer it. */
interface Waiting {
  op: LedgerOp;
  resolve: (result: LedgerResult) => void;
}

/** Puts each answer's post-commit read rows into it, from the committed batch's results. */
function fillReads(slots: ReadSlot[], results: D1Result[]): void {
  for (const s of slots) s.result.reads = results.slice(s.at, s.at + s.count).map((r) => r.results as Record<string, string | number | null>[]);
}

/** At most this many writes share one D1 batch. */
const MAX_GROUP = 32;

/**
 * And at most about this many rows (postings and side effects): a group's rows are held until its batch
 * is assembled, and a sync's write alone can carry hundreds.
 */
const MAX_GROUP_ROWS = 5000;
const rowsOf = (op: LedgerOp) => (op.kind === "commit" ? op.txs.reduce((n, t) => n + t.postings.length, 0) : 0) + (op.effects?.length ?? 0);

/** How many recorded Idempotency-Keys an object remembers (the most recent), to answer replays without failing a group. */
const RECORDED_KEYS_KEPT = 4096;

/** Thrown while staging a write that must read state its group has not committed yet. */
const DEFER = Symbol("defer");

/** Writes that may share a batch: commits that record transactions (previews and account-only writes run alone). */
const groupable = (op: LedgerOp) => op.kind === "commit" && !op.preview && op.txs.length > 0;
const keyOf = (op: LedgerOp) => op.idempotency?.key ?? null;
/** The volume keys a commit touches on bounded addresses (accounts and the like: not world, income, expense, equity). */
const boundedKeys = (op: LedgerOp) =>
  op.kind !== "commit" ? [] : op.txs.flatMap((t) => t.postings.flatMap((p) => [p.source, p.destination].filter((a) => !isUnbounded(a)).map((a) => volumeKey(a, p.asset))));

/** A Dhanam row as the ledger reads it to (re)classify it. */
interface RowForLedger extends CategorizedRow {
  id: string;
  status: string;
  category_source: string | null;
  ledger_seq: number;
  date: number;
}
const ROW_COLUMNS = "id, account_id AS accountId, amount, currency, type, category_id AS categoryId, category_source, status, ledger_seq, date";

/**
 * A batch refused because its Idempotency-Key is already recorded. The key's
 * INSERT is the batch's first statement, so no other constraint can fire before
 * it, and a failed statement rolls the whole D1 batch back.
 */
const isKeyReplay = (err: unknown) => /SQLITE_CONSTRAINT/.test(String(err)) && /idempotency_keys/.test(String(err));

/** Whether the operation's Idempotency-Key is recorded with its result (a preview writes nothing). */
const recordsKey = (op: LedgerOp): op is LedgerOp & { idempotency: NonNullable<LedgerOp["idempotency"]> } =>
  !!op.idempotency && !(op.kind === "commit" && op.preview);

/** A write that carries its own authorization (operations.ts `WriteGuard`): answered only once its batch commits. */
const guarded = (op: LedgerOp) => op.kind === "commit" && !!op.guard;

/** A guard's condition alone, as a read: a row when the guard would refuse its batch. */
const guardCondition = (db: D1Database, g: WriteGuard) =>
  db.prepare(g.sql.slice(GUARD_PREFIX.length - "SELECT ".length)).bind(...g.params);

/**
 * The answer to a guarded write that did not commit, whatever the reason (refused, replayed, guard
 * failed): it says nothing of the space, since the caller's access has not been seen to hold.
 */
const unverified = () => fail(403, "UNVERIFIED", "The write's access could not be verified in its batch; check access and ask again");

const logLedgerError = (op: LedgerOp, err: unknown) =>
  console.error(JSON.stringify({ level: "error", event: "ledger.commit_failed", spaceId: op.spaceId, message: String(err) }));

const fail = (status: number, code: LedgerFailure["code"], message: string): { ok: false; error: LedgerFailure } => ({
  ok: false,
  error: { status, code, message },
});

export class SpaceLedger extends DurableObject<Env> {
  private spaceId: string | null = null;
  private chain: ChainState | null = null;
  /** Volumes known to match D1, by volumeKey(address, asset). */
  private volumes = new Map<string, StoredVolume>();
  /** Addresses whose volumes (all assets) are in `volumes`; a miss for them means zero. */
  private loadedAddresses = new Set<string>();
  /** The rules of `accounts:` addresses (null: no such account in this space), by address. */
  private accounts = new Map<string, AccountRule | null>();
  /** Timestamp of the latest stored entry, by volumeKey(address, asset): beyond it, writes append in value-date order. */
  private lastEntryAt = new Map<string, number>();
  /**
   * Addresses whose ledger account row records its first transaction: a write that touches them again
   * leaves out its `ledger_accounts` upsert, which would change nothing but would still cost a statement
   * and two rows written (the row, rewritten in place, and its index entry) on every write.
   */
  private firstSeqRecorded = new Set<string>();
  /**
   * Categories deleted through this object: rows in them are refused from the moment the deletion
   * began, so a transaction that checked its category just before cannot land in it after.
   */
  private retired = new Set<string>();
  /** Idempotency-Keys of this space seen recorded (committed here, or found recorded), oldest first. */
  private recordedKeys = new Set<string>();
  /** Writes waiting for the one in flight. */
  private queue: Waiting[] = [];
  private draining = false;
  /**
   * While a group is staged: the batch its writes would commit, the volume
   * keys and references they touch. Null outside group staging, when every
   * write commits its own batch.
   */
  private group: { batch: GroupBatch; touched: Set<string>; refs: Set<string> } | null = null;

  /**
   * Runs one operation after every earlier one has finished. Writes that
   * arrive while a D1 batch is in flight queue up and the next commit takes
   * them together (group commit): one batch, each write validated against the
   * state the ones before it leave, each with its own sequence, log row and
   * idempotency record.
   */
  execute(op: LedgerOp): Promise<LedgerResult> {
    // Reads only: a statement here commits with the write, past every check of this object. And within
    // D1's parameter cap, which would otherwise fail the write's whole batch (lists go in as one JSON parameter).
    if (op.readAfter?.some((r) => r.sql.trimStart().slice(0, 6).toUpperCase() !== "SELECT" || r.params.length >= D1_MAX_PARAMS)) {
      return Promise.resolve(fail(500, "INTERNAL_ERROR", `readAfter takes SELECT statements of fewer than ${D1_MAX_PARAMS} parameters only`));
    }
    // A guard only ever refuses: an insert into the table that holds no row.
    if (op.kind === "commit" && op.guard && (!op.guard.sql.startsWith(GUARD_PREFIX) || op.guard.params.length >= D1_MAX_PARAMS || op.preview)) {
      return Promise.resolve(fail(500, "INTERNAL_ERROR", "A guard is an INSERT INTO write_guards of a write that commits"));
    }
    return new Promise((resolve) => {
      // An answer carries the bookmark of the latest commit, which is at or after its own.
      this.queue.push({ op, resolve: (r) => resolve(r.ok ? { ...r, bookmark: this.bookmark } : r) });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const group = this.takeGroup();
        if (group.length === 1) group[0]!.resolve(await this.runAlone(group[0]!.op));
        else await this.runGroup(group);
      }
    } finally {
      this.draining = false;
    }
  }

  /** The longest run of waiting writes that can share a batch (at least one write). */
  private takeGroup(): Waiting[] {
    const group = [this.queue.shift()!];
    if (!groupable(group[0]!.op)) return group;
    const keys = new Set([keyOf(group[0]!.op)]);
    let rows = rowsOf(group[0]!.op);
    while (this.queue.length > 0 && group.length < MAX_GROUP) {
      const next = this.queue[0]!;
      const key = keyOf(next.op);
      // A retry of a write in this group waits for it to commit, and is then answered from its record.
      if (!groupable(next.op) || (key !== null && keys.has(key)) || rows + rowsOf(next.op) > MAX_GROUP_ROWS) break;
      keys.add(key);
      rows += rowsOf(next.op);
      group.push(this.queue.shift()!);
    }
    return group;
  }

  /**
   * A guard refused the group's batch, and SQLite does not say whose: one read asks each guard's
   * condition, the writes whose guard refuses are answered UNVERIFIED, and the others go again as a group
   * (held refusals with them, since the batch they counted on rolled back). False when the read fails or
   * finds no guard refusing (one changed between the two): the writes then run alone.
   */
  private async answerRefusedGuards(group: Waiting[]): Promise<boolean> {
    const checked = group.filter((w) => guarded(w.op));
    let refused: Set<Waiting>;
    try {
      const results = await this.db.batch(checked.map((w) => guardCondition(this.db, (w.op as { guard: WriteGuard }).guard)));
      refused = new Set(checked.filter((_, i) => results[i]!.results.length > 0));
    } catch {
      return false;
    }
    if (refused.size === 0) return false;
    for (const w of refused) w.resolve(unverified());
    this.queue.unshift(...group.filter((w) => !refused.has(w)));
    return true;
  }

  /** One write in a batch of its own; an unknown outcome is a 503 that a keyed retry resolves. */
  private runAlone(op: LedgerOp): Promise<LedgerResult> {
    return this.run(op).catch(() => {
      // Unknown outcome (`run` has logged it): the next write reloads from D1.
      this.forget();
      return fail(503, "INTERNAL_ERROR", "The ledger could not confirm this write; retry with the same Idempotency-Key");
    });
  }

  /**
   * Stages each write of the group against the state the earlier ones leave
   * (refusals change nothing, and are answered with the batch), then commits
   * the staged ones in one batch. If the batch fails, D1 says whether it
   * committed (the sequence moved, or not): committed writes and the refusals
   * are answered, or else every write runs again one by one, refusals
   * included (they counted on writes that never landed), so nothing is lost,
   * doubled or refused for a write that was not made.
   */
  private async runGroup(group: Waiting[]): Promise<void> {
    const ops = group.map((w) => w.op);
    if (this.spaceId !== null && ops.some((op) => op.spaceId !== this.spaceId)) {
      for (const w of group) w.resolve(await this.runAlone(w.op));
      return;
    }
    this.spaceId = ops[0]!.spaceId;
    let pending: Waiting[];
    let chain: ChainState;
    const answered = new Set<Waiting>();
    try {
      chain = await this.loadChain();
      pending = await this.answerKnownKeys(group, answered);
    } catch {
      for (const w of group) if (!answered.has(w)) w.resolve(await this.runAlone(w.op));
      return;
    }
    const startSeq = chain.nextSeq;
    // In order, every write staged or refused against the state the ones staged before it leave. A refusal
    // is held until the batch's outcome is known: if the batch rolls back, the writes it counted on never
    // landed, and it runs again alone. (A guarded write's refusal says nothing either way: UNVERIFIED, at once.)
    const outcomes: { waiting: Waiting; result: LedgerResult }[] = [];
    const inOrder = () => outcomes.map((s) => s.waiting);
    this.group = { batch: new GroupBatch(), touched: new Set(), refs: new Set() };
    // Writes that wait for the next group and the bounded volume keys they touch, and the writes answered
    // here at once (a guarded write's refusal).
    const deferred: Waiting[] = [];
    const blocked = new Set<string>();
    const answeredNow = new Set<Waiting>();
    const defer = (w: Waiting, keys: string[]) => {
      deferred.push(w);
      for (const k of keys) blocked.add(k);
    };
    try {
      for (const w of pending) {
        // A deferred write goes first in the next group, and the rest of this group commits now: the writes
        // are then committed in the order group, deferred writes, each checked against all that commit before
        // it. A later write on one of its accounts waits with it, unstaged: it keeps its place behind it (and
        // would most often be deferred itself, after the cost of staging it).
        const keys = boundedKeys(w.op);
        if (deferred.length > 0 && keys.some((k) => blocked.has(k))) {
          defer(w, keys);
          continue;
        }
        let result: LedgerResult;
        try {
          result = await this.dispatch(w.op, chain);
        } catch (err) {
          if (err !== DEFER) throw err;
          defer(w, keys);
          continue;
        }
        if (!result.ok && guarded(w.op)) {
          answeredNow.add(w);
          w.resolve(unverified());
        } else outcomes.push({ waiting: w, result });
      }
    } catch (err) {
      // Nothing was sent to D1, but the cache holds staged writes: drop it, and run alone each write
      // not answered yet (the staged, held and deferred ones, the one that failed and those after it), in order.
      this.group = null;
      this.forget();
      logLedgerError(ops[0]!, err);
      for (const w of pending) if (!answeredNow.has(w)) w.resolve(await this.runAlone(w.op));
      return;
    }
    this.queue.unshift(...deferred);
    const { statements, reads } = this.group.batch.assemble(this.db);
    this.group = null;
    const answerAll = async () => {
      for (const s of outcomes) this.committed(s.waiting.op, s.result);
      // A refused write may be the retry of one that committed (its key unknown here): as `run` does, it is
      // answered from its key's record when there is one.
      for (const s of outcomes) s.waiting.resolve(s.result.ok ? s.result : ((await this.storedResult(s.waiting.op).catch(() => null)) ?? s.result));
    };
    if (!outcomes.some((s) => s.result.ok)) return answerAll();
    const expectedSeq = chain.nextSeq;
    try {
      fillReads(reads, await this.write(statements));
    } catch (err) {
      this.forget();
      // A failed guard, or a key recorded before this object knew it, is an answer, not a fault: SQLite
      // rolled the batch back, and the writes go again (as a group without the refused ones, or alone).
      if (!refusedByGuard(err) && !isKeyReplay(err)) logLedgerError(ops[0]!, err);
      const now = await this.loadChain().then((c) => c.nextSeq, () => null);
      if (now === expectedSeq) {
        await answerAll();
      } else if (now === startSeq) {
        // A key recorded before this object knew it: once the group's recorded keys are known, the group
        // goes again as a group (their retries answered from the record) rather than one batch a write.
        if (isKeyReplay(err) && (await this.learnRecordedKeys(inOrder()))) this.queue.unshift(...inOrder());
        else if (refusedByGuard(err) && (await this.answerRefusedGuards(inOrder()))) return;
        else for (const w of inOrder()) w.resolve(await this.runAlone(w.op));
      } else {
        for (const w of inOrder()) w.resolve(fail(503, "INTERNAL_ERROR", "The ledger could not confirm this write; retry with the same Idempotency-Key"));
      }
      return;
    }
    await answerAll();
  }

  /** Notes which of these writes' keys are recorded (one read); whether any is. */
  private async learnRecordedKeys(writes: Waiting[]): Promise<boolean> {
    const keys = writes.flatMap((w) => (recordsKey(w.op) ? [w.op.idempotency.key] : []));
    if (keys.length === 0) return false;
    const rows = await this.db
      .prepare(`SELECT key FROM idempotency_keys WHERE space_id = ? AND key ${IN_JSON_LIST}`)
      .bind(this.spaceId, jsonList(keys))
      .all<{ key: string }>()
      .then((r) => r.results, () => []);
    for (const r of rows) this.noteRecordedKey(r.key);
    return rows.length > 0;
  }

  /** Notes the Idempotency-Key of a write that committed. */
  private committed(op: LedgerOp, result: LedgerResult): void {
    if (recordsKey(op) && result.ok) this.noteRecordedKey(op.idempotency.key);
  }

  private noteRecordedKey(key: string): void {
    this.recordedKeys.delete(key);
    if (this.recordedKeys.size >= RECORDED_KEYS_KEPT) this.recordedKeys.delete(this.recordedKeys.values().next().value!);
    this.recordedKeys.add(key);
  }

  /**
   * Answers the group's writes whose Idempotency-Key this object knows to be recorded (a replay, or a
   * key reused with another body) from the record, and returns the rest, with no read for a fresh key.
   * A key recorded before this object knew it (it was recorded before the object last started) fails
   * the group's batch on its primary key, which rolls the batch back; the writes then run alone, where
   * that key is answered from its record.
   */
  private async answerKnownKeys(group: Waiting[], answered: Set<Waiting>): Promise<Waiting[]> {
    const rest: Waiting[] = [];
    for (const w of group) {
      if (!recordsKey(w.op) || !this.recordedKeys.has(w.op.idempotency.key)) {
        rest.push(w);
        continue;
      }
      const prior = guarded(w.op) ? unverified() : await this.storedResult(w.op);
      if (prior) {
        answered.add(w);
        w.resolve(prior);
      } else {
        // No record after all: the key goes in with the write, and its primary key decides.
        this.recordedKeys.delete(w.op.idempotency.key);
        rest.push(w);
      }
    }
    return rest;
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

  private get db(): D1Database {
    return this.env.DB;
  }

  /** Statements inserting `rows` into `table`; in a group, the rows join the group's own statement for that table. */
  private insertRows(table: string, columns: string[], rows: SqlValue[][], suffix = ""): D1PreparedStatement[] {
    if (rows.length === 0) return [];
    if (!this.group) return insertJsonRows(this.db, table, columns, rows, suffix);
    this.group.batch.addRows(table, columns, rows, suffix);
    return [];
  }

  private insertEntityRows<T extends Parameters<typeof entityRows>[0]>(table: T, rows: T["$inferInsert"][]): D1PreparedStatement[] {
    if (rows.length === 0) return [];
    const e = entityRows(table, rows);
    return this.insertRows(e.table, e.columns, e.rows);
  }

  /** A counter's increment; in a group, summed with the group's other increments of it. */
  private count(table: "accounts" | "spaces", id: string, n: number): D1PreparedStatement[] {
    if (!this.group) return [countStatement(this.db, table, id, n)];
    this.group.batch.addCount(table, id, n);
    return [];
  }

  /** D1 bookmark of the last batch this object committed (null before the first, or where sessions are not available). */
  private bookmark: string | null = null;

  /** Commits a batch at the primary and keeps its bookmark, so a reader can ask for a replica at least as fresh. */
  private async write(statements: D1PreparedStatement[]): Promise<D1Result[]> {
    const db = this.db;
    if (typeof db.withSession !== "function") return db.batch(statements); // a stand-in database (fault-injection tests)
    const session = db.withSession("first-primary");
    const results = await session.batch(statements);
    this.bookmark = session.getBookmark();
    return results;
  }

  private async run(op: LedgerOp): Promise<LedgerResult> {
    if (this.spaceId !== null && this.spaceId !== op.spaceId) {
      return fail(500, "INTERNAL_ERROR", "Operation routed to the wrong space ledger");
    }
    this.spaceId = op.spaceId;
    // Idempotency is optimistic: the key's record goes into the write's own batch,
    // whose primary key refuses a second use. A fresh key (the usual case) so
    // costs no extra D1 round trip; the stored result is read only when the
    // write could not go through as new.
    let result: LedgerResult;
    try {
      result = await this.dispatch(op, await this.loadChain());
    } catch (err) {
      // The key's own primary key refusing the batch means SQLite rolled it back and
      // the cache is still right. Any other failure may hide a commit: the cache is
      // dropped and rebuilt from D1, and the failure is logged even when the stored
      // result then answers the caller.
      const keyReplay = isKeyReplay(err);
      // A guarded write learns nothing from a key's record before its access holds: the ordinary path answers it.
      if (guarded(op) && (keyReplay || refusedByGuard(err))) return unverified();
      if (!keyReplay) {
        this.forget();
        logLedgerError(op, err);
      }
      const prior = guarded(op) ? null : await this.storedResult(op).catch(() => null);
      if (prior) return prior;
      if (keyReplay) logLedgerError(op, err); // the record exists but could not be read
      throw err;
    }
    if (result.ok) {
      this.committed(op, result);
      return result;
    }
    if (guarded(op)) return unverified();
    // A refusal (funds since spent, already reverted…) may be the retry of a write that succeeded.
    return (await this.storedResult(op).catch(() => null)) ?? result;
  }

  private dispatch(op: LedgerOp, chain: ChainState): Promise<LedgerResult> {
    switch (op.kind) {
      case "commit":
        return this.commit(op, chain, op.txs, op.preview ?? false);
      case "revert":
        return this.revert(op, chain);
      case "recategorize":
        return this.recategorize(op, chain);
      case "retireCategory":
        return this.retireCategory(op, chain);
      case "updateAccount":
        return this.updateAccount(op, chain);
      case "setTransactionMetadata":
        return this.setTransactionMetadata(op, chain);
      case "setAccountMetadata":
        return this.setAccountMetadata(op, chain);
    }
  }

  /**
   * The result recorded under the operation's Idempotency-Key, replayed; a 422
   * if the key was used for a different request; null if the key is unused.
   * This also answers a retry whose first attempt committed but never heard back.
   */
  private async storedResult(op: LedgerOp): Promise<LedgerResult | null> {
    if (!recordsKey(op)) return null;
    const prior = await this.db
      .prepare("SELECT fingerprint, result FROM idempotency_keys WHERE space_id = ? AND key = ?")
      .bind(op.spaceId, op.idempotency.key)
      .first<{ fingerprint: string; result: string }>();
    if (!prior) return null;
    this.noteRecordedKey(op.idempotency.key);
    if (prior.fingerprint !== op.idempotency.fingerprint) {
      return fail(422, "IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was already used with a different request");
    }
    const stored = JSON.parse(prior.result) as StoredAnswer | (LedgerResult & { ok: true });
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

  private async loadChain(): Promise<ChainState> {
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
  private async loadAddresses(addresses: Set<string>): Promise<void> {
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

  private async commit(
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

    for (const [i, t] of intents.entries()) {
      const broken = checkAccountPostings(t.postings, ruleOf);
      if (broken) return { ok: false, error: { ...broken, message: broken.message + (intents.length > 1 ? ` (transaction ${i} of the batch)` : "") } };
    }

    const refs = intents.map((t) => t.reference).filter((r): r is string => !!r);
    if (new Set(refs).size !== refs.length) return fail(409, "CONFLICT", "Two transactions in this request share a reference");
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
      if (isFailure(applied)) {
        const where = intents.length > 1 ? ` (transaction ${committed.length} of the batch)` : "";
        return { ok: false, error: { ...applied, message: applied.message + where } };
      }
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
    if (byDate) return { ok: false, error: byDate };
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
   * future-dated entry): one that may not overdraw must stay at or above zero at every later entry too, and
   * a bounded one (not world, income, expense or equity) whose volumes have been rebased (`volumes`, after
   * the write) must stay within 2^53 - 1 either way at the end of every instant (without a rebase its sides,
   * and so every sum of its entries in any order, are within that).
   */
  private async firstValueDatedRefusal(
    entries: Entry[],
    policy: { allowsOverdraft(a: string): boolean },
    volumes: Map<string, StoredVolume>,
  ): Promise<LedgerFailure | null> {
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
        statements: gapStatements(this.db, this.spaceId!, address, sorted[0]!.asset, sorted, rangeCheck),
      });
    }
    if (checks.length === 0) return null;
    const results = await this.db.batch<GapRow>(checks.flatMap((c) => c.statements));
    let at = 0;
    for (const c of checks) {
      const gaps = results.slice(at, at + c.statements.length).map((r) => r.results[0]!);
      at += c.statements.length;
      const out = firstOutOfRange(c.pending, gaps, c.before, c.check);
      if (!out) continue;
      const e = c.pending[0]!;
      const day = new Date(out.at).toISOString();
      return out.kind === "negative"
        ? {
            status: 422, code: "INSUFFICIENT_FUNDS",
            message: `Account ${e.address} would have a negative ${e.asset} balance on ${day}; it may not overdraw at any date`,
            details: [{ field: "date", message: "Later entries would be left without funds", code: "INSUFFICIENT_FUNDS" }],
          }
        : {
            status: 422, code: "VALIDATION_FAILED",
            message: `The ${e.asset} balance of ${e.address} at ${day} would pass the largest supported balance (${MAX_MINOR} minor units in either direction)`,
            details: [{ field: "date", message: `${e.address} would be out of range at that date`, code: "TOO_BIG" }],
          };
    }
    return null;
  }

  private transactionStatements(committed: CommittedTx[], entries: Entry[], volumes: Map<string, StoredVolume>, now: number): D1PreparedStatement[] {
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
  private async persist(
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
    if (op.kind === "commit" && op.guard) checks.push(this.db.prepare(op.guard.sql).bind(...op.guard.params));
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

  private effectStatements(effects: SideEffect[], committed: CommittedTx[], now: number): D1PreparedStatement[] {
    const out: D1PreparedStatement[] = [];
    const accountRows = effects.flatMap((e) => (e.kind === "insertAccount" ? [e.row] : []));
    out.push(...this.insertEntityRows(accountsTable, accountRows));
    const txRows = effects.flatMap((e) =>
      e.kind === "insertTransaction" ? [{ ...e.row, ledgerSeq: committed[e.txIndex]!.txid }] : [],
    );
    out.push(...this.insertEntityRows(transactions, txRows));
    // The counts that lists report as their total, kept with the rows they count.
    const perAccount = new Map<string, number>();
    for (const r of txRows) perAccount.set(r.accountId, (perAccount.get(r.accountId) ?? 0) + 1);
    for (const [accountId, n] of perAccount) out.push(...this.count("accounts", accountId, n));
    if (txRows.length > 0) out.push(...this.count("spaces", this.spaceId!, txRows.length));
    const events = effects.flatMap((e) => (e.kind === "insertEvent" ? [[e.row.id, e.row.spaceId, e.row.type, e.row.payload, e.row.dedupeKey, e.row.createdAt]] : []));
    out.push(...this.insertRows("event_outbox", ["id", "space_id", "type", "payload", "dedupe_key", "created_at"], events, "ON CONFLICT (dedupe_key) DO NOTHING"));
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

  private async findTx(seq: number): Promise<CommittedTx | null> {
    const row = await this.db
      .prepare("SELECT * FROM ledger_transactions WHERE space_id = ? AND seq = ?")
      .bind(this.spaceId, seq)
      .first<Record<string, unknown>>();
    return row ? txFromRow(row) : null;
  }

  /**
   * Reverts a transaction. If its Dhanam rows were recategorized since, their
   * amounts first move back to the counterparties the original posted to, so
   * the revert is an exact mirror and every category nets to zero.
   */
  private async revert(op: Extract<LedgerOp, { kind: "revert" }>, chain: ChainState): Promise<LedgerResult> {
    const original = await this.findTx(op.seq);
    if (!original) return fail(404, "RESOURCE_NOT_FOUND", `Transaction ${op.seq} not found`);
    if (original.reverted) return fail(409, "ALREADY_REVERTED", `Transaction ${op.seq} has already been reverted`);
    if (original.reverts !== null) return fail(409, "ALREADY_REVERTED", `Transaction ${op.seq} is itself a revert`);
    const timestamp = op.atEffectiveDate ? original.timestamp : undefined;
    const rows = await this.db
      .prepare(`SELECT ${ROW_COLUMNS} FROM transactions WHERE space_id = ? AND ledger_seq = ? AND status != 'cancelled'`)
      .bind(this.spaceId, op.seq)
      .all<RowForLedger>();
    // A transaction on Dhanam addresses with no rows of its own is a reclassification: it follows its rows'
    // categories, and undoing it alone would part the ledger from them.
    const touchesDhanam = original.postings.some((p) => isDhanamOwnedAddress(p.source) || isDhanamOwnedAddress(p.destination));
    if (rows.results.length === 0 && touchesDhanam) {
      return fail(409, "CONFLICT", `Transaction ${op.seq} reclassifies Dhanam transactions; change their category instead of reverting it`);
    }
    const back: Posting[] = [];
    for (const row of rows.results) {
      const posted = ledgerCounterparty(row, original.postings);
      if (posted && counterpartyOf(row) !== posted) back.push(reclassPosting(row, counterpartyOf(row), posted));
    }
    const intents: Intent[] = [];
    if (back.length > 0) intents.push({ postings: back, metadata: { kind: "reclassification", reason: `revert of ${op.seq}` }, timestamp });
    intents.push({ postings: reversePostings(original.postings), metadata: op.metadata, timestamp, revertOf: original });
    // The caller asked for the compensating transaction: it is the last one.
    return this.commit(op, chain, intents, false, [], intents.length - 1);
  }

  /**
   * Sets Dhanam rows' categories and, for rows whose category the ledger
   * carries, posts one reclassification moving each amount from the old
   * category's counterparty to the new one's, in the same batch.
   */
  private async recategorize(op: Extract<LedgerOp, { kind: "recategorize" }>, chain: ChainState): Promise<LedgerResult> {
    if (op.changes.some((c) => c.categoryId !== null && this.retired.has(c.categoryId))) return retiredCategory();
    const ids = [...new Set(op.changes.map((c) => c.transactionId))];
    const rows = new Map(
      (
        await this.db
          .prepare(`SELECT ${ROW_COLUMNS} FROM transactions WHERE space_id = ? AND id ${IN_JSON_LIST}`)
          .bind(this.spaceId, jsonList(ids))
          .all<RowForLedger>()
      ).results.map((r) => [r.id, r]),
    );
    const seqs = [...new Set([...rows.values()].map((r) => r.ledger_seq))];
    const postingsBySeq = new Map(
      seqs.length === 0 ? [] : (
        await this.db
          .prepare(`SELECT seq, postings FROM ledger_transactions WHERE space_id = ? AND seq ${IN_JSON_LIST}`)
          .bind(this.spaceId, jsonList(seqs))
          .all<{ seq: number; postings: string }>()
      ).results.map((r) => [r.seq, JSON.parse(r.postings) as Posting[]]),
    );
    const now = Date.now();
    const changed: string[] = [];
    const groups = new Map<string, { categoryId: string | null; source: string | null; ids: string[] }>();
    // Reclassifications take the date of the transactions they move, so category flows per period agree with budgets.
    const postingsByDate = new Map<number, Posting[]>();
    for (const c of op.changes) {
      const row = rows.get(c.transactionId);
      if (!row || changed.includes(row.id)) continue;
      if (c.unlessManual && row.category_source === "manual") continue;
      if (row.categoryId === c.categoryId && row.category_source === c.categorySource) continue;
      changed.push(row.id);
      const key = `${c.categoryId}\u0000${c.categorySource}`;
      const group = groups.get(key) ?? { categoryId: c.categoryId, source: c.categorySource, ids: [] };
      group.ids.push(row.id);
      groups.set(key, group);
      if (row.status === "cancelled" || !ledgerCounterparty(row, postingsBySeq.get(row.ledger_seq) ?? [])) continue;
      const from = counterpartyOf(row);
      const to = counterpartyOf({ ...row, categoryId: c.categoryId });
      if (from !== to) postingsByDate.set(row.date, [...(postingsByDate.get(row.date) ?? []), reclassPosting(row, from, to)]);
    }
    const updates = [...groups.values()].map((g) =>
      this.db
        .prepare(`UPDATE transactions SET category_id = ?, category_source = ?, updated_at = ? WHERE space_id = ? AND id ${IN_JSON_LIST}`)
        .bind(g.categoryId, g.source, now, this.spaceId, jsonList(g.ids)),
    );
    const intents: Intent[] = [];
    for (const [timestamp, postings] of [...postingsByDate].sort((a, b) => a[0] - b[0])) {
      for (let i = 0; i < postings.length; i += MAX_POSTINGS_PER_TX) {
        intents.push({ postings: postings.slice(i, i + MAX_POSTINGS_PER_TX), metadata: { kind: "reclassification" }, timestamp });
      }
    }
    if (updates.length === 0) return { ok: true, replayed: false, transactions: [], returns: { changed } };
    return this.commit({ ...op, returns: { changed } }, chain, intents, false, updates);
  }

  /**
   * Begins a category's deletion in order with the space's writes: rows in it
   * are refused from here on, and the rows that use it move to `reassignTo`
   * (their amounts reclassified), or the deletion is refused while any do.
   */
  private async retireCategory(op: Extract<LedgerOp, { kind: "retireCategory" }>, chain: ChainState): Promise<LedgerResult> {
    if (op.reassignTo !== undefined && this.retired.has(op.reassignTo)) return retiredCategory();
    this.retired.add(op.categoryId);
    const using = await this.db
      .prepare("SELECT id, category_source FROM transactions WHERE space_id = ? AND category_id = ?")
      .bind(this.spaceId, op.categoryId)
      .all<{ id: string; category_source: "manual" | "rule" | "ml" | null }>();
    const n = using.results.length;
    if (n > 0 && op.reassignTo === undefined) {
      this.retired.delete(op.categoryId);
      return fail(409, "CONFLICT", `${n} transactions use this category; pass ?reassignTo=<categoryId> to move them first`);
    }
    if (n === 0) return { ok: true, replayed: false, transactions: [], returns: { moved: "0" } };
    const changes = using.results.map((r) => ({ transactionId: r.id, categoryId: op.reassignTo!, categorySource: r.category_source ?? "manual" }));
    const moved = await this.recategorize({ kind: "recategorize", spaceId: op.spaceId, changes }, chain);
    return moved.ok ? { ...moved, returns: { ...moved.returns, moved: String(n) } } : moved;
  }

  /**
   * Changes an account's flags in order with the writes that check them: the
   * ledger refuses to forbid overdraft while the account is below zero.
   */
  private async updateAccount(op: Extract<LedgerOp, { kind: "updateAccount" }>, chain: ChainState): Promise<LedgerResult> {
    const address = `accounts:${op.accountId}`;
    const row = await this.db
      .prepare("SELECT currency, type, is_active, allow_overdraft, disconnected_at FROM accounts WHERE space_id = ? AND id = ?")
      .bind(this.spaceId, op.accountId)
      .first<{ currency: string; type: string; is_active: number; allow_overdraft: number; disconnected_at: number | null }>();
    if (!row) return fail(404, "RESOURCE_NOT_FOUND", "Account not found");
    const { set } = op;
    if (set.allowOverdraft === false && row.allow_overdraft === 1) {
      // Its statement must never show a negative balance, at any date: the lowest running balance in
      // value-date order, per asset, must be at or above zero (the balance now is the last of them).
      const lowest = await this.db
        .prepare(
          `SELECT asset, MIN(run) AS lowest FROM (
             SELECT asset, SUM(amount) OVER (PARTITION BY asset ORDER BY timestamp, seq, posting_index ROWS UNBOUNDED PRECEDING) AS run
               FROM ledger_entries WHERE space_id = ? AND address = ?) GROUP BY asset HAVING MIN(run) < 0 LIMIT 1`,
        )
        .bind(this.spaceId, address)
        .first<{ asset: string; lowest: number }>();
      if (lowest) {
        return fail(409, "CONFLICT", `Account ${op.accountId} is or was below zero (${lowest.asset} ${lowest.lowest} at its lowest); it cannot forbid overdraft over that history`);
      }
    }
    const now = Date.now();
    const active = set.isActive ?? row.is_active === 1;
    const disconnectedAt = set.isActive === undefined ? row.disconnected_at : set.isActive ? null : (row.disconnected_at ?? now);
    const cols: [string, string | number | null][] = [["updated_at", now], ["is_active", active ? 1 : 0], ["disconnected_at", disconnectedAt]];
    if (set.allowOverdraft !== undefined) cols.push(["allow_overdraft", set.allowOverdraft ? 1 : 0]);
    if (set.name !== undefined) cols.push(["name", set.name]);
    if (set.institutionName !== undefined) cols.push(["institution_name", set.institutionName]);
    const update = this.db
      .prepare(`UPDATE accounts SET ${cols.map(([c]) => `${c} = ?`).join(", ")} WHERE space_id = ? AND id = ?`)
      .bind(...cols.map(([, v]) => v), this.spaceId, op.accountId);
    // The log records rule changes with the sequence they take effect at: the invariants checker (and an
    // auditor) can tell which entries an account's overdraft rule applied to.
    const rules = { ...(set.allowOverdraft === undefined ? {} : { allowOverdraft: set.allowOverdraft }), ...(set.isActive === undefined ? {} : { isActive: set.isActive }) };
    const logs: PendingLog[] = Object.keys(rules).length === 0 ? [] : [
      { type: "SET_ACCOUNT_RULES", data: JSON.stringify({ accountId: op.accountId, ...rules, fromSeq: chain.nextSeq }) },
    ];
    const result: LedgerResult = { ok: true, replayed: false, transactions: [], returns: {} };
    await this.persist(op, chain, [update], logs, result, now);
    this.accounts.set(address, {
      currency: row.currency, type: row.type, active, allowOverdraft: set.allowOverdraft ?? row.allow_overdraft === 1,
    });
    return result;
  }

  private async setTransactionMetadata(op: Extract<LedgerOp, { kind: "setTransactionMetadata" }>, chain: ChainState): Promise<LedgerResult> {
    const tx = await this.findTx(op.seq);
    if (!tx) return fail(404, "RESOURCE_NOT_FOUND", `Transaction ${op.seq} not found`);
    const merged = { ...tx.metadata, ...op.metadata };
    const now = Date.now();
    const updated: CommittedTx = { ...tx, metadata: merged };
    const result: LedgerResult = { ok: true, replayed: false, transactions: [updated], returns: op.returns ?? {} };
    await this.persist(
      op,
      chain,
      [this.db.prepare("UPDATE ledger_transactions SET metadata = ? WHERE space_id = ? AND seq = ?").bind(JSON.stringify(merged), this.spaceId, op.seq)],
      [{ type: "SET_METADATA", data: JSON.stringify({ targetType: "TRANSACTION", targetId: op.seq, metadata: op.metadata }) }],
      result,
      now,
    );
    return result;
  }

  private async setAccountMetadata(op: Extract<LedgerOp, { kind: "setAccountMetadata" }>, chain: ChainState): Promise<LedgerResult> {
    const row = await this.db
      .prepare("SELECT metadata FROM ledger_accounts WHERE space_id = ? AND address = ?")
      .bind(this.spaceId, op.address)
      .first<{ metadata: string }>();
    const merged = { ...(row ? JSON.parse(row.metadata) : {}), ...op.metadata };
    const now = Date.now();
    const result: LedgerResult = { ok: true, replayed: false, transactions: [], returns: op.returns ?? {} };
    await this.persist(
      op,
      chain,
      [
        this.db
          .prepare(
            "INSERT INTO ledger_accounts (space_id, address, metadata, first_seq, created_at) VALUES (?, ?, ?, NULL, ?) ON CONFLICT (space_id, address) DO UPDATE SET metadata = excluded.metadata",
          )
          .bind(this.spaceId, op.address, JSON.stringify(merged), now),
      ],
      [{ type: "SET_METADATA", data: JSON.stringify({ targetType: "ACCOUNT", targetId: op.address, metadata: op.metadata }) }],
      result,
      now,
    );
    return result;
  }
}

/** A ledger transaction may hold this many postings (the ledger API's own limit). */
const MAX_POSTINGS_PER_TX = 500;

const retiredCategory = () => ({
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
