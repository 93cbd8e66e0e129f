/**
 * Fan-out duplicates: a space's enabled subscriptions to one URL never share an event. Before, the same URL could be
 * subscribed to the same events up to 25 times, and every event then reached that receiver once per subscription,
 * each signed with another secret (a receiver verifying one secret failed the rest, which were retried and counted
 * towards the disable). Now a POST, or a PATCH of `url`, `events` or `enabled: true`, that would make two enabled
 * subscriptions send one event to one URL is 409 CONFLICT naming the other, judged in the statement that writes.
 * Disjoint events to one URL, or a second URL for one receiver (overlapping a secret's rotation), stay allowed.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { fanOut } from "../../src/modules/webhooks/deliver";
import { addMember, callJson, registerUser } from "../helpers";
import { adminSpace, as, createWebhook, newInbox, outboxRow, receiverUrl, servicesAt, manualClock } from "./helpers";

const count = async (spaceId: string) =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM webhook_subscriptions WHERE space_id = ?").bind(spaceId).first<{ n: number }>())!.n;

describe("one URL, one event, one enabled subscription", () => {
  it("POST of a URL another subscription already sends some of those events to is 409, in any spelling of the URL", async () => {
    const { owner, spaceId } = await adminSpace();
    const first = await createWebhook(owner, spaceId, { events: ["transaction.created", "lifebeat.escalated"] });
    const u = new URL(first.url);
    const spellings = [
      first.url,
      `${u.protocol}//${u.host.toUpperCase()}${u.pathname}`, // the host as typed
      `${first.url}#fragment`, // never sent: the same receiver
    ];
    for (const url of spellings) {
      for (const events of [["transaction.created"], ["lifebeat.escalated", "account.sync.failed"], ["transaction.created", "lifebeat.escalated"]]) {
        const r = await callJson("/v1/webhooks", { ...as(owner), body: { spaceId, url, events } });
        expect([url, events, r.status, r.body.error?.code]).toEqual([url, events, 409, "CONFLICT"]);
        expect(r.body.error.message).toContain(first.id);
      }
    }
    expect(await count(spaceId)).toBe(1);
    // A Spanish-speaking admin reads it in Spanish.
    const spanish = await registerUser({ locale: "es" });
    await addMember(owner, spaceId, spanish, "admin");
    const es = await callJson("/v1/webhooks", { ...as(spanish), body: { spaceId, url: first.url, events: ["transaction.created"] } });
    expect(es.body.error.message).toBe(`El webhook ${first.id} de este espacio ya envía algunos de estos eventos a esta URL: cambia sus eventos en lugar de añadir otro.`);

    // Other events to the same URL, the same events to another URL (or the same receiver under another URL), and a
    // disabled copy are all allowed: none sends an event twice.
    const disjoint = await callJson("/v1/webhooks", { ...as(owner), body: { spaceId, url: first.url, events: ["account.sync.completed"] } });
    expect(disjoint.status).toBe(201);
    const otherUrl = await callJson("/v1/webhooks", { ...as(owner), body: { spaceId, url: `${first.url}?rotation=2`, events: ["transaction.created"] } });
    expect(otherUrl.status).toBe(201);
    const disabled = await callJson("/v1/webhooks", { ...as(owner), body: { spaceId, url: first.url, events: ["transaction.created"], enabled: false } });
    expect([disabled.status, disabled.body.enabled]).toEqual([201, false]);
    // Which cannot be switched on while the first sends those events there.
    const reenable = await callJson(`/v1/webhooks/${disabled.body.id}`, { ...as(owner), method: "PATCH", body: { enabled: true } });
    expect([reenable.status, reenable.body.error?.code]).toEqual([409, "CONFLICT"]);
    expect((await callJson(`/v1/webhooks/${disabled.body.id}`, as(owner))).body.enabled).toBe(false);
    // Once the first is disabled, it can.
    expect((await callJson(`/v1/webhooks/${first.id}`, { ...as(owner), method: "PATCH", body: { enabled: false } })).status).toBe(200);
    const now = await callJson(`/v1/webhooks/${disabled.body.id}`, { ...as(owner), method: "PATCH", body: { enabled: true } });
    expect([now.status, now.body.enabled]).toEqual([200, true]);

    // Another space may subscribe the same URL to the same events.
    const other = await adminSpace();
    expect((await callJson("/v1/webhooks", { ...as(other.owner), body: { spaceId: other.spaceId, url: first.url, events: ["transaction.created"] } })).status).toBe(201);
  });

  it("PATCH of url or events onto another subscription's URL and events is 409 and changes nothing", async () => {
    const { owner, spaceId } = await adminSpace();
    const a = await createWebhook(owner, spaceId, { events: ["transaction.created"] });
    const b = await createWebhook(owner, spaceId, { events: ["transaction.created"] });
    const c = await createWebhook(owner, spaceId, { url: a.url, events: ["account.sync.failed"] });
    const moved = await callJson(`/v1/webhooks/${b.id}`, { ...as(owner), method: "PATCH", body: { url: a.url } });
    expect([moved.status, moved.body.error?.code]).toEqual([409, "CONFLICT"]);
    expect(moved.body.error.message).toContain(a.id);
    const widened = await callJson(`/v1/webhooks/${c.id}`, { ...as(owner), method: "PATCH", body: { events: ["account.sync.failed", "transaction.created"] } });
    expect([widened.status, widened.body.error?.code]).toEqual([409, "CONFLICT"]);
    // A takeover by another admin that moves it is judged the same way, and rotates nothing.
    const admin = await registerUser();
    await addMember(owner, spaceId, admin, "admin");
    const takeover = await callJson(`/v1/webhooks/${b.id}`, { ...as(admin), method: "PATCH", body: { url: a.url, takeOver: true } });
    expect([takeover.status, takeover.body.secret]).toEqual([409, undefined]);
    expect(await callJson(`/v1/webhooks/${b.id}`, as(owner))).toMatchObject({ body: { url: b.url, events: ["transaction.created"], createdBy: owner.id } });
    expect((await callJson(`/v1/webhooks/${c.id}`, as(owner))).body.events).toEqual(["account.sync.failed"]);
    // Changing a subscription's own url or events (not onto another's) is fine.
    const own = await callJson(`/v1/webhooks/${c.id}`, { ...as(owner), method: "PATCH", body: { url: a.url, events: ["account.sync.failed", "lifebeat.escalated"] } });
    expect(own.status).toBe(200);
  });

  it("concurrent POSTs of one URL and events create one subscription (an event then reaches that receiver once), concurrent PATCHes onto one URL move one", async () => {
    const { owner, spaceId } = await adminSpace();
    const url = receiverUrl(newInbox());
    const results = await Promise.all(
      Array.from({ length: 6 }, () => callJson("/v1/webhooks", { ...as(owner), body: { spaceId, url, events: ["transaction.created"] } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    expect(await count(spaceId)).toBe(1);
    const eventId = await outboxRow(spaceId, "transaction.created", { n: 1 });
    expect(await fanOut(servicesAt(manualClock()), eventId)).toHaveLength(1);

    // Two subscriptions moved onto one new URL at once (a PATCH's check is in its batch's guard): one lands.
    const [a, b] = [await createWebhook(owner, spaceId, { events: ["lifebeat.escalated"] }), await createWebhook(owner, spaceId, { events: ["lifebeat.escalated"] })];
    const target = receiverUrl(newInbox());
    const moves = await Promise.all([a, b].map((h) => callJson(`/v1/webhooks/${h.id}`, { ...as(owner), method: "PATCH", body: { url: target } })));
    expect(moves.map((r) => r.status).sort()).toEqual([200, 409]);
    const there = await env.DB.prepare("SELECT COUNT(*) AS n FROM webhook_subscriptions WHERE space_id = ? AND url = ?").bind(spaceId, target).first<{ n: number }>();
    expect(there!.n).toBe(1);
  });
});
