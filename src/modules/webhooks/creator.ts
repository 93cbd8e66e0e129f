/**
 * A subscription delivers only while the user who vouches for its URL (`created_by`: who created it, or the
 * admin who last took it over) may still manage webhooks in its space: an admin or the owner of the live space.
 * A creator removed, demoted below admin or gone leaves it suspended (nothing sent: every event it hears is recorded
 * as a delivery cancelled with CREATOR_LOST_ACCESS_ERROR);
 * a current admin takes it over with PATCH `takeOver`, which rotates the secret the old creator knew.
 */
import { memberAtLeastSql } from "../spaces/access";

/**
 * SQL that holds while the creator of subscription row `w` (an alias in the outer query, never request text) is
 * still an admin or the owner of its live space. Judged live, in the statement that fans out or sends: no copy of
 * the membership to go stale, and a creator promoted back to admin gets their subscriptions back for new events.
 */
export const creatorMayManageSql = (w: string) => memberAtLeastSql(`${w}.space_id`, `${w}.created_by`, "admin");

/** `suspendedReason` of a subscription whose creator lost access. */
export const CREATOR_LOST_ACCESS = "creator_lost_access" as const;

/** The `lastError` of a delivery cancelled because its subscription's creator lost access (at its fan-out or attempt). */
export const CREATOR_LOST_ACCESS_ERROR = "Suspended: its creator is no longer an admin of the space";

/**
 * SQL that holds while subscription row `w` (an alias of the outer query, never request text) listens to an event of
 * type `type` in space `space`, created at `at` (SQL expressions of the outer query): it is of that live space, enabled,
 * lists the type (`events` is a JSON array of names), and already existed and was on when the event was created
 * (`created_at <= at`, and `enabled_at <= at` when it was switched on again since: all epoch milliseconds, written by
 * the same clock). A subscription created, or re-enabled, after an event never hears it, however late the event's
 * fan-out runs; one disabled before the fan-out runs does not either (a disable cancels what is pending, deliver.ts).
 *
 * Whether its creator may still manage it is not part of the rule: a suspended subscription still hears events, and
 * its fan-out records each one as a delivery cancelled with CREATOR_LOST_ACCESS_ERROR, never sent (deliver.ts
 * `fanOut`, which judges the creator in the statement that writes the row). So every event a subscription heard has a
 * delivery row, and `GET /v1/webhooks/{id}/deliveries?status=cancelled` finds what it missed, however the creator's
 * access changed between the event and its fan-out.
 */
export const hearsSql = (w: string, space: string, type: string, at: string) =>
  `${w}.space_id = ${space} AND ${w}.enabled = 1 AND instr(${w}.events, '"' || ${type} || '"') > 0
    AND ${w}.created_at <= ${at} AND (${w}.enabled_at IS NULL OR ${w}.enabled_at <= ${at})
    AND EXISTS (SELECT 1 FROM spaces hsp WHERE hsp.id = ${w}.space_id AND hsp.deleted_at IS NULL)`;

/**
 * SQL that holds while an event of type `type` in space `space`, created at `at`, has a subscription that hears it
 * (`hearsSql`, the one rule). It tells the hourly sweep which undelivered outbox rows to fan out and which to mark as
 * done (publish.ts): an event stored while its subscription's creator could manage it is fanned out however late, to be
 * recorded as cancelled if they lost access since. A write judges with listenedToNowSql instead.
 */
export const listenedToSql = (space: string, type: string, at: string) => `EXISTS (SELECT 1 FROM webhook_subscriptions lw WHERE ${hearsSql("lw", space, type, at)})`;

/**
 * As listenedToSql, counting only subscriptions whose creator may manage them now: for a write deciding, as it
 * commits, whether to store its transaction events (the ledger's `onlyIfSubscribed`) and to queue their fan-out
 * (publish.ts `queueFanout`). An event made while a subscription is suspended is no event it hears, so a space whose
 * only listeners are suspended stores nothing for them, as before (an admin who left 25 subscriptions behind would
 * otherwise cost a stored event and 25 cancelled rows a transaction, indefinitely: review of QA 12-F's fixes). One
 * made while its creator could manage it is stored and queued, and its fan-out, however late, records it (sent, or
 * cancelled if the creator lost access since).
 */
export const listenedToNowSql = (space: string, type: string, at: string) =>
  `EXISTS (SELECT 1 FROM webhook_subscriptions lw WHERE ${hearsSql("lw", space, type, at)} AND ${creatorMayManageSql("lw")})`;
