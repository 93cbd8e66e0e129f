/**
 * A void takes back money the cached forecast counted: the cached forecast is not served after one, whatever
 * the voided entry's date (a new entry, by contrast, is one more change the cache reports in `changesSince`).
 */
import { describe, expect, it } from "vitest";
import { callJson, registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { api, localDays, ok } from "./fixture";

describe("the cached forecast and voids", () => {
  it("recomputes after a past-dated expense is voided (DELETE /v1/transactions/{id})", async () => {
    const u = await registerUser();
    const a = api(u);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "F", type: "personal", currency: "USD", timezone: "UTC" }))).id as string;
    const { day } = localDays("UTC");
    const acc = await createAccount(u, spaceId, { name: "Checking", openingBalance: "10000.00" });
    const big = await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-1800.00", date: day(-1), description: "Laptop" }));
    const before = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
    expect(before.accounts[0].currentBalanceDecimal).toBe("8200.00");

    const voided = await callJson(`/v1/transactions/${big.id}`, { method: "DELETE", token: u.accessToken, ip: u.ip });
    expect(voided.status).toBe(200);
    const after = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
    expect(after.cache.hit).toBe(false);
    expect(after.accounts[0].currentBalanceDecimal).toBe("10000.00");
    expect(after.summary.totalProjectedExpensesDecimal).toBe("0.00");
    // A new past-dated entry is still a change the cache reports rather than a reason to recompute.
    await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-3.00", date: day(-1), description: "Gum" }));
    expect((await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`))).cache).toMatchObject({ hit: true, changesSince: 1 });
  });

  it("recomputes after a past-dated entry is reverted through the ledger API", async () => {
    const u = await registerUser();
    const a = api(u);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "F", type: "personal", currency: "USD", timezone: "UTC" }))).id as string;
    const { day } = localDays("UTC");
    const acc = await createAccount(u, spaceId, { name: "Checking", openingBalance: "500.00" });
    const tx = await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-80.00", date: day(-3), description: "Car repair" }));
    expect((await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`))).accounts[0].currentBalanceDecimal).toBe("420.00");
    await ok(a.post(`/v1/spaces/${spaceId}/ledger/transactions/${tx.ledgerTxid}/revert`, {}));
    const f = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
    expect(f.cache.hit).toBe(false);
    expect(f.accounts[0].currentBalanceDecimal).toBe("500.00");
  });
});
