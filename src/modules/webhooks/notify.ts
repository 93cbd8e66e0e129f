/**
 * The email to a webhook's creator (`created_by`: who created it, or the admin who last took it over) when it disables
 * itself after WEBHOOK_DISABLE_AFTER_FAILURES consecutive failed attempts, or at once on a 410 Gone (its own text): through the notification outbox and email
 * channel Life Beat uses (lifebeat/outbox.ts, channels.ts), in the creator's language (messages/*.ts `emails`).
 *
 * Once per disable: the row is written in the batch of the failed attempt that disables the subscription, only if
 * that batch left it disabled for failures at this attempt's time (`disabled_at`), under a dedupe key of the
 * subscription and that time. Concurrent failing attempts are serialized by D1: only one finds the subscription
 * enabled at the limit (deliver.ts), and two in the same millisecond share the key (the second row is ignored). A
 * later disable, after a re-enable, has another time and writes another email. The outbox sends it at once and
 * retries it with backoff (the hourly Life Beat run delivers whatever is due).
 *
 * What it tells: the webhook's id, the space's name (as `shown`), the receiver's host only (a URL may hold a token in
 * its path or query string; credentials are refused by url-policy.ts), the time and the run of failures. Never the
 * secret or the full URL.
 */
import type { Services } from "../../env";
import { emailMessage, localeOf } from "../../lib/i18n";
// The time as Life Beat's emails write a deadline: "7 de diciembre de 2026 a las 02:43 (UTC)".
import { dayAt, shown } from "../lifebeat/messages";
import { notificationInsert } from "../lifebeat/outbox";

export interface DisabledNotice {
  webhookId: string;
  url: string;
  spaceName: string;
  recipient: string;
  locale: string | null;
  /** The failed attempt's time: the subscription's `disabled_at` if this attempt disables it. */
  at: number;
  failures: number;
  /** Disabled at once because the receiver answered 410 Gone, not after a run of failures. */
  gone?: boolean;
}

/** The receiver's host as the email names it (no scheme, path, query or fragment), defanged like any text in an email. */
export function receiverHost(url: string): string {
  try {
    return shown(new URL(url).host);
  } catch {
    return "?";
  }
}

/**
 * The outbox INSERT of the notice, for the failed attempt's batch after the statement that may disable the
 * subscription: it writes a row only if the subscription is then disabled for failures at `n.at`.
 */
export async function disabledNoticeInsert(svc: Services, n: DisabledNotice): Promise<{ id: string; statement: D1PreparedStatement }> {
  const locale = localeOf(n.locale);
  const message = emailMessage(locale, n.gone ? "webhookGone" : "webhookDisabled", {
    webhookId: n.webhookId, space: shown(n.spaceName), host: receiverHost(n.url), time: dayAt(n.at, locale), failures: n.failures,
  });
  return notificationInsert(
    svc,
    {
      householdId: null, kind: "webhook_disabled", cycle: null, level: null, channel: "email", recipient: n.recipient, locale,
      subject: message.subject, text: message.text, dedupeKey: `webhook_disabled:${n.webhookId}:${n.at}`,
    },
    {
      sql: "EXISTS (SELECT 1 FROM webhook_subscriptions WHERE id = ? AND enabled = 0 AND disabled_reason = 'failures' AND disabled_at = ?)",
      params: [n.webhookId, n.at],
    },
  );
}
