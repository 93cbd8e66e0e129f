/**
 * A run of failures disables a subscription only once it has lasted DISABLE_MIN_RUN_MS (24 h), however many failed
 * attempts it holds. Counted alone, a receiver down for a few seconds while a sync announced its transactions (a
 * burst of events, every first attempt failing at once) reached WEBHOOK_DISABLE_AFTER_FAILURES within the second:
 * the subscription disabled itself and every event of the burst was cancelled, the retries the README promises never
 * made (QA: 60 failed answers during a 182-transaction sync cancelled all 198 deliveries).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { deliverAttempt, fanOut } from "../../src/modules/webhooks/deliver";
import { DISABLE_AT_ONCE_FACTOR, DISABLE_MIN_RUN_MS, disableAfterFailures } from "../../src/modules/webhooks/events";
import { callJson } from "../helpers";
import { adminSpace, as, createWebhook, deliveryRow, failNext, inbox, manualClock, outboxRow, servicesAt, subscriptionRow } from "./helpers";

async function burst(svc: ReturnType<typeof servicesAt>, spaceId: string, n: number, tag: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(...(await fanOut(svc, await outboxRow(spaceId, "transaction.created", { tag, i }, svc.clock.now()))));
  return ids;
}

describe("the failure run that disables a subscription", () => {
  it(`a run of ${DISABLE_AT_ONCE_FACTOR} times the limit disables it however short (a target that never answers)`, { timeout: 60_000 }, async () => {
    const hard = disableAfterFailures(env) * DISABLE_AT_ONCE_FACTOR;
    const { owner, spaceId } = await adminSpace();
    const hook = await createWebhook(owner, spaceId);
    await failNext(hook.inbox, 10_000, 503);
    const svc = servicesAt(manualClock());
    const [a, b] = await burst(svc, spaceId, 2, "never");
    // As after hard − 2 failures in the last minutes: one more leaves it on, the next turns it off.
    await env.DB.prepare("UPDATE webhook_subscriptions SET consecutive_failures = ? WHERE id = ?").bind(hard - 2, hook.id).run();
    expect((await deliverAttempt(svc, a!, 0)).outcome).toBe("retrying");
    expect(await subscriptionRow(hook.id)).toMatchObject({ enabled: 1, consecutive_failures: hard - 1 });
    await deliverAttempt(svc, b!, 0);
    expect(await subscriptionRow(hook.id)).toMatchObject({ enabled: 0, disabled_reason: "failures", consecutive_failures: hard });
    expect((await deliveryRow(a!))!.status).toBe("cancelled");
  });

  it("a burst of failures in a short outage disables nothing; the retries deliver every event", { timeout: 120_000 }, async () => {
    const limit = disableAfterFailures(env);
    const { owner, spaceId } = await adminSpace();
    const hook = await createWebhook(owner, spaceId);
    await failNext(hook.inbox, 10_000, 503);
    const clock = manualClock();
    const svc = servicesAt(clock);
    const ids = await burst(svc, spaceId, limit + 10, "burst");
    for (const id of ids) {
      expect((await deliverAttempt(svc, id, 0)).outcome).toBe("retrying");
      clock.advance(100);
    }
    const sub = (await callJson(`/v1/webhooks/${hook.id}`, as(owner))).body;
    expect(sub).toMatchObject({ enabled: true, disabledReason: null, consecutiveFailures: limit + 10 });
    expect((await Promise.all(ids.map(deliveryRow))).every((r) => r!.status === "pending")).toBe(true);

    // The receiver is back: every retry lands.
    await failNext(hook.inbox, 0);
    clock.advance(60_000);
    for (const id of ids) expect((await deliverAttempt(svc, id, 1)).outcome).toBe("succeeded");
    expect((await subscriptionRow(hook.id))!.consecutive_failures).toBe(0);
    const got = (await inbox(hook.inbox)).filter((r) => r.answeredWith === 200).map((r) => JSON.parse(r.body).data.i);
    expect(got.sort((a, b) => a - b)).toEqual(ids.map((_, i) => i));
  });

  it("a run that has lasted 24 h disables it at the limit, not before; a success starts the clock again", { timeout: 120_000 }, async () => {
    const limit = disableAfterFailures(env);
    const { owner, spaceId } = await adminSpace();
    const hook = await createWebhook(owner, spaceId);
    await failNext(hook.inbox, 10_000, 500);
    const clock = manualClock();
    const svc = servicesAt(clock);
    const t0 = clock.now();
    const [first] = await burst(svc, spaceId, 1, "first");
    expect((await deliverAttempt(svc, first!, 0)).outcome).toBe("retrying");

    // A day less a second later, well past the count: still on.
    clock.set(t0 + DISABLE_MIN_RUN_MS - 1_000);
    for (const id of await burst(svc, spaceId, limit, "late")) await deliverAttempt(svc, id, 0);
    expect((await subscriptionRow(hook.id))!).toMatchObject({ enabled: 1, consecutive_failures: limit + 1 });

    // The run is a day old: the next failure disables it.
    clock.set(t0 + DISABLE_MIN_RUN_MS);
    const [last] = await burst(svc, spaceId, 1, "last");
    await deliverAttempt(svc, last!, 0);
    expect((await subscriptionRow(hook.id))!).toMatchObject({ enabled: 0, disabled_reason: "failures", consecutive_failures: limit + 2 });

    // Another subscription: a success a day into its failures resets the run, and a new burst right after it disables nothing.
    const other = await createWebhook(owner, spaceId, { url: hook.url });
    const clock2 = manualClock();
    const svc2 = servicesAt(clock2);
    const t1 = clock2.now();
    // (the first subscription is disabled: only the other one hears these)
    const [a] = await burst(svc2, spaceId, 1, "a");
    expect((await deliverAttempt(svc2, a!, 0)).outcome).toBe("retrying");
    clock2.set(t1 + DISABLE_MIN_RUN_MS + 5_000);
    await failNext(hook.inbox, 0);
    const [ok] = await burst(svc2, spaceId, 1, "ok");
    expect((await deliverAttempt(svc2, ok!, 0)).outcome).toBe("succeeded");
    await failNext(hook.inbox, 10_000, 500);
    for (const id of await burst(svc2, spaceId, limit + 5, "again")) await deliverAttempt(svc2, id, 0);
    expect((await subscriptionRow(other.id))!).toMatchObject({ enabled: 1, consecutive_failures: limit + 5 });
  });
});
