/**
 * `transaction.created`: every Dhanam transaction a write creates (a synced row, one created through the
 * API, both legs of a transfer, an account's opening balance) is announced by an outbox row committed in the ledger batch that posts it
 * (the ledger's `insertEvent` effect), so a crash between the two can lose neither.
 *
 * The event is written only when an enabled subscription of its space asks for the type (`onlyIfSubscribed`, judged
 * in the same batch: creator.ts `listenedToNowSql`; one whose creator has lost access does not count), whether the row was synced or written
 * through the API: everyday writes and imports in a space with no subscriber store nothing. An API write learns
 * what was stored from a read in its batch (`storedEventsRead`), so the fan-out is queued with no round trip of its
 * own; a sync queues the fan-out of its chunks' events once, at its end (`queueFanout`).
 */
import type { transactions } from "../../db/schema";
import type { Services } from "../../env";
import { logError } from "../../lib/log";
import { type Currency, CURRENCY_SCALES, moneyFields } from "../../lib/money";
import { sendAll } from "../../lib/queues";
import { isoInZone } from "../../lib/zoned-time";
import { IN_JSON_LIST, jsonList } from "../../lib/sql";
import type { PostCommitRead } from "../ledger/operations";
import { FANOUT_JOB } from "./events";
import { type OutboxRow, outboxRow, queueFanout } from "./publish";

/** A Dhanam transaction row as a write inserts it. */
type AnnouncedRow = Omit<typeof transactions.$inferInsert, "ledgerSeq">;

/** Where a transaction came from: a provider connection's sync, or (null) the API. */
type Origin = { provider: string; connectionId: string } | null;

/** The `transaction.created` outbox row of `row`, its date shown in the space's zone `tz` as the API shows it. */
export function transactionCreatedEvent(row: AnnouncedRow, origin: Origin, tz: string, now: number, id?: string): OutboxRow {
  const scale = CURRENCY_SCALES[row.currency as Currency];
  return outboxRow(
    {
      spaceId: row.spaceId, type: "transaction.created", dedupeKey: `transaction.created:${row.id}`,
      payload: {
        transactionId: row.id, spaceId: row.spaceId, accountId: row.accountId, ...moneyFields("amount", row.amount!, scale),
        currency: row.currency, description: row.description, merchantName: row.merchantName ?? null, status: row.status, date: isoInZone(row.date!, tz),
        categoryId: row.categoryId ?? null, provider: origin?.provider ?? null, connectionId: origin?.connectionId ?? null,
      },
    },
    now,
    id,
  );
}

/** Which of `events` the write's batch stored, read in that batch after it (the ledger's `readAfter`). */
export const storedEventsRead = (events: OutboxRow[]): PostCommitRead => ({ sql: `SELECT id FROM event_outbox WHERE id ${IN_JSON_LIST}`, params: [jsonList(events.map((e) => e.id))] });

/**
 * Queues the fan-out of `events` committed with `onlyIfSubscribed`, given `stored`, the rows of their
 * `storedEventsRead` (undefined when the answer did not come from the batch: then the subscriptions are
 * read here). A failure to queue is logged: the event is stored, and the hourly sweep queues it.
 */
export async function queueAnnounced(svc: Services, events: OutboxRow[], stored: Record<string, unknown>[] | undefined): Promise<void> {
  if (stored === undefined) return queueFanout(svc, events);
  if (stored.length === 0) return;
  try {
    await sendAll(svc.env.WEBHOOK_QUEUE, stored.map((r) => ({ type: FANOUT_JOB, eventId: String(r.id) })));
  } catch (err) {
    logError(undefined, "webhooks.enqueue_failed", err, { events: stored.length });
  }
}
