/**
 * A subscription whose receiver keeps failing disables itself after the
 * configured run of consecutive failed attempts (WEBHOOK_DISABLE_AFTER_FAILURES,
 * 50), once that run has lasted a day (DISABLE_MIN_RUN_MS: failure-run.test.ts); its pending deliveries are then cancelled at once, its creator is
 * emailed, and new events skip it, until an admin re-enables it, which starts
 * a fresh run for the events created from then on.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { deliverAttempt, fanOut } from "../../src/modules/webhooks/deliver";
import { DISABLE_MIN_RUN_MS, disableAfterFailures } from "../../src/modules/webhooks/events";
import { callJson } from "../helpers";
import { adminSpace, as, createWebhook, deliveryRow, failNext, inbox, manualClock, outboxRow, servicesAt } from "./helpers";
import { verifyDhanamWebhook } from "./readme-verifier";

describe("automatic disabling", () => {
  it("after 50 consecutive failed attempts over a day; an admin re-enables it", { timeout: 120_000 }, async () => {
    expect(disableAfterFailures(env)).toBe(50);
    const { owner, spaceId } = await adminSpace();
    const hook = await createWebhook(owner, spaceId);
    await failNext(hook.inbox, 10_000, 500);
    const clock = manualClock();
    const svc = servicesAt(clock);

    // A success part-way resets the run: 10 failures, one success, then the run that counts.
    const [warm] = await fanOut(svc, await outboxRow(spaceId, "transaction.created", { warm: true }));
    for (let a = 0; a < 10; a++) {
      expect((await deliverAttempt(svc, warm!, a)).outcome).toBe("retrying");
      clock.set((await deliveryRow(warm!))!.next_attempt_at);
    }
    expect((await callJson(`/v1/webhooks/${hook.id}`, as(owner))).body.consecutiveFailures).toBe(10);
    await failNext(hook.inbox, 0);
    expect((await deliverAttempt(svc, warm!, 10)).outcome).toBe("succeeded");
    expect((await callJson(`/v1/webhooks/${hook.id}`, as(owner))).body.consecutiveFailures).toBe(0);
    await failNext(hook.inbox, 10_000, 500);

    // Six events, each retried on its own schedule; attempts interleave until the 50th consecutive failure.
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(...(await fanOut(svc, await outboxRow(spaceId, "transaction.created", { i }))));
    const runStart = clock.now();
    let failures = 0;
    while (failures < 50) {
      const rows = await Promise.all(ids.map((id) => deliveryRow(id)));
      const next = rows.filter((r) => r!.status === "pending").sort((a, b) => a!.next_attempt_at - b!.next_attempt_at)[0]!;
      clock.set(Math.max(clock.now(), next.next_attempt_at));
      // The 50th comes once the run is a day old (before, the count alone disabled nothing: failure-run.test.ts).
      if (failures === 49) clock.set(Math.max(clock.now(), runStart + DISABLE_MIN_RUN_MS));
      const r = await deliverAttempt(svc, next.id, next.attempts);
      expect(["retrying", "failed"]).toContain(r.outcome);
      failures++;
      const sub = (await callJson(`/v1/webhooks/${hook.id}`, as(owner))).body;
      expect([failures, sub.enabled]).toEqual([failures, failures < 50]);
    }
    const disabled = (await callJson(`/v1/webhooks/${hook.id}`, as(owner))).body;
    expect(disabled).toMatchObject({ enabled: false, disabledReason: "failures", consecutiveFailures: 50 });
    expect(disabled.disabledAt).not.toBeNull();

    // Its pending deliveries were cancelled by the disable itself, not left to their next attempt (whose messages,
    // queued before, send nothing); its creator was emailed (disable-notice.test.ts).
    const received = (await inbox(hook.inbox)).length;
    const rows = await Promise.all(ids.map((id) => deliveryRow(id)));
    expect(rows.filter((r) => r!.status === "pending")).toEqual([]);
    const cancelled = rows.filter((r) => r!.status === "cancelled");
    expect(cancelled.length).toBeGreaterThan(0);
    expect(cancelled[0]).toMatchObject({ last_error: "Subscription disabled", next_attempt_at: null });
    clock.advance(24 * 3600_000);
    for (const c of cancelled) expect((await deliverAttempt(svc, c!.id, c!.attempts)).outcome).toBe("stale");
    expect((await inbox(hook.inbox)).length).toBe(received);
    const mail = await env.DB.prepare("SELECT subject FROM sandbox_messages WHERE channel = 'email' AND lower(recipient) = lower(?)").bind(owner.email).all();
    expect(mail.results).toHaveLength(1);
    // New events skip it.
    expect(await fanOut(svc, await outboxRow(spaceId, "transaction.created", { skipped: true }))).toEqual([]);

    // An admin re-enables it (members and viewers get 403: api.test.ts), which clears the run.
    await failNext(hook.inbox, 0);
    const again = await callJson(`/v1/webhooks/${hook.id}`, { ...as(owner), method: "PATCH", body: { enabled: true } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ enabled: true, disabledReason: null, disabledAt: null, consecutiveFailures: 0 });
    const [fresh] = await fanOut(svc, await outboxRow(spaceId, "transaction.created", { back: true }));
    expect((await deliverAttempt(svc, fresh!, 0)).outcome).toBe("succeeded");
    const last = (await inbox(hook.inbox)).at(-1)!;
    const ts = Number(last.headers["x-dhanam-timestamp"]);
    expect(await verifyDhanamWebhook(hook.secret, new Headers(last.headers), last.body, ts)).toBe(true);
    expect(JSON.parse(last.body).data).toEqual({ back: true });
  });
});
