/**
 * A space's rules are bounded in count and in the characters of their conditions (rule-budget.ts): without it a
 * space held 24,500 rules of 2,300 characters, its first write read 56 MB in 1.4 s and each later one matched them
 * for 20-35 ms. Counted in the save's batch, so concurrent saves cannot pass a bound together; a refusal names the
 * bound it passes and leaves nothing behind.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_SPACE_RULE_CHARS, MAX_SPACE_RULES } from "../../src/modules/categories/rule-budget";
import { addMember, callJson, registerUser } from "../helpers";
import { api, ok } from "../analytics/fixture";

const held = async (spaceId: string) =>
  (await env.DB.prepare("SELECT COUNT(*) AS rules, COALESCE(SUM(length(conditions)), 0) AS chars FROM category_rules WHERE space_id = ?")
    .bind(spaceId).first<{ rules: number; chars: number }>())!;

/** A space holding `n` rules of `conditions` (JSON) on one category, written straight to D1. */
async function spaceWithRules(n: number, conditions: (i: number) => string) {
  const u = await registerUser();
  const a = api(u);
  const spaceId = (await ok(a.post("/v1/spaces", { name: "Rules", type: "personal", currency: "USD", timezone: "UTC" }))).id as string;
  const seed = (await ok(a.post("/v1/categories", { spaceId, name: "Seeded", type: "expense" }))).id as string;
  const now = Date.now();
  const rows = Array.from({ length: n }, (_, i) =>
    env.DB.prepare("INSERT INTO category_rules (id, space_id, category_id, conditions, priority, created_at, regex_states) VALUES (?, ?, ?, ?, 0, ?, 0)")
      .bind(`rule_${spaceId}_${i}`, spaceId, seed, conditions(i), now));
  for (let i = 0; i < rows.length; i += 50) await env.DB.batch(rows.slice(i, i + 50));
  // A member who reads Spanish.
  const ana = await registerUser({ locale: "es" });
  await addMember(u, spaceId, ana, "member");
  return { a, spaceId, seed, inSpanish: (path: string, body: unknown) => callJson(path, { token: ana.accessToken, ip: ana.ip, body }) };
}

const contains = (value: string) => ({ condition: "description_contains", value, priority: 1 });

describe("a space's rule budget", () => {
  it("holds at most MAX_SPACE_RULES rules, under concurrent saves; replacing rules at the bound is fine", { timeout: 60_000 }, async () => {
    const { a, spaceId } = await spaceWithRules(MAX_SPACE_RULES - 5, (i) => JSON.stringify([{ condition: "merchant_contains", value: `shop ${i}` }]));
    const three = (k: number) => [0, 1, 2].map((j) => contains(`new ${k} ${j}`));
    const saves = await Promise.all([0, 1, 2, 3].map((k) => a.post("/v1/categories", { spaceId, name: `New ${k}`, type: "expense", rules: three(k) })));
    expect(saves.map((r) => r.status).sort()).toEqual([201, 422, 422, 422]);
    for (const r of saves.filter((x) => x.status === 422)) {
      expect(r.body.error.details).toEqual([{ field: "rules", code: "LIMIT_REACHED", message: `A space may have at most ${MAX_SPACE_RULES} rules` }]);
    }
    // A refused create left no category behind.
    const names = ((await ok(a.get(`/v1/categories?spaceId=${spaceId}`))) as { name: string }[]).map((c) => c.name);
    expect(names.filter((n) => n.startsWith("New "))).toHaveLength(1);
    expect((await held(spaceId)).rules).toBe(MAX_SPACE_RULES - 2);
    // Two more fit; then one more is refused on a PATCH too, and a PATCH that keeps the count passes.
    const made = saves.find((r) => r.status === 201)!.body.id as string;
    expect((await a.patch(`/v1/categories/${made}`, { rules: [...three(9), contains("a"), contains("b")] })).status).toBe(200);
    expect((await held(spaceId)).rules).toBe(MAX_SPACE_RULES);
    const over = await a.patch(`/v1/categories/${made}`, { rules: [...three(9), contains("a"), contains("b"), contains("c")] });
    expect(over.status).toBe(422);
    expect(over.body.error.details[0]).toMatchObject({ field: "rules", code: "LIMIT_REACHED" });
    expect((await a.patch(`/v1/categories/${made}`, { rules: [0, 1, 2, 3, 4].map((j) => contains(`other ${j}`)) })).status).toBe(200);
    expect((await held(spaceId)).rules).toBe(MAX_SPACE_RULES);
    // A space at the bound still takes a category without rules.
    expect((await a.post("/v1/categories", { spaceId, name: "Plain", type: "expense" })).status).toBe(201);
  });

  it("holds at most MAX_SPACE_RULE_CHARS characters of conditions, counted as SQLite counts them", { timeout: 60_000 }, async () => {
    // 99 rules of 2,000 characters each: 198,000 and a little more in all.
    const long = (i: number) => JSON.stringify([{ condition: "description_contains", value: `${i} `.padEnd(1960, "x") }]);
    const { a, spaceId, seed, inSpanish } = await spaceWithRules(99, long);
    const before = await held(spaceId);
    expect(before.chars).toBeGreaterThan(MAX_SPACE_RULE_CHARS - 2_000);
    const room = MAX_SPACE_RULE_CHARS - before.chars;
    // Ten conditions of 200 characters (é counted once, as one character) pass the bound by far.
    const big = Array.from({ length: 10 }, (_, j) => ({ condition: "description_contains", value: `${j}`.padEnd(200, "é") }));
    const refused = await a.post("/v1/categories", { spaceId, name: "Big", type: "expense", rules: [{ conditions: big, priority: 1 }] });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details).toEqual([{
      field: "rules", code: "TOO_BIG",
      message: `The space's rules would hold more than ${MAX_SPACE_RULE_CHARS} characters of conditions every transaction is matched against: use fewer or shorter conditions`,
    }]);
    expect(await held(spaceId)).toEqual(before);
    // And in Spanish, the refusal reads in Spanish.
    const es = await inSpanish("/v1/categories", { spaceId, name: "Más", type: "expense", rules: [{ conditions: big, priority: 1 }] });
    expect(es.status).toBe(422);
    expect(es.body.error.details[0].message, JSON.stringify(es.body)).toMatch(/^Las reglas del espacio tendrían más de 200000 caracteres/);
    // What fits in the room left passes; replacing the seeded category's long rules by nothing frees it.
    const fits = JSON.stringify([{ condition: "description_contains", value: "" }]).length;
    expect((await a.post("/v1/categories", { spaceId, name: "Fits", type: "expense", rules: [contains("y".repeat(Math.min(200, room - fits)))] })).status).toBe(201);
    expect((await a.patch(`/v1/categories/${seed}`, { rules: [] })).status).toBe(200);
    expect((await a.post("/v1/categories", { spaceId, name: "Big", type: "expense", rules: [{ conditions: big, priority: 1 }] })).status).toBe(201);
  });

  it("lets a space over a bound (set before the bound was) trim its rules, and refuses any save that adds", { timeout: 60_000 }, async () => {
    const { a, spaceId, seed } = await spaceWithRules(MAX_SPACE_RULES + 5, (i) => JSON.stringify([{ condition: "merchant_contains", value: `shop ${i}` }]));
    const small = (await ok(a.post("/v1/categories", { spaceId, name: "Small", type: "expense" }))).id as string;
    // A category without rules cannot take one: the space would hold more.
    const adding = await a.patch(`/v1/categories/${small}`, { rules: [contains("one")] });
    expect(adding.status).toBe(422);
    expect(adding.body.error.details[0]).toMatchObject({ field: "rules", code: "LIMIT_REACHED" });
    // Three rules of its own, stored before the bound: replaced by two shorter ones, the space (still over) trims;
    // by three longer ones, it would hold more characters, and is refused.
    await env.DB.batch([0, 1, 2].map((i) =>
      env.DB.prepare("INSERT INTO category_rules (id, space_id, category_id, conditions, priority, created_at, regex_states) VALUES (?, ?, ?, ?, 0, ?, 0)")
        .bind(`rule_${small}_${i}`, spaceId, small, JSON.stringify([{ condition: "description_contains", value: `old rule ${i}` }]), Date.now())));
    expect((await a.patch(`/v1/categories/${small}`, { rules: [contains("new 0"), contains("new 1")] })).status).toBe(200);
    expect((await held(spaceId)).rules).toBe(MAX_SPACE_RULES + 7);
    const longer = await a.patch(`/v1/categories/${small}`, { rules: [0, 1].map((i) => contains(`a much longer rule than before ${i}`)) });
    expect(longer.status).toBe(422);
    expect((await held(spaceId)).rules).toBe(MAX_SPACE_RULES + 7);
    // The seeded category's 1,005 rules replaced by ten: the space is under the bound again.
    const trimmed = await a.patch(`/v1/categories/${seed}`, { rules: Array.from({ length: 10 }, (_, i) => contains(`kept ${i}`)) });
    expect(trimmed.status).toBe(200);
    expect((await held(spaceId)).rules).toBe(12);
    // Under the bound again, ordinary saves pass.
    expect((await a.patch(`/v1/categories/${small}`, { rules: [contains("one")] })).status).toBe(200);
  });
});
