/**
 * Days the provider was asked for and answered without (all) their rates: none for the day (a weekend, a holiday,
 * before its history), a refusal of that day, an unreadable answer. Recorded so that neither the hourly backfill nor
 * `GET /v1/rates` asks the provider for the same missing day again and again: a client repeating one such request
 * would otherwise spend a provider call each time.
 *
 * An attempt made while its day was still under way says nothing of the finished day (the provider publishes during
 * the day): for a past day only an attempt made after it ended counts.
 */

/** A past day the provider had no rates for is asked again after this long. */
export const BACKFILL_RETRY_MS = 7 * 86_400_000;
/** Today is asked again after this long: its rates may be published later in the day. */
export const TODAY_RETRY_MS = 3_600_000;

/**
 * SQL condition on `rate_backfill_attempts` (unaliased) for an attempt that still counts at `?{now}` (a bound
 * parameter's placeholder, epoch ms), with `retryMs` the retry interval: recent enough, and made after its day ended,
 * unless `today` (the day is today, and any attempt of it counts).
 */
export const countingAttempt = (nowParam: string, retryMs: number, today = false) =>
  `attempted_at > ${nowParam} - ${retryMs}${today ? "" : " AND attempted_at >= CAST(strftime('%s', date, '+1 day') AS INTEGER) * 1000"}`;

/** Records that the provider was asked for `date` and gave `stored` rates of it. */
export const recordAttempt = (db: D1Database, date: string, now: number, stored: number) =>
  db.prepare(
    "INSERT INTO rate_backfill_attempts (date, attempted_at, stored) VALUES (?, ?, ?) ON CONFLICT(date) DO UPDATE SET attempted_at = excluded.attempted_at, stored = excluded.stored",
  ).bind(date, now, stored);
