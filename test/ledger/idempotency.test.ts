/**
 * Idempotency-Keys: a key belongs to the user who sent it, and a keyed write
 * that fits without a key fits with one (the record keeps what a replay needs,
 * not the whole answer).
 */
import { describe, expect, it } from "vitest";
import { addMember, callJson, createSpace, registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { ledgerViolations } from "../invariants/ledger-invariants";

describe("Idempotency-Keys", () => {
  it("are scoped per user: two members sending the README's key make two transactions", async () => {
    const owner = await registerUser();
    const partner = await registerUser();
    const space = await createSpace(owner);
    await addMember(owner, space.id, partner, "member");
    const acc = await createAccount(owner, space.id, { openingBalance: 100 });
    const body = { spaceId: space.id, accountId: acc.id, amount: -45.67, description: "Café", date: "2024-01-01" };
    const headers = { "idempotency-key": "coffee-2024-01-01" };
    const mine = await callJson("/v1/transactions", { token: owner.accessToken, ip: owner.ip, body, headers });
    const theirs = await callJson("/v1/transactions", { token: partner.accessToken, ip: partner.ip, body, headers });
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.res.headers.get("idempotency-replayed")).toBeNull();
    expect(theirs.body.id).not.toBe(mine.body.id);
    // Each user's retry replays their own transaction.
    const again = await callJson("/v1/transactions", { token: partner.accessToken, ip: partner.ip, body, headers });
    expect(again.res.headers.get("idempotency-replayed")).toBe("true");
    expect(again.body.id).toBe(theirs.body.id);
    // The same holds on the ledger API.
    const posting = { postings: [{ source: "world", destination: "users:shared", amount: 1, asset: "USD/2" }] };
    const ledgerKey = { "idempotency-key": "deposit-1" };
    const l1 = await callJson(`/v1/spaces/${space.id}/ledger/transactions`, { token: owner.accessToken, ip: owner.ip, body: posting, headers: ledgerKey });
    const l2 = await callJson(`/v1/spaces/${space.id}/ledger/transactions`, { token: partner.accessToken, ip: partner.ip, body: posting, headers: ledgerKey });
    expect([l1.status, l2.status]).toEqual([201, 201]);
    expect(l2.body.data[0].txid).not.toBe(l1.body.data[0].txid);
    expect((await callJson(`/v1/accounts/${acc.id}`, { token: owner.accessToken, ip: owner.ip })).body.balanceDecimal).toBe("8.66");
    expect(await ledgerViolations(space.id)).toEqual([]);
  });

  it("replay a committed write whose retry the checks would now refuse (category deleted, account deactivated), and only with the same request", async () => {
    const owner = await registerUser();
    const space = await createSpace(owner);
    const acc = await createAccount(owner, space.id, { openingBalance: 100 });
    const savings = await createAccount(owner, space.id, { name: "Savings", openingBalance: 0 });
    const as = { token: owner.accessToken, ip: owner.ip };
    const category = await callJson("/v1/categories", { ...as, body: { spaceId: space.id, name: "Treats", type: "expense" } });
    expect(category.status).toBe(201);
    const body = { spaceId: space.id, accountId: acc.id, amount: "-4.50", description: "Cake", date: "2024-01-02", categoryId: category.body.id };
    const headers = { "idempotency-key": "cake-1" };
    const first = await callJson("/v1/transactions", { ...as, body, headers });
    expect(first.status).toBe(201);
    const transfer = { spaceId: space.id, fromAccountId: acc.id, toAccountId: savings.id, amount: "10.00", date: "2024-01-02", description: "Save" };
    const moved = await callJson("/v1/transactions/transfer", { ...as, body: transfer, headers: { "idempotency-key": "save-1" } });
    expect(moved.status).toBe(201);

    // The category goes (merged into another), and the savings account is deactivated.
    const food = await callJson("/v1/categories", { ...as, body: { spaceId: space.id, name: "Food", type: "expense" } });
    expect((await callJson(`/v1/categories/${category.body.id}?reassignTo=${food.body.id}`, { ...as, method: "DELETE" })).status).toBe(200);
    expect((await callJson(`/v1/accounts/${savings.id}`, { ...as, method: "PATCH", body: { isActive: false } })).status).toBe(200);

    // Each retry replays its first answer, where it was a 422 UNKNOWN_CATEGORY and a 409.
    const again = await callJson("/v1/transactions", { ...as, body, headers });
    expect(again.status).toBe(201);
    expect(again.res.headers.get("idempotency-replayed")).toBe("true");
    expect(again.body.id).toBe(first.body.id);
    const movedAgain = await callJson("/v1/transactions/transfer", { ...as, body: transfer, headers: { "idempotency-key": "save-1" } });
    expect(movedAgain.status).toBe(201);
    expect(movedAgain.res.headers.get("idempotency-replayed")).toBe("true");
    expect([movedAgain.body.from.id, movedAgain.body.to.id]).toEqual([moved.body.from.id, moved.body.to.id]);

    // Another request under the key is told so; a new key, or none, gets the checks' refusal.
    const reused = await callJson("/v1/transactions", { ...as, body: { ...body, amount: "-5.00" }, headers });
    expect([reused.status, reused.body.error.code]).toEqual([422, "IDEMPOTENCY_KEY_REUSED"]);
    const fresh = await callJson("/v1/transactions", { ...as, body, headers: { "idempotency-key": "cake-2" } });
    expect(fresh.status).toBe(422);
    expect(fresh.body.error.details[0].code).toBe("UNKNOWN_CATEGORY");
    expect((await callJson("/v1/transactions/transfer", { ...as, body: transfer })).status).toBe(409);
    const list = await callJson(`/v1/transactions?spaceId=${space.id}&limit=50`, as);
    expect(list.body.pagination.total).toBe(4); // the opening balance, the cake and the transfer's two legs
    expect(await ledgerViolations(space.id)).toEqual([]);
  });

  it("let a batch too large to record whole commit with a key, and replay it", { timeout: 60_000 }, async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    // 100 transactions of 9 postings between long addresses: about 0.9 MB of request and an answer (with
    // each transaction's volumes) over D1's 2 MB row limit, which the old whole-answer record could not hold.
    const long = (kind: string, t: number, p: number) => `${kind}:${Array.from({ length: 7 }, (_, i) => `${"x".repeat(56)}${t}_${p}_${i}`).join(":")}`;
    const transactions = Array.from({ length: 100 }, (_, t) => ({
      postings: Array.from({ length: 9 }, (_, p) => ({ source: long("equity", t, p), destination: long("users", t, p), amount: t * 10 + p + 1, asset: "USD/2" })),
    }));
    const path = `/v1/spaces/${space.id}/ledger/transactions/batch`;
    const headers = { "idempotency-key": "big-batch-1" };
    const first = await callJson(path, { token: u.accessToken, ip: u.ip, body: { transactions }, headers });
    expect(first.status).toBe(201);
    expect(first.body.data).toHaveLength(100);
    expect(JSON.stringify(first.body).length).toBeGreaterThan(2_000_000);
    const replay = await callJson(path, { token: u.accessToken, ip: u.ip, body: { transactions }, headers });
    expect(replay.status).toBe(201);
    expect(replay.res.headers.get("idempotency-replayed")).toBe("true");
    expect(replay.body.data.map((t: any) => t.txid)).toEqual(first.body.data.map((t: any) => t.txid));
    expect(replay.body.data[99].postings).toEqual(first.body.data[99].postings);
    const stats = await callJson(`/v1/spaces/${space.id}/ledger/stats`, { token: u.accessToken, ip: u.ip });
    expect(stats.body.data.transactions).toBe(100);
    expect(await ledgerViolations(space.id)).toEqual([]);
  });
});
