/**
 * The subscription routes: the secret is shown once and stored sealed; only
 * admins of the space reach a webhook (anyone else in another space gets
 * 404, lower roles 403); events are validated; PATCH disables, re-enables
 * and changes url and events; DELETE removes the log too; the delivery log
 * reads pages of 200 (over D1's 100 bound parameters).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { decryptSecret } from "../../src/lib/crypto";
import { deliverAttempt, fanOut } from "../../src/modules/webhooks/deliver";
import { addMember, callJson, createSpace, enableTwoFactor, registerUser } from "../helpers";
import { adminSpace, as, createWebhook, manualClock, outboxRow, receiverUrl, newInbox, servicesAt } from "./helpers";

describe("the secret", () => {
  it("is shown once at creation and stored only sealed", async () => {
    const { owner, spaceId } = await adminSpace();
    const hook = await createWebhook(owner, spaceId);
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const raw = await env.DB.prepare("SELECT * FROM webhook_subscriptions WHERE id = ?").bind(hook.id).first<Record<string, unknown>>();
    const rowText = JSON.stringify(raw);
    expect(rowText).not.toContain(hook.secret);
    expect(rowText).not.toContain(hook.secret.slice(6)); // nor its random part
    expect(await decryptSecret(String(raw!.secret_enc), env.ENCRYPTION_KEY)).toBe(hook.secret);

    const reads = [
      await callJson(`/v1/webhooks/${hook.id}`, as(owner)),
      await callJson(`/v1/webhooks?spaceId=${spaceId}`, as(owner)),
      await callJson(`/v1/webhooks/${hook.id}`, { ...as(owner), method: "PATCH", body: { description: "renamed" } }),
      await callJson(`/v1/webhooks/${hook.id}/test`, { ...as(owner), method: "POST" }),
      await callJson(`/v1/webhooks/${hook.id}/deliveries`, as(owner)),
    ];
    for (const r of reads) {
      expect(r.status).toBe(200);
      expect(JSON.stringify(r.body)).not.toContain(hook.secret.slice(6));
      expect(JSON.stringify(r.body)).not.toContain("secret");
    }
    // Nor in any delivery or attempt row.
    const logRows = await env.DB.batch([
      env.DB.prepare("SELECT * FROM webhook_deliveries WHERE subscription_id = ?").bind(hook.id),
      env.DB.prepare("SELECT a.* FROM webhook_delivery_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE d.subscription_id = ?").bind(hook.id),
    ]);
    expect(JSON.stringify(logRows.map((r) => r.results))).not.toContain(hook.secret.slice(6));
  });
});

describe("authorization", () => {
  it("another space's webhook is 404 on every route; members and viewers get 403; a stale second factor is refused", async () => {
    const { owner, spaceId } = await adminSpace();
    const hook = await createWebhook(owner, spaceId);
    const [outsider, member, viewer, admin] = await Promise.all([registerUser(), registerUser(), registerUser(), registerUser()]);
    const theirs = await createSpace(outsider);
    await addMember(owner, spaceId, member, "member");
    await addMember(owner, spaceId, viewer, "viewer");
    await addMember(owner, spaceId, admin, "admin");
    const routes: [string, string, unknown?][] = [
      ["GET", `/v1/webhooks/${hook.id}`],
      ["PATCH", `/v1/webhooks/${hook.id}`, { enabled: false }],
      ["DELETE", `/v1/webhooks/${hook.id}`],
      ["GET", `/v1/webhooks/${hook.id}/deliveries`],
      ["POST", `/v1/webhooks/${hook.id}/test`],
      ["GET", `/v1/webhooks?spaceId=${spaceId}`],
      ["POST", "/v1/webhooks", { spaceId, url: receiverUrl(newInbox()), events: ["transaction.created"] }],
    ];
    for (const [method, path, body] of routes) {
      const out = await callJson(path, { ...as(outsider), method, body });
      expect([method, path, out.status, out.body.error?.code]).toEqual([method, path, 404, "RESOURCE_NOT_FOUND"]);
      for (const u of [member, viewer]) {
        const r = await callJson(path, { ...as(u), method, body });
        expect([method, path, r.status]).toEqual([method, path, 403]);
      }
    }
    // The outsider's own space does not open someone else's webhook either.
    expect((await callJson(`/v1/webhooks?spaceId=${theirs.id}`, as(outsider))).body.webhooks).toEqual([]);
    expect((await callJson(`/v1/webhooks/${hook.id}`, as(admin))).status).toBe(200);
    // Nothing changed.
    expect((await callJson(`/v1/webhooks/${hook.id}`, as(owner))).body.enabled).toBe(true);

    // An admin with 2FA whose last second factor is older than the step-up window is asked for it again.
    await enableTwoFactor(admin);
    const stale = Date.now() - 16 * 60_000;
    await env.DB.prepare("UPDATE sessions SET step_up_at = ? WHERE user_id = ?").bind(stale, admin.id).run();
    const r = await callJson(`/v1/webhooks/${hook.id}/test`, { ...as(admin), method: "POST" });
    expect([r.status, r.body.error.code]).toEqual([403, "TWO_FACTOR_REQUIRED"]);
  });
});

describe("subscriptions", () => {
  it("validate events, list with pagination, patch url, events and enabled, and delete with their log", async () => {
    const { owner, spaceId } = await adminSpace();
    const bad = await callJson("/v1/webhooks", { ...as(owner), body: { spaceId, url: receiverUrl("x"), events: ["transaction.deleted"] } });
    expect(bad.status).toBe(422);
    const empty = await callJson("/v1/webhooks", { ...as(owner), body: { spaceId, url: receiverUrl("x"), events: [] } });
    expect(empty.status).toBe(422);
    const extra = await callJson("/v1/webhooks", { ...as(owner), body: { spaceId, url: receiverUrl("x"), events: ["transaction.created"], secret: "mine" } });
    expect(extra.status).toBe(422);

    const a = await createWebhook(owner, spaceId, { events: ["transaction.created", "transaction.created", "lifebeat.escalated"], description: "ops" });
    expect(a.events).toEqual(["transaction.created", "lifebeat.escalated"]);
    const b = await createWebhook(owner, spaceId, { enabled: false });
    expect(b).toMatchObject({ enabled: false, disabledReason: "manual" });
    const page = await callJson(`/v1/webhooks?spaceId=${spaceId}&limit=1`, as(owner));
    expect(page.body.pagination).toEqual({ total: 2, limit: 1, offset: 0, hasMore: true });
    expect(page.body.webhooks[0].id).toBe(b.id);

    const newUrl = receiverUrl(newInbox());
    const patched = await callJson(`/v1/webhooks/${a.id}`, { ...as(owner), method: "PATCH", body: { url: newUrl, events: ["account.sync.failed"], enabled: false } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ url: newUrl, events: ["account.sync.failed"], enabled: false, disabledReason: "manual" });
    const refused = await callJson(`/v1/webhooks/${a.id}`, { ...as(owner), method: "PATCH", body: { url: "https://10.1.2.3/hook" } });
    expect([refused.status, refused.body.error.details[0].code]).toEqual([422, "URL_NOT_ALLOWED"]);
    const enabled = await callJson(`/v1/webhooks/${a.id}`, { ...as(owner), method: "PATCH", body: { enabled: true } });
    expect(enabled.body).toMatchObject({ enabled: true, disabledReason: null, disabledAt: null, url: newUrl });

    // Deleting removes the subscription and its delivery log.
    await callJson(`/v1/webhooks/${a.id}/test`, { ...as(owner), method: "POST" });
    const del = await callJson(`/v1/webhooks/${a.id}`, { ...as(owner), method: "DELETE" });
    expect(del.status).toBe(204);
    expect((await callJson(`/v1/webhooks/${a.id}`, as(owner))).status).toBe(404);
    const left = await env.DB.batch([
      env.DB.prepare("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE subscription_id = ?").bind(a.id),
      env.DB.prepare("SELECT COUNT(*) AS n FROM webhook_delivery_attempts WHERE delivery_id LIKE 'dlv_%' AND delivery_id NOT IN (SELECT id FROM webhook_deliveries)"),
    ]);
    expect(left.map((r) => (r.results[0] as { n: number }).n)).toEqual([0, 0]);
  });

  it("take the space from the body or from the query (POST /v1/webhooks?spaceId)", async () => {
    const { owner, spaceId } = await adminSpace();
    const other = await createSpace(owner);
    const body = { url: receiverUrl(newInbox()), events: ["transaction.created"] };
    const viaQuery = await callJson(`/v1/webhooks?spaceId=${spaceId}`, { ...as(owner), body });
    expect([viaQuery.status, viaQuery.body.spaceId]).toEqual([201, spaceId]);
    // Another receiver: one URL's subscriptions never share an event (duplicates.test.ts).
    const both = await callJson(`/v1/webhooks?spaceId=${spaceId}`, { ...as(owner), body: { ...body, url: receiverUrl(newInbox()), spaceId } });
    expect(both.status).toBe(201);
    const conflicting = await callJson(`/v1/webhooks?spaceId=${other.id}`, { ...as(owner), body: { ...body, spaceId } });
    expect([conflicting.status, conflicting.body.error.details[0].code]).toEqual([422, "CONFLICTING_VALUES"]);
    const neither = await callJson("/v1/webhooks", { ...as(owner), body });
    expect([neither.status, neither.body.error.details[0].code]).toEqual([422, "REQUIRED"]);
  });

  it("a space holds at most 25", async () => {
    const { owner, spaceId } = await adminSpace();
    for (let i = 0; i < 25; i++) await createWebhook(owner, spaceId);
    const r = await callJson("/v1/webhooks", { ...as(owner), body: { spaceId, url: receiverUrl(newInbox()), events: ["transaction.created"] } });
    expect([r.status, r.body.error.details[0].code]).toEqual([422, "LIMIT_REACHED"]);
  });

  it("holds at most 25 under concurrent requests: the count is in the insert", async () => {
    const { owner, spaceId } = await adminSpace();
    for (let i = 0; i < 20; i++) await createWebhook(owner, spaceId);
    const body = { spaceId, events: ["transaction.created"] };
    const results = await Promise.all(Array.from({ length: 30 }, () => callJson("/v1/webhooks", { ...as(owner), body: { ...body, url: receiverUrl(newInbox()) } })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(5);
    expect(results.filter((r) => r.status === 422 && r.body.error.details[0].code === "LIMIT_REACHED")).toHaveLength(25);
    const stored = await env.DB.prepare("SELECT COUNT(*) AS n FROM webhook_subscriptions WHERE space_id = ?").bind(spaceId).first<{ n: number }>();
    expect(stored!.n).toBe(25);
  });

  it("the delivery log pages through 150 deliveries with their attempts (lists past D1's 100 parameters)", { timeout: 60_000 }, async () => {
    const { owner, spaceId } = await adminSpace();
    const hook = await createWebhook(owner, spaceId);
    const svc = servicesAt(manualClock());
    const ids: string[] = [];
    for (let i = 0; i < 150; i++) ids.push(...(await fanOut(svc, await outboxRow(spaceId, "transaction.created", { i }))));
    await Promise.all(ids.map((id) => deliverAttempt(svc, id, 0)));
    const page = await callJson(`/v1/webhooks/${hook.id}/deliveries?limit=200`, as(owner));
    expect(page.status).toBe(200);
    expect(page.body.pagination).toEqual({ total: 150, limit: 200, offset: 0, hasMore: false });
    expect(page.body.deliveries).toHaveLength(150);
    expect(page.body.deliveries.every((d: any) => d.status === "succeeded" && d.attemptLog.length === 1)).toBe(true);
    const failed = await callJson(`/v1/webhooks/${hook.id}/deliveries?status=failed`, as(owner));
    expect(failed.body.pagination.total).toBe(0);
    // Deleting a subscription with over 100 deliveries removes all their attempts.
    expect((await callJson(`/v1/webhooks/${hook.id}`, { ...as(owner), method: "DELETE" })).status).toBe(204);
    const n = await env.DB.prepare(`SELECT COUNT(*) AS n FROM webhook_delivery_attempts WHERE delivery_id IN (SELECT value FROM json_each(?))`).bind(JSON.stringify(ids)).first<{ n: number }>();
    expect(n!.n).toBe(0);
  });
});
