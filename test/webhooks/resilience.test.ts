/**
 * Webhooks under load (QA 12-A, findings 2 and 3):
 * - the hourly sweep marks, in one statement, the undelivered events nobody listens to, so that thousands of them
 *   (synced rows' events stored before they were stored only for a listener) never hold back an event that has a
 *   listener and whose fan-out message was lost;
 * - the consumer runs a WEBHOOK_QUEUE batch's messages side by side, so a receiver that never answers holds up only
 *   its own message, each message still acked or retried on its own outcome.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { jobHandlers } from "../../src/jobs/queue";
import { fanOut } from "../../src/modules/webhooks/deliver";
import { DELIVER_JOB, REQUEST_TIMEOUT_MS, WEBHOOK_BATCH_CONCURRENCY, WEBHOOK_QUEUE_NAME } from "../../src/modules/webhooks/events";
import { sweepWebhooks } from "../../src/modules/webhooks/publish";
import wranglerToml from "../../wrangler.toml?raw";
import { callJson, eventually } from "../helpers";
import { adminSpace, createWebhook, deliveryRow, inbox, manualClock, outboxRow, recordingQueue, servicesAt } from "./helpers";

/** `n` undelivered `type` events of `spaceId`, written at once, at `from + 1` … `from + n` (as a big import left them). */
async function bulkEvents(spaceId: string, n: number, from: number, type = "transaction.created") {
  const tag = crypto.randomUUID().replace(/-/g, "").slice(0, 12);
  await env.DB.prepare(
    `WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?)
     INSERT INTO event_outbox (id, space_id, type, payload, dedupe_key, created_at)
     SELECT 'evt_bulk' || ? || i, ?, ?, '{}', 'bulk:' || ? || ':' || i, ? + i FROM k`,
  ).bind(n, tag, spaceId, type, tag, from).run();
}

const undelivered = async (spaceId: string) =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM event_outbox WHERE space_id = ? AND delivered_at IS NULL").bind(spaceId).first<{ n: number }>())!.n;

async function slowReceiver(inboxName: string, delayMs: number) {
  const res = await callJson(`/sandbox/webhook-receiver/${inboxName}/configure`, { body: { failTimes: 0, delayMs } });
  expect(res.status).toBe(200);
}

describe("the hourly sweep and events nobody listens to", () => {
  it("marks thousands of them in one run and still fans out the lost event of a listened space behind them", { timeout: 60_000 }, async () => {
    const now = Date.now();
    const day = 86_400_000;
    // No subscriber at all: 6,000 transaction events and a job's end, older than anything else (more than one sweep's 5,000).
    const quiet = await adminSpace();
    await bulkEvents(quiet.spaceId, 6000, now - 2 * day);
    await bulkEvents(quiet.spaceId, 1, now - 2 * day + 7000, "account.sync.completed");
    // A subscriber, but for another type: its transaction events have no listener either.
    const other = await adminSpace();
    await createWebhook(other.owner, other.spaceId, { events: ["lifebeat.escalated"] });
    await bulkEvents(other.spaceId, 50, now - 2 * day + 8000);
    // A listener whose event's fan-out message was lost (a crash after the commit): only the sweep brings it.
    const live = await adminSpace();
    const hook = await createWebhook(live.owner, live.spaceId, { events: ["transaction.created"] });
    // Subscribed before its event was written (a subscription gets only events created after it: fanout-window.test.ts).
    await env.DB.prepare("UPDATE webhook_subscriptions SET created_at = ? WHERE id = ?").bind(now - 2 * day, hook.id).run();
    const lost = await outboxRow(live.spaceId, "transaction.created", { transactionId: "txn_lost" }, now - day);

    const { queue, sent } = recordingQueue();
    const t0 = Date.now();
    const swept = await sweepWebhooks(servicesAt(manualClock(now), { WEBHOOK_QUEUE: queue }));
    console.log(`sweep over ${swept.unheard} events nobody listens to: ${Date.now() - t0} ms`);
    expect(swept.unheard).toBeGreaterThanOrEqual(6051);
    expect(await undelivered(quiet.spaceId)).toBe(0);
    expect(await undelivered(other.spaceId)).toBe(0);
    // Marked, not fanned out: no message for any of them, and the lost event queued in this same run.
    expect(sent.filter((m) => m.eventId?.startsWith("evt_bulk"))).toEqual([]);
    expect(sent).toContainEqual({ type: "webhook.fanout", eventId: lost });
    expect(swept.events).toBe(sent.filter((m) => m.type === "webhook.fanout").length);
    const marked = await env.DB.prepare("SELECT COUNT(*) AS n, MIN(delivered_at) AS lo, MAX(delivered_at) AS hi FROM event_outbox WHERE space_id = ?").bind(quiet.spaceId).first<{ n: number; lo: number; hi: number }>();
    expect(marked).toEqual({ n: 6001, lo: now, hi: now });
    // A marked event made no delivery row.
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE space_id IN (?, ?)").bind(quiet.spaceId, other.spaceId).first<{ n: number }>())!.n).toBe(0);

    // The queued fan-out, run by the real consumer, reaches the receiver; the lost event is no longer undelivered.
    await env.WEBHOOK_QUEUE.send({ type: "webhook.fanout", eventId: lost });
    const got = await eventually(async () => (await inbox(hook.inbox))[0]);
    expect(JSON.parse(got.body).data).toEqual({ transactionId: "txn_lost" });
    expect(await undelivered(live.spaceId)).toBe(0);

    // The next run has nothing left of them.
    const again = await sweepWebhooks(servicesAt(manualClock(now + 3_600_000), { WEBHOOK_QUEUE: recordingQueue().queue }));
    expect(again.unheard).toBe(0);
  });
});

describe("a webhook batch", () => {
  it("is consumed from the queue wrangler.toml names", () => {
    const consumers = wranglerToml.split("[[queues.consumers]]").slice(1).map((s) => /queue\s*=\s*"([^"]+)"/.exec(s)?.[1]);
    expect(consumers).toContain(WEBHOOK_QUEUE_NAME);
  });

  it("delivers a fast receiver's message without waiting for a receiver that never answers, and acks or retries each on its own", { timeout: 60_000 }, async () => {
    const { owner, spaceId } = await adminSpace();
    const slow = await createWebhook(owner, spaceId, { events: ["transaction.created"] });
    const fast = await createWebhook(owner, spaceId, { events: ["transaction.created"] });
    await slowReceiver(slow.inbox, 30_000); // answers after the sender's 10 s timeout
    const { queue, sent } = recordingQueue();
    const svc = servicesAt(manualClock(), { WEBHOOK_QUEUE: queue });
    const eventId = await outboxRow(spaceId, "transaction.created", { transactionId: "txn_batch" });
    expect(await fanOut(svc, eventId)).toHaveLength(2);
    const bySub = new Map(
      (await env.DB.prepare("SELECT id, subscription_id FROM webhook_deliveries WHERE event_id = ?").bind(eventId).all<{ id: string; subscription_id: string }>())
        .results.map((r) => [r.subscription_id, r.id]),
    );
    const slowId = bySub.get(slow.id)!;
    const fastId = bySub.get(fast.id)!;

    let thrown = 0;
    jobHandlers["test.webhook.flaky"] = async () => {
      thrown++;
      throw new Error("transient failure");
    };
    try {
      // The hanging receiver's message first: handled one after another, it would hold the rest for 10 s.
      const batch = createMessageBatch(WEBHOOK_QUEUE_NAME, [
        { id: "m-slow", timestamp: new Date(), attempts: 1, body: { type: DELIVER_JOB, deliveryId: slowId, attempt: 0 } },
        { id: "m-flaky", timestamp: new Date(), attempts: 1, body: { type: "test.webhook.flaky" } },
        { id: "m-unknown", timestamp: new Date(), attempts: 1, body: { type: "no.such.job" } },
        { id: "m-fast", timestamp: new Date(), attempts: 1, body: { type: DELIVER_JOB, deliveryId: fastId, attempt: 0 } },
      ]);
      const ctx = createExecutionContext();
      const t0 = Date.now();
      let fastAt = 0;
      const run = worker.queue(batch, { ...env, WEBHOOK_QUEUE: queue } as Env);
      await eventually(async () => (await inbox(fast.inbox)).length === 1 && (fastAt = Date.now()), 15_000);
      await run;
      const total = Date.now() - t0;
      const fastMs = fastAt - t0;
      console.log(`webhook batch: fast receiver's delivery after ${fastMs} ms, batch done after ${total} ms`);
      expect(fastMs).toBeLessThan(3000);
      expect(total).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 500);

      expect(await deliveryRow(fastId)).toMatchObject({ status: "succeeded", attempts: 1, response_status: 200 });
      // The hanging one ended at the sender's timeout, as a failed attempt to retry.
      expect(await deliveryRow(slowId)).toMatchObject({ status: "pending", attempts: 1, response_status: 504, last_error: "HTTP 504" });
      const attempt = await env.DB.prepare("SELECT duration_ms FROM webhook_delivery_attempts WHERE delivery_id = ?").bind(slowId).first<{ duration_ms: number }>();
      expect(attempt!.duration_ms).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 500);
      expect(sent).toContainEqual({ type: DELIVER_JOB, deliveryId: slowId, attempt: 1 });

      const result = await getQueueResult(batch, ctx);
      expect(result.explicitAcks.sort()).toEqual(["m-fast", "m-slow"]);
      expect(result.retryMessages.map((m: { msgId: string }) => m.msgId).sort()).toEqual(["m-flaky", "m-unknown"]);
      expect(thrown).toBe(1);
    } finally {
      delete jobHandlers["test.webhook.flaky"];
    }
  });

  it(`runs at most ${WEBHOOK_BATCH_CONCURRENCY} messages at once`, { timeout: 60_000 }, async () => {
    const { owner, spaceId } = await adminSpace();
    // Eight receivers answering after 1.5 s: eight at once would take ~1.5 s, six at a time two rounds, one by one 12 s.
    const hooks = [];
    for (let i = 0; i < 8; i++) hooks.push(await createWebhook(owner, spaceId, { events: ["transaction.created"] }));
    for (const h of hooks) await slowReceiver(h.inbox, 1500);
    const { queue } = recordingQueue();
    const eventId = await outboxRow(spaceId, "transaction.created", { transactionId: "txn_bound" });
    const ids = await fanOut(servicesAt(manualClock(), { WEBHOOK_QUEUE: queue }), eventId);
    expect(ids).toHaveLength(8);
    const batch = createMessageBatch(
      WEBHOOK_QUEUE_NAME,
      ids.map((deliveryId, i) => ({ id: `m-${i}`, timestamp: new Date(), attempts: 1, body: { type: DELIVER_JOB, deliveryId, attempt: 0 } })),
    );
    const ctx = createExecutionContext();
    const t0 = Date.now();
    await worker.queue(batch, { ...env, WEBHOOK_QUEUE: queue } as Env);
    const total = Date.now() - t0;
    console.log(`webhook batch of 8 receivers answering after 1.5 s: ${total} ms`);
    expect(total).toBeGreaterThanOrEqual(3000);
    expect(total).toBeLessThan(8000);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toHaveLength(8);
    for (const h of hooks) expect((await inbox(h.inbox)).map((r) => r.answeredWith)).toEqual([200]);
  });
});
