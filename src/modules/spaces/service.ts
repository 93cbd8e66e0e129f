/** Spaces: isolated financial environments (personal or business) shared by members. */
import { eq } from "drizzle-orm";
import type { AuthContext, Services } from "../../env";
import { categories, spaceMembers, spaceShards, spaces, users } from "../../db/schema";
import { iso } from "../../lib/clock";
import { newId } from "../../lib/ids";
import { shardForNewSpace } from "../../lib/shards";
import { rowReader, type SqlValue } from "../../lib/sql";
import type { Currency } from "../../lib/money";
import { chunkRows, d1Statement } from "../../db/client";
import { batchGuard, refusedByGuard } from "../../lib/batch-guard";
import { notFound, validationFailed } from "../../lib/errors";
import { bumpForecastEpochIfReframed } from "../analytics/forecast-epoch";
import { checkSpaceBudgetAlerts } from "../budgets/alerts";
import { dropWaitsAheadStatement } from "../budgets/period-waits";
import { accountsIn, balancesIn, presentAccount, summaryReads, type VolumeRow } from "../accounts/service";
import { requireRecentStepUp, requireTwoFactor } from "../auth/second-factor";
import { spaceDocumentsRemoval } from "../documents/service";
import { systemCategories } from "../categories/system";
import { grantedSpaces, grantEnded, useEmergencyGrant } from "../lifebeat/grant-access";
import { batchAsMember, memberGuard, OVERTAKEN, readSpace, requireSpaceRole, type Role, untilLanded, withSessionCheck } from "./access";
import { type ConnectionRow, REMOVAL_PENDING } from "../providers/connections";
import { REMOVABLE_SQL, retireDeletedSpaceConnection } from "../providers/remove";
import { SPACE_DELETED_REASON, SYNC_JOB } from "../providers/sync";

type SpaceRow = typeof spaces.$inferSelect;

type AccountSummary = Pick<ReturnType<typeof presentAccount>, "id" | "name" | "balance" | "balanceDecimal" | "currency" | "provider">;

/** The summaries summaryReads' results describe, by space: each account with its balance in its currency. */
function summariesFrom(spaceIds: string[], [found, volumes]: D1Result[]): Map<string, AccountSummary[]> {
  const out = new Map<string, AccountSummary[]>(spaceIds.map((id) => [id, []]));
  const rows = accountsIn(found!);
  // An account's address holds volumes in its own space only (checkAccountPostings): its id is key enough.
  const balances = balancesIn(volumes!.results as VolumeRow[], rows);
  for (const a of rows) {
    const p = presentAccount(a, balances.get(a.id)!);
    out.get(a.spaceId)?.push({ id: p.id, name: p.name, balance: p.balance, balanceDecimal: p.balanceDecimal, currency: p.currency, provider: p.provider });
  }
  return out;
}

export function presentSpace(s: SpaceRow, role: Role, accountList: AccountSummary[] = []) {
  return {
    id: s.id,
    name: s.name,
    type: s.type,
    currency: s.currency,
    timezone: s.timezone,
    role,
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
    accounts: accountList,
  };
}

const spaceOfRow = rowReader(spaces);

/** The caller's live spaces with their role, newest first: binds the user's id. */
const MEMBER_SPACES_SQL = `SELECT s.*, m.role FROM space_members m JOIN spaces s ON s.id = m.space_id
  WHERE m.user_id = ? AND s.deleted_at IS NULL ORDER BY s.created_at DESC`;

/**
 * The caller's spaces (by membership, then, as a viewer, by live Life Beat emergency grant) with their
 * account summaries and the session check, in one round trip. The summaries' reads name the spaces by
 * the same membership and grant queries as subqueries, so any number of spaces binds a few parameters.
 */
export async function listSpaces(svc: Services, auth: AuthContext) {
  const db = svc.env.DB;
  const grants = grantedSpaces(svc, auth.userId).toSQL();
  const shown = {
    sql: `IN (SELECT m.space_id FROM space_members m JOIN spaces s ON s.id = m.space_id WHERE m.user_id = ? AND s.deleted_at IS NULL
              UNION SELECT space_id FROM (${grants.sql}))`,
    params: [auth.userId, ...(grants.params as SqlValue[])],
  };
  const [members, granted, grantSpaces, ...summaries] = await withSessionCheck(svc, auth, [
    db.prepare(MEMBER_SPACES_SQL).bind(auth.userId),
    db.prepare(grants.sql).bind(...grants.params),
    db.prepare(`SELECT * FROM spaces WHERE id IN (SELECT space_id FROM (${grants.sql})) ORDER BY created_at DESC`).bind(...grants.params),
    ...summaryReads(db, shown),
  ]);
  const memberRows = (members!.results as Record<string, unknown>[]).map((r) => ({ space: spaceOfRow(r), role: r.role as Role }));
  const mine = new Set(memberRows.map((r) => r.space.id));
  // grantedSpaces' own columns: the space's id, and the grant's id and source.
  const grantRows = granted!.results as { space_id: string; id: string; source: string }[];
  const grantOf = new Map(grantRows.filter((g) => !mine.has(g.space_id)).map((g) => [g.space_id, g]));
  // A grant that its owner's return has ended shows nothing (a use of it would be a 404).
  for (const [spaceId, g] of grantOf) if (await grantEnded(svc, auth, g.id, g.source)) grantOf.delete(spaceId);
  const viaGrant = (grantSpaces!.results as Record<string, unknown>[]).map(spaceOfRow).filter((space) => grantOf.has(space.id));
  for (const space of viaGrant) {
    const g = grantOf.get(space.id)!;
    await useEmergencyGrant(svc, auth, { spaceId: space.id, role: "viewer", grantId: g.id, grantSource: g.source, space }, "viewer");
  }
  const rows = [...memberRows, ...viaGrant.map((space) => ({ space, role: "viewer" as const }))];
  const byId = summariesFrom(rows.map((r) => r.space.id), summaries as D1Result[]);
  return rows.map((r) => presentSpace(r.space, r.role, byId.get(r.space.id)));
}

/**
 * Live spaces one user may own. Many limits are a space's (its sync bucket, document storage, pending uploads,
 * webhooks): without a cap on spaces, a user multiplied them by opening more. Generous for a household's personal
 * and business spaces; a user who is a member of others' spaces is not limited by it.
 */
export const MAX_OWNED_SPACES = 50;

/** The number of live spaces a user owns: binds the user's id. */
const OWNED_LIVE_SPACES_SQL = `(SELECT COUNT(*) FROM space_members m JOIN spaces s ON s.id = m.space_id
     WHERE m.user_id = ? AND m.role = 'owner' AND s.deleted_at IS NULL)`;

/**
 * The statement, after a write that makes `userId` the owner of a space (a new space's owner row, a transfer's),
 * that fails the batch when they then own too many live spaces.
 */
const ownedSpacesCap = (db: D1Database, userId: string) => batchGuard(db, `${OWNED_LIVE_SPACES_SQL} <= ?`, [userId, MAX_OWNED_SPACES]);

/** Creates the space, its owner membership and its system categories (in the owner's language) at once. */
export async function createSpace(
  svc: Services,
  auth: AuthContext,
  input: { name: string; type: SpaceRow["type"]; currency: Currency; timezone?: string },
) {
  const now = svc.clock.now();
  const row: SpaceRow = { id: newId("spc", now), ...input, timezone: input.timezone ?? "UTC", ownerId: auth.userId, createdAt: now, updatedAt: now, deletedAt: null, transactionCount: 0 };
  const owner = await svc.db.select({ locale: users.locale }).from(users).where(eq(users.id, auth.userId)).get();
  const system = systemCategories(row.id, owner?.locale ?? "en", now);
  const db = svc.env.DB;
  try {
    await db.batch([
      d1Statement(db, svc.db.insert(spaces).values(row)),
      d1Statement(db, svc.db.insert(spaceMembers).values({ spaceId: row.id, userId: auth.userId, role: "owner", createdAt: now })),
      // Counted in the write: concurrent creates cannot all pass the cap.
      ownedSpacesCap(db, auth.userId),
      d1Statement(db, svc.db.insert(spaceShards).values({ spaceId: row.id, shard: shardForNewSpace(), createdAt: now })),
      ...chunkRows(system, Object.keys(system[0]!).length).map((chunk) => d1Statement(db, svc.db.insert(categories).values(chunk))),
    ]);
  } catch (e) {
    if (!refusedByGuard(e)) throw e;
    throw validationFailed([{ field: "name", message: `A user may own at most ${MAX_OWNED_SPACES} spaces; delete one first`, code: "LIMIT_REACHED" }]);
  }
  return presentSpace(row, "owner");
}

/**
 * The session, the caller's role, the space's account summaries and its pending ownership offer, in one round trip.
 * The offer (`ownerOffer`) is shown to the space's owner and to the member it names, to no one else.
 */
export async function getSpace(svc: Services, auth: AuthContext, spaceId: string) {
  const now = svc.clock.now();
  const { membership: m, results } = await readSpace(svc, auth, spaceId, "viewer", (space) => [
    ...summaryReads(svc.env.DB, { sql: `= ${space.sql}`, params: space.params }),
    svc.env.DB.prepare(`SELECT * FROM space_owner_offers WHERE space_id = ${space.sql} AND expires_at > ?`).bind(...space.params, now),
  ]);
  const offer = results.at(-1)!.results[0] as OfferRow | undefined;
  const shown = offer && !m.grantId && (m.role === "owner" || offer.user_id === auth.userId);
  return { ...presentSpace(m.space, m.role, summariesFrom([spaceId], results.slice(0, -1)).get(spaceId)), ...(shown ? { ownerOffer: presentOffer(offer) } : {}) };
}

export async function updateSpace(
  svc: Services,
  auth: AuthContext,
  spaceId: string,
  patch: { name?: string; type?: SpaceRow["type"]; currency?: Currency; timezone?: string },
) {
  const m = await requireSpaceRole(svc, auth, spaceId, "member");
  const now = svc.clock.now();
  const update = svc.db.update(spaces).set({ ...patch, updatedAt: now }).where(eq(spaces.id, spaceId));
  // The cached forecast is in the space's currency, over its days: a change of either bumps the forecast epoch,
  // judged on the row this update overwrites, in its batch.
  const db = svc.env.DB;
  // Only while the caller may still write in the live space (batchAsMember): a deleted space is not renamed.
  if (patch.currency !== undefined || patch.timezone !== undefined) {
    const rezoned = patch.timezone !== undefined && patch.timezone !== m.space.timezone;
    await batchAsMember(svc, auth, spaceId, "member", [
      bumpForecastEpochIfReframed(db, spaceId, patch),
      d1Statement(db, update),
      // Its budgets' waits ahead were instants in the old zone: the check below records them in the new one.
      ...(rezoned ? [dropWaitsAheadStatement(db, now, "SELECT id FROM budgets WHERE space_id = ?", [spaceId])] : []),
    ]);
    // A new zone moves the days each budget's period holds, and so its spending: an alert now due is written now,
    // not at the space's next write. (A budget keeps the currency it was made in.)
    if (rezoned) await checkSpaceBudgetAlerts(svc, spaceId);
  } else await batchAsMember(svc, auth, spaceId, "member", [d1Statement(db, update)]);
  // Answered as GET answers (its account summaries and, to whom it is shown, `ownerOffer`), in one round trip.
  return getSpace(svc, auth, spaceId);
}

/**
 * Owner only, with 2FA. The ledger history stays in D1 for audit; the space
 * disappears for everyone because every membership is removed with it. Its
 * documents' files are deleted: they are the household's papers, not the ledger.
 * Its bank connections are disconnected with it (`space_deleted`): no sync pulls
 * bank data into it again, and one running stops before its next commit (sync.ts).
 * Its webhook subscriptions (URLs, secrets, delivery logs) are erased.
 */
export async function deleteSpace(svc: Services, auth: AuthContext, spaceId: string): Promise<void> {
  await requireSpaceRole(svc, auth, spaceId, "owner");
  requireTwoFactor(auth, svc.clock.now());
  const now = svc.clock.now();
  const documents = await spaceDocumentsRemoval(svc, spaceId, now);
  const db = svc.env.DB;
  // Only while the caller still owns the live space (batchAsMember): a transfer that landed since the check above
  // makes this a 403 that deletes nothing (the space is its new owner's), a deletion meanwhile a 404. The files and
  // the connections' removals at their providers follow only once the batch has landed.
  const [, , live] = await batchAsMember(svc, auth, spaceId, "owner", [
    db.prepare("UPDATE spaces SET deleted_at = ?, updated_at = ? WHERE id = ?").bind(now, now, spaceId),
    db.prepare("DELETE FROM space_members WHERE space_id = ?").bind(spaceId),
    // Its connections as they were (credentials included), to remove them at their providers after the batch.
    db.prepare("SELECT * FROM provider_connections WHERE space_id = ? AND status != 'disconnected'").bind(spaceId),
    db.prepare(
      // Those with something to remove at their provider keep their credentials until it is removed (remove.ts).
      `UPDATE provider_connections SET status = 'disconnected', status_reason = CASE WHEN provider IN ${REMOVABLE_SQL} THEN '${REMOVAL_PENDING}' ELSE 'space_deleted' END,
          disconnected_at = ?, updated_at = ?, next_sync_at = NULL
        WHERE space_id = ? AND status != 'disconnected'`,
    ).bind(now, now, spaceId),
    // Its queued syncs end now; one running stops at its next commit (sync.ts).
    db.prepare("UPDATE jobs SET status = 'failed', error = ?, finished_at = ? WHERE space_id = ? AND type = ? AND status = 'queued'")
      .bind(SPACE_DELETED_REASON, now, spaceId, SYNC_JOB),
    // Its webhooks are erased with it (as DELETE /v1/webhooks/{id} erases one): the receiver's URL, the sealed signing
    // secret and the delivery log, not kept where nobody can see or delete them. An attempt queued before finds its
    // delivery gone and sends nothing; a fan-out meanwhile finds no subscription (its insert reads them in-statement).
    db.prepare(
      `DELETE FROM webhook_delivery_attempts WHERE delivery_id IN
         (SELECT id FROM webhook_deliveries WHERE subscription_id IN (SELECT id FROM webhook_subscriptions WHERE space_id = ?))`,
    ).bind(spaceId),
    db.prepare("DELETE FROM webhook_deliveries WHERE subscription_id IN (SELECT id FROM webhook_subscriptions WHERE space_id = ?)").bind(spaceId),
    db.prepare("DELETE FROM webhook_subscriptions WHERE space_id = ?").bind(spaceId),
    // Its pending ownership offer ends with it.
    db.prepare("DELETE FROM space_owner_offers WHERE space_id = ?").bind(spaceId),
    ...documents.statements,
  ]);
  await documents.deleteFiles();
  await retireDeletedSpaceConnections(svc, (live!.results as unknown as ConnectionRow[]));
}

/** How long an ownership offer stands: the member it names may accept it until then. */
export const OWNER_OFFER_TTL_MS = 7 * 86_400_000;

type OfferRow = { space_id: string; user_id: string; offered_by: string; created_at: number; expires_at: number };

const presentOffer = (o: OfferRow) => ({
  spaceId: o.space_id,
  userId: o.user_id,
  offeredBy: o.offered_by,
  createdAt: iso(o.created_at),
  expiresAt: iso(o.expires_at),
});

const offerNotFound = () => notFound("Ownership offer");

/** The space's pending offer (unexpired): binds the space's id and now. */
const LIVE_OFFER_SQL = "SELECT * FROM space_owner_offers WHERE space_id = ? AND expires_at > ?";

/** Holds while `userId` is a member of the space other than its owner: binds the space's id and the user's id. */
const NON_OWNER_MEMBER_SQL = "EXISTS (SELECT 1 FROM space_members WHERE space_id = ? AND user_id = ? AND role != 'owner')";

/**
 * Offers the space to `userId`, one of its members (not a Life Beat emergency grant's holder: a grant reads, it is no
 * membership): nothing changes hands until they accept it (acceptOwnership), so no one is made the owner of a space
 * (which they cannot leave, and which counts against their MAX_OWNED_SPACES) without their consent. The caller must be
 * the owner with two-factor authentication enabled and recently confirmed, as a deletion asks: a stolen session of an
 * owner without 2FA cannot hand the space to an account it controls, which could then delete it. One pending offer a
 * space: a new one replaces it. It stands for OWNER_OFFER_TTL_MS.
 */
export async function offerOwnership(svc: Services, auth: AuthContext, spaceId: string, userId: string) {
  const db = svc.env.DB;
  await requireSpaceRole(svc, auth, spaceId, "owner");
  requireTwoFactor(auth, svc.clock.now());
  if (userId === auth.userId) {
    throw validationFailed([{ field: "userId", message: "You already own this space; name another of its members", code: "INVALID_VALUE" }]);
  }
  const [target, owned] = await db.batch([
    db.prepare("SELECT role FROM space_members WHERE space_id = ? AND user_id = ?").bind(spaceId, userId),
    db.prepare(`SELECT ${OWNED_LIVE_SPACES_SQL} AS n`).bind(userId),
  ]);
  if (!target!.results[0]) throw notFound("Member");
  // Told now, so the owner need not wait for an acceptance that would be refused (the acceptance counts again).
  if ((owned!.results[0] as { n: number }).n >= MAX_OWNED_SPACES) {
    throw validationFailed([{ field: "userId", message: `That member already owns ${MAX_OWNED_SPACES} spaces, the most a user may own`, code: "LIMIT_REACHED" }]);
  }
  const now = svc.clock.now();
  const offer: OfferRow = { space_id: spaceId, user_id: userId, offered_by: auth.userId, created_at: now, expires_at: now + OWNER_OFFER_TTL_MS };
  try {
    // While the caller still owns the live space (a refusal of that is answered as after it: 403 or 404) and the target
    // is still a member (else their 404).
    await batchAsMember(svc, auth, spaceId, "owner", [
      batchGuard(db, NON_OWNER_MEMBER_SQL, [spaceId, userId]),
      db.prepare(
        `INSERT INTO space_owner_offers (space_id, user_id, offered_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (space_id) DO UPDATE SET user_id = excluded.user_id, offered_by = excluded.offered_by,
             created_at = excluded.created_at, expires_at = excluded.expires_at`,
      ).bind(offer.space_id, offer.user_id, offer.offered_by, offer.created_at, offer.expires_at),
    ], { otherGuards: true });
  } catch (e) {
    if (refusedByGuard(e)) throw notFound("Member");
    throw e;
  }
  return presentOffer(offer);
}

/** The owner withdraws the space's pending offer; none is a 404. */
export async function withdrawOwnershipOffer(svc: Services, auth: AuthContext, spaceId: string): Promise<void> {
  await requireSpaceRole(svc, auth, spaceId, "owner");
  const [gone] = await batchAsMember(svc, auth, spaceId, "owner", [
    svc.env.DB.prepare("DELETE FROM space_owner_offers WHERE space_id = ? AND expires_at > ?").bind(spaceId, svc.clock.now()),
  ]);
  if (gone!.meta.changes === 0) throw offerNotFound();
}

/**
 * The member a pending offer names accepts it: they become the space's owner, and the owner who offered it an admin.
 * Their owned spaces must stay within MAX_OWNED_SPACES. The space leaves the previous owner's households: only a
 * space's owner may share it with a household (lifebeat/households.ts), and the previous owner's absence no longer
 * opens someone else's space to their executors, nor sends that household's escalations to the space's webhooks.
 * A caller with 2FA confirms it recently, as for any owner's act.
 *
 * One batch, behind guards that hold while the offer read is still the space's (not withdrawn, replaced or expired),
 * the offering user still owns the live space, the caller is still a member of it, and the caller's owned spaces stay
 * within the limit: the owner's id, both roles and the offer's end change together or not at all, and of two
 * acceptances one lands. A batch a guard refused is checked again from the start against what the other write left
 * (untilLanded): a 404 when the offer or the caller's membership or the space is gone, a 422 at the limit.
 */
export async function acceptOwnership(svc: Services, auth: AuthContext, spaceId: string) {
  const db = svc.env.DB;
  return untilLanded(async () => {
    const m = await requireSpaceRole(svc, auth, spaceId, "viewer");
    const now = svc.clock.now();
    const [found, owned] = await db.batch([
      db.prepare(`${LIVE_OFFER_SQL} AND user_id = ?`).bind(spaceId, now, auth.userId),
      db.prepare(`SELECT ${OWNED_LIVE_SPACES_SQL} AS n`).bind(auth.userId),
    ]);
    const offer = found!.results[0] as OfferRow | undefined;
    if (!offer || m.grantId || m.role === "owner") throw offerNotFound();
    requireRecentStepUp(auth, now);
    if ((owned!.results[0] as { n: number }).n >= MAX_OWNED_SPACES) {
      throw validationFailed([{ field: "spaceId", message: `You already own ${MAX_OWNED_SPACES} spaces, the most a user may own; delete one first`, code: "LIMIT_REACHED" }]);
    }
    try {
      const results = await db.batch([
        batchGuard(db, "EXISTS (SELECT 1 FROM space_owner_offers WHERE space_id = ? AND user_id = ? AND offered_by = ? AND created_at = ? AND expires_at > ?)", [
          spaceId, auth.userId, offer.offered_by, offer.created_at, now,
        ]),
        memberGuard(db, spaceId, offer.offered_by, "owner"),
        memberGuard(db, spaceId, auth.userId, "viewer"),
        batchGuard(db, NON_OWNER_MEMBER_SQL, [spaceId, auth.userId]),
        db.prepare("UPDATE space_members SET role = CASE WHEN user_id = ? THEN 'owner' ELSE 'admin' END WHERE space_id = ? AND user_id IN (?, ?)")
          .bind(auth.userId, spaceId, auth.userId, offer.offered_by),
        db.prepare("UPDATE spaces SET owner_id = ?, updated_at = ? WHERE id = ?").bind(auth.userId, now, spaceId),
        ownedSpacesCap(db, auth.userId),
        db.prepare("DELETE FROM household_spaces WHERE space_id = ? AND household_id IN (SELECT id FROM households WHERE owner_id = ?)")
          .bind(spaceId, offer.offered_by),
        db.prepare("DELETE FROM space_owner_offers WHERE space_id = ?").bind(spaceId),
        // The space as the caller now sees it, read in the same batch.
        db.prepare("SELECT * FROM spaces WHERE id = ?").bind(spaceId),
        ...summaryReads(db, { sql: "= ?", params: [spaceId] }),
      ]);
      const [space, ...summaries] = results.slice(-3);
      return presentSpace(spaceOfRow(space!.results[0] as Record<string, unknown>), "owner", summariesFrom([spaceId], summaries).get(spaceId));
    } catch (e) {
      if (!refusedByGuard(e)) throw e;
      return OVERTAKEN;
    }
  });
}

/**
 * After a space's deletion: each of its connections is removed at its provider where the provider supports it (a
 * Plaid item, a Belvo link), then its credentials are wiped and its accounts stop taking entries (as a disconnect
 * does). The connection is disconnected already, and no sync uses it again; one whose removal failed keeps its
 * credentials, sealed, and the hourly cron tries again (providers/remove.ts).
 */
async function retireDeletedSpaceConnections(svc: Services, conns: ConnectionRow[]): Promise<void> {
  for (const c of conns) await retireDeletedSpaceConnection(svc, { ...c, status_reason: REMOVAL_PENDING, disconnected_at: svc.clock.now() });
}
