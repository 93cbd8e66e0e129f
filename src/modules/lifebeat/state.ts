/**
 * The Life Beat schedule and the state changes every path shares: when the
 * next check-in and the next escalation are due, and the reset a check-in
 * (explicit or from the owner's activity) makes.
 *
 * Timeline: a check-in at T is due again at T + interval; level k (1-based) is
 * reached `escalationDays[k-1]` days after that due time was missed. A level
 * reached late (a cron outage, a household a run did not reach) moves the
 * levels after it: they count from the moment its notice went out (see
 * `levelBase`). Every reset starts a new `cycle`, and escalation writes are
 * guarded by the cycle, so nothing from before a check-in can fire after it.
 */
import type { Services } from "../../env";
import { lastActivity } from "../../lib/user-activity";
import type { Channel, Interval } from "./schemas";

export const DAY_MS = 86_400_000;
export const INTERVAL_DAYS: Record<Interval, number> = { weekly: 7, biweekly: 14, monthly: 30 };

export interface LifeBeatRow {
  household_id: string;
  enabled: number;
  check_in_interval: Interval;
  escalation_days: string;
  executor_member_id: string | null;
  channels: string;
  sms_number: string | null;
  access_days: number;
  last_check_in: number;
  current_level: number;
  cycle: number;
  next_escalation_at: number | null;
  /** When the owner's warning before a single-level grant is due this cycle; null when none is (see warningAt). */
  warning_at: number | null;
  updated_at: number;
}

export const LIFE_BEAT_COLUMNS =
  "household_id, enabled, check_in_interval, escalation_days, executor_member_id, channels, sms_number, access_days, last_check_in, current_level, cycle, next_escalation_at, warning_at, updated_at";

/** LIFE_BEAT_COLUMNS of the `life_beat` row aliased `lb`, for reads that join it. */
export const LB_COLUMNS = LIFE_BEAT_COLUMNS.split(", ").map((c) => `lb.${c}`).join(", ");

export const daysOf = (row: Pick<LifeBeatRow, "escalation_days">) => JSON.parse(row.escalation_days) as number[];
export const channelsOf = (row: Pick<LifeBeatRow, "channels">) => JSON.parse(row.channels) as Channel[];

export const nextCheckInDue = (lastCheckIn: number, interval: Interval) => lastCheckIn + INTERVAL_DAYS[interval] * DAY_MS;

/** When level `level + 1` is due, or null past the last level. */
export function escalationAt(lastCheckIn: number, interval: Interval, days: number[], level: number): number | null {
  if (level >= days.length) return null;
  return nextCheckInDue(lastCheckIn, interval) + days[level]! * DAY_MS;
}

/** The least time a warning gives the owner before a grant, when the wait is that long (see warningAt). */
export const WARNING_LEAD_MS = 7 * DAY_MS;

/**
 * When the owner is warned before the grant of a single-level Life Beat, for a
 * check-in at `lastCheckIn`; null for other schedules. With several levels,
 * each level before the last is that warning (a notice quoting the grant's
 * date, at least a day before it, also after a missed stretch: levelBase). With
 * one level the first event of a missed check-in used to be the executor's
 * access: so the owner who merely forgot is now told, once, before it. The
 * grant keeps its instant (`escalationAt`); the warning comes ahead of it by
 * the longer of a week and half the configured wait (`escalationDays[0]`, the
 * grace after the missed check-in), so that a long wait gives a long answer
 * time and a short one at least half of it, but never before the check-in was
 * missed: a wait of a week or less warns when the check-in falls due. E.g.
 * weekly with [30]: check-in due day 7, warning day 22, grant day 37; [10]:
 * warning day 10 (a week ahead), grant day 17; [1]: warning day 7, grant day 8.
 */
export function warningAt(lastCheckIn: number, interval: Interval, days: number[]): number | null {
  if (days.length !== 1) return null;
  const grace = days[0]! * DAY_MS;
  const lead = Math.min(grace, Math.max(WARNING_LEAD_MS, grace / 2));
  return nextCheckInDue(lastCheckIn, interval) + grace - lead;
}

/**
 * How late a level may be reached and still keep the schedule: the hourly
 * cron's cadence, so that the on-time path keeps the days counted from the
 * check-in exactly (a run is up to an hour after a level's instant).
 */
export const ON_TIME_MS = 3_600_000;

/**
 * The instant a level due at `dueAt` and reached at `reachedAt` counts as
 * reached, for the levels after it: its due instant when reached on time,
 * otherwise the moment it was reached. So after a missed stretch the owner
 * still gets each configured gap between one notice and the next (the executor
 * is never granted access in the run that first warns them), and the dates a
 * notice quotes are ahead of it and hold.
 */
export const levelBase = (dueAt: number, reachedAt: number) => (reachedAt - dueAt <= ON_TIME_MS ? dueAt : reachedAt);

/**
 * When level `k + 1` is due (k ≥ `level`), for a household that reached level
 * `level` (1-based) at `base` (see levelBase); null past the last level.
 */
export function escalationAfter(base: number, days: number[], level: number, k: number): number | null {
  if (k >= days.length) return null;
  return base + (days[k]! - days[level - 1]!) * DAY_MS;
}

/**
 * The `dedupe_key` of cycle `cycle`'s escalation grant: one grant a cycle, and the cycle it belongs to (a grant of
 * a cycle that has ended is no access, however late its batch landed).
 */
export const escalationGrantKey = (householdId: string, cycle: number) => `lifebeat:${householdId}:${cycle}`;

/**
 * The statements of a reset to level 0 at `at`: a new cycle, the next
 * escalation (and a single level's warning) rescheduled, the old cycle's pending notices cancelled, and
 * grants revoked (`revokeManual`: manual grants too, for an explicit check-in;
 * otherwise escalation grants made before `at`, and the ending cycle's whenever made: a run that read the
 * owner's activity just before a request of theirs raises the final level after it, and that grant, made
 * after `at` for the cycle `at` ends, would otherwise outlive the cycle). With `onlyIfBefore`,
 * the reset happens only if the stored check-in is older than `at` and the
 * cycle is still `cycle` (activity folded in by a cron or a read).
 */
export function resetStatements(
  svc: Services,
  row: LifeBeatRow,
  at: number,
  opts: { reason: string; revokeManual: boolean; onlyIfStale: boolean },
): D1PreparedStatement[] {
  const db = svc.env.DB;
  const now = svc.clock.now();
  const next = row.enabled ? escalationAt(at, row.check_in_interval, daysOf(row), 0) : null;
  const warning = row.enabled ? warningAt(at, row.check_in_interval, daysOf(row)) : null;
  const cond = opts.onlyIfStale ? " AND cycle = ? AND last_check_in < ?" : "";
  const condParams = opts.onlyIfStale ? [row.cycle, at] : [];
  return [
    db.prepare(
      `UPDATE life_beat SET last_check_in = ?, current_level = 0, cycle = cycle + 1, next_escalation_at = ?, warning_at = ?, updated_at = ? WHERE household_id = ?${cond}`,
    ).bind(at, next, warning, now, row.household_id, ...condParams),
    db.prepare(
      `UPDATE life_beat_notifications SET status = 'cancelled' WHERE household_id = ? AND status = 'pending' AND kind IN ('escalation', 'executor') AND cycle <= ?`,
    ).bind(row.household_id, row.cycle),
    // Live grants only: one that has expired stays expired in the owner's view (nothing was revoked).
    opts.revokeManual
      ? db.prepare("UPDATE emergency_grants SET revoked_at = ?, revoked_reason = ? WHERE household_id = ? AND revoked_at IS NULL AND expires_at > ?")
        .bind(now, opts.reason, row.household_id, now)
      : db.prepare(
          `UPDATE emergency_grants SET revoked_at = ?, revoked_reason = ? WHERE household_id = ? AND revoked_at IS NULL AND expires_at > ?
              AND source = 'escalation' AND (created_at < ? OR dedupe_key = ?)`,
        ).bind(now, opts.reason, row.household_id, now, at, escalationGrantKey(row.household_id, row.cycle)),
  ];
}

/**
 * Folds the owner's activity into the stored check-in when it is newer (a
 * check-in by use of the app). When it reset the household, returns the
 * results of `then`, statements run after the reset in its batch (so a reader
 * sees the reset state without another round trip); otherwise null.
 */
export async function foldActivity(svc: Services, row: LifeBeatRow, ownerId: string, then: D1PreparedStatement[] = []): Promise<D1Result[] | null> {
  const seen = await lastActivity(svc.env, ownerId);
  const now = svc.clock.now();
  if (seen === null || seen <= row.last_check_in || seen > now) return null;
  const reset = resetStatements(svc, row, seen, { reason: "owner_activity", revokeManual: false, onlyIfStale: true });
  const results = await svc.env.DB.batch([...reset, ...then]);
  return results[0]!.meta.changes === 1 ? results.slice(reset.length) : null;
}
