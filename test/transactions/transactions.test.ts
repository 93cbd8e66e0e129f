import { describe, expect, it } from "vitest";
import { addMember, call, callJson, createSpace, registerUser, type TestUser } from "../helpers";
import { createAccount, seedCategory } from "../accounts/helpers";
import { ledgerViolations } from "../invariants/ledger-invariants";

async function setup() {
  const u = await registerUser();
  const space = await createSpace(u);
  const checking = await createAccount(u, space.id, { openingBalance: 1000 });
  return { u, spaceId: space.id, checking };
}

const post = (u: TestUser, body: unknown, headers?: Record<string, string>) =>
  callJson("/v1/transactions", { token: u.accessToken, ip: u.ip, body, headers });
const get = (u: TestUser, path: string) => callJson(path, { token: u.accessToken, ip: u.ip });

describe("manual transactions", () => {
  it("record an expense to its category and an income from world, with the seed shape", async () => {
    const { u, spaceId, checking } = await setup();
    const food = await seedCategory(spaceId, "Coffee & Dining");
    const coffee = await post(u, {
      spaceId, accountId: checking.id, amount: -25.5, description: "Coffee with client", merchantName: "Local Café",
      date: "2024-01-01T14:30:00Z", categoryId: food, tags: ["business", "client-meeting"],
      location: { address: "123 Main St", coordinates: { lat: 40.7128, lon: -74.006 } },
    });
    expect(coffee.status).toBe(201);
    expect(coffee.body).toMatchObject({
      amount: -25.5, currency: "USD", type: "expense", status: "posted", merchantName: "Local Café",
      category: { id: food, name: "Coffee & Dining", color: "#FF6B35" }, account: { id: checking.id, name: "Checking" },
      tags: ["business", "client-meeting"], date: "2024-01-01T14:30:00.000Z",
    });
    const salary = await post(u, { spaceId, accountId: checking.id, amount: "2500.00", description: "Salary", date: "2024-01-02" });
    expect(salary.body.type).toBe("income");
    const ledgerTx = await get(u, `/v1/spaces/${spaceId}/ledger/transactions/${coffee.body.ledgerTxid}`);
    expect(ledgerTx.body.data.postings).toEqual([{ source: `accounts:${checking.id}`, destination: `expense:${food}`, amount: 2550, asset: "USD/2" }]);
    expect((await get(u, `/v1/accounts/${checking.id}`)).body.balance).toBe(3474.5);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("sum 0.1 + 0.2 to exactly 0.3", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const acc = await createAccount(u, space.id);
    await post(u, { spaceId: space.id, accountId: acc.id, amount: 0.1, description: "a", date: "2024-01-01" });
    await post(u, { spaceId: space.id, accountId: acc.id, amount: 0.2, description: "b", date: "2024-01-01" });
    expect((await get(u, `/v1/accounts/${acc.id}`)).body.balance).toBe(0.3);
    const summary = await get(u, `/v1/accounts/summary?spaceId=${space.id}`);
    expect(summary.body.totalBalanceByCurrency).toEqual({ USD: "0.30" });
  });

  it("reject bad amounts, unknown categories and foreign accounts", async () => {
    const { u, spaceId, checking } = await setup();
    const base = { spaceId, accountId: checking.id, description: "x", date: "2024-01-01" };
    for (const amount of [1.001, "1.2.3", 0, "abc", 1e21]) {
      const r = await post(u, { ...base, amount });
      expect(r.status, String(amount)).toBe(422);
      expect(r.body.error.details[0].field).toBe("amount");
    }
    expect((await post(u, { ...base, amount: 5, type: "expense" })).status).toBe(422);
    const unknownCat = await post(u, { ...base, amount: -1, categoryId: "cat_nope" });
    expect(unknownCat.body.error.details[0].field).toBe("categoryId");
    const other = await registerUser();
    const otherSpace = await createSpace(other);
    const otherCat = await seedCategory(otherSpace.id, "Theirs");
    expect((await post(u, { ...base, amount: -1, categoryId: otherCat })).status).toBe(422);
    const otherAcc = await createAccount(other, otherSpace.id);
    expect((await post(u, { ...base, accountId: otherAcc.id, amount: -1 })).status).toBe(404);
    expect((await post(u, { ...base, amount: -5000 })).body.error.code).toBe("INSUFFICIENT_FUNDS");
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("list with filters, search and offset pagination", async () => {
    const { u, spaceId, checking } = await setup();
    const savings = await createAccount(u, spaceId, { name: "Savings", type: "savings" });
    const groceries = await seedCategory(spaceId, "Groceries");
    const rows = [
      { amount: -10, description: "Starbucks Coffee", merchantName: "Starbucks", date: "2024-01-05", categoryId: groceries },
      { amount: -20, description: "Panadería Doña María", merchantName: "Doña María", date: "2024-01-10" },
      { amount: 300, description: "Refund 50%_off", date: "2024-02-01" },
    ];
    for (const r of rows) await post(u, { spaceId, accountId: checking.id, ...r });
    await post(u, { spaceId, accountId: savings.id, amount: 5, description: "Interest", date: "2024-01-31", type: "income", subtype: "interest" });
    const q = (qs: string) => get(u, `/v1/transactions?spaceId=${spaceId}&${qs}`);
    expect((await q("")).body.pagination.total).toBe(5); // the opening balance and four
    expect((await q(`accountId=${savings.id}`)).body.transactions.map((t: any) => t.description)).toEqual(["Interest"]);
    expect((await q(`categoryId=${groceries}`)).body.transactions).toHaveLength(1);
    expect((await q("type=income")).body.transactions.map((t: any) => t.amount).sort()).toEqual([300, 5]);
    expect((await q("startDate=2024-01-05&endDate=2024-01-10")).body.transactions.map((t: any) => t.amount)).toEqual([-20, -10]);
    expect((await q("search=doña")).body.transactions).toHaveLength(1);
    expect((await q("search=starbucks")).body.transactions).toHaveLength(1);
    expect((await q("search=50%25_")).body.transactions).toHaveLength(1);
    expect((await q("search=%25")).body.transactions).toHaveLength(1);
    const page = await q("limit=2&offset=2");
    expect(page.body.pagination).toEqual({ total: 5, limit: 2, offset: 2, hasMore: true });
    expect((await q("limit=500")).status).toBe(422);
    const acct = await get(u, `/v1/accounts/${checking.id}/transactions?transactionType=expense&limit=1`);
    expect(acct.body).toMatchObject({ totalCount: 2, hasMore: true });
    // Both lists take API.md's largest page, 200, and refuse one larger.
    for (const path of [`/v1/transactions?spaceId=${spaceId}&`, `/v1/accounts/${checking.id}/transactions?`]) {
      expect((await get(u, `${path}limit=200`)).body.pagination, path).toMatchObject({ limit: 200 });
      expect((await get(u, `${path}limit=201`)).status, path).toBe(422);
    }
  });

  it("update category, tags and notes without touching money; categories set by hand are manual", async () => {
    const { u, spaceId, checking } = await setup();
    const cat = await seedCategory(spaceId, "Travel");
    const t = await post(u, { spaceId, accountId: checking.id, amount: -40, description: "Uber", date: "2024-03-01" });
    // Money is not patchable: an amount in the body is refused, not silently dropped, and nothing changes.
    const withAmount = await callJson(`/v1/transactions/${t.body.id}`, {
      method: "PATCH", token: u.accessToken, ip: u.ip, body: { categoryId: cat, tags: ["trip"], notes: "Airport", amount: 999 },
    });
    expect(withAmount.status).toBe(422);
    expect(withAmount.body.error.details).toEqual([expect.objectContaining({ field: "amount", code: "UNKNOWN_FIELD" })]);
    expect((await get(u, `/v1/transactions/${t.body.id}`)).body).toMatchObject({ category: null, tags: [] });
    const patched = await callJson(`/v1/transactions/${t.body.id}`, {
      method: "PATCH", token: u.accessToken, ip: u.ip, body: { categoryId: cat, tags: ["trip"], notes: "Airport" },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ amount: -40, category: { id: cat }, tags: ["trip"], notes: "Airport" });
    const bulk = await callJson("/v1/transactions/bulk-categorize", {
      token: u.accessToken, ip: u.ip, body: { spaceId, transactionIds: [t.body.id, "txn_missing"], categoryId: cat },
    });
    expect(bulk.body).toEqual({ updated: 1, notFound: 1 });
  });

  it("post a pending manual transaction by hand (its balance unchanged), and only that (it could never leave pending)", async () => {
    const { u, spaceId, checking } = await setup();
    const patch = (id: string, body: unknown) => callJson(`/v1/transactions/${id}`, { method: "PATCH", token: u.accessToken, ip: u.ip, body });
    const t = await post(u, { spaceId, accountId: checking.id, amount: "-40.00", description: "Hotel hold", date: "2024-03-01", status: "pending" });
    expect([t.status, t.body.status]).toEqual([201, "pending"]);
    const balance = async () => (await get(u, `/v1/accounts/${checking.id}`)).body.balanceDecimal;
    expect(await balance()).toBe("960.00");
    const posted = await patch(t.body.id, { status: "posted" });
    expect([posted.status, posted.body.status, posted.body.amountDecimal]).toEqual([200, "posted", "-40.00"]);
    expect(await balance()).toBe("960.00");
    expect((await patch(t.body.id, { status: "posted" })).status).toBe(200); // posting a posted row changes nothing
    // Not back to pending, not another status, not once voided.
    for (const status of ["pending", "cancelled", "settled"]) expect((await patch(t.body.id, { status })).status, status).toBe(422);
    const held = await post(u, { spaceId, accountId: checking.id, amount: "-5.00", description: "Deposit", date: "2024-03-02", status: "pending" });
    expect((await callJson(`/v1/transactions/${held.body.id}`, { method: "DELETE", token: u.accessToken, ip: u.ip })).status).toBe(200);
    const afterVoid = await patch(held.body.id, { status: "posted" });
    expect(afterVoid.status).toBe(409);
    expect((await get(u, `/v1/transactions/${held.body.id}`)).body.status).toBe("cancelled");
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("post never undoes a void that lands while it runs (a review saw the voided row come back as posted)", { timeout: 120_000 }, async () => {
    const { u, spaceId, checking } = await setup();
    // A category in the patch sends it through the ledger first, which widens the window for the void.
    const cat = await seedCategory(spaceId, "Hotels");
    for (let i = 0; i < 100; i++) {
      const t = await post(u, { spaceId, accountId: checking.id, amount: "-5.00", description: `hold ${i}`, date: "2024-03-01", status: "pending" });
      const [posted, voided] = await Promise.all([
        callJson(`/v1/transactions/${t.body.id}`, { method: "PATCH", token: u.accessToken, ip: u.ip, body: { status: "posted", categoryId: cat } }),
        new Promise((r) => setTimeout(r, i % 5)).then(() => callJson(`/v1/transactions/${t.body.id}`, { method: "DELETE", token: u.accessToken, ip: u.ip })),
      ]);
      expect(voided.status).toBe(200);
      // Whichever came first, the row ends voided; a post that lost the race is a 409, one that won a 200.
      expect([200, 409]).toContain(posted.status);
      expect((await get(u, `/v1/transactions/${t.body.id}`)).body.status, `round ${i}`).toBe("cancelled");
    }
    expect((await get(u, `/v1/accounts/${checking.id}`)).body.balanceDecimal).toBe("1000.00");
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });
});

describe("transfers", () => {
  it("move money in one balanced posting with two account-side rows", async () => {
    const { u, spaceId, checking } = await setup();
    const savings = await createAccount(u, spaceId, { name: "Savings", type: "savings" });
    const r = await callJson("/v1/transactions/transfer", {
      token: u.accessToken, ip: u.ip,
      body: { spaceId, fromAccountId: checking.id, toAccountId: savings.id, amount: "250.75", date: "2024-04-01", description: "Save" },
    });
    expect(r.status).toBe(201);
    expect(r.body.from).toMatchObject({ amount: -250.75, type: "transfer", subtype: "transfer_out", transferAccountId: savings.id });
    expect(r.body.to).toMatchObject({ amount: 250.75, subtype: "transfer_in", transferAccountId: checking.id });
    expect(r.body.from.ledgerTxid).toBe(r.body.to.ledgerTxid);
    expect((await get(u, `/v1/accounts/${checking.id}`)).body.balance).toBe(749.25);
    expect((await get(u, `/v1/accounts/${savings.id}`)).body.balance).toBe(250.75);

    const mxn = await createAccount(u, spaceId, { currency: "MXN" });
    const mismatch = await callJson("/v1/transactions/transfer", {
      token: u.accessToken, ip: u.ip, body: { spaceId, fromAccountId: checking.id, toAccountId: mxn.id, amount: 1, date: "2024-04-01", description: "x" },
    });
    expect(mismatch.status).toBe(422);
    // Between two currencies, what arrived must be said (cross-currency-transfer.test.ts).
    expect(mismatch.body.error.details).toEqual([expect.objectContaining({ field: "toAmount", code: "REQUIRED" })]);
    const tooMuch = await callJson("/v1/transactions/transfer", {
      token: u.accessToken, ip: u.ip, body: { spaceId, fromAccountId: savings.id, toAccountId: checking.id, amount: 1000, date: "2024-04-01", description: "x" },
    });
    expect(tooMuch.body.error.code).toBe("INSUFFICIENT_FUNDS");
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });
});

describe("voiding", () => {
  it("posts a reversal exactly once and keeps the history", async () => {
    const { u, spaceId, checking } = await setup();
    const t = await post(u, { spaceId, accountId: checking.id, amount: -100, description: "Mistake", date: "2024-05-01" });
    const del = () => callJson(`/v1/transactions/${t.body.id}`, { method: "DELETE", token: u.accessToken, ip: u.ip });
    const [a, b] = await Promise.all([del(), del()]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const ok = a.status === 200 ? a : b;
    expect(ok.body.transaction.status).toBe("cancelled");
    expect((await get(u, `/v1/accounts/${checking.id}`)).body.balance).toBe(1000);
    const ledger = await get(u, `/v1/spaces/${spaceId}/ledger/transactions/${t.body.ledgerTxid}`);
    expect(ledger.body.data.reverted).toBe(true);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("needs at least the member role", async () => {
    const { u, spaceId, checking } = await setup();
    const viewer = await registerUser();
    await addMember(u, spaceId, viewer, "viewer");
    const t = await post(u, { spaceId, accountId: checking.id, amount: -1, description: "x", date: "2024-05-01" });
    expect((await call(`/v1/transactions/${t.body.id}`, { token: viewer.accessToken, ip: viewer.ip })).status).toBe(200);
    expect((await call(`/v1/transactions/${t.body.id}`, { method: "DELETE", token: viewer.accessToken, ip: viewer.ip })).status).toBe(403);
    expect((await post(viewer, { spaceId, accountId: checking.id, amount: -1, description: "x", date: "2024-05-01" })).status).toBe(403);
  });
});

describe("idempotency on Dhanam writes", () => {
  it("20 concurrent creates with one key make one transaction; another body is refused", async () => {
    const { u, spaceId, checking } = await setup();
    const body = { spaceId, accountId: checking.id, amount: -3.33, description: "Once", date: "2024-06-01" };
    const rs = await Promise.all(Array.from({ length: 20 }, () => post(u, body, { "idempotency-key": "once" })));
    expect(new Set(rs.map((r) => r.status))).toEqual(new Set([201]));
    expect(new Set(rs.map((r) => r.body.id)).size).toBe(1);
    expect(rs.filter((r) => r.res.headers.get("idempotency-replayed") === "true")).toHaveLength(19);
    const other = await post(u, { ...body, amount: -4 }, { "idempotency-key": "once" });
    expect(other.body.error.code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect((await get(u, `/v1/accounts/${checking.id}`)).body.balance).toBe(996.67);
  });
});

describe("investment trades", () => {
  it("price exactly, hold units, charge fees and feed the trade history", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const broker = await createAccount(u, space.id, { name: "Brokerage", type: "brokerage", openingBalance: 10000 });
    const terms = {
      spaceId: space.id, accountId: broker.id, description: "Apple", date: "2024-07-01T15:00:00Z",
      trade: { symbol: "AAPL", side: "buy", quantity: "3", unitPrice: "190.333", fees: "1.05" },
    };
    // A type or subtype beside the trade is refused by name (it was dropped without a word).
    const typed = await post(u, { ...terms, type: "income", subtype: "dividend" });
    expect(typed.status).toBe(422);
    expect(typed.body.error.details.map((d: any) => `${d.field}:${d.code}`)).toEqual(["type:NOT_ALLOWED", "subtype:NOT_ALLOWED"]);
    // An amount that is not what the terms move is refused, naming the amount to send in the unit it is sent in.
    const mismatch = await post(u, { ...terms, amount: "-572.00" });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.error.details[0]).toMatchObject({ field: "amount", code: "AMOUNT_MISMATCH", message: 'A buy of these terms moves -572.05 USD of cash; omit amount or send "-572.05"' });
    const buy = await post(u, { ...terms, amount: "-572.05" });
    expect(buy.status).toBe(201);
    // 3 x 190.333 = 570.999 -> 571.00, plus 1.05 fees.
    expect(buy.body).toMatchObject({ type: "trade", subtype: "buy", amount: -572.05 });
    expect(buy.body.trade).toMatchObject({ symbol: "AAPL", gross: "571.00", fees: "1.05", quantity: "3.00000000" });
    const holding = await get(u, `/v1/spaces/${space.id}/ledger/accounts/accounts:${broker.id}`);
    expect(holding.body.data.balances).toEqual({ "USD/2": 942795, "AAPL/8": 300000000 });

    const oversell = await post(u, {
      spaceId: space.id, accountId: broker.id, description: "Apple", date: "2024-07-02",
      trade: { symbol: "AAPL", side: "sell", quantity: "3.5", unitPrice: "200" },
    });
    expect(oversell.body.error.code).toBe("INSUFFICIENT_FUNDS");
    const sell = await post(u, {
      spaceId: space.id, accountId: broker.id, description: "Apple", date: "2024-07-03",
      trade: { symbol: "AAPL", side: "sell", quantity: "1.5", unitPrice: "200", fees: 0.5 },
    });
    expect(sell.body.amount).toBe(299.5);
    // Units for less than half a cent would be bought for nothing: refused. A unit price of 0 (a grant) is written.
    const dust = await post(u, { spaceId: space.id, accountId: broker.id, description: "Dust", date: "2024-07-03", trade: { symbol: "ETH", side: "buy", quantity: "0.333", unitPrice: "0.01" } });
    expect([dust.status, dust.body.error.details[0]]).toEqual([422, expect.objectContaining({ field: "trade", code: "INVALID_AMOUNT" })]);
    const grant = await post(u, { spaceId: space.id, accountId: broker.id, description: "Grant", date: "2024-08-03", trade: { symbol: "MSFT", side: "buy", quantity: "2", unitPrice: "0" } });
    expect([grant.status, grant.body.trade?.gross]).toEqual([201, "0.00"]);

    const trades = await get(u, `/v1/trades?spaceId=${space.id}&from=2024-07-01&to=2024-07-31`);
    expect(trades.body.map((t: any) => [t.transactionType, t.tradingSymbol, t.tradedQuantity, t.fees, t.netAmount])).toEqual([
      ["SELL", "AAPL", "1.50000000", "0.50", "299.50"],
      ["BUY", "AAPL", "3.00000000", "1.05", "-572.05"],
    ]);
    expect((await get(u, `/v1/trades?spaceId=${space.id}&page=1`)).body).toEqual([]);
    expect(await ledgerViolations(space.id)).toEqual([]);
  });
});

describe("statement", () => {
  it("shows debit, credit and running balance consistent with the account balance", async () => {
    const { u, spaceId, checking } = await setup();
    await post(u, { spaceId, accountId: checking.id, amount: -100, description: "Rent", merchantName: "Landlord", date: "2030-01-05" });
    await post(u, { spaceId, accountId: checking.id, amount: 50.25, description: "Refund", date: "2030-01-10" });
    await post(u, { spaceId, accountId: checking.id, amount: -0.25, description: "Fee", date: "2030-02-01", type: "fee" });
    const s = await get(u, `/v1/accounts/${checking.id}/ledger?from=2030-01-01&to=2030-01-31`);
    expect(s.status).toBe(200);
    expect(s.body).toMatchObject({ openingBalance: "1000.00", closingBalance: "950.25", totalDebit: "100.00", totalCredit: "50.25" });
    expect(s.body.entries.map((e: any) => [e.narration, e.debit, e.credit, e.runningBalance])).toEqual([
      ["Rent (Landlord)", "100.00", "0.00", "900.00"],
      ["Refund", "0.00", "50.25", "950.25"],
    ]);
    const all = await get(u, `/v1/accounts/${checking.id}/ledger?from=2000-01-01&to=2100-01-01`);
    expect(all.body.closingBalance).toBe("950.00");
    expect(Number(all.body.closingBalance)).toBe((await get(u, `/v1/accounts/${checking.id}`)).body.balance);
    expect((await get(u, `/v1/accounts/${checking.id}/ledger?from=2030-02-01&to=2030-01-01`)).status).toBe(422);
  });

  it("names a refusal by the body's own field: an overdraft is the amount's, not a posting's in minor units", async () => {
    const { u, spaceId, checking } = await setup();
    const savings = (await callJson("/v1/accounts", { token: u.accessToken, ip: u.ip, body: { spaceId, name: "Savings", type: "savings", currency: "USD" } })).body;
    for (const [path, body] of [
      ["/v1/transactions", { spaceId, accountId: checking.id, amount: "-5000.00", description: "Too much", date: "2030-01-05" }],
      ["/v1/transactions/transfer", { spaceId, fromAccountId: checking.id, toAccountId: savings.id, amount: "5000.00", description: "Too much", date: "2030-01-05" }],
    ] as const) {
      const r = await callJson(path, { token: u.accessToken, ip: u.ip, body });
      expect(r.status, path).toBe(422);
      expect(r.body.error.details, path).toEqual([{ field: "amount", code: "INSUFFICIENT_FUNDS", message: "Would take the account below zero, which it may not go" }]);
      // The message too, in the account's terms: no ledger address ("accounts:acc_…") or asset ("USD/2").
      expect(r.body.error.message, path).toBe("Insufficient funds: the account may not go below zero (PATCH it with allowOverdraft: true if it may)");
    }
  });

  it("names a reversal by the ledger's own record, not by metadata any member may rewrite", async () => {
    const { u, spaceId, checking } = await setup();
    const rent = await post(u, { spaceId, accountId: checking.id, amount: -100, description: "Rent", date: "2030-01-05" });
    expect((await call(`/v1/transactions/${rent.body.id}`, { method: "DELETE", token: u.accessToken, ip: u.ip })).status).toBe(200);
    const ledger = await get(u, `/v1/spaces/${spaceId}/ledger/transactions?pageSize=1`);
    const reversal = ledger.body.cursor.data[0];
    expect(reversal.metadata.revertOf).toBeDefined();
    const put = await callJson(`/v1/spaces/${spaceId}/ledger/transactions/${reversal.txid}/metadata`, {
      method: "PUT", token: u.accessToken, ip: u.ip, body: { revertOf: "1 (refund approved by the bank)" },
    });
    expect(put.status).toBe(204);
    const s = await get(u, `/v1/accounts/${checking.id}/ledger?from=2030-01-01&to=2030-01-31`);
    expect(s.body.entries.map((e: any) => e.narration)).toEqual(["Rent", `Reversal of ledger transaction ${reversal.txid - 1}`]);
  });
});
