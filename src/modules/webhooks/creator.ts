/**
 * A subscription delivers only while the user who vouches for its URL (`created_by`: who created it, or the
 * admin who last took it over) may still manage webhooks in its space: an admin or the owner of the live space.
 * A creator removed, demoted below admin or gone leaves it suspended (nothing fanned out, nothing sent);
 * a current admin takes it over with PATCH `takeOver`, which rotates the secret the old creator knew.
 */
import { memberAtLeastSql } from "../spaces/access";

/**
 * SQL that holds while the creator of subscription row `w` (an alias in the outer query, never request text) is
 * still an admin or the owner of its live space. Judged live, in the statement that fans out or sends: no copy of
 * the membership to go stale, and a creator promoted back to admin gets their subscriptions back for new events.
 */
export const creatorMayManageSql = (w: string) => memberAtLeastSql(`${w}.space_id`, `${w}.created_by`, "admin");

/** `suspendedReason` of a subscription whose creator lost access (also the last_error of what it cancels). */
export const CREATOR_LOST_ACCESS = "creator_lost_access" as const;

/**
 * SQL that holds while an event of type `type` in space `space`, created at `at` (SQL expressions of the outer query,
 * never request text) has a listener: an enabled subscription of the space lists the type (`events` is a JSON array
 * of names), is not suspended (`creatorMayManageSql`, which also requires the space to be live), and already existed
 * and was on when the event was created (`created_at <= at`, and `enabled_at <= at` when it was switched on again
 * since: all epoch milliseconds, written by the same clock), the subscriptions a fan-out sends to. A subscription
 * created, or re-enabled, after an event never receives it, however late the event's fan-out runs; one disabled
 * before the fan-out runs does not either (a disable cancels what is pending, deliver.ts). It gates the transaction events a write stores (the ledger's `onlyIfSubscribed`), the fan-out
 * itself (deliver.ts, through `listensSql`) and tells the hourly sweep which undelivered outbox rows to fan out and
 * which to mark as done (publish.ts).
 */
export const listenedToSql = (space: string, type: string, at: string) => `EXISTS (SELECT 1 FROM webhook_subscriptions lw WHERE ${listensSql("lw", space, type, at)})`;

/** The same rule as `listenedToSql`, for subscription row `w` of the outer query: `w` listens to that event. */
export const listensSql = (w: string, space: string, type: string, at: string) =>
  `${w}.space_id = ${space} AND ${w}.enabled = 1 AND instr(${w}.events, '"' || ${type} || '"') > 0
    AND ${w}.created_at <= ${at} AND (${w}.enabled_at IS NULL OR ${w}.enabled_at <= ${at}) AND ${creatorMayManageSql(w)}`;
