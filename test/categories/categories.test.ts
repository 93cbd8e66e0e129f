import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callJson, createSpace, registerUser, type TestUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { compileSafeRegex } from "../../src/lib/safe-regex";
import { MAX_SPACE_REGEX_STATES } from "../../src/modules/categories/rule-budget";

const api = (u: TestUser) => ({
  get: (path: string) => callJson(path, { token: u.accessToken, ip: u.ip }),
  post: (path: string, body: unknown) => callJson(path, { token: u.accessToken, ip: u.ip, body }),
  patch: (path: string, body: unknown) => callJson(path, { method: "PATCH", token: u.accessToken, ip: u.ip, body }),
  del: (path: string) => callJson(path, { method: "DELETE", token: u.accessToken, ip: u.ip }),
});

async function setup(locale = "en") {
  const u = await registerUser({ locale });
  const space = await createSpace(u);
  const acc = await createAccount(u, space.id, { openingBalance: 5000 });
  return { u, a: api(u), spaceId: space.id, acc };
}

async function category(a: ReturnType<typeof api>, spaceId: string, name: string, rules: unknown[] = [], extra: object = {}) {
  const r = await a.post("/v1/categories", { spaceId, name, type: "expense", rules, ...extra });
  if (r.status !== 201) throw new Error(JSON.stringify(r.body));
  return r.body;
}

const spend = (a: ReturnType<typeof api>, spaceId: string, accountId: string, body: object) =>
  a.post("/v1/transactions", { spaceId, accountId, date: "2024-03-01", amount: -10, description: "purchase", ...body });

describe("categories", () => {
  it("are seeded for every new space in the owner's language, with a hierarchy", async () => {
    const en = await setup("en");
    const list = (await en.a.get(`/v1/categories?spaceId=${en.spaceId}`)).body;
    const food = list.find((c: any) => c.name === "Food & Dining");
    expect(food).toMatchObject({ isSystem: true, type: "expense", parentId: null });
    expect(food.subcategories.map((s: any) => s.name).sort()).toEqual(["Coffee", "Groceries", "Restaurants"]);
    expect(list.find((c: any) => c.name === "Groceries").parentId).toBe(food.id);
    const es = await setup("es");
    const names = (await es.a.get(`/v1/categories?spaceId=${es.spaceId}`)).body.map((c: any) => c.name);
    expect(names).toEqual(expect.arrayContaining(["Comida y restaurantes", "Supermercado", "Salario", "Transferencias"]));
  });

  it("enforce two levels of one type", async () => {
    const { a, spaceId } = await setup();
    const parent = await category(a, spaceId, "Business Travel", [], { color: "#2196F3", icon: "airplane" });
    const child = await category(a, spaceId, "Flights", [], { parentId: parent.id });
    expect(child.parentId).toBe(parent.id);
    const grandchild = await a.post("/v1/categories", { spaceId, name: "x", type: "expense", parentId: child.id });
    expect(grandchild.body.error.details[0].field).toBe("parentId");
    const wrongType = await a.post("/v1/categories", { spaceId, name: "x", type: "income", parentId: parent.id });
    expect(wrongType.status).toBe(422);
    expect((await a.post("/v1/categories", { spaceId, name: "x", type: "expense", color: "red" })).status).toBe(422);
  });

  it("delete: refused while used, or with reassignment; subcategories move up", async () => {
    const { a, spaceId, acc } = await setup();
    const old = await category(a, spaceId, "Old");
    const sub = await category(a, spaceId, "Old child", [], { parentId: old.id });
    const target = await category(a, spaceId, "New");
    const t = await spend(a, spaceId, acc.id, { categoryId: old.id });
    const refused = await a.del(`/v1/categories/${old.id}`);
    expect(refused.status).toBe(409);
    const ok = await a.del(`/v1/categories/${old.id}?reassignTo=${target.id}`);
    expect(ok.body).toEqual({ deleted: old.id, reassignedTo: target.id, movedTransactions: 1, movedRules: 0 });
    expect((await a.get(`/v1/transactions/${t.body.id}`)).body.category.id).toBe(target.id);
    const list = (await a.get(`/v1/categories?spaceId=${spaceId}`)).body;
    expect(list.find((c: any) => c.id === sub.id).parentId).toBeNull();
    expect((await a.del(`/v1/categories/${sub.id}`)).status).toBe(200);
  });
});

describe("rules", () => {
  it("apply each condition to new transactions", async () => {
    const { a, spaceId, acc } = await setup();
    const cats = {
      mc: await category(a, spaceId, "MC", [{ condition: "merchant_contains", value: "starbucks", priority: 10 }]),
      dc: await category(a, spaceId, "DC", [{ condition: "description_contains", value: "gym membership", priority: 10 }]),
      me: await category(a, spaceId, "ME", [{ condition: "merchant_equals", value: "Café Olé", priority: 10 }]),
      ab: await category(a, spaceId, "AB", [{ condition: "amount_between", value: { min: 100, max: "200.50" }, priority: 5 }]),
      rx: await category(a, spaceId, "RX", [{ condition: "regex", value: "^uber\\s*(eats)?\\s*#?\\d*$", priority: 10 }]),
      ss: await category(a, spaceId, "SS", [{ condition: "description_contains", value: "Hauptstraße", priority: 10 }]),
      fw: await category(a, spaceId, "FW", [{ condition: "merchant_contains", value: "ｂｏｄｅｇａ", priority: 10 }]),
    };
    const ai = await category(a, spaceId, "AI", [{ conditions: [{ condition: "account_is", value: acc.id }, { condition: "description_contains", value: "wire" }], priority: 10 }]);
    const expectCat = async (body: object, id: string | null, source: string | null = "rule") => {
      const r = await spend(a, spaceId, acc.id, body);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body.category?.id ?? null, JSON.stringify(body)).toBe(id);
      expect(r.body.categorySource).toBe(id ? source : null);
      return r.body;
    };
    await expectCat({ merchantName: "STARBUCKS #1234 SEATTLE" }, cats.mc.id);
    await expectCat({ description: "Monthly Gym Membership fee" }, cats.dc.id);
    await expectCat({ merchantName: "cafe ole" }, cats.me.id); // accents and case folded
    await expectCat({ merchantName: "Café Olé Centro" }, null); // equals is not contains
    await expectCat({ description: "Parking HAUPTSTRASSE 5" }, cats.ss.id); // "ß" is "ss", as a search folds it
    await expectCat({ merchantName: "Bodega Aurrerá" }, cats.fw.id); // full-width letters are letters
    await expectCat({ merchantName: "Star\u200Bbucks Reforma" }, cats.mc.id); // a zero-width space is nothing, as a search folds it
    await expectCat({ amount: -150.25, description: "something" }, cats.ab.id);
    await expectCat({ amount: -200.51, description: "something" }, null);
    await expectCat({ merchantName: "UBER EATS #42" }, cats.rx.id);
    await expectCat({ description: "Outgoing wire" }, ai.id);
    // The rule's category is where the ledger posted the expense.
    const t = await expectCat({ merchantName: "Starbucks" }, cats.mc.id);
    const ledger = await a.get(`/v1/spaces/${spaceId}/ledger/transactions/${t.ledgerTxid}`);
    expect(ledger.body.data.postings[0].destination).toBe(`expense:${cats.mc.id}`);
  });

  it("stored with a value of invisible characters (saved before they folded away), match nothing", async () => {
    const { a, spaceId, acc } = await setup();
    const cat = await category(a, spaceId, "Invisible");
    // Saving one is refused now (the value folds to nothing); a rule stored before is compiled as it stands.
    expect((await a.post("/v1/categories", { spaceId, name: "Refused", type: "expense", rules: [{ condition: "description_contains", value: "\u200B" }] })).status).toBe(422);
    const stored = [
      [{ condition: "description_contains", value: "\u200B" }],
      [{ condition: "merchant_contains", value: "\u00AD\u2060" }],
      [{ condition: "merchant_equals", value: "\uFEFF\u200D" }],
    ];
    await env.DB.batch(stored.map((conditions, i) =>
      env.DB.prepare("INSERT INTO category_rules (id, space_id, category_id, conditions, priority, created_at, regex_states) VALUES (?, ?, ?, ?, 90, ?, 0)")
        .bind(`rule_invisible_${spaceId}_${i}`, spaceId, cat.id, JSON.stringify(conditions), Date.now())));
    const t = await spend(a, spaceId, acc.id, { description: "Salary ACME", merchantName: "\u200B" });
    expect(t.status).toBe(201);
    expect(t.body.category).toBeNull();
  });

  it("run in priority order, first match wins, and never override a manual category", async () => {
    const { a, spaceId, acc } = await setup();
    const low = await category(a, spaceId, "Low", [{ condition: "merchant_contains", value: "amazon", priority: 1 }]);
    const high = await category(a, spaceId, "High", [{ condition: "description_contains", value: "prime", priority: 50 }]);
    const mine = await category(a, spaceId, "Mine");
    expect((await spend(a, spaceId, acc.id, { merchantName: "Amazon", description: "Prime renewal" })).body.category.id).toBe(high.id);
    expect((await spend(a, spaceId, acc.id, { merchantName: "Amazon", description: "Order" })).body.category.id).toBe(low.id);
    const manual = await spend(a, spaceId, acc.id, { merchantName: "Amazon", description: "Prime", categoryId: mine.id });
    expect(manual.body).toMatchObject({ category: { id: mine.id }, categorySource: "manual" });
    // A new, higher rule applied on demand changes rule-made categories only.
    const top = await category(a, spaceId, "Top", [{ condition: "merchant_contains", value: "amazon", priority: 100 }]);
    const dry = await a.post("/v1/categories/apply-rules", { spaceId, dryRun: true });
    expect(dry.body).toMatchObject({ dryRun: true, updated: 0 });
    expect(dry.body.changes.map((c: any) => c.toCategoryId)).toEqual([top.id, top.id]);
    expect((await a.get(`/v1/transactions?spaceId=${spaceId}&categoryId=${top.id}`)).body.transactions).toHaveLength(0);
    const run = await a.post("/v1/categories/apply-rules", { spaceId, dryRun: false });
    expect(run.body.updated).toBe(2);
    expect((await a.get(`/v1/transactions/${manual.body.id}`)).body.category.id).toBe(mine.id);
  });

  it("apply on demand to cash flows only, as on arrival, and a dry run says how many they would change", async () => {
    const { a, spaceId, acc } = await setup();
    const savings = (await a.post("/v1/accounts", { spaceId, name: "Savings", type: "savings", currency: "USD", openingBalance: 100 })).body;
    const transfer = await a.post("/v1/transactions/transfer", { spaceId, fromAccountId: acc.id, toAccountId: savings.id, amount: 5, date: "2026-12-04", description: "Uber reimbursement to savings" });
    expect(transfer.status).toBe(201);
    const travel = await category(a, spaceId, "Rides", [{ condition: "description_contains", value: "uber", priority: 5 }]);
    await category(a, spaceId, "Misc", [{ condition: "description_contains", value: "opening", priority: 1 }]);
    for (let i = 0; i < 3; i++) await spend(a, spaceId, acc.id, { description: `Uber trip ${i}`, categoryId: undefined });
    // The three trips were filed on arrival; a transfer's legs and the accounts' opening balances never are.
    const dry = await a.post("/v1/categories/apply-rules", { spaceId, dryRun: true });
    expect(dry.body).toMatchObject({ dryRun: true, updated: 0, wouldUpdate: 0, changes: [] });
    const run = await a.post("/v1/categories/apply-rules", { spaceId, dryRun: false });
    expect(run.body).toMatchObject({ updated: 0, wouldUpdate: 0 });
    const legs = (await a.get(`/v1/transactions?spaceId=${spaceId}&type=transfer`)).body.transactions;
    expect(legs.map((t: any) => t.category)).toEqual([null, null]);
    expect((await a.get(`/v1/transactions?spaceId=${spaceId}&categoryId=${travel.id}`)).body.transactions).toHaveLength(3);
  });

  it("refuse an account_is rule naming an account not in the space, and a second category of the same name, type and parent", async () => {
    const { a, spaceId, acc } = await setup();
    const other = await setup();
    for (const value of [other.acc.id, "acc_does_not_exist"]) {
      const r = await a.post("/v1/categories", { spaceId, name: `Acct ${value}`, type: "expense", rules: [{ condition: "account_is", value }] });
      expect(r.status, value).toBe(422);
      expect(r.body.error.details[0]).toMatchObject({ field: "rules.0.value", code: "UNKNOWN_ACCOUNT" });
    }
    expect((await a.post("/v1/categories", { spaceId, name: "Mine", type: "expense", rules: [{ condition: "account_is", value: acc.id }] })).status).toBe(201);
    const food = await a.post("/v1/categories", { spaceId, name: "Food", type: "expense" });
    expect(food.status).toBe(201);
    for (const name of ["food ", "FOOD", "Fóod"]) {
      const twin = await a.post("/v1/categories", { spaceId, name, type: "expense" });
      expect(twin.status, name).toBe(409);
      expect(twin.body.error.code).toBe("DUPLICATE_RESOURCE");
    }
    // The same name is fine as another type, or under another parent; a rename onto a sibling's name is refused.
    expect((await a.post("/v1/categories", { spaceId, name: "Food", type: "income" })).status).toBe(201);
    expect((await a.post("/v1/categories", { spaceId, name: "Food", type: "expense", parentId: food.body.id })).status).toBe(201);
    const snacks = await a.post("/v1/categories", { spaceId, name: "Snacks", type: "expense" });
    expect((await a.patch(`/v1/categories/${snacks.body.id}`, { name: "food" })).status).toBe(409);
  });

  it("bound a space's regex rules in the write itself: concurrent saves cannot pass the bound together, nor accents hide a pattern's cost", async () => {
    const { a, spaceId } = await setup();
    const heavy = { condition: "regex", value: ".{0,11}".repeat(9) + "zq" };
    const fit = Math.floor((MAX_SPACE_REGEX_STATES - 100) / compileSafeRegex(heavy.value).stateCount);
    const rules = Array.from({ length: fit }, (_, i) => ({ ...heavy, priority: i }));
    const saves = await Promise.all(Array.from({ length: 4 }, (_, i) => a.post("/v1/categories", { spaceId, name: `Heavy ${i}`, type: "expense", rules })));
    expect(saves.map((r) => r.status).sort()).toEqual([201, 422, 422, 422]);
    const held = await env.DB.prepare("SELECT SUM(regex_states) AS n FROM category_rules WHERE space_id = ?").bind(spaceId).first<{ n: number }>();
    expect(held!.n).toBeLessThanOrEqual(MAX_SPACE_REGEX_STATES);
    // A pattern too complex as typed but not once its accents go (what runs) is counted as it runs.
    const marked = await a.post("/v1/categories", { spaceId, name: "Marked", type: "expense", rules: [{ condition: "regex", value: "(?:.?\u0301){100}~" }] });
    expect(marked.status).toBe(422);
    expect(marked.body.error.details[0]).toMatchObject({ field: "rules", code: "TOO_BIG" });
  });

  it("match a regex on text without accents, as contains does, whichever way the accent was typed", async () => {
    const { a, spaceId, acc } = await setup();
    const cafe = await category(a, spaceId, "Cafe", [{ condition: "regex", value: "^café( |$)", priority: 10 }]);
    for (const merchantName of ["CAFÉ Olé", "Cafe\u0301 Ole", "cafe ole"]) {
      expect((await spend(a, spaceId, acc.id, { merchantName })).body.category?.id, merchantName).toBe(cafe.id);
    }
    expect((await spend(a, spaceId, acc.id, { merchantName: "Cafeteria" })).body.category).toBeNull();
  });

  it("bound or reject pathological regexes", async () => {
    const { a, spaceId, acc } = await setup();
    for (const value of ["(a)\\1", "(?=x)", "a".repeat(201), "(unclosed"]) {
      const r = await a.post("/v1/categories", { spaceId, name: "Bad", type: "expense", rules: [{ condition: "regex", value }] });
      expect(r.status, value).toBe(422);
      expect(r.body.error.details[0].field.startsWith("rules.0")).toBe(true);
    }
    // Catastrophic for a backtracking engine, linear here: accepted and answered.
    const evil = await category(a, spaceId, "Evil", [{ condition: "regex", value: "(a+)+$" }]);
    const r = await spend(a, spaceId, acc.id, { description: "a".repeat(400) + "!" });
    expect(r.status).toBe(201);
    expect(r.body.category?.id ?? null).not.toBe(evil.id);
    expect((await spend(a, spaceId, acc.id, { description: "aaaa" })).body.category.id).toBe(evil.id);
    // What all of a space's regex rules cost each arriving transaction is bounded: past it, a rule is refused.
    const heavy = { condition: "regex", value: ".{0,11}".repeat(9) + "zq" };
    const fit = Math.floor((MAX_SPACE_REGEX_STATES - 100) / compileSafeRegex(heavy.value).stateCount);
    const rules = Array.from({ length: fit }, (_, i) => ({ ...heavy, priority: i }));
    expect((await a.post("/v1/categories", { spaceId, name: "Heavy", type: "expense", rules })).status).toBe(201);
    const over = await a.post("/v1/categories", { spaceId, name: "Heavier", type: "expense", rules: rules.slice(0, 2) });
    expect(over.status).toBe(422);
    expect(over.body.error.details[0]).toMatchObject({ field: "rules", code: "TOO_BIG" });
    expect((await a.post("/v1/categories", { spaceId, name: "Plain", type: "expense", rules: [{ condition: "merchant_contains", value: "zq" }] })).status).toBe(201);
  });
});
