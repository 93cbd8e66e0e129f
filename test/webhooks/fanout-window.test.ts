/**
 * An event goes to the subscriptions that existed when it was created (QA 12-D: fan-out runs seconds after the write,
 * and a subscription created in that window received an event older than itself). Every path judges it the same way
 * (creator.ts `listenedToSql`): the fan-out, the queueing of a write's fan-out, the hourly sweep and the ledger's
 * `onlyIfSubscribed`.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createAccount } from "../accounts/helpers";
import { callJson, eventually } from "../helpers";
import { fanOut } from "../../src/modules/webhooks/deliver";
import { outboxRow as eventRow, queueFanout, sweepWebhooks } from "../../src/modules/webhooks/publish";
import { adminSpace, as, createWebhook, inbox, manualClock, outboxRow, recordingQueue, servicesAt } from "./helpers";

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

const deliveriesOf = async (webhookId: string) =>
  (await env.DB.prepare("SELECT event_id FROM webhook_deliveries WHERE subscription_id = ?").bind(webhookId).all<{ event_id: string }>()).results.map((r) => r.event_id);

describe("fan-out judges subscriptions at the event's time", () => {
  it("an event written, then a subscription created, then the fan-out: only the older subscription gets it", async () => {
    const { owner, spaceId } = await adminSpace();
    const before = await createWebhook(owner, spaceId);
    await pause(5);
    const eventId = await outboxRow(spaceId, "transaction.created", { transactionId: "txn_window" });
    await pause(5);
    const after = await createWebhook(owner, spaceId);
    const event = await env.DB.prepare("SELECT created_at FROM event_outbox WHERE id = ?").bind(eventId).first<{ created_at: number }>();
    const subs = await env.DB.prepare("SELECT id, created_at FROM webhook_subscriptions WHERE space_id = ?").bind(spaceId).all<{ id: string; created_at: number }>();
    const createdAt = new Map(subs.results.map((s) => [s.id, s.created_at]));
    expect(createdAt.get(before.id)).toBeLessThan(event!.created_at);
    expect(createdAt.get(after.id)).toBeGreaterThan(event!.created_at);

    const svc = servicesAt(manualClock());
    const queued = await fanOut(svc, eventId);
    expect(queued).toHaveLength(1);
    expect(await deliveriesOf(before.id)).toEqual([eventId]);
    expect(await deliveriesOf(after.id)).toEqual([]);
    // A second fan-out of the same event (the sweep, a redelivered message) adds nothing for the newer one either.
    await fanOut(svc, eventId);
    expect(await deliveriesOf(after.id)).toEqual([]);
    // The newer subscription gets the events created after it.
    const later = await outboxRow(spaceId, "transaction.created", { transactionId: "txn_later" }, Date.now() + 5);
    expect(await fanOut(svc, later)).toHaveLength(2);
    expect(await deliveriesOf(after.id)).toEqual([later]);

    // A subscription created in the same millisecond as the event was there: it receives it (`<=`).
    const same = await outboxRow(spaceId, "transaction.created", { transactionId: "txn_same" }, createdAt.get(after.id)!);
    await fanOut(svc, same);
    expect((await deliveriesOf(after.id)).sort()).toEqual([later, same].sort());
  });

  it("a write's fan-out is not queued, and the sweep marks the event done, when the only subscription is newer", async () => {
    const { owner, spaceId } = await adminSpace();
    const now = Date.now();
    const row = eventRow({ spaceId, type: "transaction.created", payload: { transactionId: "txn_q" }, dedupeKey: `test:window:${crypto.randomUUID()}` }, now - 60_000);
    await env.DB.prepare("INSERT INTO event_outbox (id, space_id, type, payload, dedupe_key, created_at) VALUES (?, ?, ?, ?, ?, ?)")
      .bind(row.id, row.spaceId, row.type, row.payload, row.dedupeKey, row.createdAt)
      .run();
    const hook = await createWebhook(owner, spaceId);

    const { queue, sent } = recordingQueue();
    await queueFanout(servicesAt(manualClock(now), { WEBHOOK_QUEUE: queue }), [row]);
    expect(sent).toEqual([]);
    const swept = await sweepWebhooks(servicesAt(manualClock(now), { WEBHOOK_QUEUE: queue }));
    expect(sent.filter((m) => m.eventId === row.id)).toEqual([]);
    expect(swept.unheard).toBeGreaterThanOrEqual(1);
    const stored = await env.DB.prepare("SELECT delivered_at FROM event_outbox WHERE id = ?").bind(row.id).first<{ delivered_at: number | null }>();
    expect(stored!.delivered_at).toBe(now);
    expect(await deliveriesOf(hook.id)).toEqual([]);

    // The same event written after the subscription was created is queued.
    const fresh = { ...row, id: `${row.id}x`, dedupeKey: `${row.dedupeKey}x`, createdAt: Date.now() + 1 };
    await queueFanout(servicesAt(manualClock(now), { WEBHOOK_QUEUE: queue }), [row, fresh]);
    expect(sent).toEqual([{ type: "webhook.fanout", eventId: fresh.id }]);
  });

  it("through the app: a transaction written before a subscription existed reaches only the subscriptions older than it", { timeout: 60_000 }, async () => {
    const { owner, spaceId } = await adminSpace();
    const older = await createWebhook(owner, spaceId, { events: ["transaction.created"] });
    const account = await createAccount(owner, spaceId, { openingBalance: "10.00" });
    const today = new Date().toISOString().slice(0, 10);
    const tx = await callJson("/v1/transactions", { ...as(owner), body: { spaceId, accountId: account.id, amount: "-1.00", description: "before the new one", date: today } });
    expect(tx.status).toBe(201);
    const newer = await createWebhook(owner, spaceId, { events: ["transaction.created"] });
    const event = await env.DB.prepare("SELECT id FROM event_outbox WHERE dedupe_key = ?").bind(`transaction.created:${tx.body.id}`).first<{ id: string }>();
    // Whenever the queued fan-out runs (before or after the new subscription), and again now.
    await fanOut(servicesAt(manualClock()), event!.id);
    const got = await eventually(async () => (await inbox(older.inbox)).find((r) => JSON.parse(r.body).data.transactionId === tx.body.id));
    expect(JSON.parse(got.body).data.description).toBe("before the new one");
    expect(await deliveriesOf(newer.id)).toEqual([]);
    expect(await inbox(newer.inbox)).toEqual([]);
  });
});
