/**
 * At most 500 saved projection scenarios a space (as a space holds at most 500 assets): each saved row keeps its
 * inputs (up to 50 life events with their descriptions), and nothing bounded them before, at 1,000 requests an hour.
 * The count is read with the role check (a full space is refused before the engine runs) and again in the insert,
 * so concurrent saves cannot pass it together; `save: false` still runs.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { registerUser } from "../helpers";
import { api, ok } from "../analytics/fixture";

const MAX = 500;

describe("saved projection scenarios per space", () => {
  it("stops at 500, under concurrent saves, with a 422 LIMIT_REACHED that saves nothing; save: false still runs", async () => {
    const u = await registerUser();
    const a = api(u);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "Many", type: "personal", currency: "USD", timezone: "UTC" }))).id as string;
    // All but two, written straight to D1.
    const now = Date.now();
    const seeded = Array.from({ length: MAX - 2 }, (_, i) => `scen_seed${String(i).padStart(20, "0")}`);
    for (let i = 0; i < seeded.length; i += 20) {
      await env.DB.batch(seeded.slice(i, i + 20).map((id) =>
        env.DB.prepare("INSERT INTO projection_scenarios (id, space_id, name, created_by, currency, seed, inputs, summary, created_at) VALUES (?, ?, 'seed', ?, 'USD', 1, '{}', '{}', ?)")
          .bind(id, spaceId, u.id, now)));
    }
    const body = (i: number) => ({ spaceId, name: `New ${i}`, years: 10, scenarios: 100, seed: i, startingNetWorth: "1000.00", annualContribution: "100.00" });
    const results = await Promise.all([0, 1, 2, 3, 4].map((i) => a.post("/v1/projections", body(i))));
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 422, 422, 422]);
    const refusal = { field: "spaceId", message: `A space may have at most ${MAX} saved projection scenarios; send save: false to run one without saving it`, code: "LIMIT_REACHED" };
    for (const r of results.filter((x) => x.status === 422)) expect(r.body.error.details).toEqual([refusal]);
    const count = async () => (await env.DB.prepare("SELECT COUNT(*) AS n FROM projection_scenarios WHERE space_id = ?").bind(spaceId).first<{ n: number }>())!.n;
    expect(await count()).toBe(MAX);
    // Full: refused before the run (the same answer), and a run without saving is still a 200.
    const again = await a.post("/v1/projections", body(9));
    expect(again.status).toBe(422);
    expect(again.body.error.details).toEqual([refusal]);
    const unsaved = await a.post("/v1/projections", { ...body(9), save: false });
    expect(unsaved.status, JSON.stringify(unsaved.body).slice(0, 300)).toBe(200);
    expect(unsaved.body.scenario).toBeNull();
    expect(await count()).toBe(MAX);
    expect((await ok(a.get(`/v1/projections/scenarios?spaceId=${spaceId}&limit=1`))).pagination.total).toBe(MAX);
  });
});
