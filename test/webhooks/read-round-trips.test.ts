/**
 * One D1 round trip per authenticated read (issue 10) for webhooks: the session check, the caller's
 * role in the space (admin) and the read go in one batch; the delivery log brings its attempts in it.
 */
import { describe, expect, it } from "vitest";
import { deliverAttempt, fanOut } from "../../src/modules/webhooks/deliver";
import { countingApp } from "../counting-app";
import { addMember, registerUser } from "../helpers";
import { adminSpace, createWebhook, failNext, manualClock, outboxRow, servicesAt } from "./helpers";

describe("webhooks in one round trip", () => {
  it("lists, reads and pages the delivery log with its attempts in one round trip each", { timeout: 60_000 }, async () => {
    const { owner, spaceId } = await adminSpace();
    const hook = await createWebhook(owner, spaceId, { description: "first" });
    const other = await createWebhook(owner, spaceId, { description: "second" });
    const svc = servicesAt(manualClock());
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(...(await fanOut(svc, await outboxRow(spaceId, "transaction.created", { i }))));
    await failNext(hook.inbox, 1);
    for (const id of ids) await deliverAttempt(svc, id, 0);
    const { get } = countingApp();

    const list = await get(owner, `/v1/webhooks?spaceId=${spaceId}`);
    expect(list.status).toBe(200);
    expect(list.trips).toBe(1);
    expect(list.body.webhooks.map((w: { id: string }) => w.id).sort()).toEqual([hook.id, other.id].sort());
    expect(list.body.pagination).toMatchObject({ total: 2 });
    const one = await get(owner, `/v1/webhooks/${hook.id}`);
    expect(one).toMatchObject({ status: 200, trips: 1, body: list.body.webhooks.find((w: { id: string }) => w.id === hook.id) });
    expect(one.body).toMatchObject({ description: "first", enabled: true });

    const log = await get(owner, `/v1/webhooks/${hook.id}/deliveries?limit=200`);
    expect(log.status).toBe(200);
    expect(log.trips).toBe(1);
    expect(log.body.pagination).toMatchObject({ total: 30 });
    expect(log.body.deliveries).toHaveLength(30);
    expect(log.body.deliveries.every((d: { webhookId: string; attemptLog: unknown[] }) => d.webhookId === hook.id && d.attemptLog.length === 1)).toBe(true);
    const failed = log.body.deliveries.filter((d: { attemptLog: { responseStatus: number }[] }) => d.attemptLog[0]!.responseStatus === 503);
    expect(failed).toHaveLength(1);
    // A page of the log and a status filter bring the attempts of their own deliveries only.
    const page = await get(owner, `/v1/webhooks/${hook.id}/deliveries?limit=2&offset=1`);
    expect(page).toMatchObject({ status: 200, trips: 1, body: { deliveries: log.body.deliveries.slice(1, 3), pagination: { total: 30, limit: 2, offset: 1 } } });
    const pending = await get(owner, `/v1/webhooks/${hook.id}/deliveries?status=pending`);
    expect(pending).toMatchObject({ status: 200, trips: 1, body: { deliveries: failed, pagination: { total: 1 } } });
  });

  it("a stranger gets the 404 of a missing webhook in one round trip, reading nothing of it; a member the 403", async () => {
    const { owner, spaceId } = await adminSpace();
    const hook = await createWebhook(owner, spaceId, { description: "Secret hook" });
    const svc = servicesAt(manualClock());
    for (let i = 0; i < 60; i++) await fanOut(svc, await outboxRow(spaceId, "transaction.created", { i }));
    const [stranger, member] = [await registerUser(), await registerUser()];
    await addMember(owner, spaceId, member, "member");
    const { get } = countingApp();
    for (const path of [`/v1/webhooks/${hook.id}`, `/v1/webhooks/${hook.id}/deliveries?limit=200`]) {
      const theirs = await get(stranger, path);
      const none = await get(stranger, path.replace(hook.id, "whk_doesnotexist"));
      expect(theirs).toMatchObject({ status: 404, trips: 1, body: { error: { code: "RESOURCE_NOT_FOUND", message: "Webhook not found" } } });
      expect(theirs.body.error).toEqual({ ...none.body.error, requestId: theirs.body.error.requestId, timestamp: theirs.body.error.timestamp });
      expect(JSON.stringify(theirs.body)).not.toContain("Secret");
      // The checks' own reads (a few rows a statement), none of the 60 deliveries.
      expect(theirs.rowsRead).toBeLessThan(30);
      const refused = await get(member, path);
      expect(refused).toMatchObject({ status: 403, trips: 1 });
      expect(JSON.stringify(refused.body)).not.toContain("Secret");
    }
    const list = await get(stranger, `/v1/webhooks?spaceId=${spaceId}`);
    expect(list).toMatchObject({ status: 404, trips: 1, body: { error: { code: "RESOURCE_NOT_FOUND" } } });
    expect(list.body.webhooks).toBeUndefined();
    expect(await get(member, `/v1/webhooks?spaceId=${spaceId}`)).toMatchObject({ status: 403, trips: 1 });
    // The owner reads them all.
    const mine = await get(owner, `/v1/webhooks/${hook.id}/deliveries?limit=200`);
    expect(mine).toMatchObject({ status: 200, trips: 1, body: { pagination: { total: 60 } } });
    expect(mine.rowsRead).toBeGreaterThan(120);
  });
});
