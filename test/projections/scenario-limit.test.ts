/**
 * At most 500 saved projection scenarios a space (as a space holds at most 500 assets): each saved row keeps its
 * inputs (up to 50 life events with their descriptions), and nothing bounded them before, at 1,000 requests an hour.
 * The count is read with the role check (a full space is refused before the engine runs) and again in the insert,
 * so concurrent saves cannot pass it together; `save: false` still runs.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addMember, registerUser } from "../helpers";
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
    const refusal = { field: "spaceId", message: `A space may have at most ${MAX} saved projection scenarios; delete one, or send save: false to run one without saving it`, code: "LIMIT_REACHED" };
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

describe("DELETE /v1/projections/scenarios/{scenarioId}", () => {
  it("a member deletes a saved scenario (making room at the cap); a viewer may not, another space's is a 404", async () => {
    const owner = await registerUser();
    const a = api(owner);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "Plans", type: "personal", currency: "USD", timezone: "UTC" }))).id as string;
    const body = { spaceId, name: "Plan A", years: 10, scenarios: 100, seed: 7, startingNetWorth: "1000.00", annualContribution: "100.00" };
    const saved = await a.post("/v1/projections", body);
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    const id = saved.body.scenario.id as string;
    const viewer = await registerUser();
    await addMember(owner, spaceId, viewer, "viewer");
    const stranger = await registerUser();
    expect((await api(viewer).del(`/v1/projections/scenarios/${id}`)).status).toBe(403);
    expect((await api(stranger).del(`/v1/projections/scenarios/${id}`)).status).toBe(404);
    expect((await a.del("/v1/projections/scenarios/scen_nope")).status).toBe(404);
    expect((await a.del(`/v1/projections/scenarios/${id}`)).status).toBe(204);
    expect((await ok(a.get(`/v1/projections/scenarios?spaceId=${spaceId}`))).scenarios).toEqual([]);
    const compared = await a.post("/v1/projections/compare", { scenarioIds: [id] });
    expect(compared.status).toBe(404);

    // At the cap: deleting one lets the next save in.
    const now = Date.now();
    const ids = Array.from({ length: MAX }, (_, i) => `scen_full${String(i).padStart(20, "0")}`);
    for (let i = 0; i < ids.length; i += 20) {
      await env.DB.batch(ids.slice(i, i + 20).map((sid) =>
        env.DB.prepare("INSERT INTO projection_scenarios (id, space_id, name, created_by, currency, seed, inputs, summary, created_at) VALUES (?, ?, 'seed', ?, 'USD', 1, '{}', '{}', ?)")
          .bind(sid, spaceId, owner.id, now)));
    }
    expect((await a.post("/v1/projections", body)).status).toBe(422);
    expect((await a.del(`/v1/projections/scenarios/${ids[0]}`)).status).toBe(204);
    expect((await a.post("/v1/projections", body)).status).toBe(201);
  });
});
