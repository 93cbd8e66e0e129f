/**
 * A subscription delivers only while its creator may still manage webhooks in its space. An admin who was
 * removed or demoted kept receiving every later transaction.created (description and amount), budget alert
 * and Life Beat event at their own URL, indefinitely, and the owner's list did not say who had created it.
 * Now fan-out and every attempt judge the creator's membership in their own statements: nothing new is sent to
 * it (each event it hears is recorded as a cancelled delivery) and what was already queued is cancelled; the list shows `createdBy` and `suspendedReason`; a
 * current admin takes it over (PATCH takeOver), which rotates the secret the old creator knew.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { decryptSecret } from "../../src/lib/crypto";
import { deliverAttempt, fanOut } from "../../src/modules/webhooks/deliver";
import { createAccount } from "../accounts/helpers";
import { addMember, call, callJson, eventually, registerUser, type TestUser } from "../helpers";
import { adminSpace, as, createWebhook, deliveryRow, failNext, inbox, manualClock, newInbox, outboxRow, receiverUrl, recordingQueue, servicesAt, subscriptionRow } from "./helpers";
import { verifyDhanamWebhook } from "./readme-verifier";

const LOST = "Suspended: its creator is no longer an admin of the space";

/**
 * Services whose WEBHOOK_QUEUE holds its messages instead of handing them to the test worker's consumer (which
 * would attempt them a few seconds later, racing the attempts these tests make at the moment they choose).
 */
function heldServices() {
  return servicesAt(manualClock(), { WEBHOOK_QUEUE: recordingQueue().queue });
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

    // A later event is queued for ours only; theirs records it as cancelled, with nothing to send.
    const laterEvent = await outboxRow(spaceId, "transaction.created", { n: 3 });
    const later = await fanOut(svc, laterEvent);
    expect(later).toHaveLength(1);
    expect((await deliveryRow(later[0]!))!.subscription_id).toBe(ours.id);
    const theirLater = await env.DB.prepare("SELECT * FROM webhook_deliveries WHERE subscription_id = ? AND event_id = ?").bind(theirs.id, laterEvent).first<Record<string, unknown>>();
    expect(theirLater).toMatchObject({ status: "cancelled", attempts: 0, last_error: LOST, next_attempt_at: null });
    expect((await deliverAttempt(svc, later[0]!, 0)).outcome).toBe("succeeded");

    // Their receiver got only the one failed attempt made before; ours got everything.
    expect((await inbox(theirs.inbox)).map((r) => r.answeredWith)).toEqual([503]);
    expect((await inbox(ours.inbox)).map((r) => JSON.parse(r.body).data.n)).toEqual([1, 3]);
    // Nothing about the subscription itself changed: it is suspended, not disabled or deleted.
    expect(await subscriptionRow(theirs.id)).toMatchObject({ enabled: 1, disabled_reason: null, created_by: admin.id });
  });

  it("is sent no transaction written through the API after the removal (recorded as cancelled), while the owner's gets it", { timeout: 60_000 }, async () => {
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
    const mine = await env.DB.prepare("SELECT d.status, d.attempts, d.last_error FROM webhook_deliveries d JOIN event_outbox e ON e.id = d.event_id WHERE d.subscription_id = ? AND e.payload LIKE ?")
      .bind(theirs.id, `%${second}%`).all();
    expect(mine.results).toEqual([{ status: "cancelled", attempts: 0, last_error: LOST }]);
    const got = await inbox(theirs.inbox);
    expect(txnOf(got)).not.toContain(second);
    expect(got.map((r) => r.body).join()).not.toContain("payroll");
  });

  it("is shown to the admins with who created it and why it is suspended; the test ping is refused", { timeout: 60_000 }, async () => {
    const { owner, admin, spaceId, theirs, ours } = await twoAdmins();
    expect(theirs).toMatchObject({ createdBy: admin.id, suspendedReason: null });
    expect((await setRole(owner, spaceId, admin, "member")).status).toBe(200);

    const list = await callJson(`/v1/webhooks?spaceId=${spaceId}`, as(owner));
    expect(list.status).toBe(200);
    const byId = Object.fromEntries(list.body.webhooks.map((w: { id: string }) => [w.id, w]));
    expect(byId[theirs.id]).toMatchObject({ createdBy: admin.id, suspendedReason: "creator_lost_access", enabled: true });
    expect(byId[ours.id]).toMatchObject({ createdBy: owner.id, suspendedReason: null, enabled: true });
    const one = await callJson(`/v1/webhooks/${theirs.id}`, as(owner));
    expect(one.body).toEqual(byId[theirs.id]);
    // The demoted admin cannot reach it any more.
    expect((await callJson(`/v1/webhooks/${theirs.id}`, as(admin))).status).toBe(403);

    // Editing without taking over leaves it suspended; not even the ping goes out.
    const renamed = await callJson(`/v1/webhooks/${theirs.id}`, { ...as(owner), method: "PATCH", body: { description: "who made this?", enabled: true } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ description: "who made this?", createdBy: admin.id, suspendedReason: "creator_lost_access" });
    expect(renamed.body.secret).toBeUndefined();
    const ping = await callJson(`/v1/webhooks/${theirs.id}/test`, { ...as(owner), method: "POST" });
    expect([ping.status, ping.body.error?.code]).toEqual([409, "CONFLICT"]);
    expect(await inbox(theirs.inbox)).toHaveLength(0);

    // Promoted back to admin, the creator vouches for it again: new events reach it (nothing from the gap).
    const svc = heldServices();
    const gap = await fanOut(svc, await outboxRow(spaceId, "transaction.created", { n: "gap" }));
    expect(gap).toHaveLength(1);
    expect((await setRole(owner, spaceId, admin, "admin")).status).toBe(200);
    expect((await callJson(`/v1/webhooks/${theirs.id}`, as(owner))).body.suspendedReason).toBeNull();
    const after = await fanOut(svc, await outboxRow(spaceId, "transaction.created", { n: "after" }));
    const theirAfter = (await Promise.all(after.map(deliveryRow))).find((d) => d!.subscription_id === theirs.id)!;
    expect((await deliverAttempt(svc, theirAfter.id, 0)).outcome).toBe("succeeded");
    expect((await inbox(theirs.inbox)).map((r) => JSON.parse(r.body).data.n)).toEqual(["after"]);
  });

  it("a current admin takes it over: they become its creator, the secret rotates and is shown once, and it delivers again", { timeout: 60_000 }, async () => {
    const { owner, admin, spaceId, theirs } = await twoAdmins();
    expect((await removeMember(owner, spaceId, admin)).status).toBe(204);

    const taken = await callJson(`/v1/webhooks/${theirs.id}`, { ...as(owner), method: "PATCH", body: { takeOver: true } });
    expect(taken.status).toBe(200);
    expect(taken.body).toMatchObject({ id: theirs.id, url: theirs.url, createdBy: owner.id, suspendedReason: null, enabled: true });
    expect(taken.body.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(taken.body.secret).not.toBe(theirs.secret);
    const stored = await subscriptionRow(theirs.id);
    expect(await decryptSecret(String(stored!.secret_enc), env.ENCRYPTION_KEY)).toBe(taken.body.secret);
    // Shown once: reads never carry it.
    const read = await callJson(`/v1/webhooks/${theirs.id}`, as(owner));
    expect(read.body).toMatchObject({ createdBy: owner.id, suspendedReason: null });
    expect(JSON.stringify(read.body)).not.toContain("secret");

    // It delivers again, signed with the new secret: the removed admin's old secret no longer verifies.
    const svc = heldServices();
    const queued = await fanOut(svc, await outboxRow(spaceId, "transaction.created", { n: "taken" }));
    const mine = (await Promise.all(queued.map(deliveryRow))).find((d) => d!.subscription_id === theirs.id)!;
    expect((await deliverAttempt(svc, mine.id, 0)).outcome).toBe("succeeded");
    const [got] = await inbox(theirs.inbox);
    expect(JSON.parse(got!.body).data).toEqual({ n: "taken" });
    expect(await verifyDhanamWebhook(taken.body.secret, new Headers(got!.headers), got!.body)).toBe(true);
    expect(await verifyDhanamWebhook(theirs.secret, new Headers(got!.headers), got!.body)).toBe(false);
  });

  it("another admin pointing it at a new URL takes it over: it then stops when that admin loses access", { timeout: 60_000 }, async () => {
    const { owner, spaceId } = await adminSpace();
    const other = await registerUser();
    await addMember(owner, spaceId, other, "admin");
    const hook = await createWebhook(owner, spaceId, { events: ["transaction.created"] });
    const theirUrl = receiverUrl(newInbox());
    const moved = await callJson(`/v1/webhooks/${hook.id}`, { ...as(other), method: "PATCH", body: { url: theirUrl } });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ url: theirUrl, createdBy: other.id, suspendedReason: null });
    expect(moved.body.secret).toMatch(/^whsec_/);
    expect(moved.body.secret).not.toBe(hook.secret);
    // The creator changing their own URL keeps the secret.
    const own = await createWebhook(owner, spaceId, { events: ["transaction.created"] });
    const ownMoved = await callJson(`/v1/webhooks/${own.id}`, { ...as(owner), method: "PATCH", body: { url: receiverUrl(newInbox()) } });
    expect(ownMoved.body).toMatchObject({ createdBy: owner.id });
    expect(ownMoved.body.secret).toBeUndefined();

    expect((await removeMember(owner, spaceId, other)).status).toBe(204);
    const svc = heldServices();
    const queued = await fanOut(svc, await outboxRow(spaceId, "transaction.created", { n: 1 }));
    expect(queued).toHaveLength(1);
    expect((await deliveryRow(queued[0]!))!.subscription_id).toBe(own.id);
    expect((await callJson(`/v1/webhooks/${hook.id}`, as(owner))).body.suspendedReason).toBe("creator_lost_access");
  });
});

describe("a space whose only subscriptions are suspended", () => {
  it("stores no transaction event for them: nobody would receive it; the owner's new subscription hears the next", { timeout: 60_000 }, async () => {
    const { owner, spaceId } = await adminSpace();
    const admin = await registerUser();
    await addMember(owner, spaceId, admin, "admin");
    const theirs = await createWebhook(admin, spaceId, { events: ["transaction.created"] });
    const acc = await createAccount(owner, spaceId, { openingBalance: "100.00" });
    const events = async () =>
      (await env.DB.prepare("SELECT COUNT(*) AS n FROM event_outbox WHERE space_id = ? AND type = 'transaction.created'").bind(spaceId).first<{ n: number }>())!.n;
    const spend = (description: string) =>
      callJson("/v1/transactions", { ...as(owner), body: { spaceId, accountId: acc.id, amount: "-1.00", date: "2026-12-01", description } });
    const opening = await events(); // the opening balance's
    expect((await spend("heard")).status).toBe(201);
    expect(await events()).toBe(opening + 1);
    expect((await removeMember(owner, spaceId, admin)).status).toBe(204);
    // Made while its creator has no access, the event is nobody's: not stored, no delivery row (an admin who left
    // subscriptions behind costs nothing a transaction, however many they left).
    const unheard = await spend("unheard");
    expect(unheard.status).toBe(201);
    expect(await events()).toBe(opening + 1);
    const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM webhook_deliveries d JOIN event_outbox e ON e.id = d.event_id WHERE d.subscription_id = ? AND e.dedupe_key = ?")
      .bind(theirs.id, `transaction.created:${unheard.body.id}`).first<{ n: number }>();
    expect(rows!.n).toBe(0);
    await createWebhook(owner, spaceId, { events: ["transaction.created"] });
    expect((await spend("heard again")).status).toBe(201);
    expect(await events()).toBe(opening + 2);
  });
});
