/**
 * Webhook subscriptions of a space: create (the secret is shown once), list,
 * change (url, events, enable/disable, take over), delete, the delivery log and
 * the test ping. Admin-only: requireRoleOver(..., "admin") also asks a user with
 * 2FA for a recent second factor. A subscription whose creator lost admin access
 * is shown suspended and sends nothing (creator.ts).
 */
import { and, eq, inArray, ne, sql } from "drizzle-orm";
import type { AuthContext, Services } from "../../env";
import { webhookDeliveries, webhookDeliveryAttempts, webhookSubscriptions } from "../../db/schema";
import { d1Statement } from "../../db/client";
import { iso } from "../../lib/clock";
import { encryptSecret, randomToken } from "../../lib/crypto";
import { conflict, notFound, validationFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { pagination } from "../../lib/pagination";
import { entityRows, inJsonList, rowReader, type SqlGuard } from "../../lib/sql";
import { batchGuard, refusedByGuard } from "../../lib/batch-guard";
import { asResource, batchAsMember, memberAtLeastSql, OVERTAKEN, readResource, readSpace, requireSpaceRole, untilLanded } from "../spaces/access";
import { CREATOR_LOST_ACCESS, creatorMayManageSql } from "./creator";
import { sendTestPing } from "./deliver";
import { MAX_WEBHOOKS_PER_SPACE, SUBSCRIPTION_DISABLED, TEST_EVENT } from "./events";
import { webhookUrlProblem } from "./url-policy";

type SubscriptionRow = typeof webhookSubscriptions.$inferSelect;
type DeliveryRow = typeof webhookDeliveries.$inferSelect;
type AttemptRow = typeof webhookDeliveryAttempts.$inferSelect;

const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

/**
 * `creatorLostAccess`: the creator is no longer an admin of the space (creator.ts), read with the row. The
 * subscription then sends nothing until a current admin takes it over (or the creator is an admin again).
 */
function present(w: SubscriptionRow, creatorLostAccess: boolean) {
  return {
    id: w.id,
    spaceId: w.spaceId,
    url: w.url,
    events: JSON.parse(w.events) as string[],
    description: w.description,
    enabled: w.enabled,
    disabledReason: w.disabledReason,
    disabledAt: isoOrNull(w.disabledAt),
    consecutiveFailures: w.consecutiveFailures,
    lastSuccessAt: isoOrNull(w.lastSuccessAt),
    lastFailureAt: isoOrNull(w.lastFailureAt),
    createdBy: w.createdBy,
    suspendedReason: creatorLostAccess ? CREATOR_LOST_ACCESS : null,
    createdAt: iso(w.createdAt),
    updatedAt: iso(w.updatedAt),
  };
}

function presentDelivery(d: DeliveryRow, attempts: AttemptRow[]) {
  return {
    id: d.id,
    webhookId: d.subscriptionId,
    eventId: d.eventId,
    event: d.eventType,
    status: d.status,
    attempts: d.attempts,
    responseStatus: d.responseStatus,
    lastError: d.lastError,
    nextAttemptAt: d.status === "pending" ? isoOrNull(d.nextAttemptAt) : null,
    lastAttemptAt: isoOrNull(d.lastAttemptAt),
    deliveredAt: isoOrNull(d.deliveredAt),
    createdAt: iso(d.createdAt),
    attemptLog: attempts
      .filter((a) => a.deliveryId === d.id)
      .sort((a, b) => a.attempt - b.attempt)
      .map((a) => ({ attempt: a.attempt, at: iso(a.at), responseStatus: a.responseStatus, error: a.error, durationMs: a.durationMs })),
  };
}

function checkUrl(svc: Services, url: string) {
  // As sent, then as it will be stored and called (percent-encoding can lengthen it past the limit).
  const problem = webhookUrlProblem(svc.env, url) ?? webhookUrlProblem(svc.env, canonicalUrl(url));
  if (problem) throw validationFailed([{ field: "url", message: problem, code: "URL_NOT_ALLOWED" }]);
}

/**
 * A checked URL as it is called: what is stored and shown is what receives (no tab or upper-case host kept as typed,
 * no fragment: it is never sent, and would make one receiver look like two to the duplicate check below).
 */
const canonicalUrl = (url: string) => {
  const u = new URL(url);
  u.hash = "";
  return u.href;
};

/**
 * The enabled subscriptions of space `?` (1st parameter), other than `?` (3rd), that send any of the events in the
 * JSON list `?` (4th) to the URL `?` (2nd). An enabled subscription with one of them would send each of those events
 * twice to one receiver, under two secrets (the "fan-out duplicates"): refused with 409 (duplicateOf), judged in the
 * statement that writes, so two requests at once cannot both pass. A disabled one sends nothing and is not counted;
 * re-enabling it is judged the same way. Receivers that want two secrets at once (overlapping a rotation) subscribe a
 * second URL, say with a query string.
 */
const OVERLAP_FROM = `FROM webhook_subscriptions o WHERE o.space_id = ? AND o.url = ? AND o.id != ? AND o.enabled = 1
  AND EXISTS (SELECT 1 FROM json_each(o.events) oe WHERE oe.value IN (SELECT value FROM json_each(?)))`;
const OVERLAP_SQL = `EXISTS (SELECT 1 ${OVERLAP_FROM})`;
const overlapParams = (spaceId: string, url: string, events: string, exceptId: string) => [spaceId, url, exceptId, events];

/** The enabled subscription that already sends some of `events` to `url` in the space, if any: the 409 of a duplicate. */
async function duplicateOf(svc: Services, spaceId: string, url: string, events: string, exceptId: string) {
  const dup = await svc.env.DB.prepare(`SELECT o.id ${OVERLAP_FROM} ORDER BY o.id LIMIT 1`)
    .bind(...overlapParams(spaceId, url, events, exceptId)).first<{ id: string }>();
  return dup
    ? conflict(`Webhook ${dup.id} of this space already sends some of these events to this URL: change its events instead of adding another`)
    : null;
}

const uniqueEvents = (events: string[]) => JSON.stringify([...new Set(events)]);

export async function createWebhook(
  svc: Services,
  auth: AuthContext,
  body: { spaceId?: string; url: string; events: string[]; description?: string; enabled?: boolean },
  querySpaceId?: string,
) {
  // API.md writes `POST /v1/webhooks?spaceId`: the space may come in the query or the body (the same one if both).
  const spaceId = body.spaceId ?? querySpaceId;
  if (!spaceId) throw validationFailed([{ field: "spaceId", message: "Required (in the body or the query)", code: "REQUIRED" }]);
  if (body.spaceId && querySpaceId && body.spaceId !== querySpaceId) {
    throw validationFailed([{ field: "spaceId", message: "The query and the body name different spaces", code: "CONFLICTING_VALUES" }]);
  }
  const input = { ...body, spaceId };
  await requireSpaceRole(svc, auth, input.spaceId, "admin");
  checkUrl(svc, input.url);
  const now = svc.clock.now();
  const secret = `whsec_${randomToken(32)}`;
  const enabled = input.enabled ?? true;
  const row: SubscriptionRow = {
    id: newId("whk", now), spaceId: input.spaceId, url: canonicalUrl(input.url), events: uniqueEvents(input.events), description: input.description ?? null,
    secretEnc: await encryptSecret(secret, svc.env.ENCRYPTION_KEY), enabled, consecutiveFailures: 0,
    disabledReason: enabled ? null : "manual", disabledAt: enabled ? null : now, enabledAt: null, lastSuccessAt: null, lastFailureAt: null,
    createdBy: auth.userId, createdAt: now, updatedAt: now,
  };
  // Counted in the insert itself: concurrent requests cannot all pass a count read before any of them inserts. And
  // only while the caller is still an admin of the live space: one deleted meanwhile keeps no webhook.
  const e = entityRows(webhookSubscriptions, [row]);
  const inserted = await svc.env.DB.prepare(
    `INSERT INTO ${e.table} (${e.columns.join(", ")}) SELECT ${e.columns.map(() => "?").join(", ")}
      WHERE (SELECT COUNT(*) FROM ${e.table} WHERE space_id = ?) < ? AND ${memberAtLeastSql("?", "?", "admin")} AND (NOT ? OR NOT ${OVERLAP_SQL})`,
  ).bind(...e.rows[0]!, row.spaceId, MAX_WEBHOOKS_PER_SPACE, row.spaceId, auth.userId, enabled ? 1 : 0, ...overlapParams(row.spaceId, row.url, row.events, row.id)).run();
  if (inserted.meta.changes !== 1) {
    // Kept out by the space's deletion or the caller's loss of the role: answered as a request made after it.
    await requireSpaceRole(svc, auth, input.spaceId, "admin");
    const duplicate = enabled ? await duplicateOf(svc, row.spaceId, row.url, row.events, row.id) : null;
    if (duplicate) throw duplicate;
    throw validationFailed([{ field: "spaceId", message: `A space may have at most ${MAX_WEBHOOKS_PER_SPACE} webhooks`, code: "LIMIT_REACHED" }]);
  }
  // The creator is an admin: they just passed the check.
  return { ...present(row, false), secret };
}

const subscriptionOf = rowReader(webhookSubscriptions);
const deliveryOf = rowReader(webhookDeliveries);
const attemptOf = rowReader(webhookDeliveryAttempts);

/**
 * The subscription, after checking the caller is an admin of its space (404 for anyone who cannot see
 * it), whether its creator lost access, and the reads `reads` builds, all in the same round trip (see readResource).
 */
async function webhookFor(
  svc: Services,
  auth: AuthContext,
  id: string,
  reads?: (space: SqlGuard) => D1PreparedStatement[],
): Promise<{ row: SubscriptionRow; creatorLostAccess: boolean; results: D1Result[] }> {
  const db = svc.env.DB;
  const { row, results: [lost, ...results] } = await readResource(svc, auth, "webhook_subscriptions", id, "Webhook", "admin", (space) => [
    db.prepare(`SELECT NOT ${creatorMayManageSql("w")} AS lost FROM webhook_subscriptions w WHERE w.id = ? AND w.space_id = ${space.sql}`)
      .bind(id, ...space.params),
    ...(reads?.(space) ?? []),
  ]);
  return { row: subscriptionOf(row), creatorLostAccess: Boolean((lost!.results[0] as { lost: number } | undefined)?.lost), results };
}

export async function listWebhooks(svc: Services, auth: AuthContext, q: { spaceId: string; limit: number; offset: number }) {
  const db = svc.env.DB;
  const { results: [rows, total] } = await readSpace(svc, auth, q.spaceId, "admin", (space) => [
    db.prepare(
      `SELECT w.*, NOT ${creatorMayManageSql("w")} AS creator_lost_access FROM webhook_subscriptions w
        WHERE w.space_id = ${space.sql} ORDER BY w.created_at DESC, w.id DESC LIMIT ? OFFSET ?`,
    ).bind(...space.params, q.limit, q.offset),
    db.prepare(`SELECT COUNT(*) AS n FROM webhook_subscriptions WHERE space_id = ${space.sql}`).bind(...space.params),
  ]);
  const webhooks = (rows!.results as Record<string, unknown>[]).map((r) => present(subscriptionOf(r), Boolean(r.creator_lost_access)));
  return { webhooks, pagination: pagination((total!.results[0] as { n: number }).n, q.limit, q.offset) };
}

export async function getWebhook(svc: Services, auth: AuthContext, id: string) {
  const { row, creatorLostAccess } = await webhookFor(svc, auth, id);
  return present(row, creatorLostAccess);
}

/** A takeover that another admin's write to the subscription overtook: its secret is not the one this request made. */
const takenOverMeanwhile = () =>
  conflict("Another admin took this webhook over, or changed its secret, while this request was made; read it and take it over again if you still mean to");

/**
 * `takeOver` (or a new URL from an admin who is not its creator) makes the caller the creator: they vouch for
 * the URL from now on, so the subscription delivers while they are an admin. The secret rotates then, since the
 * previous creator knows the old one, and the new one is in this response only (as at creation). Each write holds
 * only while the caller is an admin of the live space, and a takeover only over the creator and secret it read: of
 * two admins taking it over at once, one gets the secret that is stored and the other a 409 (never a secret that
 * another write replaced before anyone could use it).
 */
export async function updateWebhook(
  svc: Services,
  auth: AuthContext,
  id: string,
  patch: { url?: string; events?: string[]; description?: string | null; enabled?: boolean; takeOver?: boolean },
) {
  // A refusal with the caller's access holding is applied again to what is there now (their access changed and came
  // back meanwhile), but a takeover's is another admin's takeover (or rotation) meanwhile: applyWebhookPatch's 409.
  return untilLanded(() => applyWebhookPatch(svc, auth, id, patch));
}

async function applyWebhookPatch(
  svc: Services,
  auth: AuthContext,
  id: string,
  patch: { url?: string; events?: string[]; description?: string | null; enabled?: boolean; takeOver?: boolean },
) {
  const { row, creatorLostAccess } = await webhookFor(svc, auth, id);
  if (patch.url !== undefined) checkUrl(svc, patch.url);
  const now = svc.clock.now();
  // Only what this PATCH changes is written: the delivery worker writes the failure count and the automatic disable
  // meanwhile, and a whole-row write would put back what it read (switching a disabled subscription on again).
  const set: Partial<SubscriptionRow> = { updatedAt: now };
  if (patch.url !== undefined) set.url = canonicalUrl(patch.url);
  if (patch.events) set.events = uniqueEvents(patch.events);
  if (patch.description !== undefined) set.description = patch.description;
  if (patch.enabled === true && !row.enabled) {
    // Re-enabling starts a fresh failure run, and listens to events created from now on (creator.ts): what was
    // cancelled when it was disabled, and what happened meanwhile, stays undelivered however the timing falls.
    Object.assign(set, { enabled: true, consecutiveFailures: 0, disabledReason: null, disabledAt: null, enabledAt: now });
  } else if (patch.enabled === false && row.enabled) {
    Object.assign(set, { enabled: false, disabledReason: "manual", disabledAt: now });
  }
  // Another admin pointing the subscription somewhere new vouches for that URL: left under the old creator, it
  // would go on sending there after the one who chose it lost access.
  const takeOver = patch.takeOver === true || (set.url !== undefined && set.url !== row.url && row.createdBy !== auth.userId);
  let secret: string | undefined;
  if (takeOver) {
    secret = `whsec_${randomToken(32)}`;
    Object.assign(set, { createdBy: auth.userId, secretEnc: await encryptSecret(secret, svc.env.ENCRYPTION_KEY) });
    // Another's takeover resumes new events only, as a re-enable does (creator.ts hearsSql): an event stored while it
    // was suspended (another subscription heard it) and fanned out after the takeover is not sent to the URL now
    // vouched for (review of QA 12-F's fixes). The creator rotating their own secret loses nothing in flight.
    if (row.createdBy !== auth.userId) set.enabledAt = now;
  }
  const db = svc.env.DB;
  // A new url or events list, or a re-enable, holds only while no other enabled subscription of the space sends any
  // of its events to its URL (OVERLAP_SQL). One left disabled is not judged.
  const [url, events] = [set.url ?? row.url, set.events ?? row.events];
  const judged = (set.enabled ?? row.enabled) && (set.url !== undefined || set.events !== undefined || set.enabled === true);
  const unique = judged ? { sql: ` AND NOT ${OVERLAP_SQL}`, params: overlapParams(row.spaceId, url, events, id) } : { sql: "", params: [] };
  // The caller is still an admin of the live space as the batch runs; a takeover writes over the creator and the
  // secret it read only (the secret too: a creator taking their own webhook over rotates it).
  const guard = takeOver
    ? batchGuard(db, `${memberAtLeastSql("?", "?", "admin")} AND EXISTS (SELECT 1 FROM webhook_subscriptions WHERE id = ? AND created_by = ? AND secret_enc = ?)${unique.sql}`,
      [row.spaceId, auth.userId, id, row.createdBy, row.secretEnc, ...unique.params])
    : batchGuard(db, `${memberAtLeastSql("?", "?", "admin")}${unique.sql}`, [row.spaceId, auth.userId, ...unique.params]);
  const update = d1Statement(db, svc.db.update(webhookSubscriptions).set(set).where(eq(webhookSubscriptions.id, id)).returning());
  // A subscription's pending deliveries are cancelled by the write that disables it (as the automatic disable does,
  // deliver.ts), not left to their next attempt: a re-enable never brings them back, however the timing falls. A
  // re-enable first cancels any a disabled subscription still has (left by a disable before this rule).
  const cancel = d1Statement(db, cancelPendingOfDisabled(svc, id));
  let results: D1Result[];
  try {
    results = await db.batch(set.enabled === false ? [guard, update, cancel] : set.enabled === true ? [guard, cancel, update] : [guard, update]);
  } catch (e) {
    if (!refusedByGuard(e)) throw e;
    // Answered as a request made now would be: 404 when the subscription or its space is gone, 403 for a lost role.
    await asResource(webhookFor(svc, auth, id), "Webhook");
    const duplicate = judged ? await duplicateOf(svc, row.spaceId, url, events, id) : null;
    if (duplicate) throw duplicate;
    if (takeOver) throw takenOverMeanwhile();
    return OVERTAKEN;
  }
  const written = (set.enabled === true ? results[2] : results[1])!.results[0] as Record<string, unknown> | undefined;
  // Deleted meanwhile: as if it never was.
  if (!written) throw notFound("Webhook");
  const stored = subscriptionOf(written);
  // The caller passed the admin check; anyone else as creator is as read with the row.
  const out = present(stored, stored.createdBy === auth.userId ? false : creatorLostAccess);
  return secret === undefined ? out : { ...out, secret };
}

export async function deleteWebhook(svc: Services, auth: AuthContext, id: string) {
  const { row } = await webhookFor(svc, auth, id);
  const db = svc.env.DB;
  const deliveries = svc.db.select({ id: webhookDeliveries.id }).from(webhookDeliveries).where(eq(webhookDeliveries.subscriptionId, id));
  // Only while the caller is still an admin of the live space (batchAsMember: a removal meanwhile is the webhook's 404).
  await batchAsMember(svc, auth, row.spaceId, "admin", [
    // A subquery: the delivery ids never pass through as parameters (D1's cap of 100).
    d1Statement(db, svc.db.delete(webhookDeliveryAttempts).where(inArray(webhookDeliveryAttempts.deliveryId, deliveries))),
    d1Statement(db, svc.db.delete(webhookDeliveries).where(eq(webhookDeliveries.subscriptionId, id))),
    d1Statement(db, svc.db.delete(webhookSubscriptions).where(eq(webhookSubscriptions.id, id))),
  ], { resource: "Webhook" });
}

/** Cancels the pending deliveries of subscription `id` if it is disabled (checked in the statement, after the write that disables it). */
function cancelPendingOfDisabled(svc: Services, id: string) {
  return svc.db
    .update(webhookDeliveries)
    .set({ status: "cancelled", lastError: SUBSCRIPTION_DISABLED, nextAttemptAt: null })
    .where(and(
      eq(webhookDeliveries.subscriptionId, id), eq(webhookDeliveries.status, "pending"), ne(webhookDeliveries.eventType, TEST_EVENT),
      sql`EXISTS (SELECT 1 FROM webhook_subscriptions WHERE id = ${id} AND enabled = 0)`,
    ));
}

async function attemptsOf(svc: Services, ids: string[]): Promise<AttemptRow[]> {
  if (ids.length === 0) return [];
  return svc.db.select().from(webhookDeliveryAttempts).where(inJsonList(webhookDeliveryAttempts.deliveryId, ids));
}

/**
 * The page of deliveries and their attempts, in the round trip that checks the caller: keyed by the
 * subscription's id only when its space is one the caller may see (so a stranger's batch reads none of
 * them), the attempts through the same page as a subquery.
 */
export async function listDeliveries(svc: Services, auth: AuthContext, id: string, q: { status?: DeliveryRow["status"]; limit: number; offset: number }) {
  const db = svc.env.DB;
  const { results: [rows, total, attempts] } = await webhookFor(svc, auth, id, (space) => {
    const where = `subscription_id = (SELECT w.id FROM webhook_subscriptions w WHERE w.id = ? AND w.space_id = ${space.sql})${q.status ? " AND status = ?" : ""}`;
    const params = [id, ...space.params, ...(q.status ? [q.status] : [])];
    const page = `SELECT * FROM webhook_deliveries WHERE ${where} ORDER BY id DESC LIMIT ? OFFSET ?`;
    return [
      db.prepare(page).bind(...params, q.limit, q.offset),
      db.prepare(`SELECT COUNT(*) AS n FROM webhook_deliveries WHERE ${where}`).bind(...params),
      db.prepare(`SELECT * FROM webhook_delivery_attempts WHERE delivery_id IN (SELECT id FROM (${page}))`).bind(...params, q.limit, q.offset),
    ];
  });
  const log = (attempts!.results as Record<string, unknown>[]).map(attemptOf);
  const deliveries = (rows!.results as Record<string, unknown>[]).map((r) => presentDelivery(deliveryOf(r), log));
  return { deliveries, pagination: pagination((total!.results[0] as { n: number }).n, q.limit, q.offset) };
}

/** Sends a `webhook.test` event to the subscription now and returns the delivery as logged. */
export async function testWebhook(svc: Services, auth: AuthContext, id: string) {
  const { row, creatorLostAccess } = await webhookFor(svc, auth, id);
  // Not even the ping goes to a URL nobody with access vouches for any more.
  if (creatorLostAccess) throw conflict("This webhook is suspended: its creator is no longer an admin of the space. Take it over first (PATCH takeOver: true)");
  const deliveryId = await sendTestPing(svc, { id: row.id, spaceId: row.spaceId });
  const d = await svc.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId)).get();
  return presentDelivery(d!, await attemptsOf(svc, [deliveryId]));
}
