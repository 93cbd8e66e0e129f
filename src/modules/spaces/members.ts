/**
 * Space membership management. The member list (it carries emails) is for
 * members and up, not viewers (API.md). Admins (and the owner) manage members whose
 * role is below their own and grant only roles below their own; the owner
 * cannot be changed or removed here (the owner offers the space to another member with POST /v1/spaces/{spaceId}/owner,
 * and once they accept, spaces/service.ts acceptOwnership, is an admin); anyone but the owner may leave. Each write holds only while what it was checked
 * against does, in its own statement (D1 has no transactions): the caller's role and the space (memberAtLeastSql),
 * and the member's role as read. One that another's write overtook is checked again against what that left.
 */
import { eq } from "drizzle-orm";
import type { AuthContext, Services } from "../../env";
import { users } from "../../db/schema";
import { iso } from "../../lib/clock";
import { conflict, forbidden, notFound } from "../../lib/errors";
import { MEMBER_ADD_LIMITS, takeInTurn } from "../../lib/rate-limits";
import { batchAsMember, memberAtLeastSql, OVERTAKEN, outranks, readSpace, requireSpaceRole, type Role, untilLanded } from "./access";

type AssignableRole = Exclude<Role, "owner">;

/** The member as shown (binds the space's id, then the user's). */
const MEMBER_ROW_SQL = `SELECT u.id AS userId, u.email, u.name, m.role, m.created_at AS joinedAt FROM space_members m JOIN users u ON u.id = m.user_id
  WHERE m.space_id = ? AND m.user_id = ?`;

async function memberRow(svc: Services, spaceId: string, userId: string) {
  return (await svc.env.DB.prepare(MEMBER_ROW_SQL).bind(spaceId, userId).first<MemberRow>()) ?? undefined;
}

/** A member's write that another's overtook at every attempt (untilLanded). */
const keptChanging = () => conflict("The member kept changing while this request was made; read the members and try again");

type MemberRow = { userId: string; email: string; name: string; role: Role; joinedAt: number };

const present = (r: MemberRow) => ({
  ...r,
  joinedAt: iso(r.joinedAt),
});

/** The session, the caller's role (a member at least) and the space's members, oldest first, in one round trip. */
export async function listMembers(svc: Services, auth: AuthContext, spaceId: string) {
  const { results: [rows] } = await readSpace(svc, auth, spaceId, "member", (space) => [
    svc.env.DB.prepare(
      `SELECT u.id AS userId, u.email, u.name, m.role, m.created_at AS joinedAt FROM space_members m JOIN users u ON u.id = m.user_id
        WHERE m.space_id = ${space.sql} ORDER BY m.created_at`,
    ).bind(...space.params),
  ]);
  return (rows!.results as MemberRow[]).map(present);
}

export async function addMember(svc: Services, auth: AuthContext, spaceId: string, input: { email: string; role: AssignableRole }) {
  const me = await requireSpaceRole(svc, auth, spaceId, "admin");
  if (!outranks(me.role, input.role)) throw forbidden("You can only grant roles below your own");
  // Every attempt counts, found or not: counting only misses would leave the answer past the limit telling them apart.
  await takeInTurn(svc, [[`member-add:${auth.userId}`, MEMBER_ADD_LIMITS.perAdder]], `At most ${MEMBER_ADD_LIMITS.perAdder.limit} members may be added a day; retry later`);
  const user = await svc.db.select({ id: users.id }).from(users).where(eq(users.email, input.email)).get();
  if (!user) throw notFound("User");
  const db = svc.env.DB;
  // Only while the caller still holds the role they granted from, in the live space: the space's deletion removes
  // its members, and a member added after it would be left in a deleted space. Read back in the same batch.
  const [inserted, row] = await batchAsMember<MemberRow>(svc, auth, spaceId, me.role, [
    db.prepare("INSERT INTO space_members (space_id, user_id, role, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
      .bind(spaceId, user.id, input.role, svc.clock.now()),
    db.prepare(MEMBER_ROW_SQL).bind(spaceId, user.id),
  ]);
  if (inserted!.meta.changes !== 1) throw conflict("That user is already a member of this space", "DUPLICATE_RESOURCE");
  return present(row!.results[0]!);
}

/**
 * SQL that holds while the member `?` (binds the space's id, the member's id, the role read) still has the role read
 * and the caller (binds the space's id, the caller's id) still holds theirs, in the live space.
 */
const STILL_AS_READ = (callerRole: Role) =>
  `EXISTS (SELECT 1 FROM space_members t WHERE t.space_id = ? AND t.user_id = ? AND t.role = ?) AND ${memberAtLeastSql("?", "?", callerRole)}`;

export async function updateMember(svc: Services, auth: AuthContext, spaceId: string, userId: string, role: AssignableRole) {
  return untilLanded(async () => {
    const me = await requireSpaceRole(svc, auth, spaceId, "admin");
    const target = await memberRow(svc, spaceId, userId);
    if (!target) throw notFound("Member");
    if (!outranks(me.role, target.role) || !outranks(me.role, role)) {
      throw forbidden("You can only change members, and grant roles, below your own role");
    }
    // Over the role it was checked against, by a caller who still holds theirs: a removal or another change meanwhile is
    // seen at the next attempt.
    const updated = await svc.env.DB.prepare(`UPDATE space_members SET role = ? WHERE space_id = ? AND user_id = ? AND ${STILL_AS_READ(me.role)}`)
      .bind(role, spaceId, userId, spaceId, userId, target.role, spaceId, auth.userId)
      .run();
    return updated.meta.changes === 1 ? present({ ...target, role }) : OVERTAKEN;
  }, keptChanging);
}

export async function removeMember(svc: Services, auth: AuthContext, spaceId: string, userId: string): Promise<void> {
  const leaving = userId === auth.userId;
  await untilLanded(async () => {
    const me = await requireSpaceRole(svc, auth, spaceId, leaving ? "viewer" : "admin");
    const target = leaving ? { role: me.role } : await memberRow(svc, spaceId, userId);
    if (!target) throw notFound("Member");
    if (target.role === "owner") throw forbidden("The owner cannot leave or be removed; hand the space to another member first, or delete it");
    if (!leaving && !outranks(me.role, target.role)) throw forbidden("You can only remove members below your own role");
    // As updateMember: only the member as checked, by a caller still in their role (one leaving is both).
    const db = svc.env.DB;
    const [removed] = await db.batch([
      db.prepare(`DELETE FROM space_members WHERE space_id = ? AND user_id = ? AND ${STILL_AS_READ(me.role)}`)
        .bind(spaceId, userId, spaceId, userId, target.role, spaceId, auth.userId),
      // The space's ownership offered to them goes with them: one added again later is not offered it by an old offer.
      db.prepare("DELETE FROM space_owner_offers WHERE space_id = ? AND user_id = ? AND NOT EXISTS (SELECT 1 FROM space_members WHERE space_id = ? AND user_id = ?)")
        .bind(spaceId, userId, spaceId, userId),
    ]);
    return removed!.meta.changes === 1 ? true : OVERTAKEN;
  }, keptChanging);
}
