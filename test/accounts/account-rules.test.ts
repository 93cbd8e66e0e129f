/**
 * Account rules the ledger enforces, whoever asks: a no-overdraft flag cannot
 * be set on an account below zero, undoing an admin's disconnect needs an
 * admin, and the raw ledger API cannot write around an account's rules.
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { addMember, callJson, createSpace, registerUser, type TestUser } from "../helpers";
import { createAccount } from "./helpers";
import { ledgerViolations } from "../invariants/ledger-invariants";

const as = (u: TestUser) => ({
  get: (path: string) => callJson(path, { token: u.accessToken, ip: u.ip }),
  post: (path: string, body: unknown) => callJson(path, { token: u.accessToken, ip: u.ip, body }),
  patch: (path: string, body: unknown) => callJson(path, { method: "PATCH", token: u.accessToken, ip: u.ip, body }),
});

describe("the no-overdraft flag", () => {
  it("cannot be set while the account is below zero, and holds once set", async () => {
    const u = await registerUser();
    const a = as(u);
    const space = await createSpace(u);
    const card = await createAccount(u, space.id, { name: "Card", type: "credit_card", openingBalance: "-250.00" });
    const refused = await a.patch(`/v1/accounts/${card.id}`, { allowOverdraft: false });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("CONFLICT");
    // In the account's money, not the ledger's minor units.
    expect(refused.body.error.details).toEqual([expect.objectContaining({ field: "allowOverdraft", message: "The account's balance was -250.00 USD at its lowest" })]);
    expect((await a.get(`/v1/accounts/${card.id}`)).body).toMatchObject({ allowOverdraft: true, balanceDecimal: "-250.00" });
    expect(await ledgerViolations(space.id)).toEqual([]);

    // Paid off to zero it still cannot: its statement would show -250.00 at the start.
    const pay = await a.post("/v1/transactions", { spaceId: space.id, accountId: card.id, amount: "250.00", description: "Payment", date: "2024-02-01" });
    expect(pay.status).toBe(201);
    expect((await a.patch(`/v1/accounts/${card.id}`, { allowOverdraft: false })).status).toBe(409);
    // A card that never went below zero can, and then may not go below zero again.
    const clean = await createAccount(u, space.id, { name: "Clean card", type: "credit_card", openingBalance: "10.00" });
    expect((await a.patch(`/v1/accounts/${clean.id}`, { allowOverdraft: false })).status).toBe(200);
    const spend = await a.post("/v1/transactions", { spaceId: space.id, accountId: clean.id, amount: "-10.01", description: "x", date: "2024-02-02" });
    expect(spend.body.error.code).toBe("INSUFFICIENT_FUNDS");
    expect(await ledgerViolations(space.id)).toEqual([]);
  });
});

describe("forbidding overdraft over a history", () => {
  it("is refused when the account was below zero at any date, even if it is above zero now", async () => {
    const u = await registerUser();
    const a = as(u);
    const space = await createSpace(u);
    const card = await createAccount(u, space.id, { name: "Card", type: "credit_card" });
    const tx = (amount: string, date: string) => a.post("/v1/transactions", { spaceId: space.id, accountId: card.id, amount, description: "x", date });
    expect((await tx("-100.00", "2024-01-01")).status).toBe(201);
    expect((await tx("200.00", "2024-02-01")).status).toBe(201);
    // Positive now, but the statement shows -100.00 in January.
    expect((await a.patch(`/v1/accounts/${card.id}`, { allowOverdraft: false })).status).toBe(409);
    // Covered only by a future-dated income: negative today.
    const card2 = await createAccount(u, space.id, { name: "Card 2", type: "credit_card" });
    await a.post("/v1/transactions", { spaceId: space.id, accountId: card2.id, amount: "200.00", description: "later", date: "2099-01-01" });
    await a.post("/v1/transactions", { spaceId: space.id, accountId: card2.id, amount: "-100.00", description: "now", date: "2024-06-01" });
    expect((await a.patch(`/v1/accounts/${card2.id}`, { allowOverdraft: false })).status).toBe(409);
    expect(await ledgerViolations(space.id)).toEqual([]);
  });
});

describe("undoing an admin's disconnect", () => {
  it("needs an admin: a member cannot reconnect or deactivate through PATCH", async () => {
    const owner = await registerUser();
    const member = await registerUser();
    const space = await createSpace(owner);
    await addMember(owner, space.id, member, "member");
    const acc = await createAccount(owner, space.id, { openingBalance: 10 });
    expect((await callJson(`/v1/accounts/${acc.id}`, { method: "DELETE", token: owner.accessToken, ip: owner.ip })).status).toBe(200);
    const reconnect = await as(member).patch(`/v1/accounts/${acc.id}`, { isActive: true });
    expect(reconnect.status).toBe(403);
    expect((await as(owner).get(`/v1/accounts/${acc.id}`)).body.isActive).toBe(false);
    // The member may still rename it; the admin may reconnect it, and it takes entries again.
    expect((await as(member).patch(`/v1/accounts/${acc.id}`, { name: "Old" })).status).toBe(200);
    const back = await as(owner).patch(`/v1/accounts/${acc.id}`, { isActive: true });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ isActive: true, disconnectedAt: null, name: "Old" });
    const spend = await as(member).post("/v1/transactions", { spaceId: space.id, accountId: acc.id, amount: -1, description: "x", date: "2024-01-01" });
    expect(spend.status).toBe(201);
  });
});

describe("the ledger API and account addresses", () => {
  it("refuses accounts: addresses of every kind and category addresses, leaving rows and ledger in agreement", async () => {
    const u = await registerUser();
    const a = as(u);
    const space = await createSpace(u);
    const usd = await createAccount(u, space.id, { openingBalance: 100 });
    const gone = await createAccount(u, space.id, { name: "Closed" });
    await callJson(`/v1/accounts/${gone.id}`, { method: "DELETE", token: u.accessToken, ip: u.ip });
    const cats = (await a.get(`/v1/categories?spaceId=${space.id}`)).body as { id: string }[];
    const base = `/v1/spaces/${space.id}/ledger/transactions`;
    const attempts = [
      { source: "world", destination: `accounts:${usd.id}`, amount: 100, asset: "EUR/2" },
      { source: "world", destination: `accounts:${usd.id}`, amount: 100, asset: "USD/2" },
      { source: "world", destination: `accounts:${gone.id}`, amount: 100, asset: "USD/2" },
      { source: "world", destination: "accounts:acc_doesnotexist", amount: 100, asset: "USD/2" },
      { source: "world", destination: "accounts:shadow:ledger", amount: 100, asset: "USD/2" },
      { source: `accounts:${usd.id}`, destination: "world", amount: 1, asset: "USD/2" },
      { source: "world", destination: `expense:${cats[0]!.id}`, amount: 100, asset: "USD/2" },
      { source: "income:uncategorized", destination: "world", amount: 100, asset: "USD/2" },
    ];
    for (const p of attempts) {
      const single = await a.post(base, { postings: [p] });
      expect(single.status, JSON.stringify(p)).toBe(422);
      expect(single.body.error.details[0]).toMatchObject({ code: "RESERVED_ADDRESS" });
      const batch = await a.post(`${base}/batch`, { transactions: [{ postings: [{ source: "world", destination: "users:a", amount: 1, asset: "USD/2" }] }, { postings: [p] }] });
      expect(batch.status, JSON.stringify(p)).toBe(422);
      expect(batch.body.error.details[0].field).toMatch(/^transactions\.1\.postings\.0\./);
    }
    // Addresses of the ledger's own are still free to use.
    expect((await a.post(base, { postings: [{ source: "world", destination: "users:alice", amount: 5, asset: "EUR/2" }] })).status).toBe(201);
    expect((await a.get(`/v1/accounts/${usd.id}`)).body.balanceDecimal).toBe("100.00");
    expect(await ledgerViolations(space.id)).toEqual([]);
  });

  it("holds the account rules inside the space's ledger itself (currency, active, existence)", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const usd = await createAccount(u, space.id, { openingBalance: 100 });
    const gone = await createAccount(u, space.id, { name: "Closed" });
    await callJson(`/v1/accounts/${gone.id}`, { method: "DELETE", token: u.accessToken, ip: u.ip });
    const stub = env.SPACE_LEDGER.get(env.SPACE_LEDGER.idFromName(space.id));
    await runInDurableObject(stub, async (ledger) => {
      const commit = (destination: string, asset: string) =>
        ledger.execute({ kind: "commit", spaceId: space.id, txs: [{ postings: [{ source: "world", destination, amount: 1, asset }] }] });
      expect(await commit(`accounts:${usd.id}`, "EUR/2")).toMatchObject({ ok: false, error: { status: 422, details: [{ code: "CURRENCY_MISMATCH" }] } });
      // Named as the API names accounts, no ledger address (a route met the refusal only in a race with the delete).
      expect(await commit(`accounts:${gone.id}`, "USD/2")).toMatchObject({
        ok: false, error: { status: 409, message: `Account ${gone.id} is disconnected or inactive; it accepts no new entries` },
      });
      // Where in the batch: said to a client that sent the batch (the ledger API), not of a Dhanam write's own entries.
      const pair = (ledgerFields: boolean) => ledger.execute({
        kind: "commit", spaceId: space.id, ledgerFields,
        txs: [{ postings: [{ source: "world", destination: `accounts:${usd.id}`, amount: 1, asset: "USD/2" }] }, { postings: [{ source: "world", destination: `accounts:${gone.id}`, amount: 1, asset: "USD/2" }] }],
      });
      const inactive = `Account ${gone.id} is disconnected or inactive; it accepts no new entries`;
      expect(await pair(false)).toMatchObject({ ok: false, error: { status: 409, message: inactive } });
      expect(await pair(true)).toMatchObject({ ok: false, error: { status: 409, message: `${inactive} (transaction 1 of the batch)` } });
      expect(await commit("accounts:acc_nothere", "USD/2")).toMatchObject({ ok: false, error: { status: 422, details: [{ code: "UNKNOWN_ACCOUNT" }] } });
      expect(await commit("accounts", "USD/2")).toMatchObject({ ok: false, error: { status: 422 } });
      // A security is fine in an investment account only.
      expect(await commit(`accounts:${usd.id}`, "AAPL/8")).toMatchObject({ ok: false, error: { status: 422 } });
    });
    expect(await ledgerViolations(space.id)).toEqual([]);
  });
});
