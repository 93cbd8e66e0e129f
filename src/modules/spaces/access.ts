/**
 * Space authorization, the one gate every space-scoped route passes. A space
 * the caller is not a member of is indistinguishable from one that does not
 * exist (404); a visible space the caller's role may not change is 403.
 */
import { and, eq, isNull } from "drizzle-orm";
import type { AuthContext, Services } from "../../env";
import { spaceMembers, spaces } from "../../db/schema";
import { ApiError, forbidden, notFound } from "../../lib/errors";
import { requireRecentStepUp } from "../auth/second-factor";

export const ROLES = ["owner", "admin", "member", "viewer"] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { owner: 4, admin: 3, member: 2, viewer: 1 };
export const outranks = (a: Role, b: Role) => RANK[a] > RANK[b];
export const atLeast = (role: Role, min: Role) => RANK[role] >= RANK[min];

export interface Membership {
  spaceId: string;
  role: Role;
  space: typeof spaces.$inferSelect;
}

const MEMBERSHIP_SQL =
  "SELECT m.role FROM space_members m JOIN spaces s ON s.id = m.space_id WHERE m.space_id = ? AND m.user_id = ? AND s.deleted_at IS NULL";

/**
 * For hot read paths: checks the caller's role and runs `statements` in the
 * same D1 round trip. The reads run even for a caller who is refused, but
 * their results are only returned once the role check has passed.
 */
export async function readAsMember<T = Record<string, unknown>>(
  svc: Services,
  auth: AuthContext,
  spaceId: string,
  min: Role,
  statements: D1PreparedStatement[],
): Promise<D1Result<T>[]> {
  const [membership, ...results] = await svc.env.DB.batch<unknown>([
    svc.env.DB.prepare(MEMBERSHIP_SQL).bind(spaceId, auth.userId),
    ...statements,
  ]);
  const role = (membership!.results[0] as { role: Role } | undefined)?.role;
  if (!role) throw notFound("Space");
  if (!atLeast(role, min)) throw forbidden();
  return results as D1Result<T>[];
}

export async function findMembership(svc: Services, userId: string, spaceId: string): Promise<Membership | null> {
  const row = await svc.db
    .select({ role: spaceMembers.role, space: spaces })
    .from(spaceMembers)
    .innerJoin(spaces, eq(spaces.id, spaceMembers.spaceId))
    .where(and(eq(spaceMembers.spaceId, spaceId), eq(spaceMembers.userId, userId), isNull(spaces.deletedAt)))
    .get();
  return row ? { spaceId, role: row.role, space: row.space } : null;
}

/**
 * Returns the caller's membership if their role is at least `min`. Admin-level
 * access also requires a recent second factor for users who have 2FA.
 */
export async function requireSpaceRole(svc: Services, auth: AuthContext, spaceId: string, min: Role): Promise<Membership> {
  const m = await findMembership(svc, auth.userId, spaceId);
  if (!m) throw notFound("Space");
  if (!atLeast(m.role, min)) throw forbidden();
  if (atLeast(min, "admin")) requireRecentStepUp(auth, svc.clock.now());
  return m;
}

/**
 * For a resource that lives in a space: the caller's membership, where a space
 * the caller cannot see becomes a 404 naming the resource, not the space.
 */
export async function requireRoleOver(svc: Services, auth: AuthContext, spaceId: string, min: Role, resource: string): Promise<Membership> {
  try {
    return await requireSpaceRole(svc, auth, spaceId, min);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) throw notFound(resource);
    throw e;
  }
}
