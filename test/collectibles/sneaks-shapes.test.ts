/**
 * The sneaks client through the real app, against what a Sneaks-API server (github.com/druv5319/Sneaks-API) really
 * sends: a miss is `res.send("Product Not Found")`, HTTP 200 with a text/html body (routes/sneaks.routes.js), for a
 * search with no results and for an unknown style id alike; `/id/:id/prices` upper-cases the id it is given; prices are
 * JSON numbers of dollars (GOAT's and Flight Club's are cents / 100). The user gets a clear answer, never a 500, and
 * no wrong value is stored.
 */
import { env } from "cloudflare:workers";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { registerSandboxHandler } from "../../src/lib/outbound";
import { createSpace, registerUser } from "../helpers";
import { ok } from "../analytics/fixture";
import { as, createAsset } from "../assets/helpers";

/** Replaced answers, by path prefix under the simulator (`/search/`, `/id/`); an unset one is the simulator's own. */
let answers: Record<string, () => Response | Promise<Response>> = {};
beforeAll(() => registerSandboxHandler(async (request, e) => {
  const path = new URL(request.url).pathname;
  const hit = Object.entries(answers).find(([p]) => path.includes(`/sneaks${p}`));
  return hit ? hit[1]() : app.fetch(request, e);
}));
afterEach(() => { answers = {}; });
afterAll(() => registerSandboxHandler((request, e) => app.fetch(request, e)));

/** Express's `res.send(string)`: HTTP 200, text/html. */
const productNotFound = () => new Response("Product Not Found", { headers: { "content-type": "text/html; charset=utf-8" } });
const AJ1 = { _id: "64f0c0ffee", shoeName: "Nike Air Jordan 1 Retro High OG Chicago", brand: "Nike", styleID: "CW2288-111", thumbnail: "https://images.example/aj1.png", imageLinks: [], resellLinks: {} };
const values = async (assetId: string) =>
  (await env.DB.prepare("SELECT value FROM asset_valuations WHERE asset_id = ? ORDER BY date, created_at").bind(assetId).all<{ value: number }>()).results.map((r) => r.value);

async function shoe(value = 300) {
  const u = await registerUser();
  const space = await createSpace(u);
  const asset = await createAsset(u, space.id, { name: "AJ1 Chicago", type: "collectible", value });
  return { a: as(u), id: asset.id };
}

describe("a Sneaks-API answer as the real server sends it", () => {
  it("a search with no results (200 \"Product Not Found\") is an empty list, not a provider error", async () => {
    const u = await registerUser();
    // The simulator itself answers a miss as the real server does.
    const r = await as(u).get("/v1/collectibles/search?category=sneaker&q=no%20such%20shoe%20anywhere");
    expect([r.status, r.body]).toEqual([200, []]);
    answers["/search/"] = productNotFound;
    const jordan = await as(u).get("/v1/collectibles/search?category=sneaker&q=jordan");
    expect([jordan.status, jordan.body]).toEqual([200, []]);
  });

  it("an unknown style id (200 \"Product Not Found\") is the catalog item's 404; a linked item gone is the refresh's 404", async () => {
    const { a, id } = await shoe();
    const r = await a.post(`/v1/assets/${id}/collectible-link`, { externalId: "NOPE-000", provider: "sneaks", category: "sneaker" });
    expect([r.status, (r.body as any).error.message]).toEqual([404, "Catalog item not found"]);
    await ok(a.post(`/v1/assets/${id}/collectible-link`, { externalId: "CW2288-111", provider: "sneaks", category: "sneaker" }));
    answers["/id/"] = productNotFound;
    const gone = await a.post(`/v1/assets/${id}/collectible-refresh`);
    expect([gone.status, (gone.body as any).error.message]).toEqual([404, "The linked catalog item no longer exists"]);
    expect(await values(id)).toEqual([30_000]);
  });

  it("a style id in lower case links the item under the provider's own id (the server upper-cases it)", async () => {
    const { a, id } = await shoe();
    const r = await a.post(`/v1/assets/${id}/collectible-link`, { externalId: "cw2288-111", provider: "sneaks", category: "sneaker" });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ externalId: "CW2288-111", currentMarketValueDecimal: "320.00" });
    expect((await ok(a.get(`/v1/assets/${id}`))).collectibleLink).toMatchObject({ externalId: "CW2288-111" });
    expect(await ok(a.post(`/v1/assets/${id}/collectible-refresh`))).toMatchObject({ newValueDecimal: "320.00" });
  });

  it("prices: cents kept, more places rounded once half-even, the lowest offer taken, nothing or no number offered is a 502", async () => {
    const { a, id } = await shoe();
    await ok(a.post(`/v1/assets/${id}/collectible-link`, { externalId: "CW2288-111", provider: "sneaks", category: "sneaker" }));
    const priced = (lowestResellPrice: unknown) => () => Response.json({ ...AJ1, lowestResellPrice });
    answers["/id/"] = priced({ stockX: 321, goat: 319.99, flightClub: 0 });
    expect(await ok(a.post(`/v1/assets/${id}/collectible-refresh`))).toMatchObject({ newValueDecimal: "319.99" });
    answers["/id/"] = () => new Response(`{"styleID":"CW2288-111","shoeName":"AJ1","lowestResellPrice":{"stockX":318.125,"goat":400}}`, { headers: { "content-type": "application/json" } });
    expect(await ok(a.post(`/v1/assets/${id}/collectible-refresh`))).toMatchObject({ newValueDecimal: "318.12" });
    for (const lowest of [{}, { stockX: 0 }, undefined]) {
      answers["/id/"] = priced(lowest);
      const r = await a.post(`/v1/assets/${id}/collectible-refresh`);
      expect(r.status).toBe(502);
    }
    for (const lowest of [{ stockX: 1e300 }]) {
      answers["/id/"] = priced(lowest);
      const r = await a.post(`/v1/assets/${id}/collectible-refresh`);
      expect([r.status, (r.body as any).error.code]).toEqual([502, "PROVIDER_ERROR"]);
    }
    expect(await values(id)).toEqual([30_000, 31_999, 31_812]);
  });

  it("one result's unreadable price leaves that result unpriced; the rest of the search stands", async () => {
    const u = await registerUser();
    answers["/search/"] = () => Response.json([{ ...AJ1, lowestResellPrice: { stockX: 1e300 } }, { ...AJ1, styleID: "DD1391-100", shoeName: "Dunk Low Panda", lowestResellPrice: { goat: 98.5 } }]);
    const r = await ok(as(u).get("/v1/collectibles/search?category=sneaker&q=nike"));
    expect(r.map((i: any) => [i.externalId, i.currentMarketValueDecimal])).toEqual([["CW2288-111", null], ["DD1391-100", "98.50"]]);
  });

  it("429, 5xx, other text or JSON that is not the expected shape: 502, never a 500, nothing stored", async () => {
    const { a, id } = await shoe();
    await ok(a.post(`/v1/assets/${id}/collectible-link`, { externalId: "CW2288-111", provider: "sneaks", category: "sneaker" }));
    const faults: Array<() => Response> = [
      () => new Response("Too Many Requests", { status: 429 }),
      () => new Response("<html>Bad Gateway</html>", { status: 502, headers: { "content-type": "text/html" } }),
      () => new Response("Could not connect to StockX", { headers: { "content-type": "text/html" } }),
      () => Response.json([AJ1]),
      () => Response.json("CW2288-111"),
      () => Response.json({ ...AJ1, styleID: "DD1391-100", lowestResellPrice: { stockX: 90 } }),
    ];
    for (const f of faults) {
      answers["/id/"] = f;
      const r = await a.post(`/v1/assets/${id}/collectible-refresh`);
      expect([r.status, (r.body as any).error.code]).toEqual([502, "PROVIDER_ERROR"]);
      answers["/search/"] = f;
      const s = await a.get("/v1/collectibles/search?category=sneaker&q=jordan");
      if (f !== faults[3] && f !== faults[5]) expect(s.status).toBe(502);
    }
    expect(await values(id)).toEqual([30_000]);
  });
});
