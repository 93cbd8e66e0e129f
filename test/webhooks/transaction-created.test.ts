/**
 * `transaction.created` for what the API writes: a transaction (by the ordinary path and by a remembered
 * writer's guarded path) and both legs of a transfer reach a subscriber, signed, through the queue that the
 * write itself feeds; a space with no subscriber for the type stores no event, and a replay stores and sends
 * nothing new. Before, only synced rows were announced.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createAccount } from "../accounts/helpers";
import { callJson, eventually } from "../helpers";
import { countingApp } from "../counting-app";
import { adminSpace, as, createWebhook, inbox } from "./helpers";
import { verifyDhanamWebhook } from "./readme-verifier";

const outbox = async (spaceId: string) =>
  (await env.DB.prepare("SELECT type, payload FROM event_outbox WHERE space_id = ? AND type = 'transaction.created' ORDER BY created_at, id").bind(spaceId).all<{ payload: string }>())
    .results.map((r) => JSON.parse(r.payload));

describe("transaction.created for writes through the API", () => {
  it("announces a transaction on either write path and both legs of a transfer, signed, with the exact amount", { timeout: 60_000 }, async () => {
    const { owner, spaceId } = await adminSpace();
    const hook = await createWebhook(owner, spaceId, { events: ["transaction.created"] });
    const checking = await createAccount(owner, spaceId, { openingBalance: "1000.00" });
    const savings = await createAccount(owner, spaceId, { name: "Savings" });
    const today = new Date().toISOString().slice(0, 10);
    const write = (amount: string, description: string) =>
      callJson("/v1/transactions", { ...as(owner), body: { spaceId, accountId: checking.id, amount, description, date: today } });
    const first = await write("-12.34", "Coffee"); // the writer's first write: the ordinary path
    const second = await write("-0.10", "Gum"); // remembered: the guarded path
    const transfer = await callJson("/v1/transactions/transfer", { ...as(owner), body: { spaceId, fromAccountId: checking.id, toAccountId: savings.id, amount: "100.00", description: "Save", date: today } });
    expect([first.status, second.status, transfer.status]).toEqual([201, 201, 201]);

    // Four, and the checking account's opening balance (the hook was there before it).
    const got = await eventually(async () => {
      const r = await inbox(hook.inbox);
      return r.length >= 5 ? r : null;
    });
    expect(got).toHaveLength(5);
    for (const g of got) expect(await verifyDhanamWebhook(hook.secret, new Headers(g.headers), g.body)).toBe(true);
    const data = got.map((g) => JSON.parse(g.body)).map((b) => (expect(b.event).toBe("transaction.created"), b.data));
    const byId = new Map(data.map((d) => [d.transactionId, d]));
    expect(data.find((d) => d.accountId === checking.id && d.description === "Opening balance")).toMatchObject({ amountDecimal: "1000.00" });
    expect(byId.get(first.body.id)).toMatchObject({ spaceId, accountId: checking.id, amount: -12.34, amountDecimal: "-12.34", currency: "USD", description: "Coffee", provider: null, connectionId: null });
    expect(byId.get(second.body.id)).toMatchObject({ amountDecimal: "-0.10", description: "Gum" });
    expect(byId.get(transfer.body.from.id)).toMatchObject({ accountId: checking.id, amountDecimal: "-100.00" });
    expect(byId.get(transfer.body.to.id)).toMatchObject({ accountId: savings.id, amountDecimal: "100.00" });

    // An account's opening balance is a transaction too.
    const opened = await createAccount(owner, spaceId, { name: "Cash", openingBalance: "20.00" });
    const openingEvent = await eventually(async () => (await inbox(hook.inbox)).map((g) => JSON.parse(g.body).data).find((d) => d.accountId === opened.id));
    expect(openingEvent).toMatchObject({ amountDecimal: "20.00", description: "Opening balance", provider: null });

    // A replay of a keyed write stores and sends nothing new.
    const keyed = { ...as(owner), headers: { "Idempotency-Key": `k-${crypto.randomUUID()}` }, body: { spaceId, accountId: checking.id, amount: "-1.00", description: "Keyed", date: today } };
    expect((await callJson("/v1/transactions", keyed)).status).toBe(201);
    const replay = await callJson("/v1/transactions", keyed);
    expect(replay.status).toBe(201);
    expect((await outbox(spaceId)).filter((d) => d.description === "Keyed")).toHaveLength(1);
    await eventually(async () => (await inbox(hook.inbox)).length >= 7);
    await new Promise((r) => setTimeout(r, 500));
    expect((await inbox(hook.inbox)).filter((g) => JSON.parse(g.body).data.description === "Keyed")).toHaveLength(1);
  });

  it("stores nothing for a space with no subscriber for the type, or only a disabled one, and costs a remembered write no round trip of its own", async () => {
    const { owner, spaceId } = await adminSpace();
    const acc = await createAccount(owner, spaceId, { openingBalance: "100.00" });
    const today = new Date().toISOString().slice(0, 10);
    const { post } = countingApp();
    const spend = () => post(owner, "/v1/transactions", { spaceId, accountId: acc.id, amount: "-1.00", description: "x", date: today });
    await spend();
    // No subscription at all, then one for another type, then a disabled one for this type.
    await createWebhook(owner, spaceId, { events: ["budget.alert.threshold_exceeded"] });
    const after = await spend();
    expect([after.status, after.trips]).toEqual([201, 0]); // the event's check and its read ride in the ledger's batch
    const off = await createWebhook(owner, spaceId, { events: ["transaction.created"] });
    expect((await callJson(`/v1/webhooks/${off.id}`, { ...as(owner), method: "PATCH", body: { enabled: false } })).status).toBe(200);
    await spend();
    expect(await outbox(spaceId)).toEqual([]);
    // Enabled again: the next write is stored and announced.
    expect((await callJson(`/v1/webhooks/${off.id}`, { ...as(owner), method: "PATCH", body: { enabled: true } })).status).toBe(200);
    const announced = await spend();
    expect([announced.status, announced.trips]).toEqual([201, 0]);
    expect((await outbox(spaceId)).map((d) => d.transactionId)).toEqual([announced.body.id]);
  });
});
