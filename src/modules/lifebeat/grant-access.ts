/**
 * How the space gate honours a Life Beat emergency grant. A grant reads as the
 * `viewer` role of every space of the household, for GET requests only: any
 * other method, and any route needing more than a viewer, is 403. Every use
 * (and every refused attempt) is written to the audit log the owner reads.
 * This costs D1 work only when access comes from a grant: a caller with a real
 * membership never gets here.
 */
import { and, eq, gt, isNull } from "drizzle-orm";
import { emergencyGrants, householdMembers, householdSpaces, spaces } from "../../db/schema";
import type { AuthContext, Services } from "../../env";
import { forbidden, notFound } from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { Membership, Role } from "../spaces/access";
import { lastActivity } from "../../lib/user-activity";
import { escalationGrantKey, foldActivity, LB_COLUMNS, type LifeBeatRow } from "./state";

const READ_METHODS = new Set(["GET", "HEAD"]);

/**
 * Who uses a grant, and in what request: a signed-in caller, or a download link's user (documents/service.ts).
 * The object also holds what one request has checked and audited, so it is one per request.
 */
export type GrantCaller = Pick<AuthContext, "userId" | "request">;

/**
 * Whether the household's owner has been active since escalation grant `grantId` was made, which ends it.
 * The hourly cron folds an owner's activity into Life Beat; a use of the grant folds it at once, so that no
 * read is answered from a grant that the owner's return has ended, however many households the cron has
 * to look at.
 */
async function endedByOwnerActivity(svc: Services, grantId: string): Promise<boolean> {
  const row = await svc.env.DB.prepare(
    `SELECT ${LB_COLUMNS}, h.owner_id, g.created_at AS granted_at, g.dedupe_key AS grant_key FROM emergency_grants g
       JOIN households h ON h.id = g.household_id JOIN life_beat lb ON lb.household_id = g.household_id
      WHERE g.id = ? AND g.source = 'escalation'`,
  )
    .bind(grantId)
    .first<LifeBeatRow & { owner_id: string; granted_at: number; grant_key: string | null }>();
  if (!row) return false;
  // A grant of a cycle that has ended (a check-in, a saved configuration or the owner's activity started
  // another) is no access, whenever it was made: revoked now if the reset that ended its cycle missed it.
  if (row.grant_key !== null && row.grant_key !== escalationGrantKey(row.household_id, row.cycle)) {
    await svc.env.DB.prepare("UPDATE emergency_grants SET revoked_at = ?, revoked_reason = 'cycle_ended' WHERE id = ? AND revoked_at IS NULL")
      .bind(svc.clock.now(), grantId)
      .run();
    return true;
  }
  const seen = await lastActivity(svc.env, row.owner_id);
  if (seen === null || seen <= row.granted_at || seen > svc.clock.now()) return false;
  await foldActivity(svc, row, row.owner_id); // revokes the grant (or another fold just did)
  return true;
}

/**
 * Whether live grant `grantId` has been ended by its owner's return (once per request and grant). A manual
 * grant is the owner's own act and ends only when revoked or expired: nothing to look at.
 */
export async function grantEnded(svc: Services, auth: GrantCaller, grantId: string, source: string | undefined): Promise<boolean> {
  if (source === "manual") return false;
  const checked = ((auth as GrantCaller & { grantsChecked?: Map<string, Promise<boolean>> }).grantsChecked ??= new Map<string, Promise<boolean>>());
  let ended = checked.get(grantId);
  if (!ended) checked.set(grantId, (ended = endedByOwnerActivity(svc, grantId)));
  return ended;
}

/**
 * Throws 403 unless a grant-based access is a read; audits it either way (once per request and space).
 * A grant the owner's activity has ended is a 404, as for any non-member.
 */
export async function useEmergencyGrant(svc: Services, auth: GrantCaller, m: Membership, min: Role): Promise<void> {
  if (await grantEnded(svc, auth, m.grantId!, m.grantSource)) throw notFound("Space");
  const method = auth.request?.method ?? "INTERNAL";
  const path = auth.request?.path ?? "";
  // No request context (a job, a direct service call) is treated as a write: fail closed.
  const allowed = READ_METHODS.has(method) && min === "viewer";
  const audited = ((auth as GrantCaller & { grantAudits?: Set<string> }).grantAudits ??= new Set<string>());
  const key = `${m.spaceId}:${allowed}`;
  if (!audited.has(key)) {
    audited.add(key);
    const now = svc.clock.now();
    await svc.env.DB.prepare(
      `INSERT INTO emergency_access_log (id, grant_id, household_id, user_id, space_id, method, path, allowed, at)
       SELECT ?, g.id, g.household_id, ?, ?, ?, ?, ?, ? FROM emergency_grants g WHERE g.id = ?`,
    )
      .bind(newId("eal", now), auth.userId, m.spaceId, method, path.slice(0, 512), allowed ? 1 : 0, now, m.grantId!)
      .run();
  }
  if (!allowed) throw forbidden("Emergency access is read-only");
}

/**
 * Grant `grantId` (its id and source) while it is live for user `userId` in space `spaceId`: unrevoked, unexpired,
 * its member not removed, the space still the household's and not deleted. Binds (grantId, spaceId, userId, now).
 * A download link listed through a grant works only while this holds (documents/service.ts): not through
 * whatever grant the user holds later.
 */
export const LIVE_GRANT_SQL = `SELECT g.id, g.source FROM emergency_grants g
   JOIN household_members hm ON hm.id = g.member_id AND hm.removed_at IS NULL
   JOIN household_spaces hs ON hs.household_id = g.household_id JOIN spaces s ON s.id = hs.space_id
  WHERE g.id = ? AND hs.space_id = ? AND hm.user_id = ? AND g.revoked_at IS NULL AND g.expires_at > ? AND s.deleted_at IS NULL`;

/** The ids of the spaces a user reads through live grants (with the grant), for the space list; batchable. */
export function grantedSpaces(svc: Services, userId: string) {
  return svc.db
    .select({ spaceId: householdSpaces.spaceId, grantId: emergencyGrants.id, source: emergencyGrants.source })
    .from(householdMembers)
    .innerJoin(emergencyGrants, and(eq(emergencyGrants.memberId, householdMembers.id), isNull(emergencyGrants.revokedAt)))
    .innerJoin(householdSpaces, eq(householdSpaces.householdId, emergencyGrants.householdId))
    .innerJoin(spaces, eq(spaces.id, householdSpaces.spaceId))
    .where(and(eq(householdMembers.userId, userId), isNull(householdMembers.removedAt), gt(emergencyGrants.expiresAt, svc.clock.now()), isNull(spaces.deletedAt)));
}
