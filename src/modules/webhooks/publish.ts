/**
 * Publishing events for outgoing webhooks. An event is written once to the
 * `event_outbox` (its dedupe key is unique) and its fan-out is queued on
 * WEBHOOK_QUEUE. Code that writes outbox rows directly (budget alerts) is
 * picked up by the hourly sweep, which also re-queues deliveries whose
 * message was lost. Every step is idempotent, so a sweep racing a publish
 * still gives one delivery per subscription (deliver.ts).
 */
import { listenedToNowSql, listenedToSql } from "./creator";
import type { Services } from "../../env";
import { newId } from "../../lib/ids";
import { logError, logInfo } from "../../lib/log";
import { IN_JSON_LIST, jsonList } from "../../lib/sql";
import { DELIVER_JOB, FANOUT_JOB, STALLED_AFTER_MS, type WebhookEvent } from "./events";
import { sendAll } from "../../lib/queues";

export interface PublishInput {
  spaceId: string;
  /** One of WEBHOOK_EVENTS. */
  type: WebhookEvent;
  /** The event's `data`: a JSON object (stored as written; money as exact decimal strings beside numbers). */
  payload: Record<string, unknown>;
  /** Unique per event across all spaces, e.g. `transaction.created:<txnId>`; a second publish with it is a no-op. */
  dedupeKey: string;
}

export interface PublishResult {
  eventId: string;
  /** False when an event with this dedupe key was already in the outbox (nothing new is queued). */
  created: boolean;
}

const INSERT_EVENT =
  "INSERT OR IGNORE INTO event_outbox (id, space_id, type, payload, dedupe_key, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id";

/** An event as an `event_outbox` row, for a writer that commits it in its own batch (the ledger's `insertEvent` effect, or `outboxStatement`). */
export interface OutboxRow {
  id: string;
  spaceId: string;
  type: string;
  payload: string;
  dedupeKey: string;
  createdAt: number;
}

export function outboxRow(input: PublishInput, now: number, id: string = newId("evt", now)): OutboxRow {
  return { id, spaceId: input.spaceId, type: input.type, payload: JSON.stringify(input.payload), dedupeKey: input.dedupeKey, createdAt: now };
}

/** The statement writing an outbox row (a dedupe key already stored is a no-op), to put in the batch of the write it announces. */
export function outboxStatement(db: D1Database, row: OutboxRow): D1PreparedStatement {
  return db.prepare(INSERT_EVENT).bind(row.id, row.spaceId, row.type, row.payload, row.dedupeKey, row.createdAt);
}

/**
 * Queues the fan-out of events committed by their writer's own batch (`outboxRow`). Skipped when no
 * enabled subscription of the space that existed at the event's creation, and whose creator may manage it, asks for these
 * types (creator.ts `listenedToNowSql`, as the ledger's `onlyIfSubscribed` judges them): the hourly sweep
 * marks them as fanned out in bulk. A failure to queue is logged, not thrown (the events are stored; the sweep queues them).
 */
export async function queueFanout(svc: Services, rows: OutboxRow[]): Promise<void> {
  if (rows.length === 0) return;
  try {
    // The (space, type, created_at) triples someone listens to, judged as the ledger, the fan-out and the sweep judge
    // them (listenedToNowSql: a subscription created after an event does not listen to it), all in one JSON parameter.
    const key = (r: { spaceId: string; type: string; createdAt: number }) => `${r.spaceId} ${r.type} ${r.createdAt}`;
    const triples = [...new Map(rows.map((r) => [key(r), [r.spaceId, r.type, r.createdAt]])).values()];
    const heard = await svc.env.DB.prepare(
      `SELECT j.value ->> '$[0]' AS spaceId, j.value ->> '$[1]' AS type, j.value ->> '$[2]' AS createdAt FROM json_each(?) j
        WHERE ${listenedToNowSql("(j.value ->> '$[0]')", "(j.value ->> '$[1]')", "(j.value ->> '$[2]')")}`,
    ).bind(JSON.stringify(triples)).all<{ spaceId: string; type: string; createdAt: number }>();
    const wanted = new Set(heard.results.map(key));
    await sendAll(svc.env.WEBHOOK_QUEUE, rows.filter((r) => wanted.has(key(r))).map((r) => ({ type: FANOUT_JOB, eventId: r.id })));
  } catch (err) {
    logError(undefined, "webhooks.enqueue_failed", err, { events: rows.length });
  }
}

/** The outbox rows (`id`, `dedupe_key`) already stored under any of `dedupeKeys` (one JSON parameter, however many). */
export function storedEventsStatement(db: D1Database, dedupeKeys: string[]): D1PreparedStatement {
  return db.prepare(`SELECT id, dedupe_key FROM event_outbox WHERE dedupe_key ${IN_JSON_LIST}`).bind(jsonList(dedupeKeys));
}

/**
 * Writes events to the outbox (once per dedupe key) and queues their fan-out.
 * A failure to queue is logged, not thrown: the event is stored, and the
 * hourly sweep queues it. Returns one result per input, in order.
 */
export async function publishEvents(svc: Services, inputs: PublishInput[]): Promise<PublishResult[]> {
  if (inputs.length === 0) return [];
  const now = svc.clock.now();
  const db = svc.env.DB;
  // One statement per event (six parameters each), in batches: all in one round trip for typical sizes.
  const out: PublishResult[] = [];
  for (let i = 0; i < inputs.length; i += 50) {
    const chunk = inputs.slice(i, i + 50);
    const results = await db.batch<{ id: string }>(
      chunk.map((e) => outboxStatement(db, outboxRow(e, now))),
    );
    const existing = chunk.filter((_, j) => results[j]!.results.length === 0).map((e) => e.dedupeKey);
    const found = existing.length
      ? new Map(
          (await storedEventsStatement(db, existing).all<{ id: string; dedupe_key: string }>())
            .results.map((r) => [r.dedupe_key, r.id]),
        )
      : new Map<string, string>();
    chunk.forEach((e, j) => {
      const inserted = results[j]!.results[0]?.id;
      out.push(inserted ? { eventId: inserted, created: true } : { eventId: found.get(e.dedupeKey) ?? "", created: false });
    });
  }
  const fresh = out.filter((r) => r.created).map((r) => ({ type: FANOUT_JOB, eventId: r.eventId }));
  try {
    await sendAll(svc.env.WEBHOOK_QUEUE, fresh);
  } catch (err) {
    logError(undefined, "webhooks.enqueue_failed", err, { events: fresh.length });
  }
  return out;
}

/** Writes one event to the outbox (once per dedupe key) and queues its fan-out to the space's subscriptions. */
export async function publishEvent(svc: Services, input: PublishInput): Promise<PublishResult> {
  return (await publishEvents(svc, [input]))[0]!;
}

/** Most rows one sweep queues of each kind; the rest wait for the next hour. */
const SWEEP_LIMIT = 5000;
/**
 * Most undelivered events nobody listens to that one sweep marks as fanned out, in its one UPDATE (a partial-index
 * row each: bounded so that the statement stays well inside D1's time limit); any more are marked the next hour, and
 * meanwhile cost the sweep's read of events with a listener only a scan past them, never a place in it.
 */
const UNHEARD_LIMIT = 50_000;

/**
 * The hourly sweep: queues the fan-out of outbox events not yet fanned out
 * (written directly, or whose message was lost; one a suspended subscription hears too, so that its fan-out records
 * the event as cancelled for it, whenever the creator lost access), and queues again the pending
 * deliveries that are long overdue and held by no sender (lost messages).
 * An event nobody listens to (no enabled subscription of its live space asks for its type, or only ones created after
 * the event: creator.ts `listenedToSql`) is marked fanned out in one statement, as its fan-out would have done finding no
 * subscription, instead of taking a queue message and a place among the SWEEP_LIMIT: events written directly
 * (`account.sync.*`, budget alerts, Life Beat) in spaces with no subscriber, and synced transactions' events stored
 * before they were stored only for a listener, never hold back one that has a listener.
 */
export async function sweepWebhooks(svc: Services): Promise<{ events: number; unheard: number; deliveries: number }> {
  const now = svc.clock.now();
  const db = svc.env.DB;
  const listened = listenedToSql("e.space_id", "e.type", "e.created_at");
  const [unheard, events, stalled] = await db.batch<{ id: string; attempts: number }>([
    // First, so that the read after it sees only events someone listens to (one batch: one transaction).
    db.prepare(
      `UPDATE event_outbox SET delivered_at = ? WHERE id IN (
         SELECT e.id FROM event_outbox e WHERE e.delivered_at IS NULL AND NOT ${listened} ORDER BY e.created_at LIMIT ?)`,
    ).bind(now, UNHEARD_LIMIT),
    db.prepare(`SELECT e.id FROM event_outbox e WHERE e.delivered_at IS NULL AND ${listened} ORDER BY e.created_at LIMIT ?`).bind(SWEEP_LIMIT),
    db.prepare(
      // Test pings are sent once, in their request; one left pending (its request failed mid-way) is not taken up here.
      "SELECT id, attempts FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at < ? AND (claimed_until IS NULL OR claimed_until < ?) AND event_type != 'webhook.test' ORDER BY next_attempt_at LIMIT ?",
    ).bind(now - STALLED_AFTER_MS, now, SWEEP_LIMIT),
  ]);
  await sendAll(svc.env.WEBHOOK_QUEUE, [
    ...events!.results.map((r) => ({ type: FANOUT_JOB, eventId: r.id })),
    ...stalled!.results.map((r) => ({ type: DELIVER_JOB, deliveryId: r.id, attempt: r.attempts })),
  ]);
  const counts = { events: events!.results.length, unheard: unheard!.meta.changes ?? 0, deliveries: stalled!.results.length };
  if (svc.env.LOG_LEVEL !== "error") logInfo(undefined, "webhooks.sweep", counts);
  return counts;
}
