/**
 * At most MAX_CATEGORIES_PER_SPACE categories a space (1,050 were accepted, and the list returned 334 KB). The
 * cap is counted in the insert, so concurrent creates cannot pass it together, and a refused create leaves
 * nothing behind (no category, no rules).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_CATEGORIES_PER_SPACE } from "../../src/modules/categories/schemas";
import { callJson, registerUser } from "../helpers";
import { api, ok } from "../analytics/fixture";

const count = async (table: string, spaceId: string) =>
  (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE space_id = ?`).bind(spaceId).first<{ n: number }>())!.n;

describe("categories per space", () => {
  it("stop at the cap, under concurrent creates, with a 422 that leaves nothing behind", async () => {
    const u = await registerUser();
    const a = api(u);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "Many", type: "personal", currency: "USD", timezone: "UTC" }))).id as string;
    // All but two (the space's system categories included), written straight to D1.
    const now = Date.now();
    const seeded = Array.from({ length: MAX_CATEGORIES_PER_SPACE - (await count("categories", spaceId)) - 2 }, (_, i) => `cat_seed${String(i).padStart(20, "0")}`);
    for (let i = 0; i < seeded.length; i += 20) {
      await env.DB.batch(seeded.slice(i, i + 20).map((id) =>
        env.DB.prepare("INSERT INTO categories (id, space_id, name, type, is_system, created_at, updated_at) VALUES (?, ?, ?, 'expense', 0, ?, ?)")
          .bind(id, spaceId, `seed ${id}`, now, now)));
    }
    // Each with a regex rule, so the space's regex budget guard runs in the same batch as the cap's.
    const body = (i: number) => ({ spaceId, name: `New ${i}`, type: "expense", rules: [{ condition: "regex", value: `^shop ${i}$`, priority: 1 }] });
    const results = await Promise.all([0, 1, 2, 3, 4].map((i) => a.post("/v1/categories", body(i))));
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 422, 422, 422]);
    for (const r of results.filter((x) => x.status === 422)) {
      expect(r.body.error.details).toEqual([{ field: "spaceId", message: `A space may have at most ${MAX_CATEGORIES_PER_SPACE} categories`, code: "LIMIT_REACHED" }]);
    }
    expect(await count("categories", spaceId)).toBe(MAX_CATEGORIES_PER_SPACE);
    expect(await count("category_rules", spaceId)).toBe(2);
    // Without rules, refused the same way; after a delete there is room again.
    const plain = await a.post("/v1/categories", { spaceId, name: "Plain", type: "expense" });
    expect(plain.status).toBe(422);
    expect(plain.body.error.details[0].code).toBe("LIMIT_REACHED");
    expect((await callJson(`/v1/categories/${seeded[0]}`, { method: "DELETE", token: u.accessToken, ip: u.ip })).status).toBe(200);
    expect((await a.post("/v1/categories", { spaceId, name: "Plain", type: "expense" })).status).toBe(201);
  });
});

