/**
 * Space authorization, the one gate every space-scoped route passes. A space
 * the caller is not a member of is indistinguishable from one that does not
 * exist (404); a visible space the caller's role may not change is 403.
 */
import type { AuthContext, Services } from "../../env";
import type { spaces } from "../../db/schema";
import { batchGuard, GUARD_PREFIX, refusedByGuard } from "../../lib/batch-guard";
import { ApiError, conflict, forbidden, notFound } from "../../lib/errors";
import { guardedValue, type SqlGuard } from "../../lib/sql";
import { requireRecentStepUp } from "../auth/second-factor";
import { useEmergencyGrant } from "../lifebeat/grant-access";
import { authFromSession, type SessionRow, sessionStatement } from "../auth/tokens";
import type { WriteGuard } from "../ledger/operations";

export const ROLES = ["owner", "admin", "member", "viewer"] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { owner: 4, admin: 3, member: 2, viewer: 1 };
export const outranks = (a: Role, b: Role) => RANK[a] > RANK[b];
export const atLeast = (role: Role, min: Role) => RANK[role] >= RANK[min];
/** The roles at least `min`, as SQL literals for `role IN (...)` (constants, never request text). */
const rolesAtLeastSql = (min: Role) => ROLES.filter((r) => atLeast(r, min)).map((r) => `'${r}'`).join(", ");

/**
 * SQL that holds while user `user` is a member of the live space `space` with a role of at least `min` (an emergency
 * grant reads only, so it never counts here), and `extra` (SQL on `m` and `sp`) holds. The arguments are SQL.
 */
export const memberAtLeastSql = (space: string, user: string, min: Role, extra = "") =>
  `EXISTS (SELECT 1 FROM space_members m JOIN spaces sp ON sp.id = m.space_id
            WHERE m.space_id = ${space} AND m.user_id = ${user} AND m.role IN (${rolesAtLeastSql(min)}) AND sp.deleted_at IS NULL${extra})`;

/**
 * A write's guard (lib/batch-guard.ts) that, as its batch runs, `userId` is still a member of the live space `spaceId`
 * with a role of at least `min` (memberAtLeastSql): a write that the space's deletion, or the caller's removal or
 * demotion, overtook between its check and its batch stores nothing (D1 runs one batch at a time).
 */
export const memberGuard = (db: D1Database, spaceId: string, userId: string, min: Role): D1PreparedStatement =>
  batchGuard(db, memberAtLeastSql("?", "?", min), [spaceId, userId]);

/** memberGuard as a ledger write's guard (operations.ts WriteGuard), for a commit the space's ledger makes. */
export const memberWriteGuard = (spaceId: string, userId: string, min: Role): WriteGuard =>
  ({ sql: `${GUARD_PREFIX}1 WHERE NOT (${memberAtLeastSql("?", "?", min)})`, params: [spaceId, userId] });

/** What a write attempt answers when another's write overtook it and it should be checked and tried again. */
export const OVERTAKEN = Symbol("overtaken");

/** How many times a write that others' writes keep overtaking is tried before its caller is told so. */
const OVERTAKEN_ATTEMPTS = 3;

/** The 409 of a write whose caller's access changed and came back at every attempt. */
export const accessKeptChanging = () => conflict("Your access to this space kept changing while this request was made; try again");

/**
 * `attempt` (each one checks from the start against the state the others left, and answers OVERTAKEN when its
 * conditional write found that state changed again) until it lands, at most OVERTAKEN_ATTEMPTS times; then
 * `exhausted`'s error. For writes checked in one call and made in another (D1 has no transactions).
 */
export async function untilLanded<T>(attempt: () => Promise<T | typeof OVERTAKEN>, exhausted: () => Error = accessKeptChanging): Promise<T> {
  for (let n = 1; n <= OVERTAKEN_ATTEMPTS; n++) {
    const done = await attempt();
    if (done !== OVERTAKEN) return done;
  }
  throw exhausted();
}

/**
 * `statements` in one batch behind memberGuard, their results (the guard's left out). Refused, the caller's
 * access is checked again the ordinary way, so the answer is the one a request made after the change gets: 404
 * when the space is gone or the caller left it (the resource's 404 when `resource` names it), 403 when their role
 * fell below `min`. If it still holds, the refusal was another guard's of `statements` when `otherGuards` (the
 * caller's own refusal is rethrown for it to answer), and otherwise access changed and came back meanwhile: the
 * batch runs again (untilLanded).
 */
export async function batchAsMember<T = Record<string, unknown>>(
  svc: Services,
  auth: AuthContext,
  spaceId: string,
  min: Role,
  statements: D1PreparedStatement[],
  opts: { resource?: string; otherGuards?: boolean } = {},
): Promise<D1Result<T>[]> {
  const db = svc.env.DB;
  return untilLanded(async () => {
    try {
      return (await db.batch<T>([memberGuard(db, spaceId, auth.userId, min), ...statements])).slice(1);
    } catch (e) {
      if (!refusedByGuard(e)) throw e;
      const check = requireSpaceRole(svc, auth, spaceId, min);
      await (opts.resource ? asResource(check, opts.resource) : check);
      if (opts.otherGuards) throw e;
      return OVERTAKEN;
    }
  });
}

/** The condition, binding the space's id, that the space is live (not deleted). */
export const SPACE_LIVE_SQL = "EXISTS (SELECT 1 FROM spaces WHERE id = ? AND deleted_at IS NULL)";

/**
 * A sync's batch for a space, its results: a member's (`by`) lands only while they may still write in the live space
 * (batchAsMember); a job's (a cron's sync) only while the space is live, and null when the space's deletion came first
 * (nothing of it landed; a job of a deleted space has no one to answer).
 */
export async function syncBatchFor(svc: Services, spaceId: string, by: AuthContext | undefined, statements: D1PreparedStatement[]): Promise<D1Result[] | null> {
  if (by) return batchAsMember(svc, by, spaceId, "member", statements);
  try {
    return (await svc.env.DB.batch([batchGuard(svc.env.DB, SPACE_LIVE_SQL, [spaceId]), ...statements])).slice(1);
  } catch (e) {
    if (refusedByGuard(e)) return null;
    throw e;
  }
}

/**
 * `svc` whose ledger writes (all but a category's retirement) carry memberWriteGuard (ledger/client.ts
 * runLedger's ambient guard; services that already carry one are refused, loudly), for a write the
 * ledger commits after its caller's role was checked: one that the space's deletion, or the caller's removal or
 * demotion, overtook lands nothing, and is answered as a request made after it (404 or 403: batchAsMember).
 */
export function asMemberServices(svc: Services, auth: AuthContext, spaceId: string, min: Role, resource?: string): Services {
  // One ambient guard a write: replacing one already set would drop its condition without a word.
  if (svc.commitGuard) throw new Error("asMemberServices: these services already carry a commitGuard, which it would replace");
  let refusal: unknown = null;
  return {
    ...svc,
    commitGuard: {
      // Its recategorizations, account changes and metadata too (a rule's run, a PATCH of an account): runLedger.
      changes: true,
      guard: memberWriteGuard(spaceId, auth.userId, min),
      holds: async () => {
        const check = requireSpaceRole(svc, auth, spaceId, min);
        refusal = await (resource ? asResource(check, resource) : check).then(() => null, (e: unknown) => e);
        return refusal === null;
      },
      refused: () => (refusal instanceof Error ? refusal : notFound(resource ?? "Space")),
    },
  };
}

export interface Membership {
  spaceId: string;
  role: Role;
  /** Set when access comes from a Life Beat emergency grant (read-only), not a membership. */
  grantId?: string;
  /** The grant's source (`manual` or `escalation`), when known. */
  grantSource?: string;
  space: typeof spaces.$inferSelect;
}

const SPACE_COLUMNS = "s.id, s.name, s.type, s.currency, s.timezone, s.owner_id, s.created_at, s.updated_at, s.deleted_at, s.transaction_count";

/**
 * Live emergency grants (Life Beat) of a household the space belongs to, held by
 * the user: binds (spaceId, userId, now). A grant reads as the `viewer` role.
 */
const grantFrom = (space: string) => `FROM household_spaces hs JOIN emergency_grants g ON g.household_id = hs.household_id AND g.revoked_at IS NULL
   JOIN household_members hm ON hm.id = g.member_id AND hm.removed_at IS NULL JOIN spaces s ON s.id = hs.space_id
  WHERE hs.space_id = ${space} AND hm.user_id = ? AND g.expires_at > ? AND s.deleted_at IS NULL`;

/**
 * The caller's role in a live space, with the space: binds `membershipParams`.
 * A real membership wins; otherwise a live emergency grant gives `viewer`
 * (with `grant_id` set, so the gate can refuse writes and audit the read).
 */
const membershipSql = (space: string) =>
  `SELECT role, grant_id, grant_source, id, name, type, currency, timezone, owner_id, created_at, updated_at, deleted_at, transaction_count FROM (
     SELECT m.role, NULL AS grant_id, NULL AS grant_source, 0 AS via, ${SPACE_COLUMNS}
       FROM space_members m JOIN spaces s ON s.id = m.space_id WHERE m.space_id = ${space} AND m.user_id = ? AND s.deleted_at IS NULL
     UNION ALL
     SELECT 'viewer', g.id, g.source, 1, ${SPACE_COLUMNS} ${grantFrom(space)}
   ) ORDER BY via LIMIT 1`;
export const MEMBERSHIP_SQL = membershipSql("?");

function accessGuardSql(space: string): string {
  return `(EXISTS (SELECT 1 FROM space_members m JOIN spaces s ON s.id = m.space_id WHERE m.space_id = ${space} AND m.user_id = ? AND s.deleted_at IS NULL)
    OR EXISTS (SELECT 1 ${grantFrom(space)}))`;
}

/**
 * The tables of resources that live in a space (a `space_id` column) and are read by their own id, with
 * the column that holds it. SQL names them, so they are listed here, never taken from a request.
 */
const RESOURCE_ID_COLUMN = {
  accounts: "id",
  transactions: "id",
  budgets: "id",
  manual_assets: "id",
  webhook_subscriptions: "id",
  jobs: "id",
  provider_connections: "id",
  provider_sync_jobs: "job_id",
  defi_wallets: "id",
  projection_scenarios: "id",
} as const;
export type SpaceResourceTable = keyof typeof RESOURCE_ID_COLUMN;

/**
 * MEMBERSHIP_SQL for the space a resource of `table` belongs to, so the resource and the caller's role
 * in its space come in one batch: binds `membershipParams(resourceId, ...)`.
 */
export const resourceMembershipSql = (table: SpaceResourceTable) => membershipSql(`(SELECT space_id FROM ${table} WHERE ${RESOURCE_ID_COLUMN[table]} = ?)`);

/** MEMBERSHIP_SQL for the space a Dhanam transaction belongs to: binds `membershipParams(transactionId, ...)`. */
export const TRANSACTION_MEMBERSHIP_SQL = resourceMembershipSql("transactions");

/** MEMBERSHIP_SQL for the space an account belongs to: binds `membershipParams(accountId, ...)`. */
export const ACCOUNT_MEMBERSHIP_SQL = resourceMembershipSql("accounts");

/** The parameters of MEMBERSHIP_SQL and ACCESS_GUARD_SQL. */
export const membershipParams = (spaceId: string, userId: string, now: number) => [spaceId, userId, spaceId, userId, now];

/** True when the user may read the space (member, or live emergency grant): binds `membershipParams`. */
export const ACCESS_GUARD_SQL = accessGuardSql("?");

/**
 * ACCESS_GUARD_SQL of the space a row of the outer query names (`spaceColumn`, a column such as
 * `t.space_id`, never request text): binds `[userId, userId, now]`.
 */
export const accessGuardOf = (spaceColumn: string) => accessGuardSql(spaceColumn);

/** ACCESS_GUARD_SQL with its parameters: a read of the space's data that answers only a caller who may see the space. */
export const accessGuard = (spaceId: string, userId: string, now: number): SqlGuard => ({ sql: ACCESS_GUARD_SQL, params: membershipParams(spaceId, userId, now) });

export interface MembershipRow {
  role: Role;
  grant_id: string | null;
  grant_source: string | null;
  id: string;
  name: string;
  type: "personal" | "business";
  currency: string;
  timezone: string;
  owner_id: string;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
  transaction_count: number;
}

export const membershipOf = (spaceId: string, r: MembershipRow | undefined): Membership | null =>
  r
    ? {
        spaceId,
        role: r.role,
        ...(r.grant_id ? { grantId: r.grant_id, grantSource: r.grant_source ?? undefined } : {}),
        space: {
          id: r.id, name: r.name, type: r.type, currency: r.currency, timezone: r.timezone, ownerId: r.owner_id,
          createdAt: r.created_at, updatedAt: r.updated_at, deletedAt: r.deleted_at, transactionCount: r.transaction_count,
        },
      }
    : null;

/**
 * Runs `statements` in one D1 batch with the caller's pending session check,
 * if any, in front: the session is verified (401 when it has ended) before any
 * result is looked at, and the caller's context is completed from it.
 */
export async function withSessionCheck<T = Record<string, unknown>>(
  svc: Services,
  auth: AuthContext,
  statements: D1PreparedStatement[],
): Promise<D1Result<T>[]> {
  if (!auth.unverified) return svc.env.DB.batch<T>(statements);
  const [session, ...rest] = await svc.env.DB.batch<unknown>([sessionStatement(svc, auth), ...statements]);
  let verified: AuthContext;
  try {
    verified = authFromSession(svc, auth, session!.results[0] as SessionRow | undefined);
  } catch (e) {
    auth.sessionEnded = true;
    throw e;
  }
  Object.assign(auth, verified, { unverified: false });
  return rest as D1Result<T>[];
}

export async function findMembership(svc: Services, auth: AuthContext, spaceId: string): Promise<Membership | null> {
  const [res] = await withSessionCheck<MembershipRow>(svc, auth, [svc.env.DB.prepare(MEMBERSHIP_SQL).bind(...membershipParams(spaceId, auth.userId, svc.clock.now()))]);
  return membershipOf(spaceId, res!.results[0]);
}

/**
 * The session, the caller's role in `spaceId` (at least `min`) and the space's reads `reads` builds, in
 * one round trip. `reads` gets `space`, a SQL value that names the space only for a caller who may see
 * it (guardedValue), so a stranger's batch reads none of the space's rows; its results are looked at only
 * after the checks passed.
 */
export async function readSpace(
  svc: Services,
  auth: AuthContext,
  spaceId: string,
  min: Role,
  reads: (space: SqlGuard) => D1PreparedStatement[],
): Promise<{ membership: Membership; results: D1Result[] }> {
  const now = svc.clock.now();
  const [member, ...results] = await withSessionCheck(svc, auth, [
    svc.env.DB.prepare(MEMBERSHIP_SQL).bind(...membershipParams(spaceId, auth.userId, now)),
    ...reads(guardedValue(spaceId, accessGuard(spaceId, auth.userId, now))),
  ]);
  const membership = await requireRole(svc, auth, membershipOf(spaceId, member!.results[0] as MembershipRow | undefined), min);
  return { membership, results: results as D1Result[] };
}

/** Reads that come with their reader: the statements go in a batch, `read` turns their results into a value. */
export interface Reads<T> {
  statements: D1PreparedStatement[];
  read: (results: D1Result[]) => T;
}

/**
 * readSpace with reads that come with their reader (none: `plan` null), for a module whose reads another
 * composes; `data` is read only after the checks passed, and is null without a plan.
 */
export async function readSpaceWith<T>(
  svc: Services,
  auth: AuthContext,
  spaceId: string,
  min: Role,
  plan: ((space: SqlGuard) => Reads<T>) | null,
): Promise<{ membership: Membership; data: T | null }> {
  let reads: Reads<T> | null = null;
  const { membership, results } = await readSpace(svc, auth, spaceId, min, (g) => (reads = plan?.(g) ?? null)?.statements ?? []);
  const done = reads as Reads<T> | null;
  return { membership, data: done ? done.read(results) : null };
}

/**
 * A resource of `table` read by its id, with the session, the caller's role in the resource's space (at
 * least `min`) and the reads `reads` builds, in one round trip: readSpace for a route that names the
 * resource, not its space. `reads` gets `space`, the resource's space id as SQL, NULL unless the caller
 * may see that space (so a stranger's batch reads none of the space's rows), and binds the resource's id
 * itself where it needs it. A resource that does not exist, or that lives in a space the caller cannot
 * see, is a 404 naming `resource` (its row is not even read); the results are looked at only after the
 * checks passed.
 */
export async function readResource(
  svc: Services,
  auth: AuthContext,
  table: SpaceResourceTable,
  id: string,
  resource: string,
  min: Role,
  reads: (space: SqlGuard) => D1PreparedStatement[] = () => [],
): Promise<{ row: Record<string, unknown>; membership: Membership; results: D1Result[] }> {
  const now = svc.clock.now();
  const db = svc.env.DB;
  // The row itself only for a caller who may see its space: a stranger's batch does not even carry it.
  const visible = `FROM ${table} r WHERE r.${RESOURCE_ID_COLUMN[table]} = ? AND ${accessGuardOf("r.space_id")}`;
  const visibleParams = [id, auth.userId, auth.userId, now];
  const space: SqlGuard = { sql: `(SELECT r.space_id ${visible})`, params: visibleParams };
  const [found, member, ...results] = await withSessionCheck(svc, auth, [
    db.prepare(`SELECT r.* ${visible}`).bind(...visibleParams),
    db.prepare(resourceMembershipSql(table)).bind(...membershipParams(id, auth.userId, now)),
    ...reads(space),
  ]);
  const row = found!.results[0] as Record<string, unknown> | undefined;
  if (!row) throw notFound(resource);
  const membership = await asResource(requireRole(svc, auth, membershipOf(row.space_id as string, member!.results[0] as MembershipRow | undefined), min), resource);
  return { row, membership, results: results as D1Result[] };
}

/**
 * Returns the caller's membership if their role is at least `min`. Admin-level
 * access also requires a recent second factor for users who have 2FA.
 */
export async function requireSpaceRole(svc: Services, auth: AuthContext, spaceId: string, min: Role): Promise<Membership> {
  return requireRole(svc, auth, await findMembership(svc, auth, spaceId), min);
}

/** requireSpaceRole's checks of a membership already read (null: not a member, 404). */
export async function requireRole(svc: Services, auth: AuthContext, m: Membership | null, min: Role): Promise<Membership> {
  if (!m) throw notFound("Space");
  if (m.grantId) await useEmergencyGrant(svc, auth, m, min);
  if (!atLeast(m.role, min)) {
    // What to do about it: which role, and who can grant it (nobody grants ownership but its transfer).
    if (min === "owner") throw forbidden(`Only the space's owner may do this (your role is ${m.role})`);
    throw forbidden(`This operation needs the ${min} role or above in this space (yours is ${m.role}); ask the space's owner or an admin for it`);
  }
  if (atLeast(min, "admin")) requireRecentStepUp(auth, svc.clock.now());
  return m;
}

/**
 * For a resource that lives in a space: the caller's membership, where a space
 * the caller cannot see becomes a 404 naming the resource, not the space.
 */
export async function requireRoleOver(svc: Services, auth: AuthContext, spaceId: string, min: Role, resource: string): Promise<Membership> {
  return asResource(requireSpaceRole(svc, auth, spaceId, min), resource);
}

/** A space the caller cannot see, reported as a 404 of the resource in it. */
export async function asResource<T>(check: Promise<T>, resource: string): Promise<T> {
  try {
    return await check;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) throw notFound(resource);
    throw e;
  }
}
