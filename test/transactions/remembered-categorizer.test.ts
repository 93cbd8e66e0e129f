/**
 * A remembered writer's write that names no category, categorized from a remembered categorizer
 * (categories/remembered-categorizers.ts) and committed under a guard that checks the space's categorizer
 * version (migration 0019): it must choose exactly what the ordinary path would choose at the moment it
 * commits, whatever changed since the state was read, through the API or behind it.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { createAccount } from "../accounts/helpers";
import { countingApp } from "../counting-app";
import { callJson, createSpace, registerUser } from "../helpers";
import { guardHolds, latestSessionId } from "./guard-helpers";

async function setup() {
  const owner = await registerUser();
  const space = await createSpace(owner);
  const acc = await createAccount(owner, space.id, { name: "Checking", openingBalance: "500.00" });
  const cat = await callJson("/v1/categories", {
    token: owner.accessToken, ip: owner.ip,
    body: { spaceId: space.id, name: "Coffee", type: "expense", rules: [{ condition: "merchant_contains", value: "starbucks", priority: 10 }] },
  });
  expect(cat.status).toBe(201);
  return { owner, spaceId: space.id as string, accountId: acc.id as string, coffeeId: cat.body.id as string, ...countingApp() };
}

type Ctx = Awaited<ReturnType<typeof setup>>;

const spend = (s: Ctx, description: string, extra: object = {}) =>
  ({ spaceId: s.spaceId, accountId: s.accountId, amount: "-4.50", description, date: "2026-03-01", ...extra });

const asOwner = (s: Ctx, path: string, method: string, body?: unknown) => callJson(path, { token: s.owner.accessToken, ip: s.owner.ip, method, body });

const version = async (spaceId: string) =>
  (await env.DB.prepare("SELECT version FROM categorizer_versions WHERE space_id = ?").bind(spaceId).first<{ version: number }>())?.version ?? 0;

/** The writer and the space's categorizer remembered: an uncategorized write through the ordinary path. */
async function remembered(s: Ctx) {
  const first = await s.post(s.owner, "/v1/transactions", spend(s, "to remember", { merchantName: "Corner shop" }));
  expect(first.status, JSON.stringify(first.body)).toBe(201);
  expect(first.trips).toBe(1);
}

describe("a remembered writer's uncategorized write", () => {
  it("is categorized by a remembered rule, or left for review, in the ledger's batch alone, answered as the ordinary path answers", async () => {
    const s = await setup();
    const ordinary = await s.post(s.owner, "/v1/transactions", spend(s, "ordinary", { merchantName: "STARBUCKS #12" }));
    expect(ordinary.trips).toBe(1);
    const ruled = await s.post(s.owner, "/v1/transactions", spend(s, "ruled", { merchantName: "Starbucks Reserve" }));
    expect(ruled.status).toBe(201);
    expect(ruled.trips).toBe(0);
    const strip = ({ id: _a, createdAt: _b, updatedAt: _c, ledgerTxid: _d, description: _e, merchantName: _f, ...rest }: Record<string, unknown>) => rest;
    expect(strip(ruled.body)).toEqual(strip(ordinary.body));
    expect(ruled.body).toMatchObject({ category: { id: s.coffeeId, name: "Coffee", color: null }, categorySource: "rule", account: { id: s.accountId, name: "Checking" } });
    // No rule matches and the space has no model: uncategorized, as the ordinary path leaves it.
    const none = await s.post(s.owner, "/v1/transactions", spend(s, "hardware", { merchantName: "Hardware store" }));
    expect(none.trips).toBe(0);
    expect(none.body).toMatchObject({ category: null, categorySource: null, type: "expense", amountDecimal: "-4.50" });
    // Income by the same rule.
    const refund = await s.post(s.owner, "/v1/transactions", spend(s, "refund", { amount: "3.00", merchantName: "STARBUCKS" }));
    expect(refund.trips).toBe(0);
    expect(refund.body).toMatchObject({ type: "income", category: { id: s.coffeeId }, categorySource: "rule" });
    for (const t of [ruled, none, refund]) expect((await asOwner(s, `/v1/transactions/${t.body.id}`, "GET")).body).toEqual(t.body);
    expect(await ledgerViolations(s.spaceId)).toEqual([]);
  });

  it("after a rule, a category or the model changes through the API: chooses as the changed state does", async () => {
    const s = await setup();
    await remembered(s);
    const tea = await asOwner(s, "/v1/categories", "POST", { spaceId: s.spaceId, name: "Tea", type: "expense", rules: [{ condition: "merchant_contains", value: "teavana", priority: 20 }] });
    expect(tea.status).toBe(201);
    const byNewRule = await s.post(s.owner, "/v1/transactions", spend(s, "new rule", { merchantName: "Teavana" }));
    expect(byNewRule.body).toMatchObject({ category: { id: tea.body.id, name: "Tea" }, categorySource: "rule" });
    expect(byNewRule.trips).toBe(1); // the remembered state was stale: read again
    // Renamed: the name shown is the new one.
    expect((await asOwner(s, `/v1/categories/${tea.body.id}`, "PATCH", { name: "Té", color: "#00aa00" })).status).toBe(200);
    const renamed = await s.post(s.owner, "/v1/transactions", spend(s, "renamed", { merchantName: "Teavana" }));
    expect(renamed.body.category).toEqual({ id: tea.body.id, name: "Té", color: "#00aa00" });
    // Its rule replaced by none: no longer chosen.
    expect((await asOwner(s, `/v1/categories/${tea.body.id}`, "PATCH", { rules: [] })).status).toBe(200);
    const ruleGone = await s.post(s.owner, "/v1/transactions", spend(s, "rule gone", { merchantName: "Teavana" }));
    expect(ruleGone.body).toMatchObject({ category: null, categorySource: null });
    const again = await s.post(s.owner, "/v1/transactions", spend(s, "rule gone again", { merchantName: "Teavana" }));
    expect(again.trips).toBe(0);
    expect(again.body.category).toBeNull();

    // The model learns from a correction: the next write with the same words is chosen by it.
    const corrected = await asOwner(s, "/v1/ml/corrections", "POST", { transactionId: again.body.id, correctedCategoryId: tea.body.id });
    expect(corrected.status, JSON.stringify(corrected.body)).toBe(201);
    const learned = await s.post(s.owner, "/v1/transactions", spend(s, "rule gone again", { merchantName: "Teavana" }));
    expect(learned.body).toMatchObject({ category: { id: tea.body.id, name: "Té" }, categorySource: "ml" });
    expect(learned.trips).toBe(1);
    // With a model, the words must have been read: the same words again take no read, new words take one.
    const sameWords = await s.post(s.owner, "/v1/transactions", spend(s, "rule gone again", { merchantName: "Teavana" }));
    expect(sameWords.trips).toBe(0);
    expect(sameWords.body).toMatchObject({ category: { id: tea.body.id }, categorySource: "ml" });
    const newWords = await s.post(s.owner, "/v1/transactions", spend(s, "something else entirely", { merchantName: "Bookshop" }));
    expect(newWords.trips).toBe(1);
    // Unless a rule chooses first: then the words decide nothing.
    const byRule = await s.post(s.owner, "/v1/transactions", spend(s, "words never seen before", { merchantName: "Starbucks Downtown" }));
    expect(byRule.trips).toBe(0);
    expect(byRule.body).toMatchObject({ category: { id: s.coffeeId }, categorySource: "rule" });
    expect(await ledgerViolations(s.spaceId)).toEqual([]);
  });

  it("after the rules change behind the API (straight in D1): the guard refuses the stale choice and the ordinary path chooses", async () => {
    const s = await setup();
    await remembered(s);
    const before = await version(s.spaceId);
    await env.DB.prepare("UPDATE category_rules SET conditions = ? WHERE category_id = ?")
      .bind(JSON.stringify([{ condition: "merchant_contains", value: "corner" }]), s.coffeeId).run();
    expect(await version(s.spaceId)).toBe(before + 1);
    const w = await s.post(s.owner, "/v1/transactions", spend(s, "behind", { merchantName: "Corner shop" }));
    expect(w.status).toBe(201);
    expect(w.body).toMatchObject({ category: { id: s.coffeeId }, categorySource: "rule" });
    expect(w.trips).toBe(1);
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM transactions WHERE space_id = ? AND description = 'behind'").bind(s.spaceId).first<{ n: number }>();
    expect(count!.n).toBe(1);
    expect(await ledgerViolations(s.spaceId)).toEqual([]);
  });

  // Each write here may have read the rules before or after the change (the ordinary path reads them
  // before its commit too); what must hold is that nothing is lost or doubled and that the change wins after.
  it("many at once, with the rules changing in the middle: each stored once, and the changed rules choose after", async () => {
    const s = await setup();
    await remembered(s);
    const writes = Array.from({ length: 30 }, (_, i) => s.post(s.owner, "/v1/transactions", spend(s, `burst ${i}`, { amount: "-0.10", merchantName: "Starbucks" })));
    const change = asOwner(s, `/v1/categories/${s.coffeeId}`, "PATCH", { rules: [{ condition: "merchant_contains", value: "nothing like it" }] });
    const [answers, changed] = await Promise.all([Promise.all(writes), change]);
    expect(changed.status).toBe(200);
    for (const a of answers) {
      expect(a.status).toBe(201);
      expect([s.coffeeId, null]).toContain(a.body.category?.id ?? null);
    }
    const after = await s.post(s.owner, "/v1/transactions", spend(s, "after", { merchantName: "Starbucks" }));
    expect(after.body.category).toBeNull();
    const stored = await env.DB.prepare("SELECT COUNT(*) AS n FROM transactions WHERE space_id = ? AND description LIKE 'burst %'").bind(s.spaceId).first<{ n: number }>();
    expect(stored!.n).toBe(30);
    expect(await ledgerViolations(s.spaceId)).toEqual([]);
  });
});

describe("the categorizer version", () => {
  it("moves with every insert, update and delete of a space's categories, rules and model, and only that space's", async () => {
    const s = await setup();
    const other = await createSpace(s.owner);
    const otherBefore = await version(other.id);
    const moves = async (sql: string, ...params: unknown[]) => {
      const v = await version(s.spaceId);
      await env.DB.prepare(sql).bind(...params).run();
      return (await version(s.spaceId)) > v;
    };
    const sp = s.spaceId;
    const cases: [string, string, ...unknown[]][] = [
      ["category inserted", "INSERT INTO categories (id, space_id, name, type, is_system, created_at, updated_at) VALUES ('cat_v1', ?, 'V', 'expense', 0, 1, 1)", sp],
      ["category updated", "UPDATE categories SET name = 'W' WHERE id = 'cat_v1' AND space_id = ?", sp],
      ["rule inserted", "INSERT INTO category_rules (id, space_id, category_id, conditions, priority, created_at) VALUES ('rul_v1', ?, 'cat_v1', '[]', 0, 1)", sp],
      ["rule updated", "UPDATE category_rules SET priority = 5 WHERE id = 'rul_v1' AND space_id = ?", sp],
      ["rule deleted", "DELETE FROM category_rules WHERE id = 'rul_v1' AND space_id = ?", sp],
      ["token counted", "INSERT INTO ml_token_counts (space_id, token, category_id, count) VALUES (?, 'w', 'cat_v1', 1)", sp],
      ["token recounted", "UPDATE ml_token_counts SET count = 2 WHERE space_id = ? AND token = 'w'", sp],
      ["token dropped", "DELETE FROM ml_token_counts WHERE space_id = ? AND token = 'w'", sp],
      ["stats inserted", "INSERT INTO ml_category_stats (space_id, category_id, docs, tokens) VALUES (?, 'cat_v1', 1, 1)", sp],
      ["stats updated", "UPDATE ml_category_stats SET docs = 2 WHERE space_id = ?", sp],
      ["stats deleted", "DELETE FROM ml_category_stats WHERE space_id = ?", sp],
      ["model inserted", "INSERT INTO ml_models (space_id, temperature, samples, updated_at) VALUES (?, 1, 0, 1)", sp],
      ["model updated", "UPDATE ml_models SET temperature = 2 WHERE space_id = ?", sp],
      ["model deleted", "DELETE FROM ml_models WHERE space_id = ?", sp],
      ["category deleted", "DELETE FROM categories WHERE id = 'cat_v1' AND space_id = ?", sp],
    ];
    for (const [what, sql, ...params] of cases) expect(await moves(sql, ...params), what).toBe(true);
    // A row moved from one space to another moves both.
    await env.DB.prepare("INSERT INTO category_rules (id, space_id, category_id, conditions, priority, created_at) VALUES ('rul_v2', ?, ?, '[]', 0, 1)").bind(sp, s.coffeeId).run();
    const mine = await version(sp);
    const theirs = await version(other.id);
    await env.DB.prepare("UPDATE category_rules SET space_id = ? WHERE id = 'rul_v2'").bind(other.id).run();
    expect(await version(sp)).toBeGreaterThan(mine);
    expect(await version(other.id)).toBeGreaterThan(theirs);
    expect(theirs).toBe(otherBefore);
  });

  it("is what the guard of a chosen category checks, beside the access conditions", async () => {
    const s = await setup();
    const sessionId = await latestSessionId(s.owner.id);
    const current = await version(s.spaceId);
    const holds = (chosenAt: number, userId = s.owner.id) =>
      guardHolds({ userId, sessionId, accountId: s.accountId, categoryId: null, chosenAt, facts: { spaceId: s.spaceId, currency: "USD", timezone: "UTC" } });
    expect(await holds(current)).toBe(true);
    expect(await holds(current - 1)).toBe(false);
    expect(await holds(current + 1)).toBe(false);
    expect(await holds(current, (await registerUser()).id)).toBe(false);
    // A space whose categorizer never changed has no row: version 0.
    await env.DB.prepare("DELETE FROM categorizer_versions WHERE space_id = ?").bind(s.spaceId).run();
    expect(await holds(0)).toBe(true);
  });
});
