/**
 * The Life Beat cron. Each run (hourly in production; any cadence works):
 *
 * 1. takes the enabled households whose next level is due, or that are
 *    escalated (level > 0; up to ESCALATED_PER_RUN of them, drawn at random when
 *    more are, so that no group of dormant households can keep the others from
 *    being looked at; a use of an escalation grant checks the owner's activity
 *    itself, grant-access.ts);
 * 2. folds in the owner's activity (their last authenticated request, kept by
 *    the rate limiter): activity newer than the last check-in is a check-in,
 *    so nothing fires and escalation grants made before it are revoked;
 * 3. raises each due household ONE level (its stored `next_escalation_at` has
 *    passed; the next level is scheduled from this one, see `levelBase`: on
 *    catch-up the rest of the schedule starts from this notice), in ONE D1
 *    batch whose every write is guarded by "this cycle, this expected level,
 *    still enabled" and whose rows are unique by (household, cycle, level):
 *    the escalation record, the owner's notices, at the final level the
 *    executor's notice and the read-only grant, the `lifebeat.escalated`
 *    webhook events, and last the level itself. However often the cron runs,
 *    overlaps or retries, a level is reached once and its notices written once;
 * 4. warns the owner of a single-level household whose warning is due and
 *    whose grant is not (warningAt in state.ts: with one level, the first
 *    event of a missed check-in would otherwise be the executor's access), in
 *    one D1 batch guarded by "this cycle, level 0, still enabled, warning not
 *    yet sent" that clears the warning's instant last: sent once per cycle,
 *    however the runs fall. A run that first sees a household after its grant
 *    is due (a cron outage spanning both instants) grants at the grant's
 *    instant as before, with no separate warning: the warning never moves the
 *    grant, and the owner's grant notice says a check-in revokes it at once;
 * 5. delivers due notifications from the outbox (claimed, so sent once).
 */
import type { Services } from "../../env";
import { randomToken, sha256Hex } from "../../lib/crypto";
import { newId } from "../../lib/ids";
import { logError, logInfo } from "../../lib/log";
import { INVITATION_TTL_MS } from "./households";
import { executorNotice, localeOf, ownerNotice, ownerWarning } from "./messages";
import { deliverDue, deliverRows, dueNotifications, notificationInsert, type NotificationRow } from "./outbox";
import { channelsOf, DAY_MS, daysOf, escalationAfter, escalationGrantKey, foldActivity, LB_COLUMNS, levelBase, type LifeBeatRow } from "./state";

export const ESCALATED_EVENT = "lifebeat.escalated";
const BATCH = 200;
/** Escalated households whose owner's activity one run looks at. */
const ESCALATED_PER_RUN = 2_000;

interface Candidate extends LifeBeatRow {
  household_name: string;
  owner_id: string;
  owner_email: string;
  owner_name: string;
  owner_locale: string;
  executor_email: string | null;
  executor_name: string | null;
  executor_user_id: string | null;
  /** The executor's own language: their account's, or (not joined yet) that of an account with their email. */
  executor_locale: string | null;
}

export interface EscalationRun {
  examined: number;
  escalated: number;
  /** Owners warned before a single-level grant. */
  warned: number;
  reset: number;
  /** Households whose handling failed this run (logged; the next run tries again). */
  failed: number;
  delivered: number;
}

export async function runLifeBeat(svc: Services): Promise<EscalationRun> {
  const now = svc.clock.now();
  const select = `SELECT ${LB_COLUMNS}, h.name AS household_name, h.owner_id, u.email AS owner_email, u.name AS owner_name, u.locale AS owner_locale,
            em.email AS executor_email, em.name AS executor_name, em.user_id AS executor_user_id,
            COALESCE((SELECT locale FROM users WHERE id = em.user_id), (SELECT locale FROM users WHERE email = lower(em.email))) AS executor_locale
       FROM life_beat lb JOIN households h ON h.id = lb.household_id JOIN users u ON u.id = h.owner_id
       LEFT JOIN household_members em ON em.id = lb.executor_member_id AND em.removed_at IS NULL`;
  const db = svc.env.DB;
  // One D1 round trip when nothing is due, which is nearly every run: the due households (earliest first),
  // the escalated ones (whose owner's activity may end a grant), those whose warning is due, and the due notices.
  const [due, escalated, warnings, notices] = await db.batch<Record<string, unknown>>([
    db.prepare(`${select} WHERE lb.enabled = 1 AND lb.next_escalation_at <= ? ORDER BY lb.next_escalation_at LIMIT ?`).bind(now, BATCH),
    db.prepare(`${select} WHERE lb.enabled = 1 AND lb.current_level > 0 ORDER BY random() LIMIT ?`).bind(ESCALATED_PER_RUN),
    db.prepare(`${select} WHERE lb.enabled = 1 AND lb.warning_at <= ? ORDER BY lb.warning_at LIMIT ?`).bind(now, BATCH),
    dueNotifications(svc, now),
  ]);
  const byId = new Map<string, Candidate>();
  for (const c of [...due!.results, ...escalated!.results, ...warnings!.results] as unknown as Candidate[]) byId.set(c.household_id, c);
  const run: EscalationRun = { examined: byId.size, escalated: 0, warned: 0, reset: 0, failed: 0, delivered: 0 };
  for (const c of byId.values()) {
    // One household the run cannot handle (a failed write, an owner's activity that could not be read) is
    // logged and left to the next run: it is never the end of the run, or the households after it and every
    // due notice would wait too, hour after hour while it failed first (the due are taken earliest first).
    try {
      if ((await foldActivity(svc, c, c.owner_id)) !== null) {
        run.reset++;
        continue;
      }
      const raised = await escalateDue(svc, c, now);
      run.escalated += raised;
      if (!raised) run.warned += await warnDue(svc, c, now);
    } catch (err) {
      run.failed++;
      logError(undefined, "lifebeat.household_failed", err, { householdId: c.household_id });
    }
  }
  run.delivered =
    run.escalated || run.warned ? await deliverDue(svc) : await deliverRows(svc, notices!.results as unknown as NotificationRow[]);
  if (run.escalated || run.warned || run.reset || run.failed) logInfo(undefined, "lifebeat.run", { ...run });
  return run;
}

/**
 * Raises `c` one level when its next one is due at `now`; returns how many levels this run raised (0 or 1).
 * One a run: the next level is scheduled from this one (at least its gap ahead), so even a household
 * whose every level is overdue gets one notice now and the configured time to answer it.
 */
async function escalateDue(svc: Services, c: Candidate, now: number): Promise<number> {
  if (c.next_escalation_at === null || c.next_escalation_at > now || c.current_level >= daysOf(c).length) return 0;
  return (await escalate(svc, c, daysOf(c), c.current_level + 1, c.next_escalation_at)) ? 1 : 0;
}

/**
 * Warns the owner of `c` (single level, still at level 0) when the warning is due at `now` and the grant is
 * not: on every configured channel, in the owner's language, with the grant's instant. Returns 1 when this
 * call sent it, 0 otherwise. The notices are written only while the row is in this cycle at level 0, enabled,
 * with its warning unsent, and the same batch then clears `warning_at`: a second run (overlapping, retried,
 * or the next hour's) writes nothing, and the notices' dedupe keys are unique besides. A check-in starts a
 * new cycle (cancelling the warning if still pending) with a warning of its own.
 */
async function warnDue(svc: Services, c: Candidate, now: number): Promise<number> {
  if (c.warning_at === null || c.warning_at > now || c.current_level !== 0 || c.next_escalation_at === null) return 0;
  // The grant is due as well: escalateDue has granted (or another run has); the warning never delays it.
  if (c.next_escalation_at <= now) return 0;
  const hh = c.household_id;
  const db = svc.env.DB;
  const pending = "household_id = ? AND cycle = ? AND current_level = 0 AND enabled = 1 AND warning_at IS NOT NULL";
  const guard = { sql: `EXISTS (SELECT 1 FROM life_beat WHERE ${pending})`, params: [hh, c.cycle] as (string | number)[] };
  const locale = localeOf(c.owner_locale);
  const msg = ownerWarning(locale, {
    ownerName: c.owner_name, householdName: c.household_name, lastCheckIn: c.last_check_in,
    executorName: c.executor_member_id ? (c.executor_name ?? c.executor_email) : null, grantAt: c.next_escalation_at,
  });
  const statements: D1PreparedStatement[] = [];
  for (const channel of channelsOf(c)) {
    const recipient = channel === "sms" ? c.sms_number : c.owner_email;
    if (!recipient) continue;
    // Kind 'escalation' at level 0 (before level 1): a reset cancels it if still pending, as it does a level's notices.
    const n = await notificationInsert(
      svc,
      {
        householdId: hh, kind: "escalation", cycle: c.cycle, level: 0, channel, recipient, locale,
        subject: msg.subject, text: channel === "sms" ? `${msg.subject}. ${msg.text}` : msg.text,
        dedupeKey: `lifebeat:${hh}:${c.cycle}:0:owner:${channel}`,
      },
      guard,
    );
    statements.push(n.statement);
  }
  statements.push(db.prepare(`UPDATE life_beat SET warning_at = NULL, updated_at = ? WHERE ${pending}`).bind(now, hh, c.cycle));
  const results = await db.batch(statements);
  return results[results.length - 1]!.meta.changes === 1 ? 1 : 0;
}

/** One level, due at `dueAt`, in one guarded batch. Returns true when this call raised it. */
async function escalate(svc: Services, c: Candidate, days: number[], level: number, dueAt: number): Promise<boolean> {
  const now = svc.clock.now();
  const base = levelBase(dueAt, now);
  const db = svc.env.DB;
  const final = level === days.length;
  const hh = c.household_id;
  const guard = {
    sql: "EXISTS (SELECT 1 FROM life_beat WHERE household_id = ? AND cycle = ? AND current_level = ? AND enabled = 1)",
    params: [hh, c.cycle, level - 1] as (string | number)[],
  };
  const locale = localeOf(c.owner_locale);
  const accessUntil = final && c.executor_member_id ? now + c.access_days * DAY_MS : null;
  const facts = {
    ownerName: c.owner_name, householdName: c.household_name, level, levels: days.length, lastCheckIn: c.last_check_in,
    executorName: c.executor_name ?? c.executor_email, finalAt: final ? null : escalationAfter(base, days, level, days.length - 1),
    accessUntil,
  };
  const statements: D1PreparedStatement[] = [
    db.prepare(`INSERT OR IGNORE INTO life_beat_escalations (household_id, cycle, level, escalated_at) SELECT ?, ?, ?, ? WHERE ${guard.sql}`).bind(
      hh, c.cycle, level, now, ...guard.params,
    ),
  ];
  const owner = ownerNotice(locale, facts);
  for (const channel of channelsOf(c)) {
    const recipient = channel === "sms" ? c.sms_number : c.owner_email;
    if (!recipient) continue;
    const n = await notificationInsert(
      svc,
      {
        householdId: hh, kind: "escalation", cycle: c.cycle, level, channel, recipient, locale,
        subject: owner.subject, text: channel === "sms" ? `${owner.subject}. ${owner.text}` : owner.text,
        dedupeKey: `lifebeat:${hh}:${c.cycle}:${level}:owner:${channel}`,
      },
      guard,
    );
    statements.push(n.statement);
  }
  if (final && c.executor_member_id && c.executor_email) {
    // An executor who never joined gets a fresh single-use invitation with the notice (the first may have expired).
    const token = c.executor_user_id === null ? `hhi_${randomToken(32)}` : null;
    const executorLocale = localeOf(c.executor_locale ?? c.owner_locale);
    const msg = executorNotice(executorLocale, { ...facts, invitationToken: token });
    const n = await notificationInsert(
      svc,
      {
        householdId: hh, kind: "executor", cycle: c.cycle, level, channel: "email", recipient: c.executor_email, locale: executorLocale,
        subject: msg.subject, text: msg.text, dedupeKey: `lifebeat:${hh}:${c.cycle}:${level}:executor:email`,
      },
      guard,
    );
    if (token) {
      statements.push(
        db.prepare(
          `UPDATE household_members SET invitation_hash = ?, invitation_expires_at = ? WHERE id = ? AND status = 'invited' AND removed_at IS NULL AND ${guard.sql}`,
        ).bind(await sha256Hex(token), now + INVITATION_TTL_MS, c.executor_member_id, ...guard.params),
      );
    }
    statements.push(
      n.statement,
      db.prepare(
        `INSERT OR IGNORE INTO emergency_grants (id, household_id, member_id, access_level, source, granted_by, created_at, expires_at, dedupe_key)
         SELECT ?, household_id, executor_member_id, 'read-only', 'escalation', NULL, ?, ?, ? FROM life_beat
          WHERE household_id = ? AND cycle = ? AND current_level = ? AND enabled = 1 AND executor_member_id = ?`,
      ).bind(newId("egr", now), now, accessUntil, escalationGrantKey(hh, c.cycle), hh, c.cycle, level - 1, c.executor_member_id),
    );
  }
  const payload = JSON.stringify({
    householdId: hh, level, levels: days.length, final, lastCheckIn: new Date(c.last_check_in).toISOString(),
    executorId: final ? c.executor_member_id : null, emergencyAccessUntil: accessUntil === null ? null : new Date(accessUntil).toISOString(),
  });
  statements.push(
    db.prepare(
      `INSERT OR IGNORE INTO event_outbox (id, space_id, type, payload, dedupe_key, created_at)
       SELECT ? || substr(hs.space_id, instr(hs.space_id, '_')), hs.space_id, ?, ?, ? || hs.space_id, ? FROM household_spaces hs
        WHERE hs.household_id = ? AND ${guard.sql}
          -- A deleted space of the household gets no event (its webhooks were erased with it).
          AND EXISTS (SELECT 1 FROM spaces s WHERE s.id = hs.space_id AND s.deleted_at IS NULL)`,
    ).bind(newId("evt", now), ESCALATED_EVENT, payload, `${ESCALATED_EVENT}:${hh}:${c.cycle}:${level}:`, now, hh, ...guard.params),
    // Last: the level itself, from the expected one only.
    db.prepare(
      // A single level's warning not sent by now (its run and the grant's are one) is not sent after the grant.
      "UPDATE life_beat SET current_level = ?, next_escalation_at = ?, warning_at = NULL, updated_at = ? WHERE household_id = ? AND cycle = ? AND current_level = ? AND enabled = 1",
    ).bind(level, escalationAfter(base, days, level, level), now, hh, c.cycle, level - 1),
  );
  const results = await db.batch(statements);
  return results[results.length - 1]!.meta.changes === 1;
}
