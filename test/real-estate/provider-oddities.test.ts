/**
 * The Zestimate client through the real app, with the provider's answers replaced by what a real valuation API sends on
 * its odd days (Bridge Interactive's Zillow Zestimates answer `zestimate: null` for a home Zillow has no estimate for,
 * whole dollars as JSON numbers, no range for some homes): the user gets a clear 4xx or 502, never a 500, and no wrong
 * value is stored.
 */
import { env } from "cloudflare:workers";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { outbound, registerSandboxHandler } from "../../src/lib/outbound";
import { RealEstateClient } from "../../src/providers/real-estate/client";
import { registerUser } from "../helpers";
import { api, localDays, ok } from "../analytics/fixture";
import { as, houseInNewSpace, refreshLinkedValuations, SAMPLE_ADDRESS } from "../assets/helpers";
import { svcAt } from "../documents/helpers";

/** The next answers of the simulator's routes, by path suffix; an unset one is the simulator's own. */
let answers: { search?: () => Response | Promise<Response>; zestimate?: () => Response | Promise<Response> } = {};
/** What runs while the simulator is answering the next search, before it answers. */
let meanwhile: (() => Promise<unknown>) | null = null;
const sim = (base: Record<string, unknown>) => ({ zpid: "15056112", zestimate: 875000, rentZestimate: 4200, currency: "USD", valuationRange: { low: 830000, high: 920000 }, lastUpdated: "2025-01-14T00:00:00Z", ...base });

beforeAll(() => registerSandboxHandler(async (request, e) => {
  const path = new URL(request.url).pathname;
  if (path.endsWith("/properties/search") && meanwhile) { const run = meanwhile; meanwhile = null; await run(); }
  if (path.endsWith("/properties/search") && answers.search) return answers.search();
  if (path.endsWith("/zestimate") && path.includes("/sandbox/") && answers.zestimate) return answers.zestimate();
  return app.fetch(request, e);
}));
afterEach(() => { answers = {}; meanwhile = null; });
afterAll(() => registerSandboxHandler((request, e) => app.fetch(request, e)));

const house = houseInNewSpace;
const values = async (assetId: string) =>
  (await env.DB.prepare("SELECT value FROM asset_valuations WHERE asset_id = ? ORDER BY date, created_at").bind(assetId).all<{ value: number }>()).results.map((r) => r.value);

describe("a Zestimate answer with real-world oddities", () => {
  it("no Zestimate for the home (null, or a zero): a 404 that says so, and nothing stored", async () => {
    const { a, id } = await house();
    for (const zestimate of [null, 0]) {
      answers.zestimate = () => Response.json(sim({ zestimate }));
      const sync = await a.post(`/v1/real-estate/${id}/sync`);
      expect(sync.status).toBe(404);
      expect((sync.body as any).error.message).toMatch(/no Zestimate/i);
      expect((await a.post("/v1/real-estate/lookup", SAMPLE_ADDRESS)).status).toBe(404);
    }
    expect(await values(id)).toEqual([85_000_000]);
  });

  it("no range and no rent estimate: nulls, and the Zestimate itself is still stored", async () => {
    const { a, id } = await house();
    answers.zestimate = () => Response.json({ zpid: 15056112, zestimate: 901234, rentZestimate: null });
    const z = await ok(a.get(`/v1/real-estate/${id}/zestimate`));
    expect(z).toMatchObject({ zestimate: 901234, zestimateDecimal: "901234.00", rentZestimate: null, currency: "USD", valuationRange: { low: null, high: null } });
    await ok(a.post(`/v1/real-estate/${id}/sync`));
    expect(await values(id)).toEqual([85_000_000, 90_123_400]);
  });

  it("cents are kept exactly; more places than cents are rounded once, half-even, into cents", async () => {
    const { a, id } = await house();
    answers.zestimate = () => Response.json(sim({ zestimate: 875000.07 }));
    expect(await ok(a.post(`/v1/real-estate/${id}/sync`))).toMatchObject({ newValueDecimal: "875000.07" });
    answers.zestimate = () => new Response('{"zpid":"15056112","zestimate":875000.125,"currency":"USD"}', { headers: { "content-type": "application/json" } });
    expect(await ok(a.post(`/v1/real-estate/${id}/sync`))).toMatchObject({ newValueDecimal: "875000.12" });
    expect(await values(id)).toEqual([85_000_000, 87_500_007, 87_500_012]);
    const asset = await ok(a.get(`/v1/assets/${id}`));
    expect(asset.currentValueDecimal).toBe("875000.12");
  });

  it("a huge value, a negative one, text, another currency: 502 PROVIDER_ERROR and nothing stored", async () => {
    const { a, id } = await house();
    for (const body of [sim({ zestimate: 1e20 }), sim({ zestimate: -5 }), sim({ zestimate: "lots" }), sim({ zestimate: { amount: 1 } }), sim({ currency: "EUR" })]) {
      answers.zestimate = () => Response.json(body);
      const r = await a.post(`/v1/real-estate/${id}/sync`);
      expect(r.status, JSON.stringify(body)).toBe(502);
      expect((r.body as any).error.code).toBe("PROVIDER_ERROR");
    }
    expect(await values(id)).toEqual([85_000_000]);
  });

  it("429, 5xx, a body that is not JSON or not an object: 502, never a 500 or a 404", async () => {
    const { a, id } = await house();
    const bodies: Array<() => Response> = [
      () => new Response("Too Many Requests", { status: 429, headers: { "retry-after": "30" } }),
      () => new Response("<html>502 Bad Gateway</html>", { status: 502, headers: { "content-type": "text/html" } }),
      () => new Response("upstream timeout", { status: 200, headers: { "content-type": "text/plain" } }),
      () => Response.json([sim({})]),
      () => Response.json("875000"),
    ];
    for (const b of bodies) {
      answers.zestimate = b;
      const r = await a.post(`/v1/real-estate/${id}/sync`);
      expect(r.status).toBe(502);
      expect((r.body as any).error.code).toBe("PROVIDER_ERROR");
    }
    // The search likewise: an answer that is not an object of results is the provider's fault, not "no such address".
    for (const b of [() => Response.json("no"), () => Response.json([]), () => Response.json({ bundle: "x" }), () => new Response("<html/>", { status: 200 })]) {
      answers.search = b;
      const r = await a.post("/v1/real-estate/lookup", SAMPLE_ADDRESS);
      expect(r.status).toBe(502);
    }
    // An empty search is the address's 404.
    answers.search = () => Response.json({ bundle: [], total: 0 });
    expect((await a.post("/v1/real-estate/lookup", SAMPLE_ADDRESS)).status).toBe(404);
    expect(await values(id)).toEqual([85_000_000]);
  });

  it("a slow answer is a 502 within the client's deadline", async () => {
    answers.zestimate = () => new Promise<Response>((resolve) => setTimeout(() => resolve(Response.json(sim({}))), 500));
    const client = new RealEstateClient(outbound(env, 100), env.REAL_ESTATE_BASE_URL, "sandbox-real-estate-key");
    await expect(client.zestimate("15056112")).rejects.toMatchObject({ status: 502, code: "PROVIDER_ERROR" });
  });

  it("a USD house in a peso space: one value a day in the space's zone, counted at the day's rate to the cent", { timeout: 60_000 }, async () => {
    const owner = await registerUser();
    const a = as(owner);
    const tz = "America/Mexico_City";
    const { day, today } = localDays(tz);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "Casa", type: "personal", currency: "MXN", timezone: tz }))).id as string;
    const h = await ok(a.post("/v1/assets", { spaceId, name: "House", type: "real_estate", currency: "USD", value: "850000.00", valuationDate: day(-30), address: SAMPLE_ADDRESS }));
    await ok(api(owner).put(`/v1/spaces/${spaceId}/rates`, { rates: [{ base: "USD", quote: "MXN", date: today, rate: "17.0512" }] }));
    answers.zestimate = () => Response.json(sim({ zestimate: 875000.07 }));
    const sync = await ok(a.post(`/v1/real-estate/${h.id}/sync`));
    expect(sync.valuation).toMatchObject({ date: today, valueDecimal: "875000.07" });
    // The daily refresh the same day (and again) adds no copy of the day's value.
    answers.zestimate = () => Response.json(sim({ zestimate: 875000.07 }));
    await refreshLinkedValuations(svcAt(Date.now()));
    await refreshLinkedValuations(svcAt(Date.now()));
    expect(await values(h.id)).toEqual([85_000_000, 87_500_007]);
    // 87,500,007 US cents × 17.0512 = 1,491,980,119.3584 centavos: 14,919,801.19 MXN, in the history and on the dashboard.
    const nw = await ok(a.get(`/v1/analytics/net-worth?spaceId=${spaceId}&from=${today}&to=${today}&interval=day`));
    expect(nw.points.at(-1)).toMatchObject({ date: today, netWorthDecimal: "14919801.19", complete: true });
    const dash = await ok(a.get(`/v1/analytics/dashboard?spaceId=${spaceId}`));
    expect(dash.netWorth.currentDecimal).toBe("14919801.19");
  });

  it("an address changed while its first look-up was answering keeps no property id of the old address", async () => {
    const { a, id } = await house();
    meanwhile = () => ok(a.patch(`/v1/assets/${id}`, { address: { address: "1 Other Street", city: "Oakland", state: "CA", zipCode: "94607" } }));
    expect((await a.post(`/v1/real-estate/${id}/sync`)).status).toBe(200);
    expect(meanwhile).toBeNull();
    const row = await env.DB.prepare("SELECT property_id, address_line FROM manual_assets WHERE id = ?").bind(id).first<{ property_id: string | null; address_line: string }>();
    expect(row).toEqual({ property_id: null, address_line: "1 Other Street" });
    // So the daily refresh does not value the old address from then on.
    const before = await values(id);
    await refreshLinkedValuations(svcAt(Date.now() + 86_400_000));
    expect(await values(id)).toEqual(before);
  });
});
