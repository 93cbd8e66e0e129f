/**
 * Review of stop 44: fan-out reads the listening subscriptions, then writes their deliveries in a batch guarded only
 * by `enabled = 1`. A subscription disabled and re-enabled between the two (an admin's PATCH false then true, or an
 * automatic disable and a re-enable) passes that guard, and so receives an event created before its re-enable,
 * which the listener rule (creator.ts: `enabled_at <= the event's created_at`) and the documented contract ("a
 * re-enable resumes with the events created from then on ... whatever the timing") say it must never get.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callJson } from "../helpers";
import { fanOut } from "../../src/modules/webhooks/deliver";
import { adminSpace, as, createWebhook, manualClock, outboxRow, servicesAt } from "./helpers";

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("a disable and re-enable between the fan-out's read and its write", () => {
  it("does not deliver the event created before the re-enable", async () => {
    const { owner, spaceId } = await adminSpace();
    const hook = await createWebhook(owner, spaceId);
    await pause(5);
    const eventId = await outboxRow(spaceId, "transaction.created", { transactionId: "txn_race" });
    await pause(5);

    const base = servicesAt(manualClock());
    let toggled = false;
    // The real D1, with the admin's disable and re-enable landing just before the fan-out's batch.
    const db = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "batch") {
          return async (statements: D1PreparedStatement[]) => {
            if (!toggled) {
              toggled = true;
              expect((await callJson(`/v1/webhooks/${hook.id}`, { ...as(owner), method: "PATCH", body: { enabled: false } })).status).toBe(200);
              await pause(5);
              expect((await callJson(`/v1/webhooks/${hook.id}`, { ...as(owner), method: "PATCH", body: { enabled: true } })).status).toBe(200);
            }
            return target.batch(statements);
          };
        }
        const v = Reflect.get(target, prop, target);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    const svc = { ...base, env: { ...base.env, DB: db } };
    await fanOut(svc, eventId);
    expect(toggled).toBe(true);

    const sub = await env.DB.prepare("SELECT enabled, enabled_at FROM webhook_subscriptions WHERE id = ?").bind(hook.id).first<{ enabled: number; enabled_at: number }>();
    const event = await env.DB.prepare("SELECT created_at FROM event_outbox WHERE id = ?").bind(eventId).first<{ created_at: number }>();
    expect(sub!.enabled).toBe(1);
    expect(sub!.enabled_at).toBeGreaterThan(event!.created_at);
    const deliveries = await env.DB.prepare("SELECT status FROM webhook_deliveries WHERE subscription_id = ? AND event_id = ?").bind(hook.id, eventId).all();
    expect(deliveries.results).toEqual([]);
  });
});
