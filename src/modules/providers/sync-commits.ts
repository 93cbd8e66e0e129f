/**
 * Posting what a sync found new: rows in chunks of one ledger write each, a few in flight so the space's ledger object
 * commits them together, each row announced to webhooks in its own batch; trades (Bitso) as one ledger transaction
 * with a row per account they touch. A chunk refused for a reference already used is retried row by row: a retried or
 * concurrent run of the same sync posted some of it.
 */
import type { Services } from "../../env";
import { isConflict } from "../../lib/errors";
import { instantIn } from "../../lib/dates";
import { newId, newIds } from "../../lib/ids";
import { assetOf, type Currency } from "../../lib/money";
import { accountAddress } from "../ledger/addresses";
import { runLedger } from "../ledger/client";
import type { SideEffect } from "../ledger/operations";
import type { Posting, TxIntent } from "../ledger/types";
import type { AccountRow } from "../accounts/service";
import { type OutboxRow, queueFanout } from "../webhooks/publish";
import { transactionCreatedEvent } from "../webhooks/transaction-events";
import type { ConnectionRow } from "./connections";
import { type NormalTrade, type SyncStats } from "./sync-types";

/** Ledger transactions per commit when posting many new rows (the ledger object takes up to 100 in one write). */
export const COMMIT_CHUNK = 100;

/** Commits of one sync sent to the ledger object at a time. */
const COMMITS_IN_FLIGHT = 4;

export interface Planned {
  row: Omit<typeof import("../../db/schema").transactions.$inferInsert, "ledgerSeq">;
  postings: Posting[];
  reference: string;
  /** Pending rows this new row may duplicate (an ambiguous match): flagged for a person, in the row's own commit. */
  reviewCandidates?: string[];
  /**
   * The old row the person voided, of which this is the new copy after a relink: the copy is voided right after its
   * commit, and the mark in its ledger metadata lets a later sync finish that if a crash came between (existing-rows.ts).
   */
  carriedVoidOf?: string;
}

/**
 * Posts planned rows in chunks; a chunk refused for a reference already used is retried row by row. Returns the ids
 * committed. New rows are announced, their dates in the space's zone `announceIn`; corrections (null) are not.
 * Each chunk's categories go into `touched` before it is sent: a write whose answer is lost may have committed,
 * and its retry would find the rows already there and write nothing, so the failed run's check must cover them
 * (checking a category whose spending did not change writes nothing).
 */
export async function commitPlanned(
  svc: Services, conn: ConnectionRow, planned: Planned[], stats: SyncStats, announceIn: string | null, touched: Set<string>,
): Promise<string[]> {
  const countCreated = announceIn !== null;
  const done: string[] = [];
  const announced: OutboxRow[] = [];
  const commit = async (chunk: Planned[]) => {
    for (const p of chunk) if (p.row.categoryId) touched.add(p.row.categoryId);
    const txs: TxIntent[] = chunk.map((p) => ({
      postings: p.postings, reference: p.reference, timestamp: p.row.date,
      metadata: {
        dhanamTransactionId: p.row.id, provider: conn.provider, providerTransactionId: p.row.providerTransactionId ?? "",
        ...(p.carriedVoidOf ? { carriedVoidOf: p.carriedVoidOf } : {}),
      },
    }));
    const effects: SideEffect[] = chunk.map((p, i) => ({ kind: "insertTransaction", txIndex: i, row: p.row }));
    // New transactions are announced in the same batch (corrections are not new transactions), stored only when a
    // subscription of the space listens for them, as a write through the API: an import into a space nobody listens to
    // leaves nothing in the outbox for the hourly sweep to go through.
    const eventIds = countCreated ? newIds("evt", chunk.length, svc.clock.now()) : [];
    const events = announceIn !== null ? chunk.map((p, i) => createdEvent(conn, p.row, announceIn, p.row.createdAt, eventIds[i]!)) : [];
    for (const row of events) effects.push({ kind: "insertEvent", row, onlyIfSubscribed: true });
    const flags = chunk.filter((p) => p.reviewCandidates?.length);
    for (const p of flags) {
      effects.push({
        kind: "insertReviewFlag",
        row: { id: newId("flg", p.row.createdAt), spaceId: conn.space_id, transactionId: p.row.id, candidateTransactionIds: JSON.stringify(p.reviewCandidates), reason: "possible_pending_duplicate", createdAt: p.row.createdAt },
      });
    }
    await runLedger(svc, { kind: "commit", spaceId: conn.space_id, txs, effects });
    done.push(...chunk.map((p) => p.row.id));
    announced.push(...events);
    if (countCreated) stats.created += chunk.length;
    stats.flagged += flags.length;
  };
  const commitChunk = async (chunk: Planned[]) => {
    try {
      await commit(chunk);
    } catch (e) {
      if (!isConflict(e)) throw e;
      for (const p of chunk) {
        try {
          await commit([p]);
        } catch (e2) {
          if (!isConflict(e2)) throw e2;
          // Already posted by an earlier or concurrent run of this sync.
          stats.unchanged++;
        }
      }
    }
  };
  const chunks: Planned[][] = [];
  for (let i = 0; i < planned.length; i += COMMIT_CHUNK) chunks.push(planned.slice(i, i + COMMIT_CHUNK));
  // A few chunks in flight: the ledger object commits those that wait together (group commit), one D1 batch for them.
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) await commitChunk(chunks[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(COMMITS_IN_FLIGHT, chunks.length) }, worker));
  // Queued for the spaces that listen now; one whose event its batch did not store (a subscription created since)
  // is a fan-out that finds no event and sends nothing.
  await queueFanout(svc, announced);
  return done;
}

/** Trades as ledger transactions, many per commit; a chunk refused for a reference already used is retried one by one. */
export async function commitTrades(
  svc: Services, conn: ConnectionRow, trades: NormalTrade[], accountOf: (ext: string) => AccountRow, tz: string, now: number, stats: SyncStats,
): Promise<{ id: string; accountId: string }[]> {
  const build = (list: NormalTrade[]) => {
    const txs: TxIntent[] = [];
    const effects: SideEffect[] = [];
    const ids: { id: string; accountId: string }[] = [];
    for (const trade of list) {
      const date = instantIn(trade.date, tz);
      const postings: Posting[] = [];
      const txIndex = txs.length;
      trade.legs.forEach((l, i) => {
        if (l.amountMinor === 0) return;
        const acc = accountOf(l.accountExternalId);
        const asset = assetOf(acc.currency as Currency);
        const address = accountAddress(acc.id);
        const counterparty = l.fee ? "expense:fees" : "world";
        postings.push(l.amountMinor < 0 ? { source: address, destination: counterparty, amount: -l.amountMinor, asset } : { source: counterparty, destination: address, amount: l.amountMinor, asset });
        const id = newId("txn", now);
        ids.push({ id, accountId: acc.id });
        effects.push({
          kind: "insertTransaction", txIndex,
          row: {
            id, spaceId: conn.space_id, accountId: acc.id, amount: l.amountMinor, currency: acc.currency, description: l.fee ? `Fee: ${trade.description}` : trade.description,
            merchantName: conn.institution_name, normalizedMerchant: null, date, type: l.fee ? "fee" : "trade", subtype: l.fee ? "commission" : l.side, status: "posted",
            categoryId: null, categorySource: null, tags: "[]", notes: null, location: null, counterpartyAccountId: null,
            trade: l.fee ? null : JSON.stringify(trade.record), providerTransactionId: i === 0 ? trade.id : `${trade.id}#leg${i}`, createdAt: now, updatedAt: now,
          },
        });
      });
      if (postings.length) txs.push({ postings, reference: `sync:${conn.id}:${trade.id}`, timestamp: date, metadata: { provider: conn.provider, providerTradeId: trade.id } });
    }
    return { txs, effects, ids };
  };
  const announced: OutboxRow[] = [];
  const commit = async (list: NormalTrade[]) => {
    const { txs, effects, ids } = build(list);
    if (txs.length === 0) return [];
    // Each leg's Dhanam transaction (the trade and its fee) is announced in the same batch, like synced cash rows
    // (stored only when a subscription listens for them).
    const rows = effects.flatMap((e) => (e.kind === "insertTransaction" ? [e.row] : []));
    const eventIds = newIds("evt", rows.length, svc.clock.now());
    const events = rows.map((row, i) => createdEvent(conn, row, tz, row.createdAt, eventIds[i]!));
    for (const row of events) effects.push({ kind: "insertEvent", row, onlyIfSubscribed: true });
    await runLedger(svc, { kind: "commit", spaceId: conn.space_id, txs, effects });
    announced.push(...events);
    stats.created += txs.length;
    return ids;
  };
  const out: { id: string; accountId: string }[] = [];
  try {
    out.push(...(await commit(trades)));
  } catch (e) {
    if (!isConflict(e)) throw e;
    for (const t of trades) {
      try {
        out.push(...(await commit([t])));
      } catch (e2) {
        if (!isConflict(e2)) throw e2;
        stats.unchanged++;
      }
    }
  }
  await queueFanout(svc, announced);
  return out;
}

/** The `transaction.created` event of a synced row, for the ledger batch that posts it (webhooks/transaction-events.ts). */
const createdEvent = (conn: ConnectionRow, row: Planned["row"], tz: string, now: number, id: string): OutboxRow =>
  transactionCreatedEvent(row, { provider: conn.provider, connectionId: conn.id }, tz, now, id);
