/**
 * A manual write's reads before the ledger: the session, the account, the
 * role, and the category named or what choosing one needs (the space's rules
 * and model), in one D1 round trip of the request's own (the ledger object's
 * batch is its own, and carries the budget read), or none for a writer's
 * categorized write once it has passed them. The reads that choose a
 * category are guarded by the caller's access, so they answer a stranger nothing.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { categorizerReads, featuresOf } from "../../src/modules/categories/auto";
import { accessGuard } from "../../src/modules/spaces/access";
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
  it("take one round trip, whether the category is named, chosen by a rule, or not found, and none once remembered", async () => {
    const s = await coffeeSpace();
    const { post } = countingApp();
    // The first write of this user to this account: the checks run in the request's own round trip.
    const named = await post(s.owner, "/v1/transactions", spend(s, { categoryId: s.coffeeId, merchantName: "Corner shop" }));
    expect(named.status).toBe(201);
    expect(named.body).toMatchObject({ category: { id: s.coffeeId }, categorySource: "manual" });
    expect(named.trips).toBe(1);

    const ruled = await post(s.owner, "/v1/transactions", spend(s, { merchantName: "STARBUCKS #12" }));
    expect(ruled.status, JSON.stringify(ruled.body)).toBe(201);
    expect(ruled.body).toMatchObject({ category: { id: s.coffeeId, name: "Coffee" }, categorySource: "rule", amountDecimal: "-4.50" });
    expect(ruled.trips).toBe(1);

    // The writer's next uncategorized writes choose from the rules that write read, with their version in
    // the ledger's guard (remembered-categorizer.test.ts): no round trip of the request's own.
    const none = await post(s.owner, "/v1/transactions", spend(s, { merchantName: "Hardware store" }));
    expect(none.status).toBe(201);
    expect(none.body).toMatchObject({ category: null, categorySource: null });
    expect(none.trips).toBe(0);

    // A positive amount is income: the same reads serve either sign.
    const income = await post(s.owner, "/v1/transactions", spend(s, { amount: "100.00", description: "refund", merchantName: "STARBUCKS #12" }));
    expect(income.status).toBe(201);
    expect(income.body).toMatchObject({ type: "income", category: { id: s.coffeeId }, categorySource: "rule" });
    expect(income.trips).toBe(0);

    // Once seen to pass them, the writer's next categorized write carries the checks into the ledger's
    // batch (remembered-writes.test.ts): no round trip of the request's own.
    const again = await post(s.owner, "/v1/transactions", spend(s, { categoryId: s.coffeeId, merchantName: "Corner shop" }));
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ category: { id: s.coffeeId, name: "Coffee" }, categorySource: "manual" });
    expect(again.trips).toBe(0);
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

describe("a transfer's reads before the ledger", () => {
  it("take one round trip for two accounts of the space, and answer every other case as before", async () => {
    const s = await coffeeSpace();
    const savings = await createAccount(s.owner, s.spaceId, { name: "Savings", type: "savings" });
    const { post } = countingApp();
    const move = (u: TestUser, extra: object = {}) =>
      post(u, "/v1/transactions/transfer", { spaceId: s.spaceId, fromAccountId: s.accountId, toAccountId: savings.id, amount: "1.25", date: "2026-03-01", description: "move", ...extra });
    const ok = await move(s.owner);
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body.to).toMatchObject({ accountId: savings.id, amountDecimal: "1.25", account: { id: savings.id, name: "Savings" } });
    expect(ok.trips).toBe(1);

    // Into another space of the same owner: refused on the destination's space, as before.
    const elsewhere = await createSpace(s.owner);
    const theirs = await createAccount(s.owner, elsewhere.id, { name: "Elsewhere" });
    const wrongSpace = await move(s.owner, { toAccountId: theirs.id });
    expect(wrongSpace.status).toBe(422);
    expect(wrongSpace.body.error.details[0]).toMatchObject({ field: "toAccountId", code: "WRONG_SPACE" });
    // Into a stranger's account: not found, nothing said of it.
    const stranger = await registerUser();
    const strangers = await createAccount(stranger, (await createSpace(stranger)).id, { name: "Secret" });
    const foreign = await move(s.owner, { toAccountId: strangers.id });
    expect(foreign.status).toBe(404);
    expect(JSON.stringify(foreign.body)).not.toContain("Secret");
    // A stranger naming the owner's accounts, and a viewer of the space: as before.
    expect((await move(stranger)).status).toBe(404);
    const viewer = await registerUser();
    await addMember(s.owner, s.spaceId, viewer, "viewer");
    expect((await move(viewer)).status).toBe(403);
    // From the viewer's own space into this one, where they only view: 403, as the destination's own checks answer.
    const viewersSpace = await createSpace(viewer);
    const viewersAccount = await createAccount(viewer, viewersSpace.id, { openingBalance: "5.00" });
    const intoViewed = await move(viewer, { fromAccountId: viewersAccount.id });
    expect(intoViewed.status).toBe(403);
    // A destination since deactivated: 409.
    expect((await callJson(`/v1/accounts/${savings.id}`, { token: s.owner.accessToken, ip: s.owner.ip, method: "PATCH", body: { isActive: false } })).status).toBe(200);
    const refused = await move(s.owner);
    expect(refused.status).toBe(409);
    // Named as the API names the account, with no ledger address.
    expect(refused.body.error.message).toBe(`Account ${savings.id} is disconnected or inactive; it accepts no new entries`);
    const stored = await env.DB.prepare("SELECT COUNT(*) AS n FROM transactions WHERE space_id = ? AND description = 'move'").bind(s.spaceId).first<{ n: number }>();
    expect(stored!.n).toBe(2);
    // What the new transfer showed is what was stored.
    const shown = await callJson(`/v1/transactions/${ok.body.from.id}`, { token: s.owner.accessToken, ip: s.owner.ip });
    expect(shown.body).toEqual(ok.body.from);

    // A keyed retry shows the first request's rows; an ended session is a 401 whatever else is wrong.
    const keyed = () => callJson("/v1/transactions/transfer", {
      token: s.owner.accessToken, ip: s.owner.ip, headers: { "idempotency-key": "transfer-key-1" },
      body: { spaceId: s.spaceId, fromAccountId: savings.id, toAccountId: s.accountId, amount: "0.25", date: "2026-03-01", description: "back" },
    });
    expect((await callJson(`/v1/accounts/${savings.id}`, { token: s.owner.accessToken, ip: s.owner.ip, method: "PATCH", body: { isActive: true } })).status).toBe(200);
    const once = await keyed();
    const twice = await keyed();
    expect(once.status).toBe(201);
    expect(twice.res.headers.get("idempotency-replayed")).toBe("true");
    expect(twice.body).toEqual(once.body);
    expect((await callJson("/v1/auth/logout", { token: s.owner.accessToken, ip: s.owner.ip, method: "POST" })).status).toBe(204);
    expect((await move(s.owner)).status).toBe(401);
    expect((await move(s.owner, { toAccountId: s.accountId })).status).toBe(401);
  });
});

describe("the reads that choose a category", () => {
  it("read the space's rules, categories and model for a member and nothing for a stranger", async () => {
    const s = await coffeeSpace();
    const stranger = await registerUser();
    // Teach the model one example, so that its tables hold rows of this space.
    const taught = await callJson("/v1/transactions", { token: s.owner.accessToken, ip: s.owner.ip, body: spend(s, { merchantName: "Blue Bottle #7" }) });
    const corrected = await callJson("/v1/ml/corrections", {
      token: s.owner.accessToken, ip: s.owner.ip, body: { transactionId: taught.body.id, correctedCategoryId: s.coffeeId },
    });
    expect(corrected.status, JSON.stringify(corrected.body)).toBe(201);
    const feats = featuresOf({ merchantName: "Blue Bottle #7", description: "morning" });
    const batch = (userId: string) => env.DB.batch(categorizerReads(env.DB, s.spaceId, feats, accessGuard(s.spaceId, userId, Date.now())));
    const read = async (userId: string) => (await batch(userId)).map((r) => r.results);
    const member = await read(s.owner.id);
    expect(member[1]).toEqual([{ n: expect.any(Number) }]);
    expect((member[1]![0] as { n: number }).n).toBeGreaterThan(0);
    expect(member[3]!.length).toBeGreaterThan(0); // the words' counts
    expect(member[4]!.length).toBe(1); // the rule
    expect(member[5]).toEqual([{ id: s.coffeeId, name: "Coffee", color: null, type: "expense" }]);
    // A stranger's batch names no space: every read is empty and the vocabulary counts nothing.
    expect(await read(stranger.id)).toEqual([[], [{ n: 0 }], [], [], [], [], []]);
    // Nor does it walk the space's rows to find that out: the guard decides the index key, once.
    const rowsRead = async (userId: string) => (await batch(userId))[1]!.meta.rows_read;
    const tokens = (member[3] as unknown[]).length;
    expect(await rowsRead(s.owner.id)).toBeGreaterThanOrEqual(tokens);
    expect(await rowsRead(stranger.id)).toBeLessThan(tokens);
  });

  it("put the guard inside the space's index key, where SQLite decides it once", async () => {
    const [, count] = categorizerReads(env.DB, "spc_x", ["w"], accessGuard("spc_x", "usr_x", Date.now()));
    const explained = env.DB.prepare(`EXPLAIN QUERY PLAN ${(count as unknown as { statement: string }).statement}`)
      .bind(...(count as unknown as { params: unknown[] }).params);
    const steps = (await explained.all<{ detail: string }>()).results.map((r) => r.detail);
    expect(steps.some((d) => /SEARCH ml_token_counts USING .*INDEX.*\(space_id=\?\)/.test(d)), steps.join(" | ")).toBe(true);
    // `(SELECT ? WHERE guard)`: a subquery over a constant row.
    expect(steps).toContain("SCAN CONSTANT ROW");
  });

  it("hold the words of either sign, since the amount is parsed after the batch", () => {
    const feats = featuresOf({ merchantName: "Shop", description: "refund" });
    expect(feats).toEqual(expect.arrayContaining(["sign:in", "sign:out", "m:shop"]));
  });
});

