/**
 * Life Beat configuration, check-ins, emergency access grants and their audit
 * log. Only the household's owner configures, checks in, grants and reads the
 * audit; any active member (the executor included) may read the state. The
 * executor therefore cannot trigger, extend or renew their own access.
 */
import type { AuthContext, Services } from "../../env";
import { iso } from "../../lib/clock";
import { conflict, forbidden, notFound, validationFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { pagination } from "../../lib/pagination";
import { guardedValue, type SqlGuard } from "../../lib/sql";
import { readHousehold, requireHousehold } from "./households";
import type { Channel, Interval } from "./schemas";
import {
  channelsOf, DAY_MS, daysOf, escalationAt, foldActivity, LIFE_BEAT_COLUMNS, type LifeBeatRow, nextCheckInDue, resetStatements, warningAt,
} from "./state";

const MAX_GRANT_MS = 365 * DAY_MS;

/** Which emergency grants are member `?1`'s live manual grants at instant `?2` (unrevoked, unexpired). */
const LIVE_MANUAL_GRANT = "member_id = ? AND source = 'manual' AND revoked_at IS NULL AND expires_at > ?";

/** The Life Beat row (404 naming the household when it has none). */
function rowOf(result: D1Result): LifeBeatRow {
  const row = result.results[0] as LifeBeatRow | undefined;
  if (!row) throw notFound("Household");
  return row;
}

async function loadRow(svc: Services, householdId: string): Promise<LifeBeatRow> {
  return rowOf(await rowRead(svc.env.DB, plainKey(householdId)).all());
}

/** A household id as SQL when no guard is needed (its checks already passed). */
const plainKey = (householdId: string): SqlGuard => guardedValue(householdId);

const rowRead = (db: D1Database, household: SqlGuard) =>
  db.prepare(`SELECT ${LIFE_BEAT_COLUMNS} FROM life_beat WHERE household_id = ${household.sql}`).bind(...household.params);

/** What `present` shows: the row and the latest grants. */
const stateReads = (db: D1Database, household: SqlGuard): D1PreparedStatement[] => [
  rowRead(db, household),
  db.prepare(
    `SELECT id, household_id, member_id, source, created_at, expires_at, revoked_at FROM emergency_grants WHERE household_id = ${household.sql}
      ORDER BY created_at DESC, id DESC LIMIT 20`,
  ).bind(...household.params),
];

/** The state as stateReads read it: 404 naming the household when it has no Life Beat row. */
const stateOf = ([row, grants]: D1Result[]) => ({ row: rowOf(row!), grants: grants!.results as unknown as GrantRow[] });

interface GrantRow {
  id: string;
  household_id: string;
  member_id: string;
  source: "escalation" | "manual";
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

const presentGrant = (g: GrantRow, now: number) => ({
  id: g.id,
  householdId: g.household_id,
  executorId: g.member_id,
  accessLevel: "read-only" as const,
  source: g.source,
  grantedAt: iso(g.created_at),
  expiresAt: iso(g.expires_at),
  revokedAt: g.revoked_at === null ? null : iso(g.revoked_at),
  status: (g.revoked_at !== null ? "revoked" : g.expires_at <= now ? "expired" : "active") as "active" | "expired" | "revoked",
});

async function loadPresented(svc: Services, householdId: string) {
  const { row, grants } = stateOf(await svc.env.DB.batch(stateReads(svc.env.DB, plainKey(householdId))));
  return present(svc, row, grants, true);
}

/** The owner's phone number as other members see it: its last two digits, enough to tell which it is. */
const maskedNumber = (n: string | null) => (n === null ? null : `${"•".repeat(Math.max(0, n.length - 2))}${n.slice(-2)}`);

/** The state as `ownerView` (the owner) or any other member sees it: only the owner sees their whole phone number. */
function present(svc: Services, row: LifeBeatRow, grants: GrantRow[], ownerView: boolean) {
  const now = svc.clock.now();
  return {
    householdId: row.household_id,
    enabled: !!row.enabled,
    checkInInterval: row.check_in_interval,
    lastCheckIn: iso(row.last_check_in),
    nextCheckInDue: iso(nextCheckInDue(row.last_check_in, row.check_in_interval)),
    escalationDays: daysOf(row),
    currentEscalationLevel: row.current_level,
    nextEscalationAt: row.next_escalation_at === null ? null : iso(row.next_escalation_at),
    executorId: row.executor_member_id,
    notificationChannels: channelsOf(row),
    smsNumber: ownerView ? row.sms_number : maskedNumber(row.sms_number),
    emergencyAccessDays: row.access_days,
    emergencyAccess: grants.map((g) => presentGrant(g, now)),
  };
}

/**
 * Any active member reads the state, in the round trip that checks them; the owner's recent activity is
 * folded in first when Life Beat is on (a check-in by use): a reset is a write, which reads the state
 * again in its own batch.
 */
export async function getLifeBeat(svc: Services, auth: AuthContext, householdId: string) {
  const db = svc.env.DB;
  const { household, results } = await readHousehold(svc, auth, householdId, "member", (key) => stateReads(db, key));
  const read = stateOf(results);
  const ownerView = household.owner_id === auth.userId;
  if (!read.row.enabled) return present(svc, read.row, read.grants, ownerView);
  const after = await foldActivity(svc, read.row, household.owner_id, stateReads(db, plainKey(householdId)));
  const { row, grants } = after ? stateOf(after) : read;
  return present(svc, row, grants, ownerView);
}

export interface LifeBeatUpdate {
  householdId: string;
  enabled?: boolean;
  checkInInterval?: Interval;
  escalationDays?: number[];
  executorId?: string | null;
  notificationChannels?: Channel[];
  smsNumber?: string | null;
  emergencyAccessDays?: number;
}

/**
 * Owner only. Saving the configuration is the owner's own act, so it resets
 * escalation like a check-in (the schedule restarts from now). Disabling ends
 * the cycle: pending notices are cancelled, escalation grants revoked, and no
 * escalation is scheduled.
 */
export async function updateLifeBeat(svc: Services, auth: AuthContext, input: LifeBeatUpdate) {
  await requireHousehold(svc, auth, input.householdId, "owner");
  const row = await loadRow(svc, input.householdId);
  const enabled = input.enabled ?? !!row.enabled;
  const interval = input.checkInInterval ?? row.check_in_interval;
  const days = input.escalationDays ?? daysOf(row);
  const channels = [...new Set(input.notificationChannels ?? channelsOf(row))];
  const smsNumber = input.smsNumber === undefined ? row.sms_number : input.smsNumber;
  const executorId = input.executorId === undefined ? row.executor_member_id : input.executorId;
  const accessDays = input.emergencyAccessDays ?? row.access_days;
  if (channels.includes("sms") && !smsNumber) {
    throw validationFailed([{ field: "smsNumber", message: "The sms channel needs the owner's phone number", code: "REQUIRED" }]);
  }
  if (executorId !== null) {
    const ex = await svc.env.DB.prepare("SELECT role FROM household_members WHERE id = ? AND household_id = ? AND removed_at IS NULL")
      .bind(executorId, input.householdId)
      .first<{ role: string }>();
    if (!ex || ex.role !== "executor") {
      throw validationFailed([{ field: "executorId", message: "Must be a member of this household with the executor role", code: "INVALID_VALUE" }]);
    }
  }
  const now = svc.clock.now();
  const db = svc.env.DB;
  const next = enabled ? escalationAt(now, interval, days, 0) : null;
  const warning = enabled ? warningAt(now, interval, days) : null;
  await db.batch([
    db.prepare(
      `UPDATE life_beat SET enabled = ?, check_in_interval = ?, escalation_days = ?, executor_member_id = ?, channels = ?, sms_number = ?,
              access_days = ?, updated_at = ? WHERE household_id = ?`,
    ).bind(enabled ? 1 : 0, interval, JSON.stringify(days), executorId, JSON.stringify(channels), smsNumber, accessDays, now, input.householdId),
    // The reset (new cycle, pending notices cancelled, escalation grants revoked), then the schedule for the new settings.
    ...resetStatements(svc, { ...row, enabled: enabled ? 1 : 0 }, now, { reason: enabled ? "reconfigured" : "disabled", revokeManual: false, onlyIfStale: false }),
    db.prepare("UPDATE life_beat SET next_escalation_at = ?, warning_at = ? WHERE household_id = ?").bind(next, warning, input.householdId),
  ]);
  return loadPresented(svc, input.householdId);
}

/** Owner only: resets escalation to 0 and revokes every live grant. */
export async function checkIn(svc: Services, auth: AuthContext, householdId: string) {
  await requireHousehold(svc, auth, householdId, "owner");
  const row = await loadRow(svc, householdId);
  const now = svc.clock.now();
  const results = await svc.env.DB.batch(resetStatements(svc, row, now, { reason: "check_in", revokeManual: true, onlyIfStale: false }));
  return {
    householdId,
    lastCheckIn: iso(now),
    nextCheckInDue: iso(nextCheckInDue(now, row.check_in_interval)),
    escalationReset: true as const,
    currentEscalationLevel: 0,
    revokedGrants: results[2]!.meta.changes,
  };
}

/** Owner only: a manual read-only grant to an executor member, until `expiresAt`. */
export async function grantEmergencyAccess(
  svc: Services,
  auth: AuthContext,
  input: { householdId: string; executorId?: string; accessLevel: "read-only"; expiresAt: string },
) {
  await requireHousehold(svc, auth, input.householdId, "owner");
  const row = await loadRow(svc, input.householdId);
  const memberId = input.executorId ?? row.executor_member_id;
  if (!memberId) throw validationFailed([{ field: "executorId", message: "No executor is configured; name one", code: "REQUIRED" }]);
  const member = await svc.env.DB.prepare("SELECT role, user_id FROM household_members WHERE id = ? AND household_id = ? AND removed_at IS NULL")
    .bind(memberId, input.householdId)
    .first<{ role: string; user_id: string | null }>();
  if (!member || member.role !== "executor") {
    throw validationFailed([{ field: "executorId", message: "Must be a member of this household with the executor role", code: "INVALID_VALUE" }]);
  }
  if (member.user_id === auth.userId) throw forbidden("The owner cannot grant access to themselves");
  const now = svc.clock.now();
  const expiresAt = Date.parse(input.expiresAt);
  if (!(expiresAt > now) || expiresAt - now > MAX_GRANT_MS) {
    throw validationFailed([{ field: "expiresAt", message: "Must be in the future and within 365 days", code: "INVALID_RANGE" }]);
  }
  const id = newId("egr", now);
  // One live manual grant per executor: a second is a 409 naming the first, not a second row and not a silent
  // change of the first's expiry (this answers a grant made, 201, and a changed end could as well shorten it).
  // The owner ends a grant by checking in, and may then grant again. The check is the INSERT's own condition,
  // so two grants sent together cannot both pass it; the read beside it, in the same batch, names the live one.
  const db = svc.env.DB;
  const [inserted, live] = await db.batch([
    db.prepare(
      `INSERT INTO emergency_grants (id, household_id, member_id, access_level, source, granted_by, created_at, expires_at)
       SELECT ?, ?, ?, 'read-only', 'manual', ?, ?, ?
        WHERE NOT EXISTS (SELECT 1 FROM emergency_grants WHERE ${LIVE_MANUAL_GRANT})`,
    ).bind(id, input.householdId, memberId, auth.userId, now, expiresAt, memberId, now),
    db.prepare(`SELECT id, expires_at FROM emergency_grants WHERE ${LIVE_MANUAL_GRANT} ORDER BY created_at, id LIMIT 1`).bind(memberId, now),
  ]);
  if (inserted!.meta.changes !== 1) {
    const first = live!.results[0] as { id: string; expires_at: number } | undefined;
    const which = first ? ` (${first.id}, until ${iso(first.expires_at)})` : "";
    throw conflict(`This executor already has a live manual grant${which}; check in to end it before granting again`, "DUPLICATE_RESOURCE");
  }
  return presentGrant({ id, household_id: input.householdId, member_id: memberId, source: "manual", created_at: now, expires_at: expiresAt, revoked_at: null }, now);
}

/** Owner only: every use of an emergency grant, newest first. */
export async function accessLog(svc: Services, auth: AuthContext, q: { householdId: string; limit: number; offset: number }) {
  const db = svc.env.DB;
  const { results: [rows, total] } = await readHousehold(svc, auth, q.householdId, "owner", (key) => [
    db.prepare(
      `SELECT id, grant_id, user_id, space_id, method, path, allowed, at FROM emergency_access_log WHERE household_id = ${key.sql} ORDER BY at DESC, id DESC LIMIT ? OFFSET ?`,
    ).bind(...key.params, q.limit, q.offset),
    db.prepare(`SELECT COUNT(*) AS n FROM emergency_access_log WHERE household_id = ${key.sql}`).bind(...key.params),
  ]);
  const entries = (rows!.results as { id: string; grant_id: string; user_id: string; space_id: string; method: string; path: string; allowed: number; at: number }[]).map(
    (r) => ({ id: r.id, grantId: r.grant_id, userId: r.user_id, spaceId: r.space_id, method: r.method, path: r.path, allowed: !!r.allowed, at: iso(r.at) }),
  );
  return { entries, pagination: pagination((total!.results[0] as { n: number }).n, q.limit, q.offset) };
}
