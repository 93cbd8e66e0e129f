/**
 * A member removed from a space cannot read back, through an Idempotency-Key replay, what they wrote there while a
 * member: the replay is judged after the membership, so it is the space's 404 like any other request of theirs.
 */
import { describe, expect, it } from "vitest";
import { addMember, call, callJson, createSpace, registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";

describe("a removed member's idempotent retry", () => {
  it("is a 404, not the stored answer (Dhanam and ledger writes)", { timeout: 60_000 }, async () => {
    const owner = await registerUser();
    const member = await registerUser();
    const space = await createSpace(owner);
    await addMember(owner, space.id, member, "member");
    const acc = await createAccount(owner, space.id, { openingBalance: "100.00" });
    const as = { token: member.accessToken, ip: member.ip };
    const txBody = { spaceId: space.id, accountId: acc.id, amount: "-5.00", description: "groceries", date: "2026-11-30" };
    const first = await callJson("/v1/transactions", { ...as, body: txBody, headers: { "idempotency-key": "k-dhanam" } });
    expect(first.status).toBe(201);
    const ledgerBody = { postings: [{ source: "world", destination: "users:shared", amount: 100, asset: "USD/2" }] };
    const firstLedger = await callJson(`/v1/spaces/${space.id}/ledger/transactions`, { ...as, body: ledgerBody, headers: { "idempotency-key": "k-ledger" } });
    expect(firstLedger.status).toBeLessThan(300);
    expect((await call(`/v1/spaces/${space.id}/members/${member.id}`, { method: "DELETE", token: owner.accessToken, ip: owner.ip })).status).toBe(204);

    const again = await callJson("/v1/transactions", { ...as, body: txBody, headers: { "idempotency-key": "k-dhanam" } });
    expect(again.status).toBe(404);
    expect(again.res.headers.get("idempotency-replayed")).toBeNull();
    const againLedger = await callJson(`/v1/spaces/${space.id}/ledger/transactions`, { ...as, body: ledgerBody, headers: { "idempotency-key": "k-ledger" } });
    expect(againLedger.status).toBe(404);
    expect(againLedger.res.headers.get("idempotency-replayed")).toBeNull();
  });
});
