/**
 * What a receiver dedupes by is signed: the body carries the event's `id` (the same for every subscription that hears
 * it and on every retry) and the `deliveryId` of X-Dhanam-Delivery. Before, the only key was that header, which the
 * signature does not cover: a request replayed within the receiver's five-minute window with another
 * X-Dhanam-Delivery passed the README's check and its dedupe, and an event sent to two subscriptions of one receiver
 * (a new one made to replace a secret, while the old one still runs) came under two delivery ids with nothing in common.
 */
import { describe, expect, it } from "vitest";
import { deliverAttempt, fanOut } from "../../src/modules/webhooks/deliver";
import { publishEvent } from "../../src/modules/webhooks/publish";
import { adminSpace, createWebhook, failNext, inbox, manualClock, servicesAt } from "./helpers";
import { verifyDhanamWebhook } from "./readme-verifier";

describe("the dedupe key of a delivery", () => {
  it("is in the signed body: the event's id across subscriptions and retries, and the delivery's id", async () => {
    const { owner, spaceId } = await adminSpace();
    const first = await createWebhook(owner, spaceId);
    // The same receiver subscribed twice (the replacement of a secret, before the old subscription is deleted): under a
    // second URL, as one URL's enabled subscriptions never share an event (duplicates.test.ts).
    const second = await createWebhook(owner, spaceId, { url: `${first.url}?rotation=2` });
    await failNext(first.inbox, 1, 503);
    const clock = manualClock();
    const svc = servicesAt(clock);
    const { eventId } = await publishEvent(svc, { spaceId, type: "transaction.created", payload: { n: 1 }, dedupeKey: `transaction.created:${spaceId}:dedupe` });
    const queued = await fanOut(svc, eventId);
    expect(queued).toHaveLength(2);
    const outcomes = [];
    for (const id of queued) outcomes.push((await deliverAttempt(svc, id, 0)).outcome);
    expect(outcomes.sort()).toEqual(["retrying", "succeeded"]);
    const retried = queued[outcomes.indexOf("retrying") === 0 ? 0 : 1]!;
    clock.advance(60_000);
    for (const id of queued) if ((await deliverAttempt(svc, id, 1)).outcome === "succeeded") expect(id).toBe(retried);

    const got = await inbox(first.inbox);
    expect(got).toHaveLength(3);
    const signedBy: string[] = [];
    for (const g of got) {
      // Signed with the secret of the subscription that sent it, the key included.
      const verified = await Promise.all([first.secret, second.secret].map((k) => verifyDhanamWebhook(k, new Headers(g.headers), g.body)));
      expect(verified.filter(Boolean)).toHaveLength(1);
      signedBy.push(verified[0] ? first.id : second.id);
      expect(JSON.parse(g.body)).toMatchObject({ event: "transaction.created", id: eventId, deliveryId: g.headers["x-dhanam-delivery"], data: { n: 1 } });
    }
    expect(new Set(signedBy)).toEqual(new Set([first.id, second.id]));
    // One event, one id; each subscription's delivery keeps its own deliveryId on its retry.
    expect(got.map((g) => JSON.parse(g.body).deliveryId).sort()).toEqual([...queued, retried].sort());
  });
});
