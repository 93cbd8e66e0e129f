/**
 * A receiver answering 410 Gone says the URL is gone for good. Before, a 410 was retried like a 503 (twelve attempts
 * over about fifteen hours, for every event), and the subscription went on being sent every new event until its run of
 * failures had lasted a day. Now the delivery is not retried and the subscription disables itself at once
 * (`disabledReason: "failures"`), with what an automatic disable does: its pending deliveries cancelled, new events
 * skipping it, its creator emailed. Other 4xx are still retried, and a test ping's 410 is only logged.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { deliverAttempt, fanOut } from "../../src/modules/webhooks/deliver";
import { DELIVER_JOB, GONE_ERROR } from "../../src/modules/webhooks/events";
import { callJson } from "../helpers";
import { adminSpace, as, createWebhook, deliveryRow, failNext, inbox, manualClock, newInbox, outboxRow, receiverUrl, recordingQueue, servicesAt } from "./helpers";

const emailsTo = async (to: string) =>
  (await env.DB.prepare("SELECT subject, body FROM sandbox_messages WHERE channel = 'email' AND lower(recipient) = lower(?)").bind(to).all<{ subject: string; body: string }>()).results;

describe("a receiver answering 410 Gone", () => {
  it("gets no retry, and the subscription disables itself at once: pending deliveries cancelled, new events skip it, its creator emailed", async () => {
    const { owner, spaceId } = await adminSpace();
    const hook = await createWebhook(owner, spaceId);
    const { queue, sent } = recordingQueue();
    const svc = servicesAt(manualClock(), { WEBHOOK_QUEUE: queue });
    const [first] = await fanOut(svc, await outboxRow(spaceId, "transaction.created", { n: 1 }));
    const [second] = await fanOut(svc, await outboxRow(spaceId, "transaction.created", { n: 2 }));
    sent.length = 0;

    await failNext(hook.inbox, 5, 410);
    const r = await deliverAttempt(svc, first!, 0);
    expect(r).toMatchObject({ outcome: "failed", responseStatus: 410, error: GONE_ERROR });
    expect(sent.filter((m) => m.type === DELIVER_JOB)).toEqual([]);
    expect(await deliveryRow(first!)).toMatchObject({ status: "failed", attempts: 1, response_status: 410, last_error: GONE_ERROR, next_attempt_at: null });

    const sub = (await callJson(`/v1/webhooks/${hook.id}`, as(owner))).body;
    expect(sub).toMatchObject({ enabled: false, disabledReason: "failures", consecutiveFailures: 1 });
    expect(sub.disabledAt).not.toBeNull();
    expect(await deliveryRow(second!)).toMatchObject({ status: "cancelled", last_error: "Subscription disabled" });
    expect(await fanOut(svc, await outboxRow(spaceId, "transaction.created", { n: 3 }))).toEqual([]);

    const mail = await emailsTo(owner.email);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.body).toContain("410 Gone");
    expect(mail[0]!.body).toContain(hook.id);
    expect(mail[0]!.body).not.toContain(hook.secret);

    // The log shows why.
    const log = (await callJson(`/v1/webhooks/${hook.id}/deliveries`, as(owner))).body.deliveries;
    expect(log.find((d: any) => d.id === first)).toMatchObject({ status: "failed", responseStatus: 410, lastError: GONE_ERROR });
  });

  it("other 4xx are still retried, and a test ping answered 410 disables nothing", async () => {
    const { owner, spaceId } = await adminSpace();
    const hook = await createWebhook(owner, spaceId);
    const { queue } = recordingQueue();
    const clock = manualClock();
    const svc = servicesAt(clock, { WEBHOOK_QUEUE: queue });
    const [id] = await fanOut(svc, await outboxRow(spaceId, "transaction.created", { n: 1 }));
    for (const status of [404, 401, 429]) {
      await failNext(hook.inbox, 1, status);
      const row = (await deliveryRow(id!))!;
      clock.set(Math.max(clock.now(), row.next_attempt_at));
      expect([status, (await deliverAttempt(svc, id!, row.attempts)).outcome]).toEqual([status, "retrying"]);
    }
    await failNext(hook.inbox, 1, 410);
    const ping = await callJson(`/v1/webhooks/${hook.id}/test`, { ...as(owner), method: "POST" });
    expect([ping.status, ping.body.responseStatus, ping.body.status]).toEqual([200, 410, "failed"]);
    expect((await callJson(`/v1/webhooks/${hook.id}`, as(owner))).body).toMatchObject({ enabled: true, disabledReason: null });
    expect(await emailsTo(owner.email)).toEqual([]);
  });

  it("a 410 from the URL the webhook was moved off while the request was out disables nothing: the new receiver never said it", async () => {
    const { owner, spaceId } = await adminSpace();
    const hook = await createWebhook(owner, spaceId);
    const { queue } = recordingQueue();
    const moved = receiverUrl(newInbox());
    // The admin's PATCH to the new receiver lands after the old one answered 410 and before that answer is recorded.
    let patched = false;
    const racing = new Proxy(env.DB, {
      get(target, prop) {
        if (prop !== "batch") return Reflect.get(target, prop, target);
        return async (statements: D1PreparedStatement[]) => {
          if (!patched && (await deliveryRow(first!))?.status === "pending") {
            patched = true;
            const res = await callJson(`/v1/webhooks/${hook.id}`, { ...as(owner), method: "PATCH", body: { url: moved } });
            expect(res.status, JSON.stringify(res.body)).toBe(200);
          }
          return target.batch(statements);
        };
      },
    }) as D1Database;
    const svc = servicesAt(manualClock(), { WEBHOOK_QUEUE: queue, DB: racing });
    const [first] = await fanOut(servicesAt(manualClock(), { WEBHOOK_QUEUE: queue }), await outboxRow(spaceId, "transaction.created", { n: 1 }));
    await failNext(hook.inbox, 1, 410);
    expect(await deliverAttempt(svc, first!, 0)).toMatchObject({ responseStatus: 410 });
    expect(patched).toBe(true);
    expect((await callJson(`/v1/webhooks/${hook.id}`, as(owner))).body).toMatchObject({ url: moved, enabled: true, disabledReason: null });
    expect(await emailsTo(owner.email)).toEqual([]);
  });

  it("a 410 from the URL the webhook was moved off, the move seen as the answer is recorded, is retried at the new URL", async () => {
    const { owner, spaceId } = await adminSpace();
    const hook = await createWebhook(owner, spaceId);
    const { queue, sent } = recordingQueue();
    const movedInbox = newInbox();
    // The admin's PATCH lands as the old receiver's 410 comes back, before anything of the attempt is written.
    let patched = false;
    const racing = new Proxy(env.DB, {
      get(target, prop) {
        if (prop !== "prepare") return Reflect.get(target, prop, target);
        return (sql: string) => {
          const stmt = target.prepare(sql);
          if (patched || !/FROM webhook_subscriptions WHERE id = \? AND enabled = 1 AND url = \?/.test(sql)) return stmt;
          return {
            bind: (...args: unknown[]) => ({
              first: async () => {
                patched = true;
                const res = await callJson(`/v1/webhooks/${hook.id}`, { ...as(owner), method: "PATCH", body: { url: receiverUrl(movedInbox) } });
                expect(res.status, JSON.stringify(res.body)).toBe(200);
                return stmt.bind(...args).first();
              },
            }),
          };
        };
      },
    }) as D1Database;
    const [first] = await fanOut(servicesAt(manualClock(), { WEBHOOK_QUEUE: queue }), await outboxRow(spaceId, "transaction.created", { n: 1 }));
    sent.length = 0;
    await failNext(hook.inbox, 1, 410);
    expect(await deliverAttempt(servicesAt(manualClock(), { WEBHOOK_QUEUE: queue, DB: racing }), first!, 0)).toMatchObject({ outcome: "retrying", responseStatus: 410 });
    expect(patched).toBe(true);
    expect(sent.filter((m) => m.type === DELIVER_JOB)).toHaveLength(1);
    expect((await callJson(`/v1/webhooks/${hook.id}`, as(owner))).body).toMatchObject({ enabled: true, disabledReason: null });
    // The retry goes to the new receiver.
    const row = (await deliveryRow(first!))!;
    expect(row.status).toBe("pending");
    expect((await deliverAttempt(servicesAt(manualClock(row.next_attempt_at), { WEBHOOK_QUEUE: queue }), first!, row.attempts)).outcome).toBe("succeeded");
    expect(await inbox(movedInbox)).toHaveLength(1);
  });
});
