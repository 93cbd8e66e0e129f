/**
 * Money-moving bodies say exactly what they mean: a field the route does not
 * know, or a currency that is not the account's, is a 422 and nothing moves.
 */
import { describe, expect, it } from "vitest";
import { callJson, createSpace, registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { ledgerViolations } from "../invariants/ledger-invariants";

describe("money-moving bodies", () => {
  it("refuse a currency other than the account's instead of booking the account's", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const usd = await createAccount(u, space.id, { openingBalance: 100 });
    const savings = await createAccount(u, space.id, { name: "Savings", type: "savings" });
    const post = (path: string, body: unknown) => callJson(path, { token: u.accessToken, ip: u.ip, body });
    const expense = await post("/v1/transactions", { spaceId: space.id, accountId: usd.id, amount: -10, currency: "MXN", description: "x", date: "2024-01-01" });
    expect(expense.status).toBe(422);
    expect(expense.body.error.details).toEqual([expect.objectContaining({ field: "currency", code: "CURRENCY_MISMATCH" })]);
    const transfer = await post("/v1/transactions/transfer", { spaceId: space.id, fromAccountId: usd.id, toAccountId: savings.id, amount: 5, currency: "EUR", description: "x", date: "2024-01-01" });
    expect(transfer.body.error.details).toEqual([expect.objectContaining({ field: "currency", code: "CURRENCY_MISMATCH" })]);
    // The account's own currency is accepted.
    expect((await post("/v1/transactions", { spaceId: space.id, accountId: usd.id, amount: -10, currency: "USD", description: "x", date: "2024-01-01" })).status).toBe(201);
    expect((await callJson(`/v1/accounts/${usd.id}`, { token: u.accessToken, ip: u.ip })).body.balanceDecimal).toBe("90.00");
  });

  it("refuse unknown fields on every money-moving route, naming the field", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const a = await createAccount(u, space.id, { openingBalance: 100 });
    const b = await createAccount(u, space.id, { name: "B" });
    const broker = await createAccount(u, space.id, { name: "Broker", type: "brokerage", openingBalance: 100 });
    const tx = (await callJson("/v1/transactions", { token: u.accessToken, ip: u.ip, body: { spaceId: space.id, accountId: a.id, amount: -1, description: "x", date: "2024-01-01" } })).body;
    const posting = { source: "world", destination: "users:a", amount: 1, asset: "USD/2" };
    const cases: [string, string, Record<string, unknown>, string][] = [
      ["POST", "/v1/transactions", { spaceId: space.id, accountId: a.id, amount: -1, description: "x", date: "2024-01-01", fx: 1.2 }, "fx"],
      ["POST", "/v1/transactions", { spaceId: space.id, accountId: broker.id, description: "x", date: "2024-01-01", trade: { symbol: "AAPL", side: "buy", quantity: "1", unitPrice: "1", currency: "EUR" } }, "trade.currency"],
      ["POST", "/v1/transactions/transfer", { spaceId: space.id, fromAccountId: a.id, toAccountId: b.id, amount: 1, description: "x", date: "2024-01-01", rate: 2 }, "rate"],
      ["PATCH", `/v1/transactions/${tx.id}`, { notes: "n", amount: 5 }, "amount"],
      ["POST", "/v1/transactions/bulk-categorize", { spaceId: space.id, transactionIds: [tx.id], categoryId: "cat_x", amount: 5 }, "amount"],
      ["POST", "/v1/accounts", { spaceId: space.id, name: "C", type: "checking", currency: "USD", openingBalance: "5", balance: "9" }, "balance"],
      ["PATCH", `/v1/accounts/${a.id}`, { name: "A", balance: 9 }, "balance"],
      ["POST", `/v1/spaces/${space.id}/ledger/transactions`, { postings: [posting], amounts: [1] }, "amounts"],
      ["POST", `/v1/spaces/${space.id}/ledger/transactions`, { postings: [{ ...posting, currency: "EUR" }] }, "postings.0.currency"],
      ["POST", `/v1/spaces/${space.id}/ledger/transactions/batch`, { transactions: [{ postings: [posting] }], atomic: false }, "atomic"],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await callJson(path, { method, token: u.accessToken, ip: u.ip, body });
      expect(res.status, `${method} ${path}`).toBe(422);
      expect(res.body.error.details, `${method} ${path}`).toContainEqual(expect.objectContaining({ field, code: "UNKNOWN_FIELD" }));
    }
    const stats = await callJson(`/v1/spaces/${space.id}/ledger/stats`, { token: u.accessToken, ip: u.ip });
    expect(stats.body.data.transactions).toBe(3); // two opening balances and the one expense
  });

  it("take exact small and large JSON numbers that JavaScript writes with an exponent", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const crypto = await createAccount(u, space.id, { name: "Exchange", type: "crypto", openingBalance: "100.00" });
    const buy = await callJson("/v1/transactions", {
      token: u.accessToken, ip: u.ip,
      // 0.00000001 BTC is written 1e-8 by JavaScript; BTC and ETH trade in a crypto account. (At 500,000 a coin it
      // costs half a cent, rounded once to 0.01: a trade worth less than that is refused.)
      body: { spaceId: space.id, accountId: crypto.id, description: "Sats", date: "2024-01-01", trade: { symbol: "BTC", side: "buy", quantity: 0.00000001, unitPrice: 5e5 } },
    });
    expect(buy.status).toBe(201);
    expect(buy.body.trade).toMatchObject({ symbol: "BTC", quantity: "0.00000001", unitPrice: "500000.00000000", gross: "0.01" });
    const holding = await callJson(`/v1/spaces/${space.id}/ledger/accounts/accounts:${crypto.id}`, { token: u.accessToken, ip: u.ip });
    expect(holding.body.data.balances["BTC/8"]).toBe(1);
  });

  it("refuse a trade whose cash with its fees is past what an amount holds exactly, though its value alone fits", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const broker = await createAccount(u, space.id, { type: "investment", name: "Broker", openingBalance: "1.00", allowOverdraft: true });
    const post = (trade: Record<string, string>) =>
      callJson("/v1/transactions", { token: u.accessToken, ip: u.ip, body: { spaceId: space.id, accountId: broker.id, description: "Big buy", date: "2025-01-02", trade: { symbol: "AAPL", side: "buy", ...trade } } });
    // 90,071,992,547,409.91 of value is 2^53 - 1 cents; with 0.02 of fees the cash is past it.
    const over = await post({ quantity: "90071992.54740991", unitPrice: "1000000", fees: "0.02" });
    expect(over.status).toBe(422);
    expect(over.body.error.details[0]).toMatchObject({ field: "trade", code: "TOO_BIG" });
    // Without the fees it fits, and the row's cash is exact.
    const at = await post({ quantity: "90071992.54740991", unitPrice: "1000000" });
    expect(at.status).toBe(201);
    expect(at.body.amountDecimal).toBe("-90071992547409.91");
    expect(await ledgerViolations(space.id)).toEqual([]);
  });

  it("refuse a trade of the coin an account is denominated in (units and cash would be one asset)", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const wallet = await createAccount(u, space.id, { name: "Cold wallet", type: "crypto", currency: "BTC", openingBalance: "2" });
    for (const side of ["buy", "sell"]) {
      const res = await callJson("/v1/transactions", {
        token: u.accessToken, ip: u.ip,
        body: { spaceId: space.id, accountId: wallet.id, description: "BTC", date: "2024-01-01", trade: { symbol: "BTC", side, quantity: "1", unitPrice: "1" } },
      });
      expect(res.status, side).toBe(422);
      expect(res.body.error.details[0]).toMatchObject({ field: "trade.symbol", code: "INVALID_SYMBOL" });
    }
    // ETH in the BTC wallet is a trade of another asset, as before.
    const eth = await callJson("/v1/transactions", {
      token: u.accessToken, ip: u.ip,
      body: { spaceId: space.id, accountId: wallet.id, description: "ETH", date: "2024-01-01", trade: { symbol: "ETH", side: "buy", quantity: "2", unitPrice: "0.05" } },
    });
    expect(eth.status).toBe(201);
    expect(await ledgerViolations(space.id)).toEqual([]);
  });

  it("refuse a trade in an account that holds no securities", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const checking = await createAccount(u, space.id, { openingBalance: 100 });
    const res = await callJson("/v1/transactions", {
      token: u.accessToken, ip: u.ip,
      body: { spaceId: space.id, accountId: checking.id, description: "x", date: "2024-01-01", trade: { symbol: "AAPL", side: "buy", quantity: "1", unitPrice: "1" } },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.details[0]).toMatchObject({ field: "trade", code: "INVALID_ACCOUNT_TYPE" });
  });

  it("refuse a currency code as a trade's symbol, in any account, saying so", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const broker = await createAccount(u, space.id, { type: "brokerage", openingBalance: 100 });
    for (const symbol of ["USD", "MXN"]) {
      const res = await callJson("/v1/transactions", {
        token: u.accessToken, ip: u.ip,
        body: { spaceId: space.id, accountId: broker.id, description: "x", date: "2024-01-01", trade: { symbol, side: "buy", quantity: "1", unitPrice: "1" } },
      });
      expect(res.status).toBe(422);
      expect(res.body.error.details[0]).toMatchObject({ field: "trade.symbol", code: "INVALID_SYMBOL", message: `${symbol} is a currency, not a security or coin: a trade buys or sells units of one` });
    }
    expect(await ledgerViolations(space.id)).toEqual([]);
  });
});
