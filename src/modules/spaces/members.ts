/**
 * Space membership management. The member list (it carries emails) is for
 * members and up, not viewers (API.md). Admins (and the owner) manage members whose
 * role is below their own and grant only roles below their own; the owner
 * cannot be changed or removed; anyone but the owner may leave.
 */
import { and, eq } from "drizzle-orm";
import type { AuthContext, Services } from "../../env";
import { spaceMembers, users } from "../../db/schema";
import { iso } from "../../lib/clock";
import { conflict, forbidden, notFound } from "../../lib/errors";
import { MEMBER_ADD_LIMITS, takeInTurn } from "../../lib/rate-limits";
import { outranks, readSpace, requireSpaceRole, type Role } from "./access";

type AssignableRole = Exclude<Role, "owner">;

async function memberRow(svc: Services, spaceId: string, userId: string) {
  return svc.db
    .select({ userId: users.id, email: users.email, name: users.name, role: spaceMembers.role, joinedAt: spaceMembers.createdAt })
    .from(spaceMembers)
    .innerJoin(users, eq(users.id, spaceMembers.userId))
    .where(and(eq(spaceMembers.spaceId, spaceId), eq(spaceMembers.userId, userId)))
    .get();
}

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
  const res = await svc.db
    .insert(spaceMembers)
    .values({ spaceId, userId: user.id, role: input.role, createdAt: svc.clock.now() })
    .onConflictDoNothing()
    .run();
  if (res.meta.changes !== 1) throw conflict("That user is already a member of this space", "DUPLICATE_RESOURCE");
  return present((await memberRow(svc, spaceId, user.id))!);
}

export async function updateMember(svc: Services, auth: AuthContext, spaceId: string, userId: string, role: AssignableRole) {
  const me = await requireSpaceRole(svc, auth, spaceId, "admin");
  const target = await memberRow(svc, spaceId, userId);
  if (!target) throw notFound("Member");
  if (!outranks(me.role, target.role) || !outranks(me.role, role)) {
    throw forbidden("You can only change members, and grant roles, below your own role");
  }
  await svc.db.update(spaceMembers).set({ role }).where(and(eq(spaceMembers.spaceId, spaceId), eq(spaceMembers.userId, userId)));
  return present({ ...target, role });
}

export async function removeMember(svc: Services, auth: AuthContext, spaceId: string, userId: string): Promise<void> {
  const leaving = userId === auth.userId;
  const me = await requireSpaceRole(svc, auth, spaceId, leaving ? "viewer" : "admin");
  const target = leaving ? { role: me.role } : await memberRow(svc, spaceId, userId);
  if (!target) throw notFound("Member");
  if (target.role === "owner") throw forbidden("The owner cannot leave or be removed; delete the space instead");
  if (!leaving && !outranks(me.role, target.role)) throw forbidden("You can only remove members below your own role");
  await svc.db.delete(spaceMembers).where(and(eq(spaceMembers.spaceId, spaceId), eq(spaceMembers.userId, userId)));
}
