/**
 * A manual write's reads before the ledger: the session, the account, the
 * role, and the category named or what choosing one needs (the space's rules
 * and model), in one D1 round trip of the request's own (the ledger object's
 * batch is its own, and carries the budget read). The reads that choose a
 * category are guarded by the caller's access, so they answer a stranger nothing.
 */
import { describe, expect, it } from "vitest";
import { createAccount } from "../accounts/helpers";
import { countingApp } from "../counting-app";
import { addMember, callJson, createSpace, registerUser, type TestUser } from "../helpers";

async function coffeeSpace() {
  const owner = await registerUser();
  const space = await createSpace(owner);
  const acc = await createAccount(owner, space.id, { openingBalance: "500.00" });
  const cat = await callJson("/v1/categories", {
    token: owner.accessToken, ip: owner.ip,
    body: { spaceId: space.id, name: "Coffee", type: "expense", rules: [{ condition: "merchant_contains", value: "starbucks", priority: 10 }] },
  });
  expect(cat.status).toBe(201);
  return { owner, spaceId: space.id as string, accountId: acc.id as string, coffeeId: cat.body.id as string };
}

const spend = (s: { spaceId: string; accountId: string }, extra: object = {}) =>
  ({ spaceId: s.spaceId, accountId: s.accountId, amount: "-4.50", description: "morning", date: "2026-03-01", ...extra });

describe("a manual write's reads before the ledger", () => {
  it("take one round trip, whether the category is named, chosen by a rule, or not found", async () => {
    const s = await coffeeSpace();
    const { post } = countingApp();
    const ruled = await post(s.owner, "/v1/transactions", spend(s, { merchantName: "STARBUCKS #12" }));
    expect(ruled.status, JSON.stringify(ruled.body)).toBe(201);
    expect(ruled.body).toMatchObject({ category: { id: s.coffeeId, name: "Coffee" }, categorySource: "rule", amountDecimal: "-4.50" });
    expect(ruled.trips).toBe(1);

    const named = await post(s.owner, "/v1/transactions", spend(s, { categoryId: s.coffeeId, merchantName: "Corner shop" }));
    expect(named.status).toBe(201);
    expect(named.body).toMatchObject({ category: { id: s.coffeeId }, categorySource: "manual" });
    expect(named.trips).toBe(1);

    const none = await post(s.owner, "/v1/transactions", spend(s, { merchantName: "Hardware store" }));
    expect(none.status).toBe(201);
    expect(none.body).toMatchObject({ category: null, categorySource: null });
    expect(none.trips).toBe(1);

    // A positive amount is income: the same reads serve either sign.
    const income = await post(s.owner, "/v1/transactions", spend(s, { amount: "100.00", description: "refund", merchantName: "STARBUCKS #12" }));
    expect(income.status).toBe(201);
    expect(income.body).toMatchObject({ type: "income", category: { id: s.coffeeId }, categorySource: "rule" });
    expect(income.trips).toBe(1);
  });

  it("answer a stranger and a viewer as before, in the same round trip, and write nothing for them", async () => {
    const s = await coffeeSpace();
    const stranger: TestUser = await registerUser();
    const theirs = await createSpace(stranger);
    const theirAccount = await createAccount(stranger, theirs.id, { openingBalance: "10.00" });
    const viewer = await registerUser();
    await addMember(s.owner, s.spaceId, viewer, "viewer");
    const { post } = countingApp();

    const foreignAccount = await post(stranger, "/v1/transactions", spend(s, { merchantName: "STARBUCKS" }));
    expect(foreignAccount.status).toBe(404);
    expect(foreignAccount.trips).toBe(1);
    // Their own account, the owner's space: refused on the account's space; the owner's rules were read for nobody.
    const foreignSpace = await post(stranger, "/v1/transactions", { ...spend(s, { merchantName: "STARBUCKS" }), accountId: theirAccount.id });
    expect(foreignSpace.status).toBe(422);
    expect(foreignSpace.body.error.details[0]).toMatchObject({ field: "accountId", code: "WRONG_SPACE" });
    expect(foreignSpace.trips).toBe(1);
    const asViewer = await post(viewer, "/v1/transactions", spend(s, { merchantName: "STARBUCKS" }));
    expect(asViewer.status).toBe(403);
    expect(asViewer.trips).toBe(1);

    const list = await callJson(`/v1/transactions?spaceId=${s.spaceId}&limit=50`, { token: s.owner.accessToken, ip: s.owner.ip });
    expect(list.body.transactions.map((t: { description: string }) => t.description)).toEqual(["Opening balance"]);
  });
});
