import { describe, expect, it } from "vitest";
import { callJson, createSpace, registerUser } from "./helpers";
import { createAccount } from "./accounts/helpers";

describe("review: amount_between rules", () => {
  it("a bound with more decimals than the account's currency does not break uncategorized writes", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const usd = await createAccount(u, space.id, { openingBalance: "100" });
    const jpy = await createAccount(u, space.id, { name: "Yen", currency: "JPY", openingBalance: "10000" });
    const cat = await callJson("/v1/categories", {
      token: u.accessToken, ip: u.ip,
      body: { spaceId: space.id, name: "Small", type: "expense", rules: [{ condition: "amount_between", value: { min: "0.50", max: "20.005" } }] },
    });
    expect(cat.status).toBe(201);
    const usdWrite = await callJson("/v1/transactions", { token: u.accessToken, ip: u.ip, body: { spaceId: space.id, accountId: usd.id, amount: "-5.00", description: "Coffee", date: "2024-01-01" } });
    console.log("usd", usdWrite.status, JSON.stringify(usdWrite.body).slice(0, 300));
    const jpyWrite = await callJson("/v1/transactions", { token: u.accessToken, ip: u.ip, body: { spaceId: space.id, accountId: jpy.id, amount: "-500", description: "Ramen", date: "2024-01-01" } });
    console.log("jpy", jpyWrite.status, JSON.stringify(jpyWrite.body).slice(0, 300));
    const apply = await callJson("/v1/categories/apply-rules", { token: u.accessToken, ip: u.ip, body: { spaceId: space.id, dryRun: true } });
    console.log("apply", apply.status, JSON.stringify(apply.body).slice(0, 300));
    const predict = await callJson("/v1/ml/predict", { token: u.accessToken, ip: u.ip, body: { spaceId: space.id, description: "Coffee", amount: -5 } });
    console.log("predict", predict.status, JSON.stringify(predict.body).slice(0, 300));
    expect(usdWrite.status).toBe(201);
    expect(jpyWrite.status).toBe(201);
    expect(apply.status).toBe(200);
  });
});
