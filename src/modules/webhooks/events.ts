/**
 * The events a webhook subscription may ask for (API.md "Outgoing webhooks"),
 * and the tuning of deliveries.
 */
export const WEBHOOK_EVENTS = [
  "account.sync.completed",
  "account.sync.failed",
  "transaction.created",
  "budget.alert.threshold_exceeded",
  "lifebeat.escalated",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** Sent only by POST /v1/webhooks/{id}/test, to that one subscription; nobody subscribes to it. */
export const TEST_EVENT = "webhook.test";

/**
 * `lastError` of the deliveries cancelled because their subscription was disabled (by an admin or after its run of
 * failures): cancelled by the write that disables it, and never resumed by a re-enable.
 */
export const SUBSCRIPTION_DISABLED = "Subscription disabled";

/** WEBHOOK_QUEUE's name (wrangler.toml [[queues.consumers]]): the consumer runs its batches' messages side by side (jobs/queue.ts). */
export const WEBHOOK_QUEUE_NAME = "dhanam-webhooks";

/**
 * Messages of one WEBHOOK_QUEUE batch handled at once. A message holds at most one outbound request at a time, and
 * a Worker invocation may have six connections waiting for response headers (a seventh waits in the runtime for one
 * of them, its REQUEST_TIMEOUT_MS running meanwhile): with six, no delivery's timeout is spent waiting behind another
 * receiver, and one that never answers holds one of the six for its 10 s while the batch's other messages go on.
 */
export const WEBHOOK_BATCH_CONCURRENCY = 6;

/** Queue message types on WEBHOOK_QUEUE. */
export const FANOUT_JOB = "webhook.fanout";
export const DELIVER_JOB = "webhook.deliver";

/** Subscriptions a space may hold: bounds each event's fan-out. */
export const MAX_WEBHOOKS_PER_SPACE = 25;

/** A receiver's answer that the URL is gone for good: the delivery is not retried and the subscription disables itself (deliver.ts). */
export const GONE = 410;
/** `lastError` of a delivery answered GONE (its attempt's error too). */
export const GONE_ERROR = "HTTP 410 (Gone: not retried, and the webhook was disabled)";

/** Attempts of one delivery before it is given up as failed. */
export const MAX_ATTEMPTS = 12;
/** Backoff after the n-th failed attempt: BASE × 2^(n-1), capped (30 s, 1 min, 2 min, ... 6 h; about 15 h in all). */
export const BACKOFF_BASE_SECONDS = 30;
export const BACKOFF_CAP_SECONDS = 6 * 3600;
export const backoffSeconds = (failedAttempts: number) =>
  Math.min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** Math.max(0, failedAttempts - 1));

/** How long one sender holds a delivery (longer than a request's timeout). */
export const CLAIM_MS = 60_000;
/** A receiver gets this long to answer. */
export const REQUEST_TIMEOUT_MS = 10_000;
/** A queued attempt arriving this early is put back for the rest of its delay. */
export const EARLY_SLACK_MS = 5_000;
/** Pending deliveries overdue by this much have lost their message; the hourly sweep queues them again. */
export const STALLED_AFTER_MS = 15 * 60_000;

/**
 * How long a run of failures must have lasted (from a failed attempt after the last success, or after the
 * subscription was enabled) before it disables the subscription, however many attempts it holds: longer than one
 * delivery's whole retry schedule (about 15 h), so an outage that its retries would outlast never costs the events
 * in flight. A count alone disabled a receiver down for a few seconds during a sync's burst of transaction events:
 * 50 first attempts failed at once, and every event of the burst was cancelled, its retries never made.
 */
export const DISABLE_MIN_RUN_MS = 24 * 3600_000;

/**
 * A run this many times disableAfterFailures disables its subscription however short it is: a subscription pointed at
 * a host that never answers (another's, say) would otherwise be sent every event's twelve attempts for a whole day. A
 * sync's burst during a receiver's brief outage stays below it (thousands of first attempts at most).
 */
export const DISABLE_AT_ONCE_FACTOR = 100;

/** Consecutive failed attempts after which a subscription disables itself (wrangler.toml WEBHOOK_DISABLE_AFTER_FAILURES), once the run has lasted DISABLE_MIN_RUN_MS. */
export function disableAfterFailures(env: Env): number {
  const n = Number.parseInt(env.WEBHOOK_DISABLE_AFTER_FAILURES ?? "", 10);
  return Number.isFinite(n) && n > 0 ? n : 50;
}
