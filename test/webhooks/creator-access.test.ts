/**
 * A subscription delivers only while its creator may still manage webhooks in its space. An admin who was
 * removed or demoted kept receiving every later transaction.created (description and amount), budget alert
 * and Life Beat event at their own URL, indefinitely. Now fan-out and every attempt judge the creator's
 * membership in their own statements: nothing new is fanned out to it and what was already queued is cancelled.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { deliverAttempt, fanOut } from "../../src/modules/webhooks/deliver";
import { createAccount } from "../accounts/helpers";
import { addMember, call, callJson, eventually, registerUser, type TestUser } from "../helpers";
import { adminSpace, as, createWebhook, deliveryRow, failNext, inbox, manualClock, outboxRow, servicesAt, subscriptionRow } from "./helpers";

const LOST = "Suspended: its creator is no longer an admin of the space";

/**
 * Services whose WEBHOOK_QUEUE holds its messages instead of handing them to the test worker's consumer (which
 * would attempt them a few seconds later, racing the attempts these tests make at the moment they choose).
 */
function heldServices() {
  const held: unknown[] = [];
  const queue = {
    send: async (body: unknown) => void held.push(body),
    sendBatch: async (messages: { body: unknown }[]) => void held.push(...messages.map((m) => m.body)),
  } as unknown as Queue;
  return servicesAt(manualClock(), { WEBHOOK_QUEUE: queue });
}

/** A space whose owner and second admin each have a subscription to transaction.created. */
async function twoAdmins() {
  const { owner, spaceId } = await adminSpace();
  const admin = await registerUser();
  await addMember(owner, spaceId, admin, "admin");
  const theirs = await createWebhook(admin, spaceId, { events: ["transaction.created"] });
  const ours = await createWebhook(owner, spaceId, { events: ["transaction.created"] });
  return { owner, admin, spaceId, theirs, ours };
}

const removeMember = (by: TestUser, spaceId: string, who: TestUser) => call(`/v1/spaces/${spaceId}/members/${who.id}`, { ...as(by), method: "DELETE" });
const setRole = (by: TestUser, spaceId: string, who: TestUser, role: string) =>
  callJson(`/v1/spaces/${spaceId}/members/${who.id}`, { ...as(by), method: "PATCH", body: { role } });

const losses: [string, (owner: TestUser, spaceId: string, admin: TestUser) => Promise<number>][] = [
  ["removed by the owner", async (owner, spaceId, admin) => (await removeMember(owner, spaceId, admin)).status],
  ["leaving the space", async (_owner, spaceId, admin) => (await removeMember(admin, spaceId, admin)).status],
  ["demoted to member", async (owner, spaceId, admin) => (await setRole(owner, spaceId, admin, "member")).status],
  ["demoted to viewer", async (owner, spaceId, admin) => (await setRole(owner, spaceId, admin, "viewer")).status],
];

describe("a subscription whose creator lost admin access", () => {
  it.each(losses)("sends nothing once its creator is %s, not even what was queued before; the other admin's keeps delivering", { timeout: 60_000 }, async (_, lose) => {
    const { owner, admin, spaceId, theirs, ours } = await twoAdmins();
    const svc = heldServices();
    // Queued before: one fanned out and not yet attempted, one whose first attempt failed and waits for its retry.
    const queued = await fanOut(svc, await outboxRow(spaceId, "transaction.created", { n: 1 }));
    expect(queued).toHaveLength(2);
    await failNext(theirs.inbox, 1, 503);
    const retrying = await fanOut(svc, await outboxRow(spaceId, "transaction.created", { n: 2 }));
    const theirRetry = (await Promise.all(retrying.map(deliveryRow))).find((d) => d!.subscription_id === theirs.id)!;
    expect((await deliverAttempt(svc, theirRetry.id, 0)).outcome).toBe("retrying");
    expect((await inbox(theirs.inbox)).map((r) => r.answeredWith)).toEqual([503]);

    expect([200, 204]).toContain(await lose(owner, spaceId, admin));

    // What was queued for their subscription is cancelled at its attempt; ours still goes.
    const before = await Promise.all(queued.map(deliveryRow));
    const theirQueued = before.find((d) => d!.subscription_id === theirs.id)!;
    const ourQueued = before.find((d) => d!.subscription_id === ours.id)!;
    expect(await deliverAttempt(svc, theirQueued.id, 0)).toEqual({ outcome: "cancelled" });
    expect(await deliveryRow(theirQueued.id)).toMatchObject({ status: "cancelled", attempts: 0, last_error: LOST, next_attempt_at: null });
    expect(await deliverAttempt(svc, theirRetry.id, 1)).toEqual({ outcome: "cancelled" });
    expect(await deliveryRow(theirRetry.id)).toMatchObject({ status: "cancelled", attempts: 1, last_error: LOST });
    expect((await deliverAttempt(svc, ourQueued.id, 0)).outcome).toBe("succeeded");

    // A later event is fanned out to ours only.
    const later = await fanOut(svc, await outboxRow(spaceId, "transaction.created", { n: 3 }));
    expect(later).toHaveLength(1);
    expect((await deliveryRow(later[0]!))!.subscription_id).toBe(ours.id);
    expect((await deliverAttempt(svc, later[0]!, 0)).outcome).toBe("succeeded");

    // Their receiver got only the one failed attempt made before; ours got everything.
    expect((await inbox(theirs.inbox)).map((r) => r.answeredWith)).toEqual([503]);
    expect((await inbox(ours.inbox)).map((r) => JSON.parse(r.body).data.n)).toEqual([1, 3]);
    // Nothing about the subscription itself changed: it is suspended, not disabled or deleted.
    expect(await subscriptionRow(theirs.id)).toMatchObject({ enabled: 1, disabled_reason: null, created_by: admin.id });
  });

  it("gets no transaction written through the API after the removal, while the owner's gets it", { timeout: 60_000 }, async () => {
    const { owner, admin, spaceId, theirs, ours } = await twoAdmins();
    const acc = await createAccount(owner, spaceId, { openingBalance: "100.00" });
    const write = async (description: string) => {
      const r = await callJson("/v1/transactions", { ...as(owner), body: { spaceId, accountId: acc.id, amount: "-12.34", description, date: "2026-03-02" } });
      expect(r.status).toBe(201);
      return r.body.id as string;
    };
    const txnOf = (rs: { body: string }[]) => rs.map((r) => JSON.parse(r.body).data.transactionId);
    const first = await write("before the removal");
    await eventually(async () => txnOf(await inbox(theirs.inbox)).includes(first));

    expect((await removeMember(owner, spaceId, admin)).status).toBe(204);
    const second = await write("payroll for March");
    await eventually(async () => txnOf(await inbox(ours.inbox)).includes(second));
    const mine = await env.DB.prepare("SELECT COUNT(*) AS n FROM webhook_deliveries d JOIN event_outbox e ON e.id = d.event_id WHERE d.subscription_id = ? AND e.payload LIKE ?")
      .bind(theirs.id, `%${second}%`).first<{ n: number }>();
    expect(mine!.n).toBe(0);
    const got = await inbox(theirs.inbox);
    expect(txnOf(got)).not.toContain(second);
    expect(got.map((r) => r.body).join()).not.toContain("payroll");
  });
});
