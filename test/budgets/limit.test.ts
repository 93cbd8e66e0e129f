/**
 * At most MAX_BUDGETS_PER_SPACE budgets a space: every write into a watched category, and every change of the
 * space's rates, checks the watching budgets in one batch. The limit is counted in the insert, so concurrent
 * creates cannot pass it together, and a refused create leaves nothing behind (no budget, no category links).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_BUDGETS_PER_SPACE } from "../../src/modules/budgets/schemas";
import { registerUser } from "../helpers";
import { api, ok } from "../analytics/fixture";

describe("budgets per space", () => {
  it("stops at the limit, under concurrent creates, with a 422 that leaves nothing behind", async () => {
    const u = await registerUser();
    const a = api(u);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "Many", type: "personal", currency: "USD", timezone: "UTC" }))).id as string;
    // Budgets watch expense categories only.
    const cats = ((await ok(a.get(`/v1/categories?spaceId=${spaceId}`))) as { id: string; type: string }[]).filter((c) => c.type === "expense");
    // All but two, written straight to D1.
    const now = Date.now();
    const seeded = Array.from({ length: MAX_BUDGETS_PER_SPACE - 2 }, (_, i) => `bud_seed${String(i).padStart(20, "0")}`);
    for (let i = 0; i < seeded.length; i += 20) {
      await env.DB.batch(seeded.slice(i, i + 20).map((id) =>
        env.DB.prepare("INSERT INTO budgets (id, space_id, name, amount, currency, period, start_date, alerts_enabled, created_at, updated_at) VALUES (?, ?, 'seed', 100, 'USD', 'monthly', '2024-01-01', 1, ?, ?)")
          .bind(id, spaceId, now, now)));
    }
    const body = (i: number) => ({ spaceId, name: `New ${i}`, amount: "50.00", period: "monthly", categoryIds: [cats[i]!.id, cats[i + 1]!.id] });
    const results = await Promise.all([0, 1, 2, 3, 4].map((i) => a.post("/v1/budgets", body(i))));
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 422, 422, 422]);
    for (const r of results.filter((x) => x.status === 422)) {
      expect(r.body.error.details).toEqual([{ field: "spaceId", message: `A space may have at most ${MAX_BUDGETS_PER_SPACE} budgets`, code: "LIMIT_REACHED" }]);
    }
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM budgets WHERE space_id = ?").bind(spaceId).first<{ n: number }>();
    expect(count!.n).toBe(MAX_BUDGETS_PER_SPACE);
    // Only the two created budgets' links: the refused ones wrote none.
    const links = await env.DB.prepare("SELECT COUNT(*) AS n FROM budget_categories WHERE budget_id IN (SELECT id FROM budgets WHERE space_id = ?)").bind(spaceId).first<{ n: number }>();
    const orphans = await env.DB.prepare("SELECT COUNT(*) AS n FROM budget_categories WHERE budget_id NOT IN (SELECT id FROM budgets)").first<{ n: number }>();
    expect([links!.n, orphans!.n]).toEqual([4, 0]);
    // The list reads all of them, with their spending.
    expect((await ok(a.get(`/v1/budgets?spaceId=${spaceId}`))).length).toBe(MAX_BUDGETS_PER_SPACE);
  });
});
