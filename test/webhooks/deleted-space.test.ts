/**
 * Nothing of a deleted space leaves the server: its subscriptions are erased with it (URL, sealed secret, delivery
 * log), and an attempt queued before the deletion finds nothing to send. It used to go
 * on retrying for hours, with the transaction's description in it, to a subscription its owner could no
 * longer see or switch off. And an event's date is the day the API shows: in the space's zone, with its offset.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { deliverAttempt, fanOut } from "../../src/modules/webhooks/deliver";
import { createAccount } from "../accounts/helpers";
import { call, callJson, enableTwoFactor, eventually } from "../helpers";
import { adminSpace, as, createWebhook, failNext, inbox, manualClock, outboxRow, servicesAt, subscriptionRow } from "./helpers";

describe("a deleted space's webhooks", () => {
  it("are erased with it (URL, sealed secret, delivery log) and send nothing more, retries included", { timeout: 60_000 }, async () => {
    const { owner, spaceId } = await adminSpace();
    const hook = await createWebhook(owner, spaceId, { events: ["transaction.created"] });
    await failNext(hook.inbox, 100, 500);
    const acc = await createAccount(owner, spaceId, { openingBalance: "100.00" });
    const write = await callJson("/v1/transactions", { ...as(owner), body: { spaceId, accountId: acc.id, amount: "-5.00", description: "secret data", date: "2026-11-30" } });
    expect(write.status).toBe(201);
    // The first attempt failed: the delivery waits for its retry.
    const pending = await eventually(async () => {
      const row = await env.DB.prepare("SELECT id, status, attempts FROM webhook_deliveries WHERE subscription_id = ?").bind(hook.id).first<{ id: string; status: string; attempts: number }>();
      return row && row.attempts >= 1 ? row : null;
    });
    expect(pending.status).toBe("pending");
    // One more fanned out and not yet attempted, as if queued just before the deletion.
    const svc = servicesAt(manualClock());
    const [queued] = await fanOut(svc, await outboxRow(spaceId, "transaction.created", { late: true }));
    expect(queued).toBeDefined();
    const other = await adminSpace();
    const kept = await createWebhook(other.owner, other.spaceId, { events: ["transaction.created"] });

    await enableTwoFactor(owner);
    expect((await call(`/v1/spaces/${spaceId}`, { method: "DELETE", token: owner.accessToken, ip: owner.ip })).status).toBe(204);
    // Erased, not hidden: the receiver's URL and the sealed signing secret went with the space, and so did the log
    // of what was sent (it used to stay for good, the secret with it, where nobody could see or delete it).
    expect(await subscriptionRow(hook.id)).toBeNull();
    const left = async (sql: string) => (await env.DB.prepare(sql).bind(hook.id).first<{ n: number }>())!.n;
    expect(await left("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE subscription_id = ?")).toBe(0);
    expect(await left("SELECT COUNT(*) AS n FROM webhook_delivery_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries WHERE subscription_id = ?)")).toBe(0);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM webhook_delivery_attempts WHERE delivery_id = ?").bind(pending.id).first<{ n: number }>()).toEqual({ n: 0 });
    // Another space's webhook is untouched.
    expect(await subscriptionRow(kept.id)).not.toBeNull();
    const sent = (await inbox(hook.inbox)).length;
    // The retry's message, and the late one's, find nothing to send.
    expect(await deliverAttempt(svc, pending.id, pending.attempts)).toEqual({ outcome: "gone" });
    expect(await deliverAttempt(svc, queued!, 0)).toEqual({ outcome: "gone" });
    // An event fanned out after the deletion (its outbox row written just before) makes no delivery.
    expect(await fanOut(svc, await outboxRow(spaceId, "transaction.created", { later: true }))).toEqual([]);
    expect((await inbox(hook.inbox)).length).toBe(sent);
  });
});

describe("a transaction.created event's date", () => {
  it("is the API's: the user's day in the space's zone, with its offset", { timeout: 60_000 }, async () => {
    const { owner, spaceId } = await adminSpace();
    expect((await callJson(`/v1/spaces/${spaceId}`, { ...as(owner), method: "PATCH", body: { timezone: "Pacific/Auckland" } })).status).toBe(200);
    const hook = await createWebhook(owner, spaceId, { events: ["transaction.created"] });
    const acc = await createAccount(owner, spaceId, { openingBalance: "100.00" });
    const write = await callJson("/v1/transactions", { ...as(owner), body: { spaceId, accountId: acc.id, amount: "-5.00", description: "Nov 30 in Auckland", date: "2026-11-30" } });
    expect(write.body.date).toBe("2026-11-30T00:00:00.000+13:00");
    const event = await eventually(async () => (await inbox(hook.inbox)).map((g) => JSON.parse(g.body).data).find((d) => d.transactionId === write.body.id));
    // It was 2026-11-29T11:00:00.000Z: a receiver could not tell the user's day.
    expect(event.date).toBe(write.body.date);
  });
});
