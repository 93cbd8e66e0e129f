/**
 * Two admins taking one webhook over at once (QA's sweep of concurrent admin actions): both got 200 with their own new
 * `secret`, and only the last stored works. A secret is shown once, so the loser's receiver then rejected every
 * delivery. A takeover now writes only over the creator and secret it read: the one that lands first keeps its
 * secret, and the other is a 409 CONFLICT whose secret was never stored (it reads the webhook again).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { decryptSecret } from "../../src/lib/crypto";
import { addMember, callJson, enableTwoFactor, registerUser } from "../helpers";
import { racingApp } from "../racing-app";
import { adminSpace, as, createWebhook, subscriptionRow } from "./helpers";

describe("two admins taking a webhook over at once", () => {
  it("one keeps the secret it was shown; the other is a 409 and its secret was never stored", { timeout: 60_000 }, async () => {
    const { owner, spaceId } = await adminSpace();
    const a = await registerUser();
    const b = await registerUser();
    await addMember(owner, spaceId, a, "admin");
    await addMember(owner, spaceId, b, "admin");
    const hook = await createWebhook(owner, spaceId);
    let first: { status: number; body: any } | undefined;
    // A's takeover has read the webhook and made its secret; B's lands before A's write.
    const racing = racingApp(/^update "webhook_subscriptions"/i, async () => (first = await callJson(`/v1/webhooks/${hook.id}`, { ...as(b), method: "PATCH", body: { takeOver: true } })));
    const second = await racing.patch(a, `/v1/webhooks/${hook.id}`, { takeOver: true });
    expect(racing.fired()).toBe(true);
    expect(first?.status).toBe(200);
    expect(first?.body).toMatchObject({ createdBy: b.id });
    expect({ status: second.status, code: second.body?.error?.code, secret: second.body?.secret }).toEqual({ status: 409, code: "CONFLICT", secret: undefined });
    expect(second.body.error.message).toMatch(/took this webhook over/);
    // The stored secret is the one B was shown.
    const stored = await subscriptionRow(hook.id);
    expect(stored!.created_by).toBe(b.id);
    expect(await decryptSecret(String(stored!.secret_enc), env.ENCRYPTION_KEY)).toBe(first!.body.secret);

    // Asked again, A takes it over from B (a new secret, stored and shown).
    const again = await callJson(`/v1/webhooks/${hook.id}`, { ...as(a), method: "PATCH", body: { takeOver: true } });
    expect(again.status).toBe(200);
    expect(await decryptSecret(String((await subscriptionRow(hook.id))!.secret_enc), env.ENCRYPTION_KEY)).toBe(again.body.secret);
  });

  it("a PATCH that the space's deletion overtook is the webhook's 404 and changes nothing", { timeout: 60_000 }, async () => {
    const { owner, spaceId } = await adminSpace();
    const hook = await createWebhook(owner, spaceId);
    await enableTwoFactor(owner);
    const racing = racingApp(/^update "webhook_subscriptions"/i, async () =>
      expect((await callJson(`/v1/spaces/${spaceId}`, { ...as(owner), method: "DELETE" })).status).toBe(204));
    const res = await racing.patch(owner, `/v1/webhooks/${hook.id}`, { description: "after" });
    expect(racing.fired()).toBe(true);
    expect({ status: res.status, message: res.body?.error?.message }).toEqual({ status: 404, message: "Webhook not found" });
    // The deletion erased the subscription with its space (nothing of it left to change, nor changed after).
    expect(await subscriptionRow(hook.id)).toBeNull();
  });
});
