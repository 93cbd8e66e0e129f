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
import { ledgerTransactions, transactions, accounts as accountsTable } from "../src/db/schema";
import { inChunks, insertEntities, insertRows, questionMarks, type SqlValue } from "../src/lib/sql";
import { accountIdOf } from "../src/modules/ledger/addresses";
import { GENESIS_HASH, hashLog } from "../src/modules/ledger/chain";
import { applyPostings, isFailure, reversePostings, volumeKey } from "../src/modules/ledger/engine";
import type { LedgerOp, LedgerResult, SideEffect } from "../src/modules/ledger/operations";
import { txFromRow } from "../src/modules/ledger/rows";
import type { CommittedTx, Entry, LedgerFailure, Metadata, TxIntent, Volume } from "../src/modules/ledger/types";

interface ChainState {
  nextSeq: number;
  nextLogId: number;
  lastHash: string;
}

interface PendingLog {
  type: string;
  data: string;
}

/**
 * A batch refused because its Idempotency-Key is already recorded. The key's
 * INSERT is the batch's first statement, so no other constraint can fire before
 * it, and a failed statement rolls the whole D1 batch back.
 */
const isKeyReplay = (err: unknown) => /SQLITE_CONSTRAINT/.test(String(err)) && /idempotency_keys/.test(String(err));

/** Whether the operation's Idempotency-Key is recorded with its result (a preview writes nothing). */
const recordsKey = (op: LedgerOp): op is LedgerOp & { idempotency: NonNullable<LedgerOp["idempotency"]> } =>
  !!op.idempotency && !(op.kind === "commit" && op.preview);

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
  private volumes = new Map<string, Volume>();
  /** Addresses whose volumes (all assets) are in `volumes`; a miss for them means zero. */
  private loadedAddresses = new Set<string>();
  /** allowOverdraft of `accounts:` addresses, by address. */
  private overdraft = new Map<string, boolean>();
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs one operation after every earlier one has finished. */
  execute(op: LedgerOp): Promise<LedgerResult> {
    const run = this.tail.then(() => this.run(op));
    this.tail = run.catch(() => undefined);
    return run.catch(() => {
      // Unknown outcome (`run` has logged it): the next write reloads from D1.
      this.forget();
      return fail(503, "INTERNAL_ERROR", "The ledger could not confirm this write; retry with the same Idempotency-Key");
    });
  }

  /** Drops cached state (also used by fault-injection tests). */
  forget(): void {
    this.chain = null;
    this.volumes.clear();
    this.loadedAddresses.clear();
    this.overdraft.clear();
  }

  private get db(): D1Database {
    return this.env.DB;
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
      if (!keyReplay) {
        this.forget();
        logLedgerError(op, err);
      }
      const prior = await this.storedResult(op).catch(() => null);
      if (prior) return prior;
      if (keyReplay) logLedgerError(op, err); // the record exists but could not be read
      throw err;
    }
    if (result.ok) return result;
    // A refusal (funds since spent, already reverted…) may be the retry of a write that succeeded.
    return (await this.storedResult(op).catch(() => null)) ?? result;
  }

  private dispatch(op: LedgerOp, chain: ChainState): Promise<LedgerResult> {
    switch (op.kind) {
      case "commit":
        return this.commit(op, chain, op.txs, op.preview ?? false);
      case "revert":
        return this.revert(op, chain);
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
    if (prior.fingerprint !== op.idempotency.fingerprint) {
      return fail(422, "IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was already used with a different request");
    }
    return { ...(JSON.parse(prior.result) as LedgerResult & { ok: true }), replayed: true };
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

  /** Loads volumes and overdraft rules for the addresses a write touches. */
  private async loadAddresses(addresses: Set<string>): Promise<void> {
    const missing = [...addresses].filter((a) => !this.loadedAddresses.has(a));
    if (missing.length > 0) {
      const rows = await inChunks(missing, 1, async (chunk) => {
        const res = await this.db
          .prepare(`SELECT address, asset, input, output FROM ledger_volumes WHERE space_id = ? AND address IN (${questionMarks(chunk.length)})`)
          .bind(this.spaceId, ...chunk)
          .all<{ address: string; asset: string; input: number; output: number }>();
        return res.results;
      });
      for (const r of rows) this.volumes.set(volumeKey(r.address, r.asset), { input: r.input, output: r.output });
      for (const a of missing) this.loadedAddresses.add(a);
    }
    const accountIds = [...addresses].filter((a) => !this.overdraft.has(a)).map(accountIdOf).filter((x): x is string => x !== null);
    if (accountIds.length > 0) {
      const rows = await inChunks(accountIds, 1, async (chunk) => {
        const res = await this.db
          .prepare(`SELECT id, allow_overdraft FROM accounts WHERE space_id = ? AND id IN (${questionMarks(chunk.length)})`)
          .bind(this.spaceId, ...chunk)
          .all<{ id: string; allow_overdraft: number }>();
        return res.results;
      });
      for (const id of accountIds) this.overdraft.set(`accounts:${id}`, false);
      for (const r of rows) this.overdraft.set(`accounts:${r.id}`, r.allow_overdraft === 1);
    }
  }

  /** Forgets an account's cached overdraft rule after it changes in D1. */
  refreshAccount(address: string): void {
    this.overdraft.delete(address);
  }

  private async commit(
    op: LedgerOp,
    chain: ChainState,
    intents: TxIntent[],
    preview: boolean,
    extra: { revertOf?: CommittedTx; revertMetadata?: Metadata } = {},
  ): Promise<LedgerResult> {
    const now = Date.now();
    // Accounts created in this same write are not in D1 yet: take their overdraft rule from the effect.
    const addresses = new Set<string>();
    for (const t of intents) for (const p of t.postings) addresses.add(p.source).add(p.destination);
    await this.loadAddresses(addresses);
    const newAccountRules = new Map<string, boolean>();
    for (const e of op.effects ?? []) {
      if (e.kind === "insertAccount") newAccountRules.set(`accounts:${e.row.id}`, e.row.allowOverdraft ?? false);
    }
    const policy = {
      allowsOverdraft: (address: string) => newAccountRules.get(address) ?? this.overdraft.get(address) ?? false,
    };

    const refs = intents.map((t) => t.reference).filter((r): r is string => !!r);
    if (new Set(refs).size !== refs.length) return fail(409, "CONFLICT", "Two transactions in this request share a reference");
    if (refs.length > 0) {
      const taken = await inChunks(refs, 1, async (chunk) => {
        const res = await this.db
          .prepare(`SELECT reference FROM ledger_transactions WHERE space_id = ? AND reference IN (${questionMarks(chunk.length)})`)
          .bind(this.spaceId, ...chunk)
          .all<{ reference: string }>();
        return res.results;
      });
      if (taken.length > 0) return fail(409, "CONFLICT", `Reference ${taken[0]!.reference} is already used in this space`);
    }

    // Apply to a scratch copy of the touched volumes; the cache only changes once D1 has the batch.
    const scratch = new Map<string, Volume>();
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
        metadata: extra.revertOf ? { ...(intent.metadata ?? {}), ...(extra.revertMetadata ?? {}) } : (intent.metadata ?? {}),
        timestamp,
        preCommitVolumes: applied.pre,
        postCommitVolumes: applied.post,
        reverted: false,
        revertedBy: null,
        reverts: extra.revertOf ? extra.revertOf.txid : null,
      });
      seq++;
    }
    if (preview) return { ok: true, replayed: false, transactions: committed, returns: op.returns ?? {} };

    const logs: PendingLog[] = committed.map((tx) =>
      extra.revertOf
        ? { type: "REVERTED_TRANSACTION", data: JSON.stringify({ revertedTransactionId: extra.revertOf.txid, transaction: logTx(tx) }) }
        : { type: "NEW_TRANSACTION", data: JSON.stringify({ transaction: logTx(tx) }) },
    );
    const statements = this.transactionStatements(committed, entries, scratch, now);
    if (extra.revertOf) {
      statements.push(
        this.db
          .prepare("UPDATE ledger_transactions SET reverted_by_seq = ? WHERE space_id = ? AND seq = ? AND reverted_by_seq IS NULL")
          .bind(committed[0]!.txid, this.spaceId, extra.revertOf.txid),
      );
    }
    const result: LedgerResult = { ok: true, replayed: false, transactions: committed, returns: op.returns ?? {} };
    await this.persist(op, chain, statements, logs, result, now, committed);
    for (const e of entries) {
      const v = scratch.get(volumeKey(e.address, e.asset))!;
      this.volumes.set(volumeKey(e.address, e.asset), v);
    }
    for (const [address, rule] of newAccountRules) this.overdraft.set(address, rule);
    chain.nextSeq = seq;
    return result;
  }

  private transactionStatements(committed: CommittedTx[], entries: Entry[], volumes: Map<string, Volume>, now: number): D1PreparedStatement[] {
    const db = this.db;
    const sid = this.spaceId!;
    const statements = insertEntities(
      db,
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
      ...insertRows(
        db,
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
      return [sid, address, asset, v.input, v.output];
    });
    statements.push(
      ...insertRows(db, "ledger_volumes", ["space_id", "address", "asset", "input", "output"], volumeRows,
        "ON CONFLICT (space_id, address, asset) DO UPDATE SET input = excluded.input, output = excluded.output"),
    );
    const firstSeen = new Map<string, number>();
    for (const t of touched.values()) if (!firstSeen.has(t.address)) firstSeen.set(t.address, t.firstSeq);
    statements.push(
      ...insertRows(db, "ledger_accounts", ["space_id", "address", "metadata", "first_seq", "created_at"],
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
    statements.push(...insertRows(this.db, "ledger_logs", ["space_id", "id", "type", "data", "date", "hash"], logRows));
    statements.push(...this.effectStatements(op.effects ?? [], committed, now));
    if (recordsKey(op)) {
      // First, so that a replayed key fails the batch before any other statement runs.
      statements.unshift(
        this.db
          .prepare("INSERT INTO idempotency_keys (space_id, key, fingerprint, result, created_at) VALUES (?, ?, ?, ?, ?)")
          .bind(sid, op.idempotency.key, op.idempotency.fingerprint, JSON.stringify(result), now),
      );
    }
    await this.db.batch(statements);
    chain.lastHash = hash;
    chain.nextLogId = id;
  }

  private effectStatements(effects: SideEffect[], committed: CommittedTx[], now: number): D1PreparedStatement[] {
    const out: D1PreparedStatement[] = [];
    const accountRows = effects.flatMap((e) => (e.kind === "insertAccount" ? [e.row] : []));
    out.push(...insertEntities(this.db, accountsTable, accountRows));
    const txRows = effects.flatMap((e) =>
      e.kind === "insertTransaction" ? [{ ...e.row, ledgerSeq: committed[e.txIndex]!.txid }] : [],
    );
    out.push(...insertEntities(this.db, transactions, txRows));
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

  private async revert(op: Extract<LedgerOp, { kind: "revert" }>, chain: ChainState): Promise<LedgerResult> {
    const original = await this.findTx(op.seq);
    if (!original) return fail(404, "RESOURCE_NOT_FOUND", `Transaction ${op.seq} not found`);
    if (original.reverted) return fail(409, "ALREADY_REVERTED", `Transaction ${op.seq} has already been reverted`);
    if (original.reverts !== null) return fail(409, "ALREADY_REVERTED", `Transaction ${op.seq} is itself a revert`);
    return this.commit(op, chain, [{ postings: reversePostings(original.postings), metadata: op.metadata }], false, {
      revertOf: original,
      revertMetadata: { revertOf: String(original.txid) },
    });
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

/** The part of a transaction that goes into its log row. */
const logTx = (tx: CommittedTx) => ({
  txid: tx.txid,
  postings: tx.postings,
  reference: tx.reference,
  metadata: tx.metadata,
  timestamp: tx.timestamp,
});
