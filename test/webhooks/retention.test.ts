/**
 * The delivery log's retention: finished deliveries (and their attempts) older than DELIVERY_LOG_DAYS are removed by
 * the hourly cron's webhook task, oldest first; a pending one, and everything younger, stays. Before, nothing was ever
 * removed: a row a subscription and event, and up to twelve attempt rows each, for good.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newId } from "../../src/lib/ids";
import { webhookSweep } from "../../src/modules/webhooks/jobs";
import { DELIVERY_LOG_DAYS } from "../../src/modules/webhooks/retention";
import { callJson } from "../helpers";
import { adminSpace, as, createWebhook, manualClock, outboxRow, recordingQueue, servicesAt } from "./helpers";

const DAY = 86_400_000;

/** A delivery to `subscriptionId` of an event of its own, made at `at`, in `status`, with `attempts` attempt rows. */
async function delivery(subscriptionId: string, spaceId: string, at: number, status: string, attempts: number) {
  const id = newId("dlv", at);
  const eventId = await outboxRow(spaceId, "transaction.created", { id: `txn_${id}` }, at);
  await env.DB.prepare(
    `INSERT INTO webhook_deliveries (id, subscription_id, space_id, event_id, event_type, status, attempts, next_attempt_at, created_at, last_attempt_at, delivered_at)
     VALUES (?, ?, ?, ?, 'transaction.created', ?, ?, ?, ?, ?, ?)`,
  ).bind(id, subscriptionId, spaceId, eventId, status, attempts, status === "pending" ? at + 60_000 : null, at, at, status === "succeeded" ? at : null).run();
  for (let k = 0; k < attempts; k++) {
    await env.DB.prepare("INSERT INTO webhook_delivery_attempts (delivery_id, attempt, at, response_status, error, duration_ms) VALUES (?, ?, ?, 503, NULL, 12)")
      .bind(id, k, at + k).run();
  }
  return id;
}

const ids = async (subscriptionId: string) =>
  (await env.DB.prepare("SELECT id FROM webhook_deliveries WHERE subscription_id = ? ORDER BY id").bind(subscriptionId).all<{ id: string }>()).results.map((r) => r.id);
const attemptsOf = async (deliveryIds: string[]) =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM webhook_delivery_attempts WHERE delivery_id IN (SELECT value FROM json_each(?))").bind(JSON.stringify(deliveryIds)).first<{ n: number }>())!.n;

describe("the delivery log's retention", () => {
  it(`removes finished deliveries older than ${DELIVERY_LOG_DAYS} days with their attempts, and keeps the pending and the younger`, async () => {
    const { owner, spaceId } = await adminSpace();
    const hook = await createWebhook(owner, spaceId);
    const now = Date.now();
    const old = now - (DELIVERY_LOG_DAYS + 1) * DAY;
    const young = now - (DELIVERY_LOG_DAYS - 1) * DAY;
    const gone = [
      await delivery(hook.id, spaceId, old, "succeeded", 2),
      await delivery(hook.id, spaceId, old + 1, "failed", 12),
      await delivery(hook.id, spaceId, old + 2, "cancelled", 0),
    ];
    const kept = [
      await delivery(hook.id, spaceId, old + 3, "pending", 3),
      await delivery(hook.id, spaceId, young, "succeeded", 1),
    ];
    const event = (await env.DB.prepare("SELECT event_id FROM webhook_deliveries WHERE id = ?").bind(gone[0]).first<{ event_id: string }>())!.event_id;
    const { queue } = recordingQueue();
    await webhookSweep(servicesAt(manualClock(now), { WEBHOOK_QUEUE: queue }));
    expect(await ids(hook.id)).toEqual(kept);
    expect(await attemptsOf(gone)).toBe(0);
    expect(await attemptsOf(kept)).toBe(4);
    // The log shows what is kept; the event itself stays in the outbox (its dedupe key keeps it from happening twice).
    const log = await callJson(`/v1/webhooks/${hook.id}/deliveries`, as(owner));
    expect(log.status).toBe(200);
    expect(JSON.stringify(log.body)).not.toContain(gone[0]);
    expect(JSON.stringify(log.body)).toContain(kept[1]);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM event_outbox WHERE id = ?").bind(event).first<{ n: number }>()).toEqual({ n: 1 });
  });

  it("removes past one batch in a run (1,200 old deliveries), and nothing younger", { timeout: 60_000 }, async () => {
    const { owner, spaceId } = await adminSpace();
    const hook = await createWebhook(owner, spaceId);
    const now = Date.now();
    const old = now - (DELIVERY_LOG_DAYS + 5) * DAY;
    // 1,200 rows at once, with ids of their own creation times (a second apart), each of an event of its own.
    const rows = Array.from({ length: 1200 }, (_, i) => [newId("dlv", old + i * 1000), old + i * 1000, newId("evt", old + i * 1000)]);
    await env.DB.prepare(
      `INSERT INTO webhook_deliveries (id, subscription_id, space_id, event_id, event_type, status, attempts, created_at)
       SELECT json_extract(value, '$[0]'), ?, ?, json_extract(value, '$[2]'), 'transaction.created', 'succeeded', 1, json_extract(value, '$[1]') FROM json_each(?)`,
    ).bind(hook.id, spaceId, JSON.stringify(rows)).run();
    const young = await delivery(hook.id, spaceId, now - DAY, "succeeded", 1);
    const { queue } = recordingQueue();
    await webhookSweep(servicesAt(manualClock(now), { WEBHOOK_QUEUE: queue }));
    expect(await ids(hook.id)).toEqual([young]);
  });
});
