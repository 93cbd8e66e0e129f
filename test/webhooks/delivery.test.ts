/**
 * Deliveries end to end: real signed requests to the sandbox receiver,
 * verified by a receiver written only from the README; retries with
 * backoff keep their X-Dhanam-Delivery; a sweep racing a publish still
 * gives one delivery per subscription; budget alerts already in the outbox
 * reach subscribers through the hourly cron and the queue consumer.
 */
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { deliverAttempt, fanOut } from "../../src/modules/webhooks/deliver";
import { publishEvent, publishEvents, sweepWebhooks } from "../../src/modules/webhooks/publish";
import { THRESHOLD_EVENT } from "../../src/modules/budgets/alerts";
import { createAccount, seedCategory } from "../accounts/helpers";
import { callJson, eventually } from "../helpers";
import {
  adminSpace, as, createWebhook, deliveryRow, failNext, inbox, manualClock, outboxRow, servicesAt, subscriptionRow,
} from "./helpers";
import { verifyDhanamWebhook } from "./readme-verifier";

const headersOf = (r: { headers: Record<string, string> }) => new Headers(r.headers);

describe("signed deliveries", () => {
  it("verify with the README's receiver code, and fail it when anything is changed", async () => {
    const { owner, spaceId } = await adminSpace();
    const hook = await createWebhook(owner, spaceId);
    const svc = servicesAt(manualClock());
    const payload = { transactionId: "txn_1", amount: -45.67, amountDecimal: "-45.67", description: "Café Olé ☕" };
    const published = await publishEvent(svc, { spaceId, type: "transaction.created", payload, dedupeKey: `transaction.created:${spaceId}:1` });
    expect(published.created).toBe(true);
    const queued = await fanOut(svc, published.eventId);
    expect(queued).toHaveLength(1);
    expect((await deliverAttempt(svc, queued[0]!, 0)).outcome).toBe("succeeded");

    const [got] = await inbox(hook.inbox);
    expect(got).toBeDefined();
    const h = headersOf(got!);
    expect(await verifyDhanamWebhook(hook.secret, h, got!.body)).toBe(true);
    expect(h.get("x-dhanam-delivery")).toBe(queued[0]);
    expect(h.get("x-dhanam-signature")).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(h.get("content-type")).toBe("application/json");
    const body = JSON.parse(got!.body);
    expect(body).toEqual({ event: "transaction.created", id: published.eventId, deliveryId: queued[0], timestamp: expect.any(String), data: payload });
    expect(new Date(body.timestamp).toISOString()).toBe(body.timestamp);

    // Any change is caught: the body, the timestamp, the secret, a stale or future time.
    expect(await verifyDhanamWebhook(hook.secret, h, got!.body.replace("-45.67", "-45.68"))).toBe(false);
    const shifted = new Headers(h);
    shifted.set("x-dhanam-timestamp", String(Number(h.get("x-dhanam-timestamp")) + 1));
    expect(await verifyDhanamWebhook(hook.secret, shifted, got!.body)).toBe(false);
    expect(await verifyDhanamWebhook(`${hook.secret}x`, h, got!.body)).toBe(false);
    const ts = Number(h.get("x-dhanam-timestamp"));
    expect(await verifyDhanamWebhook(hook.secret, h, got!.body, ts + 301)).toBe(false);
    expect(await verifyDhanamWebhook(hook.secret, h, got!.body, ts - 301)).toBe(false);
    expect(await verifyDhanamWebhook(hook.secret, h, got!.body, ts + 299)).toBe(true);

    // The log shows it.
    const log = await callJson(`/v1/webhooks/${hook.id}/deliveries`, as(owner));
    expect(log.status).toBe(200);
    expect(log.body.deliveries).toHaveLength(1);
    expect(log.body.deliveries[0]).toMatchObject({
      id: queued[0], eventId: published.eventId, event: "transaction.created", status: "succeeded", attempts: 1, responseStatus: 200, lastError: null,
      attemptLog: [{ attempt: 1, responseStatus: 200, error: null }],
    });
  });

  it("the test ping sends a signed webhook.test event at once and logs it", async () => {
    const { owner, spaceId } = await adminSpace();
    const hook = await createWebhook(owner, spaceId);
    const res = await callJson(`/v1/webhooks/${hook.id}/test`, { ...as(owner), method: "POST" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ event: "webhook.test", status: "succeeded", attempts: 1, responseStatus: 200 });
    const [got] = await inbox(hook.inbox);
    expect(await verifyDhanamWebhook(hook.secret, headersOf(got!), got!.body)).toBe(true);
    expect(JSON.parse(got!.body)).toMatchObject({ event: "webhook.test", data: { webhookId: hook.id, spaceId } });
    expect(headersOf(got!).get("x-dhanam-delivery")).toBe(res.body.id);

    // A failing receiver: the ping reports it, is not retried, and does not count towards disabling.
    await failNext(hook.inbox, 1, 500);
    const failed = await callJson(`/v1/webhooks/${hook.id}/test`, { ...as(owner), method: "POST" });
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ status: "failed", attempts: 1, responseStatus: 500, lastError: "HTTP 500", nextAttemptAt: null });
    expect((await subscriptionRow(hook.id))!.consecutive_failures).toBe(0);
    // The ping went to this subscription only, and the sweep never picks it up.
    const other = await createWebhook(owner, spaceId);
    await sweepWebhooks(servicesAt(manualClock()));
    expect(await inbox(other.inbox)).toHaveLength(0);
  });
});

describe("retries", () => {
  it("back off exponentially and keep the same X-Dhanam-Delivery until the receiver answers 2xx", async () => {
    const { owner, spaceId } = await adminSpace();
    const hook = await createWebhook(owner, spaceId);
    await failNext(hook.inbox, 3, 503);
    const clock = manualClock();
    const svc = servicesAt(clock);
    const eventId = await outboxRow(spaceId, "transaction.created", { transactionId: "txn_r" });
    const [id] = await fanOut(svc, eventId);

    const t0 = clock.now();
    expect(await deliverAttempt(svc, id!, 0)).toMatchObject({ outcome: "retrying", responseStatus: 503 });
    let row = await deliveryRow(id!);
    expect(row).toMatchObject({ status: "pending", attempts: 1, response_status: 503, last_error: "HTTP 503", next_attempt_at: t0 + 30_000 });

    // A copy of the first attempt's message, and the next attempt arriving early, send nothing.
    expect((await deliverAttempt(svc, id!, 0)).outcome).toBe("stale");
    clock.advance(10_000);
    expect((await deliverAttempt(svc, id!, 1)).outcome).toBe("early");
    expect(await inbox(hook.inbox)).toHaveLength(1);

    clock.set(t0 + 30_000);
    expect((await deliverAttempt(svc, id!, 1)).outcome).toBe("retrying");
    expect((await deliveryRow(id!))!.next_attempt_at).toBe(t0 + 30_000 + 60_000);
    clock.set(t0 + 90_000);
    expect((await deliverAttempt(svc, id!, 2)).outcome).toBe("retrying");
    expect((await deliveryRow(id!))!.next_attempt_at).toBe(t0 + 90_000 + 120_000);
    clock.set(t0 + 210_000);
    expect((await deliverAttempt(svc, id!, 3)).outcome).toBe("succeeded");

    row = await deliveryRow(id!);
    expect(row).toMatchObject({ status: "succeeded", attempts: 4, response_status: 200, last_error: null, delivered_at: t0 + 210_000 });
    const got = await inbox(hook.inbox);
    expect(got.map((r) => r.answeredWith)).toEqual([503, 503, 503, 200]);
    expect(new Set(got.map((r) => headersOf(r).get("x-dhanam-delivery")))).toEqual(new Set([id]));
    // Same body every time; each attempt signed with its own timestamp (the test clock's), verifiable at that time.
    expect(new Set(got.map((r) => r.body)).size).toBe(1);
    for (const r of got) {
      const ts = Number(headersOf(r).get("x-dhanam-timestamp"));
      expect(await verifyDhanamWebhook(hook.secret, headersOf(r), r.body, ts)).toBe(true);
    }
    const sub = await subscriptionRow(hook.id);
    expect(sub).toMatchObject({ consecutive_failures: 0, enabled: 1, last_success_at: t0 + 210_000 });

    const log = await callJson(`/v1/webhooks/${hook.id}/deliveries`, as(owner));
    expect(log.body.deliveries[0].attemptLog.map((a: any) => [a.attempt, a.responseStatus])).toEqual([[1, 503], [2, 503], [3, 503], [4, 200]]);
  });

  it("a network error is retried like a failure status", async () => {
    const { owner, spaceId } = await adminSpace();
    // Allowed with ENVIRONMENT=development (the tests' setting); nothing listens on port 1.
    const hook = await createWebhook(owner, spaceId, { url: "http://127.0.0.1:1/hook" });
    const clock = manualClock();
    const svc = servicesAt(clock);
    const [id] = await fanOut(svc, await outboxRow(spaceId, "transaction.created", { n: 1 }));
    const r = await deliverAttempt(svc, id!, 0);
    expect(r).toMatchObject({ outcome: "retrying", responseStatus: null });
    expect(r.error).toMatch(/^Request failed: /);
    expect(await deliveryRow(id!)).toMatchObject({ status: "pending", attempts: 1, response_status: null, next_attempt_at: clock.now() + 30_000 });
    expect((await subscriptionRow(hook.id))!.consecutive_failures).toBe(1);
  });

  it("a delivery gives up after its last attempt", async () => {
    const { owner, spaceId } = await adminSpace();
    const hook = await createWebhook(owner, spaceId);
    await failNext(hook.inbox, 100, 500);
    const clock = manualClock();
    const svc = servicesAt(clock);
    const [id] = await fanOut(svc, await outboxRow(spaceId, "transaction.created", { n: 1 }));
    let attempt = 0;
    for (;;) {
      const r = await deliverAttempt(svc, id!, attempt);
      attempt++;
      if (r.outcome !== "retrying") {
        expect(r.outcome).toBe("failed");
        break;
      }
      clock.set((await deliveryRow(id!))!.next_attempt_at);
    }
    expect(attempt).toBe(12);
    expect(await deliveryRow(id!)).toMatchObject({ status: "failed", attempts: 12, next_attempt_at: null });
    expect(await inbox(hook.inbox)).toHaveLength(12);
  });
});

describe("exactly one delivery per subscription", () => {
  it("when the sweep and a publish race, and every queued copy is processed", async () => {
    const { owner, spaceId } = await adminSpace();
    const a = await createWebhook(owner, spaceId);
    const b = await createWebhook(owner, spaceId, { events: ["transaction.created"] });
    const c = await createWebhook(owner, spaceId, { events: ["lifebeat.escalated"] }); // not subscribed to this event
    const svc = servicesAt(manualClock());
    const input = { spaceId, type: "transaction.created" as const, payload: { transactionId: "txn_race" }, dedupeKey: `transaction.created:${spaceId}:race` };
    // Two publishers with one dedupe key, and the sweep, all at once.
    const [p1, p2] = await Promise.all([publishEvent(svc, input), publishEvent(svc, input)]);
    expect([p1!.created, p2!.created].sort()).toEqual([false, true]);
    expect(p1!.eventId).toBe(p2!.eventId);
    const fanned = await Promise.all([fanOut(svc, p1!.eventId), fanOut(svc, p1!.eventId), sweepWebhooks(svc).then(() => fanOut(svc, p1!.eventId))]);
    const rows = (await env.DB.prepare("SELECT id, subscription_id FROM webhook_deliveries WHERE event_id = ?").bind(p1!.eventId).all<{ id: string; subscription_id: string }>()).results;
    expect(rows.map((r) => r.subscription_id).sort()).toEqual([a.id, b.id].sort());
    // Every copy of every message the fan-outs queued, delivered at once.
    const ids = fanned.flat();
    expect(new Set(ids)).toEqual(new Set(rows.map((r) => r.id)));
    const outcomes = await Promise.all(ids.map((id) => deliverAttempt(svc, id, 0)));
    expect(outcomes.filter((o) => o.outcome === "succeeded")).toHaveLength(2);
    expect(await inbox(a.inbox)).toHaveLength(1);
    expect(await inbox(b.inbox)).toHaveLength(1);
    expect(await inbox(c.inbox)).toHaveLength(0);
    const outbox = await env.DB.prepare("SELECT COUNT(*) AS n, MIN(delivered_at) AS d FROM event_outbox WHERE dedupe_key = ?").bind(input.dedupeKey).first<{ n: number; d: number }>();
    expect(outbox).toMatchObject({ n: 1 });
    expect(outbox!.d).not.toBeNull();
  });

  it("publishEvents writes over 100 events in one call and reports duplicates with their ids", async () => {
    const { spaceId } = await adminSpace();
    const svc = servicesAt(manualClock());
    const inputs = Array.from({ length: 130 }, (_, i) => ({ spaceId, type: "transaction.created" as const, payload: { i }, dedupeKey: `bulk:${spaceId}:${i}` }));
    const first = await publishEvents(svc, inputs);
    expect(first.every((r) => r.created)).toBe(true);
    const again = await publishEvents(svc, inputs);
    expect(again.every((r) => !r.created)).toBe(true);
    expect(again.map((r) => r.eventId)).toEqual(first.map((r) => r.eventId));
  });
});

describe("the hourly sweep", () => {
  it("queues again a pending delivery whose message was lost, and the consumer delivers it", { timeout: 60_000 }, async () => {
    const { owner, spaceId } = await adminSpace();
    const hook = await createWebhook(owner, spaceId);
    const now = Date.now();
    const eventId = await outboxRow(spaceId, "transaction.created", { lost: true }, now - 40 * 60_000);
    // A delivery made by a fan-out whose queue message never arrived (no message is sent here).
    const id = `dlv_lost${crypto.randomUUID().replace(/-/g, "").slice(0, 18)}`;
    await env.DB.batch([
      env.DB.prepare("UPDATE event_outbox SET delivered_at = ? WHERE id = ?").bind(now - 39 * 60_000, eventId),
      env.DB.prepare(
        "INSERT INTO webhook_deliveries (id, subscription_id, space_id, event_id, event_type, status, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, ?, 'transaction.created', 'pending', 0, ?, ?)",
      ).bind(id, hook.id, spaceId, eventId, now - 39 * 60_000, now - 39 * 60_000),
    ]);
    const swept = await sweepWebhooks(servicesAt(manualClock(now)));
    expect(swept.deliveries).toBeGreaterThanOrEqual(1);
    const row = await eventually(async () => {
      const r = await deliveryRow(id);
      return r?.status === "succeeded" ? r : null;
    });
    expect(row.attempts).toBe(1);
    const got = await inbox(hook.inbox);
    expect(got.map((r) => headersOf(r).get("x-dhanam-delivery"))).toEqual([id]);
    expect(await verifyDhanamWebhook(hook.secret, headersOf(got[0]!), got[0]!.body)).toBe(true);
  });
});

describe("budget alerts already in the outbox", () => {
  it("reach a subscriber through the hourly cron, the queue and its consumer", { timeout: 60_000 }, async () => {
    const { owner, spaceId } = await adminSpace();
    const hook = await createWebhook(owner, spaceId, { events: [THRESHOLD_EVENT] });
    const acc = await createAccount(owner, spaceId, { openingBalance: 1000 });
    const cat = await seedCategory(spaceId, "Food");
    const budget = await callJson("/v1/budgets", { ...as(owner), body: { spaceId, name: "Food", amount: 100, period: "monthly", categoryIds: [cat], alertThreshold: 80 } });
    expect(budget.status).toBe(201);
    const today = new Date().toISOString().slice(0, 10);
    const spend = await callJson("/v1/transactions", { ...as(owner), body: { spaceId, accountId: acc.id, amount: -90, description: "Groceries", date: today, categoryId: cat } });
    expect(spend.status).toBe(201);
    // budgets/alerts.ts wrote the event straight into the outbox: nothing queued it.
    const event = await env.DB.prepare("SELECT id, delivered_at FROM event_outbox WHERE space_id = ? AND type = ?").bind(spaceId, THRESHOLD_EVENT).first<{ id: string; delivered_at: number | null }>();
    expect(event).toMatchObject({ delivered_at: null });

    const controller = createScheduledController({ scheduledTime: new Date(), cron: "0 * * * *" });
    await worker.scheduled(controller, env);

    const got = await eventually(async () => (await inbox(hook.inbox))[0]);
    expect(await verifyDhanamWebhook(hook.secret, headersOf(got), got.body)).toBe(true);
    const body = JSON.parse(got.body);
    expect(body.event).toBe(THRESHOLD_EVENT);
    expect(body.data).toMatchObject({ budgetId: budget.body.id, spaceId, threshold: 80, percentageSpent: 90, currentSpentDecimal: "90.00", budgetAmountDecimal: "100.00" });
    const d = await eventually(async () => {
      const r = await env.DB.prepare("SELECT status, attempts FROM webhook_deliveries WHERE event_id = ?").bind(event!.id).first<{ status: string; attempts: number }>();
      return r?.status === "succeeded" ? r : null;
    });
    expect(d.attempts).toBe(1);
    // A second sweep finds nothing left to fan out for this event.
    await sweepWebhooks(servicesAt(manualClock()));
    expect(await inbox(hook.inbox)).toHaveLength(1);
  });
});
