import { describe, expect, it } from "vitest";
import { addMember, call, callJson, createSpace, registerUser } from "../helpers";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { createAccount } from "./helpers";

describe("manual accounts", () => {
  it("open with a balance posted from equity:opening and a masked number", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const acc = await createAccount(u, space.id, { openingBalance: "1234.56", accountNumber: "0001 2345 6789", institutionName: "Chase" });
    expect(acc).toMatchObject({ balance: 1234.56, currency: "USD", provider: "manual", isActive: true, allowOverdraft: false });
    expect(acc.metadata).toEqual({ institutionName: "Chase", accountNumber: "****6789", routingNumber: null });
    expect(acc.id).toMatch(/^acc_/);
    const ledger = await callJson(`/v1/spaces/${space.id}/ledger/accounts/equity:opening`, { token: u.accessToken, ip: u.ip });
    expect(ledger.body.data.balances).toEqual({ "USD/2": -123456 });
    expect(JSON.stringify(acc)).not.toContain("0001 2345");
    expect(await ledgerViolations(space.id)).toEqual([]);
  });

  it("reject more decimals than the currency allows, and handle JPY/0 and BTC/8", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const bad = await callJson("/v1/accounts", { token: u.accessToken, ip: u.ip, body: { spaceId: space.id, name: "x", type: "checking", currency: "USD", openingBalance: 10.001 } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details[0].field).toBe("openingBalance");
    const yen = await callJson("/v1/accounts", { token: u.accessToken, ip: u.ip, body: { spaceId: space.id, name: "Yen", type: "savings", currency: "JPY", openingBalance: 1.5 } });
    expect(yen.status).toBe(422);
    expect((await createAccount(u, space.id, { currency: "JPY", openingBalance: 15000 })).balance).toBe(15000);
    const btc = await createAccount(u, space.id, { type: "crypto", currency: "BTC", openingBalance: "0.00000001" });
    expect(btc.balance).toBe(0.00000001);
    const summary = await callJson(`/v1/accounts/summary?spaceId=${space.id}`, { token: u.accessToken, ip: u.ip });
    expect(summary.body).toEqual({ totalCount: 2, activeCount: 2, totalBalanceByCurrency: { JPY: "15000", BTC: "0.00000001" } });
  });

  it("let credit accounts start negative but not checking accounts", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const card = await createAccount(u, space.id, { name: "Card", type: "credit_card", openingBalance: -500 });
    expect(card).toMatchObject({ balance: -500, allowOverdraft: true });
    const neg = await callJson("/v1/accounts", { token: u.accessToken, ip: u.ip, body: { spaceId: space.id, name: "x", type: "checking", currency: "USD", openingBalance: -1 } });
    expect(neg.status).toBe(422);
  });

  it("list with filters and pagination, and summarize exact totals", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    await createAccount(u, space.id, { openingBalance: 0.1 });
    await createAccount(u, space.id, { openingBalance: 0.2, type: "savings" });
    await createAccount(u, space.id, { currency: "MXN", openingBalance: "99.99" });
    const list = await callJson(`/v1/accounts?spaceId=${space.id}&limit=2`, { token: u.accessToken, ip: u.ip });
    expect(list.body.accounts).toHaveLength(2);
    expect(list.body.pagination).toEqual({ total: 3, limit: 2, offset: 0, hasMore: true });
    const savings = await callJson(`/v1/accounts?spaceId=${space.id}&type=savings`, { token: u.accessToken, ip: u.ip });
    expect(savings.body.accounts.map((a: any) => a.balance)).toEqual([0.2]);
    const summary = await callJson(`/v1/accounts/summary?spaceId=${space.id}`, { token: u.accessToken, ip: u.ip });
    expect(summary.body.totalBalanceByCurrency).toEqual({ USD: "0.30", MXN: "99.99" });
    const spaces = await callJson(`/v1/spaces/${space.id}`, { token: u.accessToken, ip: u.ip });
    expect(spaces.body.accounts.map((a: any) => a.balance).sort()).toEqual([0.1, 0.2, 99.99]);
  });

  it("disconnect keeps history, needs an admin, and stops new entries", async () => {
    const owner = await registerUser();
    const member = await registerUser();
    const space = await createSpace(owner);
    await addMember(owner, space.id, member, "member");
    const acc = await createAccount(owner, space.id, { openingBalance: 50 });
    expect((await call(`/v1/accounts/${acc.id}`, { method: "DELETE", token: member.accessToken, ip: member.ip })).status).toBe(403);
    const gone = await callJson(`/v1/accounts/${acc.id}`, { method: "DELETE", token: owner.accessToken, ip: owner.ip });
    expect(gone.status).toBe(200);
    expect(gone.body).toMatchObject({ isActive: false, balance: 50 });
    expect(gone.body.disconnectedAt).not.toBeNull();
    const spend = await callJson("/v1/transactions", {
      token: owner.accessToken, ip: owner.ip,
      body: { spaceId: space.id, accountId: acc.id, amount: -1, description: "x", date: "2024-01-01" },
    });
    expect(spend.status).toBe(409);
    const history = await callJson(`/v1/accounts/${acc.id}/transactions`, { token: owner.accessToken, ip: owner.ip });
    expect(history.body.transactions).toHaveLength(1);
  });

  it("void a row of a deactivated account (a duplicate to clean up): the reversal is taken, new entries are not", async () => {
    const owner = await registerUser();
    const space = await createSpace(owner);
    const as = { token: owner.accessToken, ip: owner.ip };
    const acc = (await callJson("/v1/accounts", { ...as, body: { spaceId: space.id, name: "Old bank", type: "checking", currency: "USD", openingBalance: "100.00" } })).body;
    const dup = (await callJson("/v1/transactions", { ...as, body: { spaceId: space.id, accountId: acc.id, amount: "-12.34", description: "typed twice", date: "2026-11-02" } })).body;
    expect((await callJson(`/v1/accounts/${acc.id}`, { ...as, method: "DELETE" })).status).toBe(200);
    const voided = await callJson(`/v1/transactions/${dup.id}`, { ...as, method: "DELETE" });
    expect(voided.status).toBe(200);
    expect(voided.body.transaction.status).toBe("cancelled");
    const after = (await callJson(`/v1/accounts/${acc.id}`, as)).body;
    expect(after).toMatchObject({ isActive: false, balanceDecimal: "100.00" });
    // Still no new entry.
    const spend = await callJson("/v1/transactions", { ...as, body: { spaceId: space.id, accountId: acc.id, amount: "-1.00", description: "x", date: "2026-11-03" } });
    expect(spend.status).toBe(409);
    expect(await ledgerViolations(space.id)).toEqual([]);
  });

  it("apply a changed overdraft rule to the next write", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const acc = await createAccount(u, space.id, { openingBalance: 10 });
    const spend = (amount: number) =>
      callJson("/v1/transactions", { token: u.accessToken, ip: u.ip, body: { spaceId: space.id, accountId: acc.id, amount, description: "x", date: "2024-01-02" } });
    expect((await spend(-20)).body.error.code).toBe("INSUFFICIENT_FUNDS");
    await callJson(`/v1/accounts/${acc.id}`, { method: "PATCH", token: u.accessToken, ip: u.ip, body: { allowOverdraft: true, name: "Overdraft" } });
    expect((await spend(-20)).status).toBe(201);
    const after = await callJson(`/v1/accounts/${acc.id}`, { token: u.accessToken, ip: u.ip });
    expect(after.body).toMatchObject({ balance: -10, name: "Overdraft", allowOverdraft: true });
  });

  it("hide another space's accounts on every account route", async () => {
    const a = await registerUser();
    const b = await registerUser();
    const spaceB = await createSpace(b);
    const acc = await createAccount(b, spaceB.id, { openingBalance: 5 });
    for (const [method, path, body] of [
      ["GET", `/v1/accounts/${acc.id}`],
      ["PATCH", `/v1/accounts/${acc.id}`, { name: "mine" }],
      ["DELETE", `/v1/accounts/${acc.id}`],
      ["GET", `/v1/accounts/${acc.id}/transactions`],
      ["GET", `/v1/accounts/${acc.id}/ledger`],
      ["GET", `/v1/accounts?spaceId=${spaceB.id}`],
      ["GET", `/v1/accounts/summary?spaceId=${spaceB.id}`],
      ["POST", "/v1/accounts", { spaceId: spaceB.id, name: "x", type: "checking", currency: "USD" }],
    ] as [string, string, unknown?][]) {
      const res = await callJson(path, { method, body, token: a.accessToken, ip: a.ip });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
  });

  it("replay a create with the same Idempotency-Key", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const body = { spaceId: space.id, name: "Savings", type: "savings", currency: "USD", openingBalance: 100 };
    const headers = { "idempotency-key": "acct-1" };
    const [a, b] = await Promise.all([1, 2].map(() => callJson("/v1/accounts", { token: u.accessToken, ip: u.ip, body, headers })));
    expect(a!.body.id).toBe(b!.body.id);
    const list = await callJson(`/v1/accounts?spaceId=${space.id}`, { token: u.accessToken, ip: u.ip });
    expect(list.body.pagination.total).toBe(1);
  });
});
