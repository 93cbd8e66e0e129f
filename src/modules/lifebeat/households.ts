/**
 * Households: an owner, members (each with a relationship) and the spaces
 * they share. Members join by invitation: a single-use token, sent by email,
 * stored only as its SHA-256, valid for INVITATION_TTL_MS; accepting it links
 * the signed-in user whose email it was sent to. A household the caller is
 * not an active member of is 404; a member who is not the owner gets 403 on
 * owner-only operations (removing a member other than themselves among them). A removed member's row stays, marked `removed_at`
 * (their emergency grants keep their member for the owner's audit), and is
 * no member: every read of members here skips it.
 */
import type { AuthContext, Services } from "../../env";
import { batchGuard, refusedByGuard } from "../../lib/batch-guard";
import { iso } from "../../lib/clock";
import { randomToken, sha256Hex } from "../../lib/crypto";
import { conflict, forbidden, notFound } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { INVITATION_LIMITS, takeInTurn } from "../../lib/rate-limits";
import { guardedValue, IN_JSON_LIST, insertRows, jsonList, type SqlGuard } from "../../lib/sql";
import { withSessionCheck } from "../spaces/access";
import { invitationNotice, localeOf } from "./messages";
import { foldActivity, LB_COLUMNS, type LifeBeatRow } from "./state";
import { deliverNow, notificationInsert } from "./outbox";

export const INVITATION_TTL_MS = 7 * 86_400_000;

export interface HouseholdRow {
  id: string;
  name: string;
  owner_id: string;
  created_at: number;
  updated_at: number;
}

export interface MemberRow {
  id: string;
  household_id: string;
  user_id: string | null;
  email: string;
  name: string | null;
  relationship: string;
  role: "owner" | "member" | "executor";
  status: "invited" | "active";
  invitation_expires_at: number | null;
  invited_at: number;
  joined_at: number | null;
}

const MEMBER_COLUMNS = "id, household_id, user_id, email, name, relationship, role, status, invitation_expires_at, invited_at, joined_at";

export const presentMember = (m: MemberRow) => ({
  id: m.id,
  householdId: m.household_id,
  userId: m.user_id,
  email: m.email,
  name: m.name,
  relationship: m.relationship,
  role: m.role,
  status: m.status,
  invitedAt: iso(m.invited_at),
  joinedAt: m.joined_at === null ? null : iso(m.joined_at),
  invitationExpiresAt: m.invitation_expires_at === null ? null : iso(m.invitation_expires_at),
});

type HouseholdNeed = "member" | "owner";

/**
 * The household's id as SQL, NULL unless the caller is an active member (and, for `owner`, its owner):
 * reads keyed by it read nothing of a household the caller may not read, in the batch that checks it.
 */
const householdKey = (householdId: string, userId: string, need: HouseholdNeed): SqlGuard =>
  guardedValue(householdId, {
    sql: `EXISTS (SELECT 1 FROM household_members m JOIN households h ON h.id = m.household_id
       WHERE m.household_id = ? AND m.user_id = ? AND m.status = 'active' AND m.removed_at IS NULL${need === "owner" ? " AND h.owner_id = m.user_id" : ""})`,
    params: [householdId, userId],
  });

/**
 * The household and the caller's active membership in it, with the session and the reads `reads` builds
 * (keyed by `household`, see householdKey), in one round trip: 404 when the caller is not an active
 * member, 403 when `owner` is required and they are not it. The results are looked at only after that.
 */
export async function readHousehold(
  svc: Services,
  auth: AuthContext,
  householdId: string,
  need: HouseholdNeed,
  reads: (household: SqlGuard) => D1PreparedStatement[] = () => [],
): Promise<{ household: HouseholdRow; me: MemberRow; results: D1Result[] }> {
  const [found, ...results] = await withSessionCheck(svc, auth, [
    svc.env.DB.prepare(
      `SELECT h.id, h.name, h.owner_id, h.created_at, h.updated_at, m.id AS m_id, m.role AS m_role
         FROM households h JOIN household_members m ON m.household_id = h.id AND m.user_id = ? AND m.status = 'active' AND m.removed_at IS NULL
        WHERE h.id = ?`,
    ).bind(auth.userId, householdId),
    ...reads(householdKey(householdId, auth.userId, need)),
  ]);
  const row = found!.results[0] as (HouseholdRow & { m_id: string; m_role: MemberRow["role"] }) | undefined;
  if (!row) throw notFound("Household");
  if (need === "owner" && row.owner_id !== auth.userId) throw forbidden("Only the household's owner may do this");
  const { m_id, m_role, ...household } = row;
  return { household, me: { id: m_id, role: m_role } as MemberRow, results: results as D1Result[] };
}

/** readHousehold's checks alone, for routes that read or write after them. */
export async function requireHousehold(
  svc: Services,
  auth: AuthContext,
  householdId: string,
  need: HouseholdNeed,
): Promise<{ household: HouseholdRow; me: MemberRow }> {
  const { household, me } = await readHousehold(svc, auth, householdId, need);
  return { household, me };
}

/**
 * The reads of householdDetail for the households `match` selects (SQL after `household_id`, such as
 * `= ?` or `IN (SELECT ...)`), so that any number of households costs these three statements.
 */
function detailReads(db: D1Database, match: SqlGuard): D1PreparedStatement[] {
  return [
    db.prepare(
      `SELECT hs.household_id, s.id, s.name FROM household_spaces hs JOIN spaces s ON s.id = hs.space_id
        WHERE hs.household_id ${match.sql} AND s.deleted_at IS NULL ORDER BY hs.added_at, s.id`,
    ).bind(...match.params),
    db.prepare(`SELECT ${MEMBER_COLUMNS} FROM household_members WHERE household_id ${match.sql} AND removed_at IS NULL ORDER BY invited_at, id`).bind(...match.params),
    db.prepare(
      `SELECT ${LB_COLUMNS}, h.owner_id FROM life_beat lb JOIN households h ON h.id = lb.household_id WHERE lb.household_id ${match.sql}`,
    ).bind(...match.params),
  ];
}

type LifeBeatOfHousehold = LifeBeatRow & { owner_id: string };

/**
 * detailReads' results with the owner's activity folded into each escalated Life Beat (as `GET /v1/life-beat`
 * does), so that a household's level is the one Life Beat itself answers: an owner who has come back (this very
 * request of theirs is activity) is at level 0 here too, not at the level the cron last raised. Costs a look at the
 * owner's activity only for households that are enabled and escalated.
 */
async function foldEscalated(svc: Services, results: D1Result[]): Promise<D1Result[]> {
  for (const life of results[2]!.results as unknown as LifeBeatOfHousehold[]) {
    if (life.enabled && life.current_level > 0 && (await foldActivity(svc, life, life.owner_id)) !== null) life.current_level = 0;
  }
  return results;
}

/** The rows of `result` by their `household_id`, in the order read. */
function byHousehold<T extends { household_id: string }>(result: D1Result): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of result.results as unknown as T[]) {
    const list = out.get(r.household_id);
    if (list) list.push(r);
    else out.set(r.household_id, [r]);
  }
  return out;
}

/** Presents households from detailReads' results. */
function presentDetails(hs: HouseholdRow[], [spaces, members, lb]: D1Result[]) {
  const spacesOf = byHousehold<{ household_id: string; id: string; name: string }>(spaces!);
  const membersOf = byHousehold<MemberRow>(members!);
  const lifeOf = byHousehold<LifeBeatOfHousehold>(lb!);
  return hs.map((h) => {
    const sp = (spacesOf.get(h.id) ?? []).map((s) => ({ id: s.id, name: s.name }));
    const life = lifeOf.get(h.id)?.[0];
    return {
      id: h.id,
      name: h.name,
      ownerId: h.owner_id,
      spaceIds: sp.map((s) => s.id),
      spaces: sp,
      members: (membersOf.get(h.id) ?? []).map(presentMember),
      lifeBeat: { enabled: !!life?.enabled, currentEscalationLevel: life?.current_level ?? 0 },
      createdAt: iso(h.created_at),
      updatedAt: iso(h.updated_at),
    };
  });
}

export async function householdDetail(svc: Services, h: HouseholdRow) {
  return presentDetails([h], await foldEscalated(svc, await svc.env.DB.batch(detailReads(svc.env.DB, { sql: "= ?", params: [h.id] }))))[0]!;
}

/** Holds while user ?1 owns each of the spaces of the JSON list ?2, all live, ?3 being their number. */
const OWNS_ALL_SQL = `(SELECT COUNT(*) FROM space_members m JOIN spaces s ON s.id = m.space_id
   WHERE m.user_id = ?1 AND m.role = 'owner' AND s.deleted_at IS NULL AND m.space_id IN (SELECT value FROM json_each(?2))) = ?3`;

/** 404 unless the caller is a member of each live space, 403 unless the owner of each. */
async function requireOwnerOfAll(svc: Services, auth: AuthContext, spaceIds: string[]): Promise<void> {
  if (spaceIds.length === 0) return;
  const rows = await svc.env.DB.prepare(
    `SELECT m.space_id, m.role FROM space_members m JOIN spaces s ON s.id = m.space_id
      WHERE m.user_id = ? AND s.deleted_at IS NULL AND m.space_id ${IN_JSON_LIST}`,
  )
    .bind(auth.userId, jsonList(spaceIds))
    .all<{ space_id: string; role: string }>();
  const roles = new Map(rows.results.map((r) => [r.space_id, r.role]));
  if (spaceIds.some((id) => !roles.has(id))) throw notFound("Space");
  if (spaceIds.some((id) => roles.get(id) !== "owner")) throw forbidden("Only a space's owner may share it with a household");
}

export async function createHousehold(svc: Services, auth: AuthContext, input: { name: string; spaceIds: string[] }) {
  const spaceIds = [...new Set(input.spaceIds)];
  await requireOwnerOfAll(svc, auth, spaceIds);
  const me = await svc.env.DB.prepare("SELECT email, name FROM users WHERE id = ?").bind(auth.userId).first<{ email: string; name: string }>();
  if (!me) throw notFound("User");
  const now = svc.clock.now();
  const id = newId("hh", now);
  const db = svc.env.DB;
  const statements = [
    db.prepare("INSERT INTO households (id, name, owner_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)").bind(id, input.name, auth.userId, now, now),
    db.prepare(
      `INSERT INTO household_members (id, household_id, user_id, email, name, relationship, role, status, invited_at, joined_at)
       VALUES (?, ?, ?, ?, ?, 'self', 'owner', 'active', ?, ?)`,
    ).bind(newId("hhm", now), id, auth.userId, me.email, me.name, now, now),
    db.prepare("INSERT INTO life_beat (household_id, last_check_in, updated_at) VALUES (?, ?, ?)").bind(id, now, now),
    ...insertRows(db, "household_spaces", ["household_id", "space_id", "added_at"], spaceIds.map((s) => [id, s, now])),
  ];
  try {
    // Only while the caller still owns every one of the spaces, each live: a space deleted (or an ownership lost)
    // between the check above and this batch is not shared with the household (QA 12-F left such links behind).
    await db.batch(spaceIds.length ? [batchGuard(db, OWNS_ALL_SQL, [auth.userId, jsonList(spaceIds), spaceIds.length]), ...statements] : statements);
  } catch (e) {
    if (!refusedByGuard(e)) throw e;
    await requireOwnerOfAll(svc, auth, spaceIds); // the answer a request made after the change gets
    throw conflict("Your spaces changed while the household was being created; try again");
  }
  return householdDetail(svc, { id, name: input.name, owner_id: auth.userId, created_at: now, updated_at: now });
}

/** The user's households (binds the user's id), as many as a list shows. */
const MY_HOUSEHOLDS_SQL = `SELECT h.id, h.name, h.owner_id, h.created_at, h.updated_at FROM households h
   JOIN household_members m ON m.household_id = h.id AND m.user_id = ? AND m.status = 'active' AND m.removed_at IS NULL ORDER BY h.created_at, h.id LIMIT 200`;

/** The caller's households and their details, keyed by the membership subquery: one batch whatever their number. */
export async function listHouseholds(svc: Services, auth: AuthContext) {
  const db = svc.env.DB;
  const [rows, ...details] = await withSessionCheck(svc, auth, [
    db.prepare(MY_HOUSEHOLDS_SQL).bind(auth.userId),
    ...detailReads(db, { sql: `IN (SELECT id FROM (${MY_HOUSEHOLDS_SQL}))`, params: [auth.userId] }),
  ]);
  return presentDetails(rows!.results as unknown as HouseholdRow[], await foldEscalated(svc, details as D1Result[]));
}

export async function getHousehold(svc: Services, auth: AuthContext, householdId: string) {
  const { household, results } = await readHousehold(svc, auth, householdId, "member", (key) => detailReads(svc.env.DB, { sql: `= ${key.sql}`, params: key.params }));
  return presentDetails([household], await foldEscalated(svc, results))[0]!;
}

/**
 * The invited address as its rate-limit bucket knows it: case and a "+tag" (which most mail providers
 * deliver to the same inbox) do not make another address. Hashed, so that the object's name carries none.
 */
function invitedAddress(email: string) {
  const e = email.trim().toLowerCase();
  const at = e.lastIndexOf("@");
  const plus = e.indexOf("+");
  // Cut by index, not a pattern: user text reaches no backtracking regex.
  return sha256Hex(plus >= 0 && plus < at ? e.slice(0, plus) + e.slice(at) : e);
}

export async function addHouseholdMember(
  svc: Services,
  auth: AuthContext,
  householdId: string,
  input: { email: string; name?: string; relationship: string; role: "member" | "executor" },
) {
  const email = input.email.trim();
  const now = svc.clock.now();
  // The inviter (their words go into the email), the reader's language if the address has an account (else the
  // inviter's, as the executor's notice does), and whether the address is in the household already, with the
  // owner check: a 409 is answered before the limits, so it spends none of them. An invitation of the address that
  // expired unaccepted is no membership: it is renewed (`expired_id`), where it used to be a 409 for good.
  const { household, results: [me] } = await readHousehold(svc, auth, householdId, "owner", (key) => [
    svc.env.DB.prepare(
      `SELECT users.name, users.email, users.locale, (SELECT r.locale FROM users r WHERE r.email = lower(?)) AS reader_locale, c.id AS current_id,
              CASE WHEN c.status = 'invited' AND c.invitation_expires_at <= ? THEN c.id END AS expired_id
         FROM users LEFT JOIN household_members c ON c.household_id = ${key.sql} AND lower(c.email) = lower(?) AND c.removed_at IS NULL
        WHERE users.id = ?`,
    ).bind(email, now, ...key.params, email, auth.userId),
  ]);
  const owner = me!.results[0] as
    | { name: string; email: string; locale: string; reader_locale: string | null; current_id: string | null; expired_id: string | null }
    | undefined;
  if (!owner) throw notFound("User");
  const duplicate = () => conflict("That email is already a member of this household", "DUPLICATE_RESOURCE");
  if (owner.current_id !== null && owner.expired_id === null) throw duplicate();
  // Each invitation is an email to an address of the inviter's choosing: limited per inviter, per inviter and
  // address, then per address (in turn, so an inviter over their limit spends nothing of the address's).
  // Refused: nothing is stored and nothing sent.
  const address = await invitedAddress(email);
  await takeInTurn(
    svc,
    [
      [`invitation:from:user:${auth.userId}`, INVITATION_LIMITS.perInviter],
      [`invitation:pair:${auth.userId}:${address}`, INVITATION_LIMITS.perPair],
      [`invitation:to:${address}`, INVITATION_LIMITS.perAddress],
    ],
    "Too many invitations from this account, or to this address; retry later",
  );
  const token = `hhi_${randomToken(32)}`;
  const hash = await sha256Hex(token);
  const expiresAt = now + INVITATION_TTL_MS;
  const renewed = owner.expired_id;
  const member: MemberRow = {
    id: renewed ?? newId("hhm", now), household_id: household.id, user_id: null, email, name: input.name ?? null,
    relationship: input.relationship, role: input.role, status: "invited", invitation_expires_at: expiresAt, invited_at: now, joined_at: null,
  };
  const locale = localeOf(owner.reader_locale ?? owner.locale);
  const msg = invitationNotice(locale, { ownerName: owner.name, ownerEmail: owner.email, householdName: household.name, role: input.role, token, expiresAt });
  const db = svc.env.DB;
  if (renewed) {
    // In place, so that the member's id (the executor Life Beat names, say) stays, and only while the invitation is
    // still the expired one read: one removed, or renewed by another request or by the cron's final notice,
    // meanwhile is not overwritten, and its notice is not sent (guarded on the new hash).
    const notice = await notificationInsert(
      svc,
      {
        householdId: household.id, kind: "invitation", cycle: null, level: null, channel: "email", recipient: member.email, locale,
        subject: msg.subject, text: msg.text, dedupeKey: `invitation:${member.id}:${now}`,
      },
      { sql: "EXISTS (SELECT 1 FROM household_members WHERE id = ? AND invitation_hash = ?)", params: [member.id, hash] },
    );
    const [updated] = await db.batch([
      db.prepare(
        `UPDATE household_members SET name = ?, relationship = ?, role = ?, invitation_hash = ?, invitation_expires_at = ?, invited_at = ?
          WHERE id = ? AND status = 'invited' AND removed_at IS NULL AND invitation_expires_at <= ?`,
      ).bind(member.name, member.relationship, member.role, hash, expiresAt, now, member.id, now),
      // The old invitation's email, if still waiting in the outbox, carries a dead token.
      db.prepare(
        `UPDATE life_beat_notifications SET status = 'cancelled' WHERE household_id = ? AND status = 'pending' AND kind = 'invitation'
            AND lower(recipient) = lower(?) AND EXISTS (SELECT 1 FROM household_members WHERE id = ? AND invitation_hash = ?)`,
      ).bind(household.id, member.email, member.id, hash),
      // Invited again as a member, no longer the executor Life Beat names (PUT /v1/life-beat names executors only).
      db.prepare(
        `UPDATE life_beat SET executor_member_id = NULL, updated_at = ? WHERE household_id = ? AND executor_member_id = ? AND ? <> 'executor'
            AND EXISTS (SELECT 1 FROM household_members WHERE id = ? AND invitation_hash = ?)`,
      ).bind(now, household.id, member.id, member.role, member.id, hash),
      notice.statement,
    ]);
    if (updated!.meta.changes !== 1) throw conflict("The invitation changed while it was being renewed; read the household and try again");
    await deliverNow(svc, notice.id);
    return presentMember(member);
  }
  const notice = await notificationInsert(svc, {
    householdId: household.id, kind: "invitation", cycle: null, level: null, channel: "email", recipient: member.email, locale,
    subject: msg.subject, text: msg.text, dedupeKey: `invitation:${member.id}`,
  });
  try {
    await db.batch([
      svc.env.DB.prepare(
        `INSERT INTO household_members (id, household_id, user_id, email, name, relationship, role, status, invitation_hash, invitation_expires_at, invited_at)
         VALUES (?, ?, NULL, ?, ?, ?, ?, 'invited', ?, ?, ?)`,
      ).bind(member.id, member.household_id, member.email, member.name, member.relationship, member.role, hash, expiresAt, now),
      notice.statement,
    ]);
  } catch (err) {
    // A concurrent invitation of the same address got in first.
    if (String(err).includes("UNIQUE")) throw duplicate();
    throw err;
  }
  await deliverNow(svc, notice.id);
  return presentMember(member);
}

/**
 * The owner removes a member; a member (role `member`) may remove themselves (leave), as a space's members may: an
 * adult child who moved out was otherwise kept in, their email shown to the household, until the owner acted. An
 * executor may not: the owner relies on them for Life Beat, and one gone silently would leave the owner's
 * emergency access to no one without the owner knowing; they ask the owner.
 */
export async function removeHouseholdMember(svc: Services, auth: AuthContext, householdId: string, memberId: string): Promise<void> {
  const { household, me } = await requireHousehold(svc, auth, householdId, "member");
  const leaving = me.id === memberId && me.role === "member";
  if (!leaving && household.owner_id !== auth.userId) throw forbidden("Only the household's owner may do this");
  const target = await svc.env.DB.prepare("SELECT role FROM household_members WHERE id = ? AND household_id = ? AND removed_at IS NULL")
    .bind(memberId, householdId)
    .first<{ role: string }>();
  if (!target) throw notFound("Member");
  if (target.role === "owner") throw forbidden("The owner cannot be removed from the household");
  const now = svc.clock.now();
  const db = svc.env.DB;
  // The member's grants end with the membership; the executor setting is cleared; notices to them waiting in the
  // outbox are cancelled. The row is kept, marked
  // removed (deleting it would cascade to the grants the owner's view and the access log cite), and its
  // unused invitation can no longer be accepted.
  await db.batch([
    db.prepare("UPDATE emergency_grants SET revoked_at = ?, revoked_reason = 'member_removed' WHERE member_id = ? AND revoked_at IS NULL AND expires_at > ?")
      .bind(now, memberId, now),
    // Notices to them still in the outbox (their invitation, an executor's grant notice) are not sent to someone
    // who is no longer a member: they would name the household and, for an executor, that its owner went silent.
    db.prepare(
      `UPDATE life_beat_notifications SET status = 'cancelled' WHERE household_id = ? AND status = 'pending' AND kind IN ('invitation', 'executor')
          AND lower(recipient) = (SELECT lower(email) FROM household_members WHERE id = ? AND household_id = ?)`,
    ).bind(householdId, memberId, householdId),
    db.prepare("UPDATE life_beat SET executor_member_id = NULL, updated_at = ? WHERE household_id = ? AND executor_member_id = ?").bind(now, householdId, memberId),
    db.prepare(
      "UPDATE household_members SET removed_at = ?, invitation_hash = NULL, invitation_expires_at = NULL WHERE id = ? AND household_id = ? AND removed_at IS NULL",
    ).bind(now, memberId, householdId),
  ]);
}

export async function acceptInvitation(svc: Services, auth: AuthContext, token: string) {
  const hash = await sha256Hex(token);
  const now = svc.clock.now();
  const row = await svc.env.DB.prepare(`SELECT ${MEMBER_COLUMNS} FROM household_members WHERE invitation_hash = ? AND status = 'invited' AND removed_at IS NULL`)
    .bind(hash)
    .first<MemberRow>();
  if (!row || (row.invitation_expires_at ?? 0) <= now) throw notFound("Invitation");
  const me = await svc.env.DB.prepare("SELECT email FROM users WHERE id = ?").bind(auth.userId).first<{ email: string }>();
  if (!me || me.email.toLowerCase() !== row.email.toLowerCase()) throw forbidden("This invitation was sent to another email address");
  let res: D1Result;
  try {
    // Single use: the hash is cleared in the same statement that links the user.
    res = await svc.env.DB.prepare(
      `UPDATE household_members SET user_id = ?, status = 'active', invitation_hash = NULL, invitation_expires_at = NULL, joined_at = ?
        WHERE id = ? AND invitation_hash = ? AND status = 'invited' AND invitation_expires_at > ? AND removed_at IS NULL`,
    )
      .bind(auth.userId, now, row.id, hash, now)
      .run();
  } catch (err) {
    if (String(err).includes("UNIQUE")) throw conflict("You are already a member of this household", "DUPLICATE_RESOURCE");
    throw err;
  }
  if (res.meta.changes !== 1) throw notFound("Invitation");
  const household = await svc.env.DB.prepare("SELECT id, name, owner_id, created_at, updated_at FROM households WHERE id = ?")
    .bind(row.household_id)
    .first<HouseholdRow>();
  return {
    household: await householdDetail(svc, household!),
    member: presentMember({ ...row, user_id: auth.userId, status: "active", invitation_expires_at: null, joined_at: now }),
  };
}
