/**
 * Real-estate and collectible valuations through the real clients, answered
 * by the in-process sandbox simulators (which check the clients' requests).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { RealEstateClient, ZESTIMATE_SOURCE } from "../../src/providers/real-estate/client";
import { SneaksClient } from "../../src/providers/sneaks/client";
import { outbound } from "../../src/lib/outbound";
import { createSpace, registerUser } from "../helpers";
import { as, createAsset, SAMPLE_ADDRESS, refreshLinkedValuations } from "./helpers";
import { svcAt } from "../documents/helpers";

describe("real estate", () => {
  it("looks up seed 000's sample address: Zestimate with range, rent estimate and property details", async () => {
    const u = await registerUser();
    const r = await as(u).post("/v1/real-estate/lookup", SAMPLE_ADDRESS);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      zestimate: 875000, zestimateDecimal: "875000.00", rentZestimate: 4200, rentZestimateDecimal: "4200.00", currency: "USD",
      lastUpdated: "2025-01-14T00:00:00.000Z", valuationRange: { low: 830000, high: 920000, lowDecimal: "830000.00", highDecimal: "920000.00" },
      propertyDetails: { bedrooms: 3, bathrooms: 2, sqft: 1850, yearBuilt: 2005 },
    });
    // "123 Main St" is the same street; another address is not found.
    expect((await as(u).post("/v1/real-estate/lookup", { ...SAMPLE_ADDRESS, address: "123 main st." })).status).toBe(200);
    const miss = await as(u).post("/v1/real-estate/lookup", { ...SAMPLE_ADDRESS, address: "1 Nowhere Lane" });
    expect(miss.status).toBe(404);
  });

  it("sync records a valuation with its source and reports previous and new values; zestimate reads the asset's address", async () => {
    const u = await registerUser();
    const a = as(u);
    const space = await createSpace(u);
    const house = await createAsset(u, space.id, { value: "850000", address: SAMPLE_ADDRESS });
    const z = await a.get(`/v1/real-estate/${house.id}/zestimate`);
    expect(z.status).toBe(200);
    expect(z.body).toMatchObject({ zestimate: 875000, rentZestimate: 4200, valuationRange: { low: 830000, high: 920000 } });
    const s = await a.post(`/v1/real-estate/${house.id}/sync`);
    expect(s.status).toBe(200);
    expect(s.body).toMatchObject({ previousValue: 850000, previousValueDecimal: "850000.00", newValue: 875000, newValueDecimal: "875000.00", source: "Zillow Zestimate", valuationCreated: true });
    const asset = (await a.get(`/v1/assets/${house.id}`)).body;
    expect(asset).toMatchObject({ currentValueDecimal: "875000.00", valuationSource: "Zillow Zestimate" });
    const history = (await a.get(`/v1/assets/${house.id}/valuations`)).body.valuations;
    expect(history.map((v: any) => v.source)).toEqual(["Zillow Zestimate", "manual"]);
    // Asked again the same day, with the same Zestimate: no copy is stored, and the answer says so.
    const again = await a.post(`/v1/real-estate/${house.id}/sync`);
    expect(again.body).toMatchObject({ previousValueDecimal: "875000.00", newValueDecimal: "875000.00", valuationCreated: false });
    expect(again.body.valuation.id).toBe(s.body.valuation.id);
    expect((await a.get(`/v1/assets/${house.id}/valuations`)).body.valuations).toHaveLength(2);

    // No address, another type or another currency: a 422 that names why, and nothing recorded.
    const bare = await createAsset(u, space.id, { name: "Lot" });
    expect((await a.post(`/v1/real-estate/${bare.id}/sync`)).body.error.details[0].code).toBe("ADDRESS_REQUIRED");
    const mxn = await createAsset(u, space.id, { name: "Casa", currency: "MXN", address: SAMPLE_ADDRESS });
    expect((await a.post(`/v1/real-estate/${mxn.id}/sync`)).body.error.details[0].code).toBe("CURRENCY_MISMATCH");
    const car = await createAsset(u, space.id, { name: "Car", type: "vehicle" });
    expect((await a.get(`/v1/real-estate/${car.id}/zestimate`)).status).toBe(422);
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM asset_valuations WHERE asset_id IN (?, ?, ?)").bind(bare.id, mxn.id, car.id).first<{ n: number }>();
    expect(count!.n).toBe(3);
    // Another space's member: 404.
    const outsider = await registerUser();
    expect((await as(outsider).post(`/v1/real-estate/${house.id}/sync`)).status).toBe(404);
  });

  it("client sends its key; a wrong key or missing configuration is an error, never a value", async () => {
    const wrong = new RealEstateClient(outbound(env), env.REAL_ESTATE_BASE_URL, "not-the-key");
    await expect(wrong.findProperty(SAMPLE_ADDRESS)).rejects.toMatchObject({ status: 502, code: "PROVIDER_ERROR" });
    expect(() => RealEstateClient.fromEnv({ ...env, REAL_ESTATE_BASE_URL: "" } as Env)).toThrow(/not configured/);
    // A non-sandbox base URL with no key configured is unavailable (no fallback key leaves the sandbox).
    expect(() => RealEstateClient.fromEnv({ ...env, REAL_ESTATE_BASE_URL: "https://api.example.com/zillow" } as Env)).toThrow(/REAL_ESTATE_API_KEY/);
  });
});

describe("collectibles", () => {
  it("lists seed 000's categories and providers with truthful availability", async () => {
    const u = await registerUser();
    const r = await as(u).get("/v1/collectibles/categories");
    expect(r.status).toBe(200);
    expect(r.body).toEqual([
      { category: "sneaker", provider: "sneaks", available: true },
      { category: "watch", provider: "watchcharts", available: false },
      { category: "art", provider: "artsy", available: false },
      { category: "wine", provider: "wine-searcher", available: false },
      { category: "coin", provider: "pcgs", available: false },
      { category: "trading_card", provider: "psa", available: false },
      { category: "classic_car", provider: "hagerty", available: false },
      { category: "sneaker", provider: "kicksdb", available: false },
    ]);
  });

  it("searches, links, refreshes (previous and new value) and unlinks", async () => {
    const u = await registerUser();
    const a = as(u);
    const found = await a.get("/v1/collectibles/search?category=sneaker&q=jordan%201%20chicago&limit=5");
    expect(found.status).toBe(200);
    expect(found.body).toEqual([{
      externalId: "CW2288-111", provider: "sneaks", category: "sneaker", name: "Nike Air Jordan 1 Retro High OG Chicago", brand: "Nike",
      referenceNumber: "CW2288-111", imageUrl: expect.stringMatching(/^https:\/\//), currentMarketValue: 320, currentMarketValueDecimal: "320.00", currency: "USD",
    }]);
    expect((await a.get("/v1/collectibles/search?category=sneaker&q=nike&limit=1")).body).toHaveLength(1);

    const space = await createSpace(u);
    const shoe = await createAsset(u, space.id, { name: "AJ1 Chicago", type: "collectible", value: 300 });
    expect((await a.post(`/v1/assets/${shoe.id}/collectible-refresh`)).body.error.details[0].code).toBe("NOT_LINKED");
    const linked = await a.post(`/v1/assets/${shoe.id}/collectible-link`, { externalId: "CW2288-111", provider: "sneaks", category: "sneaker" });
    expect(linked.status).toBe(200);
    expect(linked.body).toMatchObject({ success: true, externalId: "CW2288-111", name: "Nike Air Jordan 1 Retro High OG Chicago" });
    expect((await a.get(`/v1/assets/${shoe.id}`)).body.collectibleLink).toEqual({ provider: "sneaks", category: "sneaker", externalId: "CW2288-111", name: "Nike Air Jordan 1 Retro High OG Chicago" });
    const refreshed = await a.post(`/v1/assets/${shoe.id}/collectible-refresh`);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({ success: true, previousValue: 300, newValue: 320, newValueDecimal: "320.00", source: "sneaks" });
    expect((await a.get(`/v1/assets/${shoe.id}`)).body.currentValueDecimal).toBe("320.00");
    // Refreshed again the same day at the same price: the same valuation, no copy.
    const again = await a.post(`/v1/assets/${shoe.id}/collectible-refresh`);
    expect(again.body).toMatchObject({ previousValueDecimal: "320.00", newValueDecimal: "320.00" });
    expect(again.body.valuation.id).toBe(refreshed.body.valuation.id);
    expect((await a.get(`/v1/assets/${shoe.id}/valuations`)).body.valuations.map((v: any) => v.valueDecimal)).toEqual(["320.00", "300.00"]);
    const unlinked = await a.del(`/v1/assets/${shoe.id}/collectible-link`);
    expect(unlinked.body).toEqual({ success: true, assetId: shoe.id, unlinked: true });
    expect((await a.get(`/v1/assets/${shoe.id}`)).body.collectibleLink).toBeNull();
    // Unknown items and currency mismatches are refused.
    expect((await a.post(`/v1/assets/${shoe.id}/collectible-link`, { externalId: "NOPE-000", provider: "sneaks", category: "sneaker" })).status).toBe(404);
    const mxn = await createAsset(u, space.id, { name: "Tenis", type: "collectible", currency: "MXN", value: 6000 });
    expect((await a.post(`/v1/assets/${mxn.id}/collectible-link`, { externalId: "CW2288-111", provider: "sneaks", category: "sneaker" })).body.error.details[0].code).toBe("CURRENCY_MISMATCH");
  });

  it("values from a catalog item only an asset of a type it fits: a house is refused a sneaker, and an old such link is passed over", async () => {
    const u = await registerUser();
    const a = as(u);
    const space = await createSpace(u);
    const sneaker = { externalId: "CW2288-111", provider: "sneaks", category: "sneaker" };
    const house = await createAsset(u, space.id, { value: "850000.00", address: SAMPLE_ADDRESS });
    expect((await a.post(`/v1/real-estate/${house.id}/sync`)).status).toBe(200);
    const zestimate = (await a.get(`/v1/assets/${house.id}`)).body.currentValueDecimal as string;
    const refused = await a.post(`/v1/assets/${house.id}/collectible-link`, sneaker);
    expect([refused.status, refused.body.error.details[0]]).toEqual([422, { field: "category", code: "NOT_A_COLLECTIBLE", message: "A real_estate asset is not valued from a sneaker catalog item" }]);
    // A vehicle takes a classic car's valuation only; an asset filed as "other" may be a sneaker.
    const car = await createAsset(u, space.id, { name: "Civic", type: "vehicle", value: 9000 });
    expect((await a.post(`/v1/assets/${car.id}/collectible-link`, sneaker)).status).toBe(422);
    const other = await createAsset(u, space.id, { name: "Box of shoes", type: "other", value: 300 });
    expect((await a.post(`/v1/assets/${other.id}/collectible-link`, sneaker)).status).toBe(200);
    // A link stored before the check (written here directly): the manual refresh refuses it, the daily one keeps the Zestimate.
    await env.DB.prepare("UPDATE manual_assets SET collectible_provider = 'sneaks', collectible_category = 'sneaker', collectible_external_id = 'CW2288-111', collectible_name = 'AJ1' WHERE id = ?").bind(house.id).run();
    expect((await a.post(`/v1/assets/${house.id}/collectible-refresh`)).status).toBe(422);
    await refreshLinkedValuations(svcAt(Date.now() + 86_400_000));
    const after = (await a.get(`/v1/assets/${house.id}`)).body;
    expect([after.currentValueDecimal, after.valuationSource]).toEqual([zestimate, ZESTIMATE_SOURCE]);
  });

  it("answers an unavailable provider with 503 PROVIDER_UNAVAILABLE and records no value", async () => {
    const u = await registerUser();
    const a = as(u);
    const search = await a.get("/v1/collectibles/search?category=watch&q=rolex");
    expect(search.status).toBe(503);
    expect(search.body.error.code).toBe("PROVIDER_UNAVAILABLE");
    const space = await createSpace(u);
    const watch = await createAsset(u, space.id, { name: "Submariner", type: "collectible", value: 9000 });
    const link = await a.post(`/v1/assets/${watch.id}/collectible-link`, { externalId: "126610LN", provider: "watchcharts", category: "watch" });
    expect(link.status).toBe(503);
    expect(link.body.error.code).toBe("PROVIDER_UNAVAILABLE");
    expect((await a.post(`/v1/assets/${watch.id}/collectible-link`, { externalId: "x", provider: "sneaks", category: "watch" })).status).toBe(422);
    expect((await a.get("/v1/collectibles/search?category=stamps&q=x")).status).toBe(422);
    // Without SNEAKS_BASE_URL the sneaks provider is unavailable too.
    expect(SneaksClient.configured({ ...env, SNEAKS_BASE_URL: "" } as Env)).toBe(false);
    expect((await a.get(`/v1/assets/${watch.id}/valuations`)).body.valuations).toHaveLength(1);
  });
});
