/**
 * Webhook subscriptions of a space: create (the secret is shown once), list,
 * change (url, events, enable/disable), delete, the delivery log and the test
 * ping. Admin-only: requireRoleOver(..., "admin") also asks a user with 2FA
 * for a recent second factor.
 */
import { and, count, desc, eq, inArray } from "drizzle-orm";
import type { AuthContext, Services } from "../../env";
import { webhookDeliveries, webhookDeliveryAttempts, webhookSubscriptions } from "../../db/schema";
import { iso } from "../../lib/clock";
import { encryptSecret, randomToken } from "../../lib/crypto";
import { notFound, validationFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { pagination } from "../../lib/pagination";
import { inJsonList } from "../../lib/sql";
import { requireRoleOver, requireSpaceRole } from "../spaces/access";
import { sendTestPing } from "./deliver";
import { MAX_WEBHOOKS_PER_SPACE } from "./events";
import { webhookUrlProblem } from "./url-policy";

type SubscriptionRow = typeof webhookSubscriptions.$inferSelect;
type DeliveryRow = typeof webhookDeliveries.$inferSelect;
type AttemptRow = typeof webhookDeliveryAttempts.$inferSelect;

const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

function present(w: SubscriptionRow) {
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
  const problem = webhookUrlProblem(svc.env, url);
  if (problem) throw validationFailed([{ field: "url", message: problem, code: "URL_NOT_ALLOWED" }]);
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
  const existing = await svc.db.select({ n: count() }).from(webhookSubscriptions).where(eq(webhookSubscriptions.spaceId, input.spaceId)).get();
  if ((existing?.n ?? 0) >= MAX_WEBHOOKS_PER_SPACE) {
    throw validationFailed([{ field: "spaceId", message: `A space may have at most ${MAX_WEBHOOKS_PER_SPACE} webhooks`, code: "LIMIT_REACHED" }]);
  }
  const now = svc.clock.now();
  const secret = `whsec_${randomToken(32)}`;
  const enabled = input.enabled ?? true;
  const row: SubscriptionRow = {
    id: newId("whk", now), spaceId: input.spaceId, url: input.url, events: uniqueEvents(input.events), description: input.description ?? null,
    secretEnc: await encryptSecret(secret, svc.env.ENCRYPTION_KEY), enabled, consecutiveFailures: 0,
    disabledReason: enabled ? null : "manual", disabledAt: enabled ? null : now, lastSuccessAt: null, lastFailureAt: null,
    createdBy: auth.userId, createdAt: now, updatedAt: now,
  };
  await svc.db.insert(webhookSubscriptions).values(row);
  return { ...present(row), secret };
}

/** The subscription, after checking the caller is an admin of its space (404 for anyone who cannot see it). */
async function webhookFor(svc: Services, auth: AuthContext, id: string): Promise<SubscriptionRow> {
  const row = await svc.db.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, id)).get();
  if (!row) throw notFound("Webhook");
  await requireRoleOver(svc, auth, row.spaceId, "admin", "Webhook");
  return row;
}

export async function listWebhooks(svc: Services, auth: AuthContext, q: { spaceId: string; limit: number; offset: number }) {
  await requireSpaceRole(svc, auth, q.spaceId, "admin");
  const where = eq(webhookSubscriptions.spaceId, q.spaceId);
  const [rows, total] = await svc.db.batch([
    svc.db.select().from(webhookSubscriptions).where(where).orderBy(desc(webhookSubscriptions.createdAt), desc(webhookSubscriptions.id)).limit(q.limit).offset(q.offset),
    svc.db.select({ n: count() }).from(webhookSubscriptions).where(where),
  ]);
  return { webhooks: rows.map(present), pagination: pagination(total[0]?.n ?? 0, q.limit, q.offset) };
}

export async function getWebhook(svc: Services, auth: AuthContext, id: string) {
  return present(await webhookFor(svc, auth, id));
}

export async function updateWebhook(
  svc: Services,
  auth: AuthContext,
  id: string,
  patch: { url?: string; events?: string[]; description?: string | null; enabled?: boolean },
) {
  const row = await webhookFor(svc, auth, id);
  if (patch.url !== undefined) checkUrl(svc, patch.url);
  const now = svc.clock.now();
  const updated: SubscriptionRow = {
    ...row,
    url: patch.url ?? row.url,
    events: patch.events ? uniqueEvents(patch.events) : row.events,
    description: patch.description === undefined ? row.description : patch.description,
    updatedAt: now,
  };
  if (patch.enabled === true && !row.enabled) {
    // Re-enabling starts a fresh failure run.
    Object.assign(updated, { enabled: true, consecutiveFailures: 0, disabledReason: null, disabledAt: null });
  } else if (patch.enabled === false && row.enabled) {
    Object.assign(updated, { enabled: false, disabledReason: "manual", disabledAt: now });
  }
  await svc.db.update(webhookSubscriptions).set(updated).where(eq(webhookSubscriptions.id, id));
  return present(updated);
}

export async function deleteWebhook(svc: Services, auth: AuthContext, id: string) {
  await webhookFor(svc, auth, id);
  const deliveries = svc.db.select({ id: webhookDeliveries.id }).from(webhookDeliveries).where(eq(webhookDeliveries.subscriptionId, id));
  await svc.db.batch([
    // A subquery: the delivery ids never pass through as parameters (D1's cap of 100).
    svc.db.delete(webhookDeliveryAttempts).where(inArray(webhookDeliveryAttempts.deliveryId, deliveries)),
    svc.db.delete(webhookDeliveries).where(eq(webhookDeliveries.subscriptionId, id)),
    svc.db.delete(webhookSubscriptions).where(eq(webhookSubscriptions.id, id)),
  ]);
}

async function attemptsOf(svc: Services, ids: string[]): Promise<AttemptRow[]> {
  if (ids.length === 0) return [];
  return svc.db.select().from(webhookDeliveryAttempts).where(inJsonList(webhookDeliveryAttempts.deliveryId, ids));
}

export async function listDeliveries(svc: Services, auth: AuthContext, id: string, q: { status?: DeliveryRow["status"]; limit: number; offset: number }) {
  await webhookFor(svc, auth, id);
  const where = and(eq(webhookDeliveries.subscriptionId, id), q.status ? eq(webhookDeliveries.status, q.status) : undefined);
  const [rows, total] = await svc.db.batch([
    svc.db.select().from(webhookDeliveries).where(where).orderBy(desc(webhookDeliveries.id)).limit(q.limit).offset(q.offset),
    svc.db.select({ n: count() }).from(webhookDeliveries).where(where),
  ]);
  const attempts = await attemptsOf(svc, rows.map((r) => r.id));
  return { deliveries: rows.map((r) => presentDelivery(r, attempts)), pagination: pagination(total[0]?.n ?? 0, q.limit, q.offset) };
}

/** Sends a `webhook.test` event to the subscription now and returns the delivery as logged. */
export async function testWebhook(svc: Services, auth: AuthContext, id: string) {
  const row = await webhookFor(svc, auth, id);
  const deliveryId = await sendTestPing(svc, { id: row.id, spaceId: row.spaceId });
  const d = await svc.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId)).get();
  return presentDelivery(d!, await attemptsOf(svc, [deliveryId]));
}
