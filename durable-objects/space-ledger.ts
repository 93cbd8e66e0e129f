/**
 * SpaceLedger: the single writer of one space's money.
 *
 * Every write of the space passes through `execute`, one at a time (a promise
 * chain, because D1 calls are outgoing I/O during which a Durable Object may
 * otherwise interleave requests). Writes that arrive while a batch is in flight
 * wait, and the next commit takes them together (group commit, this file). The
 * state and the commit path (sequence numbers, volumes, overdraft checks, the
 * log's hash chain, one D1 batch a write or a group) are ledger-core.ts's; the
 * operations besides a commit are ledger-operations.ts's.
 *
 * If a batch fails, or its outcome is unknown, the cached state is dropped and
 * reloaded from D1 before the next write, so the object never builds on a
 * commit it is unsure of.
 */
import { D1_MAX_PARAMS, IN_JSON_LIST, jsonList } from "../src/lib/sql";
import { GUARD_PREFIX, refusedByGuard } from "../src/lib/batch-guard";
import { GroupBatch } from "./group-batch";
import { isUnbounded } from "../src/modules/ledger/addresses";
import { volumeKey } from "../src/modules/ledger/engine";
import type { LedgerOp, LedgerResult } from "../src/modules/ledger/operations";
import { type ChainState, DEFER, fail, fillReads, guardCondition, guarded, guardOf, isKeyReplay, logLedgerError, recordsKey, unverified } from "./ledger-core";
import { LedgerOperations } from "./ledger-operations";

/** A write waiting its turn, and how to answer it. */
interface Waiting {
  op: LedgerOp;
  resolve: (result: LedgerResult) => void;
}

/** At most this many writes share one D1 batch. */
const MAX_GROUP = 32;

/**
 * And at most about this many rows (postings and side effects): a group's rows are held until its batch
 * is assembled, and a sync's write alone can carry hundreds.
 */
const MAX_GROUP_ROWS = 5000;
const rowsOf = (op: LedgerOp) => (op.kind === "commit" ? op.txs.reduce((n, t) => n + t.postings.length, 0) : 0) + (op.effects?.length ?? 0);

/**
 * Writes that may share a batch: commits that record transactions (previews and account-only writes run alone, and so
 * does a guarded write that asks for its own refusals: `run` answers them once its guard is seen to hold).
 */
const groupable = (op: LedgerOp) => op.kind === "commit" && !op.preview && op.txs.length > 0 && !op.answerRefusals;
const keyOf = (op: LedgerOp) => op.idempotency?.key ?? null;
/** The volume keys a commit touches on bounded addresses (accounts and the like: not world, income, expense, equity). */
const boundedKeys = (op: LedgerOp) =>
  op.kind !== "commit" ? [] : op.txs.flatMap((t) => t.postings.flatMap((p) => [p.source, p.destination].filter((a) => !isUnbounded(a)).map((a) => volumeKey(a, p.asset))));

export class SpaceLedger extends LedgerOperations {
  /** Writes waiting for the one in flight. */
  private queue: Waiting[] = [];
  private draining = false;
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
    const guard = guardOf(op);
    if (guard && (!guard.sql.startsWith(GUARD_PREFIX) || guard.params.length >= D1_MAX_PARAMS || (op.kind === "commit" && op.preview))) {
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
      const results = await this.db.batch(checked.map((w) => guardCondition(this.db, guardOf(w.op)!)));
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
      const prior = await this.knownKeyAnswer(w.op);
      if (prior) {
        answered.add(w);
        w.resolve(prior);
      } else rest.push(w);
    }
    return rest;
  }

}
