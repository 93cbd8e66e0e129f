import { describe, expect, it } from "vitest";
import { callJson, createSpace, registerUser } from "./helpers";
import { createAccount } from "./accounts/helpers";
import { ledgerViolations } from "./invariants/ledger-invariants";

describe("review: trades", () => {
  it("a BTC trade in a BTC-denominated crypto account keeps rows and ledger agreeing", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const wallet = await createAccount(u, space.id, { name: "Cold wallet", type: "crypto", currency: "BTC", openingBalance: "2" });
    const buy = await callJson("/v1/transactions", {
      token: u.accessToken, ip: u.ip,
      body: { spaceId: space.id, accountId: wallet.id, description: "Buy BTC", date: "2024-01-01", trade: { symbol: "BTC", side: "buy", quantity: "1", unitPrice: "1" } },
    });
    console.log("buy", buy.status, JSON.stringify(buy.body).slice(0, 400));
    const acc = await callJson(`/v1/accounts/${wallet.id}`, { token: u.accessToken, ip: u.ip });
    const list = await callJson(`/v1/transactions?spaceId=${space.id}&accountId=${wallet.id}`, { token: u.accessToken, ip: u.ip });
    const rowsSum = list.body.transactions.reduce((s: number, t: any) => s + Number(t.amountDecimal), 0);
    console.log("balance", acc.body.balanceDecimal, "rows sum", rowsSum);
    const v = await ledgerViolations(space.id);
    console.log("violations", v);
    expect(buy.status).toBe(201);
    expect(v).toEqual([]);
  });
});
