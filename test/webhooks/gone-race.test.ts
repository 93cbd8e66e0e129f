/**
 * A 410 Gone disables the subscription at once, but only the subscription that was asked: the URL that answered
 * must still be the subscription's, and the attempt must have started after its latest enabling. Before, an attempt
 * out to the old URL while an admin moved the webhook to a new one (the old receiver decommissioned, answering 410:
 * the very reason for the move) disabled the webhook now pointing at the new URL, cancelled everything it had pending
 * and emailed its creator; and an attempt out while an admin disabled and re-enabled it disabled it again.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { deliverAttempt, fanOut } from "../../src/modules/webhooks/deliver";
import { callJson } from "../helpers";
import { adminSpace, as, createWebhook, deliveryRow, newInbox, outboxRow, receiverUrl, recordingQueue, servicesAt } from "./helpers";

const slowGone = async (inbox: string) => {
  const res = await callJson(`/sandbox/webhook-receiver/${inbox}/configure`, { body: { failTimes: 1, status: 410, delayMs: 2000 } });
  expect(res.status).toBe(200);
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const emails = async (to: string) =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM sandbox_messages WHERE channel = 'email' AND lower(recipient) = lower(?)").bind(to).first<{ n: number }>())!.n;

describe("a 410 Gone from an attempt overtaken by the subscription's change", () => {
  it("does not disable a webhook whose URL was moved away from the receiver that answered it", async () => {
    const { owner, spaceId } = await adminSpace();
    const hook = await createWebhook(owner, spaceId);
    const { queue } = recordingQueue();
    const clock = { now: () => Date.now() };
    const svc = servicesAt(clock, { WEBHOOK_QUEUE: queue });
    const [first] = await fanOut(svc, await outboxRow(spaceId, "transaction.created", { n: 1 }));
    const [second] = await fanOut(svc, await outboxRow(spaceId, "transaction.created", { n: 2 }));
    await slowGone(hook.inbox);
    const attempt = deliverAttempt(svc, first!, 0);
    await sleep(100);
    const moved = await callJson(`/v1/webhooks/${hook.id}`, { ...as(owner), method: "PATCH", body: { url: receiverUrl(newInbox()) } });
    expect(moved.status).toBe(200);
    expect((await attempt).responseStatus).toBe(410);
    expect((await callJson(`/v1/webhooks/${hook.id}`, as(owner))).body).toMatchObject({ enabled: true, disabledReason: null });
    // That attempt is an ordinary failure, retried at the new URL; what it had pending goes there too, and nobody was
    // told the webhook was disabled.
    expect(await deliveryRow(first!)).toMatchObject({ status: "pending", attempts: 1, response_status: 410, last_error: "HTTP 410" });
    expect(await deliveryRow(second!)).toMatchObject({ status: "pending" });
    expect(await emails(owner.email)).toBe(0);
  });

  it("does not disable a webhook disabled and re-enabled while the attempt was out", async () => {
    const { owner, spaceId } = await adminSpace();
    const hook = await createWebhook(owner, spaceId);
    const { queue } = recordingQueue();
    const svc = servicesAt({ now: () => Date.now() }, { WEBHOOK_QUEUE: queue });
    const [first] = await fanOut(svc, await outboxRow(spaceId, "transaction.created", { n: 1 }));
    await slowGone(hook.inbox);
    const attempt = deliverAttempt(svc, first!, 0);
    await sleep(100);
    for (const enabled of [false, true]) {
      expect((await callJson(`/v1/webhooks/${hook.id}`, { ...as(owner), method: "PATCH", body: { enabled } })).status).toBe(200);
      await sleep(5);
    }
    expect((await attempt).responseStatus).toBe(410);
    expect((await callJson(`/v1/webhooks/${hook.id}`, as(owner))).body).toMatchObject({ enabled: true, disabledReason: null });
    expect(await emails(owner.email)).toBe(0);
  });

  it("still disables at once when the URL that answered 410 is the subscription's", async () => {
    const { owner, spaceId } = await adminSpace();
    const hook = await createWebhook(owner, spaceId);
    const { queue } = recordingQueue();
    const svc = servicesAt({ now: () => Date.now() }, { WEBHOOK_QUEUE: queue });
    const [first] = await fanOut(svc, await outboxRow(spaceId, "transaction.created", { n: 1 }));
    await slowGone(hook.inbox);
    const attempt = deliverAttempt(svc, first!, 0);
    await sleep(100);
    // A change of events only: the same receiver was asked.
    expect((await callJson(`/v1/webhooks/${hook.id}`, { ...as(owner), method: "PATCH", body: { events: ["transaction.created"] } })).status).toBe(200);
    expect((await attempt).responseStatus).toBe(410);
    expect((await callJson(`/v1/webhooks/${hook.id}`, as(owner))).body).toMatchObject({ enabled: false, disabledReason: "failures" });
    expect(await emails(owner.email)).toBe(1);
  });
});
