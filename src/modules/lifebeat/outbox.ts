/**
 * The notification outbox (Life Beat's notices, and the email to a webhook's
 * creator when it disables itself: webhooks/notify.ts). A notification is a row first (unique by its
 * dedupe key, body sealed with AES-GCM), then a delivery: a run claims a due
 * row by bumping its attempt count conditionally (so two overlapping runs never
 * both send it), calls the channel, and records `sent` or schedules a retry with
 * exponential backoff; after MAX_ATTEMPTS, or a refusal a retry cannot fix, it
 * is `failed`. A run that dies between claiming and recording frees the row
 * after LEASE_MS; the email API gets the row id as Idempotency-Key.
 */
import type { Services } from "../../env";
import { decryptSecret, encryptSecret } from "../../lib/crypto";
import { newId } from "../../lib/ids";
import { logError } from "../../lib/log";
import { outbound } from "../../lib/outbound";
import { ChannelError, sendEmail, sendSms } from "./channels";
import type { Channel } from "./schemas";

export const MAX_ATTEMPTS = 6;
export const LEASE_MS = 10 * 60_000;
const BASE_BACKOFF_MS = 5 * 60_000;
const MAX_BACKOFF_MS = 6 * 3_600_000;

/** Delay before attempt `attempts + 1`, after `attempts` failures: 5 min, 10, 20, 40, 80... capped at 6 h. */
export const backoffMs = (attempts: number) => Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.max(0, attempts - 1));

export interface NewNotification {
  /** Null only for `webhook_disabled`, the email to a webhook's creator (webhooks/notify.ts), which has no household. */
  householdId: string | null;
  kind: "escalation" | "executor" | "invitation" | "webhook_disabled";
  cycle: number | null;
  level: number | null;
  channel: Channel;
  recipient: string;
  locale: string;
  subject: string;
  text: string;
  dedupeKey: string;
}

/**
 * An INSERT OR IGNORE of the notification, optionally only `WHERE <guard>`
 * (the guard's SQL and parameters), for a batch.
 */
export async function notificationInsert(
  svc: Services,
  n: NewNotification,
  guard?: { sql: string; params: (string | number)[] },
): Promise<{ id: string; statement: D1PreparedStatement }> {
  const now = svc.clock.now();
  const id = newId("ntf", now);
  const body = await encryptSecret(n.text, svc.env.ENCRYPTION_KEY);
  const statement = svc.env.DB.prepare(
    `INSERT OR IGNORE INTO life_beat_notifications
       (id, household_id, kind, cycle, level, channel, recipient, locale, subject, body, status, attempts, next_attempt_at, dedupe_key, created_at)
     SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ? ${guard ? `WHERE ${guard.sql}` : ""}`,
  ).bind(id, n.householdId, n.kind, n.cycle, n.level, n.channel, n.recipient, n.locale, n.subject, body, now, n.dedupeKey, now, ...(guard?.params ?? []));
  return { id, statement };
}

export interface NotificationRow {
  id: string;
  channel: Channel;
  recipient: string;
  subject: string;
  body: string;
  attempts: number;
  /** escalation, executor, invitation (Life Beat's) or webhook_disabled (Dhanam's, sent under its name). */
  kind: string;
}

/** The due notifications (at most `limit`), as a statement to batch with other reads. */
export function dueNotifications(svc: Services, now: number, limit = 50): D1PreparedStatement {
  return svc.env.DB.prepare(
    `SELECT id, channel, recipient, subject, body, attempts, kind FROM life_beat_notifications
      WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`,
  ).bind(now, limit);
}

/** Delivers `rows` (from `dueNotifications`); returns how many were sent. */
export async function deliverRows(svc: Services, rows: NotificationRow[]): Promise<number> {
  let sent = 0;
  for (const row of rows) if (await deliver(svc, row)) sent++;
  return sent;
}

/** Delivers the due notifications (at most `limit`); returns how many were sent. */
export async function deliverDue(svc: Services, limit = 50): Promise<number> {
  const rows = await dueNotifications(svc, svc.clock.now(), limit).all<NotificationRow>();
  return deliverRows(svc, rows.results);
}

/** Delivers one notification now if it is still pending and due (used right after it is written). */
export async function deliverNow(svc: Services, id: string): Promise<boolean> {
  const row = await svc.env.DB.prepare(
    "SELECT id, channel, recipient, subject, body, attempts, kind FROM life_beat_notifications WHERE id = ? AND status = 'pending' AND next_attempt_at <= ?",
  )
    .bind(id, svc.clock.now())
    .first<NotificationRow>();
  return row ? deliver(svc, row) : false;
}

async function deliver(svc: Services, row: NotificationRow): Promise<boolean> {
  const now = svc.clock.now();
  const claim = await svc.env.DB.prepare(
    "UPDATE life_beat_notifications SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ? AND status = 'pending' AND attempts = ?",
  )
    .bind(now + LEASE_MS, row.id, row.attempts)
    .run();
  if (claim.meta.changes !== 1) return false; // another run has it
  const attempts = row.attempts + 1;
  try {
    const text = await decryptSecret(row.body, svc.env.ENCRYPTION_KEY);
    const message = { id: row.id, to: row.recipient, subject: row.subject, text, sender: row.kind === "webhook_disabled" ? ("dhanam" as const) : ("lifebeat" as const) };
    const http = outbound(svc.env);
    const providerId = row.channel === "sms" ? await sendSms(svc.env, http, message) : await sendEmail(svc.env, http, message);
    await svc.env.DB.prepare(
      "UPDATE life_beat_notifications SET status = 'sent', sent_at = ?, provider_message_id = ?, last_error = NULL WHERE id = ?",
    )
      .bind(svc.clock.now(), providerId, row.id)
      .run();
    return true;
  } catch (err) {
    const retry = !(err instanceof ChannelError) || err.retryable;
    const message = err instanceof Error ? err.message.slice(0, 300) : "delivery failed";
    const failed = !retry || attempts >= MAX_ATTEMPTS;
    if (!(err instanceof ChannelError)) logError(undefined, "lifebeat.notification_error", err, { notificationId: row.id });
    await svc.env.DB.prepare(
      `UPDATE life_beat_notifications SET status = ?, next_attempt_at = ?, last_error = ? WHERE id = ? AND status = 'pending'`,
    )
      .bind(failed ? "failed" : "pending", svc.clock.now() + backoffMs(attempts), message, row.id)
      .run();
    return false;
  }
}
