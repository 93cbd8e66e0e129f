/**
 * Every event a subscription heard has a delivery row, even when its creator lost access between the event and its
 * fan-out (QA: 270 transaction.created events committed while the creator was an admin, fanned out in queue batches
 * after the creator was removed: only 209 had a row; the ~61 fanned out later had none, so
 * `GET /v1/webhooks/{id}/deliveries?status=cancelled`, the README's way to recover missed events, could not find them,
 * and the hourly sweep marked a lost one as heard by nobody). Now the fan-out writes such a subscription's row
 * cancelled, with the reason the suspension gives its attempts, and never sends it; the sweep fans those events out
 * too (creator.ts `hearsSql`), while a write stores and queues only for subscriptions whose creator may manage them
 * (`listenedToNowSql`).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addMember, call, callJson, registerUser, type TestUser } from "../helpers";
import { fanOut } from "../../src/modules/webhooks/deliver";
import { outboxRow as eventRow, queueFanout, sweepWebhooks } from "../../src/modules/webhooks/publish";
import { adminSpace, as, createWebhook, inbox, manualClock, outboxRow, recordingQueue, servicesAt } from "./helpers";

const LOST = "Suspended: its creator is no longer an admin of the space";

const removeMember = (by: TestUser, spaceId: string, who: TestUser) => call(`/v1/spaces/${spaceId}/members/${who.id}`, { ...as(by), method: "DELETE" });

const rowsOf = async (webhookId: string) =>
  (await env.DB.prepare("SELECT event_id, status, attempts, last_error, next_attempt_at FROM webhook_deliveries WHERE subscription_id = ? ORDER BY event_id")
    .bind(webhookId).all<{ event_id: string; status: string; attempts: number; last_error: string | null; next_attempt_at: number | null }>()).results;

const deliveredAt = async (eventId: string) =>
  (await env.DB.prepare("SELECT delivered_at FROM event_outbox WHERE id = ?").bind(eventId).first<{ delivered_at: number | null }>())!.delivered_at;

describe("an event heard before its subscription's creator lost access, fanned out after", () => {
  it("gets a cancelled delivery, never sent, by every path (the fan-out, the sweep), listed by ?status=cancelled", { timeout: 60_000 }, async () => {
    // The space's only subscription is the second admin's: once they are removed, nothing else listens.
    const { owner, spaceId } = await adminSpace();
    const admin = await registerUser();
    await addMember(owner, spaceId, admin, "admin");
    const theirs = await createWebhook(admin, spaceId, { events: ["transaction.created"] });
    const t0 = Date.now() + 5;

    // Events committed while the creator is an admin, whose fan-out has not run yet: a directly written one (the
    // sweep's), one whose queue message is still waiting (the fan-out's), one a sync stored and queues at its end.
    const swept = await outboxRow(spaceId, "transaction.created", { transactionId: "txn_swept" }, t0);
    const queued = await outboxRow(spaceId, "transaction.created", { transactionId: "txn_queued" }, t0 + 1);
    const synced = eventRow({ spaceId, type: "transaction.created", payload: { transactionId: "txn_synced" }, dedupeKey: `test:synced:${crypto.randomUUID()}` }, t0 + 2);
    await env.DB.prepare("INSERT INTO event_outbox (id, space_id, type, payload, dedupe_key, created_at) VALUES (?, ?, ?, ?, ?, ?)")
      .bind(synced.id, synced.spaceId, synced.type, synced.payload, synced.dedupeKey, synced.createdAt).run();

    expect((await removeMember(owner, spaceId, admin)).status).toBe(204);
    expect((await callJson(`/v1/webhooks/${theirs.id}`, as(owner))).body.suspendedReason).toBe("creator_lost_access");

    // The sync's queueing, at its end, judges as a write does (the creator's access now: listenedToNowSql) and queues
    // nothing for it; the hourly sweep, which judges by the event's time, fans it out below.
    const { queue, sent } = recordingQueue();
    const svc = servicesAt(manualClock(t0 + 60_000), { WEBHOOK_QUEUE: queue });
    await queueFanout(svc, [synced]);
    expect(sent).toEqual([]);

    // The sweep fans the written one out instead of marking it as heard by nobody.
    sent.length = 0;
    await sweepWebhooks(svc);
    expect(sent.filter((m) => m.type === "webhook.fanout").map((m) => m.eventId)).toEqual(expect.arrayContaining([swept, queued, synced.id]));
    expect(await deliveredAt(swept)).toBeNull();

    // Each fan-out records the event as cancelled for the suspended subscription and queues no attempt.
    sent.length = 0;
    for (const id of [swept, queued, synced.id]) expect(await fanOut(svc, id)).toEqual([]);
    expect(sent).toEqual([]);
    const rows = await rowsOf(theirs.id);
    expect(rows).toEqual([swept, queued, synced.id].sort().map((event_id) => ({ event_id, status: "cancelled", attempts: 0, last_error: LOST, next_attempt_at: null })));
    for (const id of [swept, queued, synced.id]) expect(await deliveredAt(id)).toBe(t0 + 60_000);
    // A second fan-out (a redelivered message) adds nothing and sends nothing.
    expect(await fanOut(svc, queued)).toEqual([]);
    expect(await rowsOf(theirs.id)).toHaveLength(3);

    // The README's recovery: the cancelled deliveries name every event it missed.
    const list = await callJson(`/v1/webhooks/${theirs.id}/deliveries?status=cancelled&limit=100`, as(owner));
    expect(list.status).toBe(200);
    expect(list.body.deliveries.map((d: { eventId: string }) => d.eventId).sort()).toEqual([swept, queued, synced.id].sort());
    for (const d of list.body.deliveries) expect(d).toMatchObject({ status: "cancelled", event: "transaction.created", attempts: 0, lastError: LOST, nextAttemptAt: null, attemptLog: [] });
    expect(await inbox(theirs.inbox)).toEqual([]);

    // A takeover resumes new events only: what was cancelled stays cancelled.
    const taken = await callJson(`/v1/webhooks/${theirs.id}`, { ...as(owner), method: "PATCH", body: { takeOver: true } });
    expect(taken.status).toBe(200);
    expect(await fanOut(svc, queued)).toEqual([]);
    expect((await rowsOf(theirs.id)).every((r) => r.status === "cancelled")).toBe(true);
  });

  it("leaves no row for a subscription that was not listening at the event (created after it, or disabled)", { timeout: 60_000 }, async () => {
    const { owner, spaceId } = await adminSpace();
    const admin = await registerUser();
    await addMember(owner, spaceId, admin, "admin");
    const disabled = await createWebhook(admin, spaceId, { events: ["transaction.created"] });
    expect((await callJson(`/v1/webhooks/${disabled.id}`, { ...as(admin), method: "PATCH", body: { enabled: false } })).status).toBe(200);
    const event = await outboxRow(spaceId, "transaction.created", { transactionId: "txn_old" }, Date.now() - 60_000);
    const newer = await createWebhook(admin, spaceId, { events: ["transaction.created"] });
    expect((await removeMember(owner, spaceId, admin)).status).toBe(204);

    const { queue, sent } = recordingQueue();
    const svc = servicesAt(manualClock(), { WEBHOOK_QUEUE: queue });
    expect(await fanOut(svc, event)).toEqual([]);
    expect(await rowsOf(disabled.id)).toEqual([]);
    expect(await rowsOf(newer.id)).toEqual([]);
    expect(sent).toEqual([]);
  });

  it("is not sent, after another admin's takeover, an event made while it was suspended and fanned out after", { timeout: 60_000 }, async () => {
    const { owner, spaceId } = await adminSpace();
    const admin = await registerUser();
    await addMember(owner, spaceId, admin, "admin");
    const theirs = await createWebhook(admin, spaceId, { events: ["transaction.created"] });
    expect((await removeMember(owner, spaceId, admin)).status).toBe(204);
    // Stored while it was suspended (another subscription heard it, say), its fan-out not run yet.
    const during = await outboxRow(spaceId, "transaction.created", { transactionId: "txn_during" });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const taken = await callJson(`/v1/webhooks/${theirs.id}`, { ...as(owner), method: "PATCH", body: { takeOver: true } });
    expect(taken.status).toBe(200);
    const { queue, sent } = recordingQueue();
    const svc = servicesAt(manualClock(), { WEBHOOK_QUEUE: queue });
    // The takeover resumes new events only (as a re-enable does): no row pending for the URL now vouched for.
    expect(await fanOut(svc, during)).toEqual([]);
    expect(await rowsOf(theirs.id)).toEqual([]);
    expect(sent).toEqual([]);
    // An event after the takeover is sent.
    const after = await outboxRow(spaceId, "transaction.created", { transactionId: "txn_after" }, Date.now() + 5);
    expect(await fanOut(servicesAt(manualClock(Date.now() + 10), { WEBHOOK_QUEUE: queue }), after)).toHaveLength(1);
  });
});
