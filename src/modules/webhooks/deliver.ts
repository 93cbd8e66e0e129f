/**
 * Fan-out and delivery of outbox events to webhook subscriptions.
 *
 * Fan-out creates one delivery per subscription that hears the event
 * (creator.ts `hearsSql`: enabled, asking for its type and created no later
 * than the event, so one created while the fan-out lags does not receive it):
 * pending, or cancelled at once when the subscription is suspended (its
 * creator can no longer manage it), so every event it heard has a row and is
 * never sent to it; the unique
 * (subscription, event) index makes a second fan-out of the same event (the
 * sweep racing a publish, a redelivered message) create nothing. Each
 * delivery keeps its id for life: it is the `X-Dhanam-Delivery` header of
 * every attempt.
 *
 * An attempt is a queue message `{ deliveryId, attempt }` naming the attempt
 * count it expects. A sender first claims the delivery (a conditional update
 * on that count and an expired hold), so duplicate messages never send twice;
 * after the attempt the outcome is written in one batch with the attempt log
 * and the subscription's failure run. A failed attempt queues the next one
 * with exponential backoff (`delaySeconds`); the subscription disables itself
 * after WEBHOOK_DISABLE_AFTER_FAILURES consecutive failed attempts, once that run
 * has lasted DISABLE_MIN_RUN_MS (a burst of failures in a short outage does not), or at once at
 * DISABLE_AT_ONCE_FACTOR times that count (a target that never answers). That batch
 * also cancels its pending deliveries (a re-enable resumes new events only,
 * never those: the rule does not depend on when it comes) and writes the email
 * to its creator, once per disable (notify.ts).
 */
import type { Services } from "../../env";
import { decryptSecret, hmacSha256Hex } from "../../lib/crypto";
import { iso } from "../../lib/clock";
import { idFloor, newId } from "../../lib/ids";
import { logError, logInfo } from "../../lib/log";
import { outbound } from "../../lib/outbound";
import {
  backoffSeconds, CLAIM_MS, DELIVER_JOB, GONE, GONE_ERROR, DISABLE_AT_ONCE_FACTOR, DISABLE_MIN_RUN_MS, disableAfterFailures, EARLY_SLACK_MS, MAX_ATTEMPTS, REQUEST_TIMEOUT_MS, SUBSCRIPTION_DISABLED, TEST_EVENT,
} from "./events";
import { deliverNow } from "../lifebeat/outbox";
import { disabledNoticeInsert } from "./notify";
import { CREATOR_LOST_ACCESS_ERROR, creatorMayManageSql, hearsSql } from "./creator";
import { webhookUrlProblem } from "./url-policy";

export const SIGNATURE_HEADER = "X-Dhanam-Signature";
export const TIMESTAMP_HEADER = "X-Dhanam-Timestamp";
export const DELIVERY_HEADER = "X-Dhanam-Delivery";
export const EVENT_HEADER = "X-Dhanam-Event";

/**
 * The signed body: `{ event, id, deliveryId, timestamp, data }`, with `data` exactly as stored in the outbox. `id` is
 * the event's (the same for every subscription that hears it and every retry) and `deliveryId` the X-Dhanam-Delivery
 * header's: a receiver dedupes by what the signature covers. The headers are not signed, so a request replayed within
 * the receiver's timestamp window with another X-Dhanam-Delivery passed a dedupe by the header alone; and two
 * subscriptions to one receiver (a new one made to replace a secret, before the old one is deleted) sent each event
 * under two delivery ids with nothing in common.
 */
export function deliveryBody(type: string, eventId: string, deliveryId: string, createdAt: number, payload: string): string {
  return `{"event":${JSON.stringify(type)},"id":${JSON.stringify(eventId)},"deliveryId":${JSON.stringify(deliveryId)},"timestamp":${JSON.stringify(iso(createdAt))},"data":${payload}}`;
}

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">` under the subscription's secret. */
export async function signature(secret: string, timestamp: string, body: string): Promise<string> {
  return `sha256=${await hmacSha256Hex(secret, `${timestamp}.${body}`)}`;
}

// ---------------------------------------------------------------------------
// Fan-out
// ---------------------------------------------------------------------------

interface OutboxRow {
  id: string;
  space_id: string;
  type: string;
  created_at: number;
  delivered_at: number | null;
}

/**
 * Creates the deliveries of one outbox event and queues their first attempts.
 * Returns the ids queued. Safe to run any number of times for one event.
 */
export async function fanOut(svc: Services, eventId: string): Promise<string[]> {
  const db = svc.env.DB;
  const now = svc.clock.now();
  const event = await db.prepare("SELECT id, space_id, type, created_at, delivered_at FROM event_outbox WHERE id = ?").bind(eventId).first<OutboxRow>();
  if (!event) return [];
  // The subscriptions that hear this event (creator.ts `hearsSql`, the one rule): enabled, asking for its type, and
  // created no later than the event, judged now however late the fan-out runs.
  const subs = (
    await db
      .prepare(`SELECT w.id FROM webhook_subscriptions w WHERE ${hearsSql("w", "?1", "?2", "?3")}`)
      .bind(event.space_id, event.type, event.created_at)
      .all<{ id: string }>()
  ).results;
  // Still hearing it by the whole rule as the row is written: a disable between the read and this batch cancelled what
  // was pending, and a re-enable since (enabled_at after the event) takes nothing from before it. Whether the creator
  // may still manage the subscription is judged in the same statement: if not (suspended, creator.ts), the row is
  // written cancelled, with the reason an attempt would give, and never queued. The event is on record either way, for
  // `GET /v1/webhooks/{id}/deliveries?status=cancelled`, however the creator's access changed while the fan-out waited.
  const insert = db.prepare(
    `INSERT OR IGNORE INTO webhook_deliveries (id, subscription_id, space_id, event_id, event_type, status, attempts, next_attempt_at, last_error, created_at)
     SELECT ?1, h.id, ?3, ?4, ?5, CASE WHEN h.may THEN 'pending' ELSE 'cancelled' END, 0, CASE WHEN h.may THEN ?6 END,
            CASE WHEN h.may THEN NULL ELSE ?8 END, ?6
       FROM (SELECT w.id, ${creatorMayManageSql("w")} AS may FROM webhook_subscriptions w WHERE w.id = ?2 AND ${hearsSql("w", "?3", "?5", "?7")}) h`,
  );
  await db.batch([
    ...subs.map((s) => insert.bind(newId("dlv", now), s.id, event.space_id, event.id, event.type, now, event.created_at, CREATOR_LOST_ACCESS_ERROR)),
    db.prepare("UPDATE event_outbox SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL").bind(now, event.id),
  ]);
  // Every first attempt not yet taken, whoever created it: a fan-out whose
  // queueing failed is repaired by the next one. Duplicates are harmless (claims).
  const due = (
    await db
      .prepare("SELECT id FROM webhook_deliveries WHERE event_id = ? AND status = 'pending' AND attempts = 0 AND claimed_until IS NULL")
      .bind(event.id)
      .all<{ id: string }>()
  ).results.map((r) => r.id);
  if (due.length) {
    for (let i = 0; i < due.length; i += 100) {
      await svc.env.WEBHOOK_QUEUE.sendBatch(due.slice(i, i + 100).map((deliveryId) => ({ body: { type: DELIVER_JOB, deliveryId, attempt: 0 } })));
    }
  }
  return due;
}

// ---------------------------------------------------------------------------
// Delivery
// ---------------------------------------------------------------------------

interface DeliveryContext {
  id: string;
  subscription_id: string;
  space_id: string;
  event_id: string;
  event_type: string;
  status: string;
  attempts: number;
  next_attempt_at: number | null;
  claimed_until: number | null;
  url: string;
  secret_enc: string;
  enabled: number;
  /** 1 when the delivery's space was deleted since. */
  space_gone: number;
  /** 1 when the subscription's creator is no longer an admin of its space (creator.ts). */
  creator_lost_access: number;
  /** Where the subscription's current run of failures can start: its last success, or its (re-)enabling. */
  sub_last_success_at: number | null;
  sub_enabled_at: number | null;
  sub_created_at: number;
  payload: string;
  event_created_at: number;
  /** The subscription's creator (who is told when it disables itself: notify.ts); null if the user is gone. */
  creator_email: string | null;
  creator_locale: string | null;
  space_name: string | null;
}

const LOAD_DELIVERY = `
  SELECT d.id, d.subscription_id, d.space_id, d.event_id, d.event_type, d.status, d.attempts, d.next_attempt_at, d.claimed_until,
         w.url, w.secret_enc, w.enabled, e.payload, e.created_at AS event_created_at,
         w.last_success_at AS sub_last_success_at, w.enabled_at AS sub_enabled_at, w.created_at AS sub_created_at,
         s.id IS NULL OR s.deleted_at IS NOT NULL AS space_gone, NOT ${creatorMayManageSql("w")} AS creator_lost_access,
         u.email AS creator_email, u.locale AS creator_locale, s.name AS space_name
    FROM webhook_deliveries d
    JOIN webhook_subscriptions w ON w.id = d.subscription_id
    JOIN event_outbox e ON e.id = d.event_id
    LEFT JOIN spaces s ON s.id = d.space_id
    LEFT JOIN users u ON u.id = w.created_by
   WHERE d.id = ?`;

export type AttemptOutcome =
  | "succeeded" | "retrying" | "failed" | "blocked"
  /** Nothing sent: */
  | "gone" | "stale" | "cancelled" | "early" | "busy";

export interface AttemptResult {
  outcome: AttemptOutcome;
  responseStatus?: number | null;
  error?: string | null;
}

/** Queue handler body: one attempt of a delivery, if it is still due and nobody else holds it. */
export async function deliverAttempt(svc: Services, deliveryId: string, attempt: number): Promise<AttemptResult> {
  const db = svc.env.DB;
  const now = svc.clock.now();
  const d = await db.prepare(LOAD_DELIVERY).bind(deliveryId).first<DeliveryContext>();
  if (!d) return { outcome: "gone" };
  // A copy of a message for an attempt already made (queues deliver at least once).
  if (d.status !== "pending" || d.attempts !== attempt) return { outcome: "stale" };
  // Nothing of a deleted space leaves the server, not even a retry of what was queued before (its owner could no
  // longer see or switch off the subscription). Nor anything of a subscription whose creator lost admin access since
  // it was queued: it is cancelled, not kept for later (a takeover or a re-promotion resumes new events only).
  if (!d.enabled || d.space_gone || d.creator_lost_access) {
    const reason = d.space_gone ? "Space deleted" : !d.enabled ? SUBSCRIPTION_DISABLED : CREATOR_LOST_ACCESS_ERROR;
    await db
      .prepare("UPDATE webhook_deliveries SET status = 'cancelled', last_error = ?, next_attempt_at = NULL WHERE id = ? AND status = 'pending'")
      .bind(reason, d.id)
      .run();
    return { outcome: "cancelled" };
  }
  if (d.next_attempt_at !== null && d.next_attempt_at > now + EARLY_SLACK_MS) {
    await svc.env.WEBHOOK_QUEUE.send({ type: DELIVER_JOB, deliveryId, attempt }, { delaySeconds: Math.ceil((d.next_attempt_at - now) / 1000) });
    return { outcome: "early" };
  }
  const claim = await db
    .prepare("UPDATE webhook_deliveries SET claimed_until = ? WHERE id = ? AND status = 'pending' AND attempts = ? AND (claimed_until IS NULL OR claimed_until <= ?)")
    .bind(now + CLAIM_MS, d.id, attempt, now)
    .run();
  if (claim.meta.changes !== 1) return { outcome: "busy" };
  return sendAndRecord(svc, d, { retry: true, countsTowardsDisable: true });
}

interface SendOptions {
  /** Schedule another attempt after a failure (false for test pings). */
  retry: boolean;
  /** Whether the outcome moves the subscription's failure run (false for test pings). */
  countsTowardsDisable: boolean;
}

/** Sends one attempt of a claimed delivery and records its outcome. */
async function sendAndRecord(svc: Services, d: DeliveryContext, opts: SendOptions): Promise<AttemptResult> {
  const db = svc.env.DB;
  const started = svc.clock.now();
  const attempt = d.attempts + 1;
  let responseStatus: number | null = null;
  let error: string | null = null;
  // The URL is judged again at every attempt: the rules or the environment may have changed since it was stored.
  const problem = webhookUrlProblem(svc.env, d.url);
  if (problem) {
    error = `URL not allowed: ${problem}`;
  } else {
    const body = deliveryBody(d.event_type, d.event_id, d.id, d.event_created_at, d.payload);
    const timestamp = String(Math.floor(started / 1000));
    const secret = await decryptSecret(d.secret_enc, svc.env.ENCRYPTION_KEY);
    const request = new Request(d.url, {
      method: "POST",
      // A receiver's redirect is not followed: it could point anywhere, including where the URL rules forbid.
      redirect: "manual",
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      headers: {
        "content-type": "application/json",
        "user-agent": "Dhanam-Webhooks/1.0",
        [SIGNATURE_HEADER]: await signature(secret, timestamp, body),
        [TIMESTAMP_HEADER]: timestamp,
        [DELIVERY_HEADER]: d.id,
        [EVENT_HEADER]: d.event_type,
      },
      body,
    });
    try {
      const res = await outbound(svc.env)(request);
      responseStatus = res.status;
      await res.body?.cancel();
      if (res.status < 200 || res.status > 299) error = res.status >= 300 && res.status < 400 ? `HTTP ${res.status} (redirects are not followed)` : `HTTP ${res.status}`;
    } catch (err) {
      error = `Request failed: ${(err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, 300)}`;
    }
  }
  const now = svc.clock.now();
  const ok = error === null;
  // 410 Gone: the receiver says the URL is gone for good and asks the sender to stop. The delivery is not retried and
  // the subscription disables itself at once (the run of failures waits out an outage; a 410 is not one), as
  // below, with its pending deliveries cancelled and its creator emailed. Other 4xx are retried: a 401 of a receiver
  // still on the old secret, a 404 during a deploy or a 429 are passing. A test ping's 410 is only logged.
  // Only the subscription that was asked is gone: not one moved to another URL (an admin's PATCH; the old receiver's
  // 410 is the very reason for a move), nor one disabled and enabled again, while this attempt was out. Such an
  // attempt is an ordinary failure, retried at the subscription's URL as it is now; the disable below judges the same
  // in its own statement.
  const gone = responseStatus === GONE && opts.countsTowardsDisable && (await stillAsked(db, d, started));
  if (gone) error = GONE_ERROR;
  const retryable = !ok && !problem && !gone && opts.retry && attempt < MAX_ATTEMPTS;
  const status = ok ? "succeeded" : retryable ? "pending" : "failed";
  const delay = retryable ? backoffSeconds(attempt) : 0;
  const nextAt = retryable ? now + delay * 1000 : null;
  const limit = disableAfterFailures(svc.env);
  const statements = [
    // A delivery cancelled while this attempt was out (its subscription disabled meanwhile) stays cancelled unless this
    // attempt succeeded: its retry is not scheduled (the queued message finds it no longer pending).
    db.prepare(
      `UPDATE webhook_deliveries SET attempts = ?1, status = CASE WHEN status = 'cancelled' AND ?2 = 'pending' THEN 'cancelled' ELSE ?2 END,
              last_attempt_at = ?3, response_status = ?4, last_error = CASE WHEN status = 'cancelled' AND ?2 = 'pending' THEN last_error ELSE ?5 END,
              next_attempt_at = CASE WHEN status = 'cancelled' AND ?2 = 'pending' THEN NULL ELSE ?6 END, delivered_at = ?7, claimed_until = NULL
        WHERE id = ?8 AND attempts = ?9`,
    ).bind(attempt, status, now, responseStatus, error, nextAt, ok ? now : null, d.id, d.attempts),
    // Only while the delivery is there: a webhook deleted while this attempt was out took its log with it, and a
    // row written after would be kept for good, reachable from nothing (webhooks QA sweep).
    db.prepare(
      `INSERT OR IGNORE INTO webhook_delivery_attempts (delivery_id, attempt, at, response_status, error, duration_ms)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM webhook_deliveries WHERE id = ?1)`,
    ).bind(d.id, attempt, started, responseStatus, error, Math.max(0, now - started)),
  ];
  let notice: string | undefined;
  if (opts.countsTowardsDisable && ok) {
    statements.push(db.prepare("UPDATE webhook_subscriptions SET consecutive_failures = 0, last_success_at = ? WHERE id = ?").bind(now, d.subscription_id));
  } else if (opts.countsTowardsDisable) {
    statements.push(
      db.prepare("UPDATE webhook_subscriptions SET consecutive_failures = consecutive_failures + 1, last_failure_at = ? WHERE id = ?").bind(now, d.subscription_id),
      // The disable itself (at once on a 410, `gone`): only the one batch that finds the subscription still enabled at the limit makes it (D1
      // runs batches one at a time), and says so in its RETURNING row. And only once the run has lasted
      // DISABLE_MIN_RUN_MS: one of its failed attempts (after the last success and the latest enabling) is that old.
      // The deliveries searched are those created between where the run can start (as loaded: a success since only
      // raises it, and resets the count anyway) and that cutoff, through the (subscription, id) index.
      db.prepare(
        `UPDATE webhook_subscriptions SET enabled = 0, disabled_reason = 'failures', disabled_at = ?1, updated_at = ?1
          WHERE id = ?2 AND enabled = 1 AND ((?9 AND url = ?10 AND COALESCE(enabled_at, created_at) <= ?11) OR (consecutive_failures >= ?3
            AND (consecutive_failures >= ?8 OR EXISTS (SELECT 1 FROM webhook_deliveries rd JOIN webhook_delivery_attempts ra ON ra.delivery_id = rd.id
                         WHERE rd.subscription_id = ?2 AND rd.id >= ?4 AND rd.id < ?5 AND rd.event_type != ?7
                           AND ra.error IS NOT NULL AND ra.at <= ?6
                           AND ra.at >= COALESCE(webhook_subscriptions.last_success_at, 0)
                           AND ra.at >= COALESCE(webhook_subscriptions.enabled_at, webhook_subscriptions.created_at)))))
          RETURNING consecutive_failures`,
      ).bind(
        now, d.subscription_id, limit,
        idFloor("dlv", Math.max(d.sub_last_success_at ?? 0, d.sub_enabled_at ?? d.sub_created_at)), idFloor("dlv", now - DISABLE_MIN_RUN_MS + 1),
        now - DISABLE_MIN_RUN_MS, TEST_EVENT, limit * DISABLE_AT_ONCE_FACTOR, gone ? 1 : 0, d.url, started,
      ),
      // What a disabled subscription had pending is cancelled now, this attempt's retry included, not at each one's
      // next attempt: a re-enable resumes new events only, whenever it comes (service.ts does the same for an admin's disable).
      db.prepare(
        `UPDATE webhook_deliveries SET status = 'cancelled', last_error = ?1, next_attempt_at = NULL
          WHERE subscription_id = ?2 AND status = 'pending' AND event_type != ?3
            AND EXISTS (SELECT 1 FROM webhook_subscriptions WHERE id = ?2 AND enabled = 0)`,
      ).bind(SUBSCRIPTION_DISABLED, d.subscription_id, TEST_EVENT),
    );
    // The creator's email, written only by the batch that disabled it (notify.ts).
    if (d.creator_email) {
      const n = await disabledNoticeInsert(svc, {
        webhookId: d.subscription_id, url: d.url, spaceName: d.space_name ?? "", recipient: d.creator_email, locale: d.creator_locale, at: now, failures: limit, gone,
      });
      statements.push(n.statement);
      notice = n.id;
    }
  } else if (!ok) {
    statements.push(db.prepare("UPDATE webhook_subscriptions SET last_failure_at = ? WHERE id = ?").bind(now, d.subscription_id));
  }
  const results = await db.batch<{ consecutive_failures: number }>(statements);
  const disabled = opts.countsTowardsDisable && !ok ? results[3]?.results?.[0] : undefined;
  if (disabled) {
    if (svc.env.LOG_LEVEL !== "error") logInfo(undefined, "webhooks.subscription_disabled", { webhookId: d.subscription_id, consecutiveFailures: disabled.consecutive_failures });
    // Sent now; if the email API fails, the outbox retries it (the hourly Life Beat run delivers what is due).
    if (notice) {
      try {
        await deliverNow(svc, notice);
      } catch (err) {
        logError(undefined, "webhooks.disabled_notice_failed", err, { webhookId: d.subscription_id });
      }
    }
  }
  // No retry of what the disable just cancelled (a retry queued anyway would find it no longer pending).
  if (retryable && !disabled) await svc.env.WEBHOOK_QUEUE.send({ type: DELIVER_JOB, deliveryId: d.id, attempt }, { delaySeconds: delay });
  return { outcome: ok ? "succeeded" : problem ? "blocked" : retryable ? "retrying" : "failed", responseStatus, error };
}

/** Whether the subscription still sends to the URL this attempt (started at `started`) was sent to, enabled since before it. */
async function stillAsked(db: D1Database, d: DeliveryContext, started: number): Promise<boolean> {
  const row = await db.prepare("SELECT 1 AS yes FROM webhook_subscriptions WHERE id = ? AND enabled = 1 AND url = ? AND COALESCE(enabled_at, created_at) <= ?")
    .bind(d.subscription_id, d.url, started).first<{ yes: number }>();
  return row !== null;
}

/**
 * The test ping: a `webhook.test` event sent at once to one subscription
 * (enabled or not), signed like any delivery. It is logged with the
 * subscription's deliveries but neither retried nor counted in its failure run.
 */
export async function sendTestPing(svc: Services, sub: { id: string; spaceId: string }): Promise<string> {
  const db = svc.env.DB;
  const now = svc.clock.now();
  const eventId = newId("evt", now);
  const deliveryId = newId("dlv", now);
  const payload = JSON.stringify({ webhookId: sub.id, spaceId: sub.spaceId, message: "Test delivery from Dhanam" });
  await db.batch([
    // Stored as already fanned out: it goes to this subscription only.
    db.prepare("INSERT INTO event_outbox (id, space_id, type, payload, dedupe_key, created_at, delivered_at) VALUES (?, ?, 'webhook.test', ?, ?, ?, ?)")
      .bind(eventId, sub.spaceId, payload, `webhook.test:${deliveryId}`, now, now),
    db.prepare(
      `INSERT INTO webhook_deliveries (id, subscription_id, space_id, event_id, event_type, status, attempts, next_attempt_at, claimed_until, created_at)
       VALUES (?, ?, ?, ?, 'webhook.test', 'pending', 0, ?, ?, ?)`,
    ).bind(deliveryId, sub.id, sub.spaceId, eventId, now, now + CLAIM_MS, now),
  ]);
  const d = await db.prepare(LOAD_DELIVERY).bind(deliveryId).first<DeliveryContext>();
  await sendAndRecord(svc, d!, { retry: false, countsTowardsDisable: false });
  return deliveryId;
}
