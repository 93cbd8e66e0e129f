/**
 * Deleting a category into another (`DELETE ?reassignTo=`) is a merge: what watched, categorized or was
 * learned for the deleted category carries on in the target, which must therefore be of the same type.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callJson, createSpace, registerUser, type TestUser } from "../helpers";
import { createAccount } from "../accounts/helpers";

const api = (u: TestUser) => ({
  get: (path: string) => callJson(path, { token: u.accessToken, ip: u.ip }),
  post: (path: string, body: unknown) => callJson(path, { token: u.accessToken, ip: u.ip, body }),
  del: (path: string) => callJson(path, { method: "DELETE", token: u.accessToken, ip: u.ip }),
});

async function setup() {
  const u = await registerUser();
  const a = api(u);
  const space = await createSpace(u);
  const acc = await createAccount(u, space.id, { openingBalance: 5000 });
  const list = (await a.get(`/v1/categories?spaceId=${space.id}`)).body as { id: string; name: string }[];
  const system = (name: string) => list.find((c) => c.name === name)!.id;
  const category = async (name: string, extra: object = {}) => {
    const r = await a.post("/v1/categories", { spaceId: space.id, name, type: "expense", ...extra });
    if (r.status !== 201) throw new Error(JSON.stringify(r.body));
    return r.body.id as string;
  };
  const spend = async (body: object) => {
    const r = await a.post("/v1/transactions", { spaceId: space.id, accountId: acc.id, amount: "-20.00", date: new Date().toISOString(), description: "purchase", ...body });
    if (r.status !== 201) throw new Error(JSON.stringify(r.body));
    return r.body;
  };
  return { a, spaceId: space.id as string, system, category, spend };
}

describe("deleting a category into another", () => {
  it("refuses a target of another type, and changes nothing", async () => {
    const { a, spaceId, system, category, spend } = await setup();
    const fun = await category("Fun");
    const t = await spend({ categoryId: fun });
    const b = await a.post("/v1/budgets", { spaceId, name: "Fun", amount: "50", period: "monthly", categoryIds: [fun] });
    const r = await a.del(`/v1/categories/${fun}?reassignTo=${system("Salary")}`);
    expect(r.status).toBe(422);
    expect(r.body.error.details).toEqual([expect.objectContaining({ field: "reassignTo", code: "CATEGORY_TYPE_MISMATCH" })]);
    expect(r.body.error.details[0].message).toContain("an expense category");
    expect((await a.get(`/v1/transactions/${t.id}`)).body.category.id).toBe(fun);
    expect((await a.get(`/v1/budgets/${b.body.id}`)).body).toMatchObject({ spentDecimal: "20.00", categories: [{ id: fun }] });
  });

  it("moves the deleted category's rules and learned counts to the target", async () => {
    const { a, spaceId, system, category, spend } = await setup();
    const kebab = await category("Kebab", { rules: [{ condition: "merchant_contains", value: "istanbul", priority: 10 }] });
    const restaurants = system("Restaurants");
    expect((await spend({ merchantName: "ISTANBUL KEBAP" })).category.id).toBe(kebab);
    const deli = await spend({ merchantName: "ZORBA DELI", description: "gyro plate" });
    expect((await a.post("/v1/ml/corrections", { transactionId: deli.id, correctedCategoryId: kebab })).status).toBe(201);
    const learned = () => env.DB.prepare("SELECT category_id, docs FROM ml_category_stats WHERE space_id = ?").bind(spaceId).all<{ category_id: string; docs: number }>();
    expect((await learned()).results).toEqual([{ category_id: kebab, docs: 1 }]);

    const r = await a.del(`/v1/categories/${kebab}?reassignTo=${restaurants}`);
    expect(r.body).toEqual({ deleted: kebab, reassignedTo: restaurants, movedTransactions: 2, movedRules: 1 });
    const target = (await a.get(`/v1/categories?spaceId=${spaceId}`)).body.find((c: { id: string }) => c.id === restaurants);
    expect(target.rules).toEqual([expect.objectContaining({ condition: "merchant_contains", value: "istanbul", priority: 10 })]);
    expect(await spend({ merchantName: "ISTANBUL KEBAP" })).toMatchObject({ category: { id: restaurants }, categorySource: "rule" });
    expect((await learned()).results).toEqual([{ category_id: restaurants, docs: 1 }]);
    expect((await a.post("/v1/ml/predict", { spaceId, description: "gyro plate", merchantName: "ZORBA DELI" })).body.categoryId).toBe(restaurants);
  });
});

describe("deleting a parent category", () => {
  it("leaves its budgets watching the subcategories that move up", async () => {
    const { a, spaceId, category, spend } = await setup();
    const kids = await category("Kids");
    const school = await category("School", { parentId: kids });
    await spend({ categoryId: school, amount: "-123.45" });
    const b = (await a.post("/v1/budgets", { spaceId, name: "Kids", amount: "500", period: "monthly", categoryIds: [kids] })).body;
    expect(b.spentDecimal).toBe("123.45");
    const r = await a.del(`/v1/categories/${kids}`);
    expect(r.body).toEqual({ deleted: kids, reassignedTo: null, movedTransactions: 0, movedRules: 0 });
    const after = (await a.get(`/v1/budgets/${b.id}`)).body;
    expect(after).toMatchObject({ spentDecimal: "123.45", categories: [{ id: school, name: "School", spentDecimal: "123.45" }] });
  });

  it("with reassignTo, the budget watches the target and the subcategories that moved up", async () => {
    const { a, spaceId, category, spend } = await setup();
    const kids = await category("Kids");
    const school = await category("School", { parentId: kids });
    const family = await category("Family");
    await spend({ categoryId: school, amount: "-100.00" });
    await spend({ categoryId: kids, amount: "-5.00" });
    const b = (await a.post("/v1/budgets", { spaceId, name: "Kids", amount: "500", period: "monthly", categoryIds: [kids] })).body;
    expect(b.spentDecimal).toBe("105.00");
    expect((await a.del(`/v1/categories/${kids}?reassignTo=${family}`)).body).toEqual({ deleted: kids, reassignedTo: family, movedTransactions: 1, movedRules: 0 });
    const after = (await a.get(`/v1/budgets/${b.id}`)).body;
    expect(after.spentDecimal).toBe("105.00");
    expect(after.categories.map((c: { id: string }) => c.id).sort()).toEqual([family, school].sort());
  });
});
