/**
 * A hostile or compromised Sneaks-API server, through the real app: what it answers reaches clients only as data they
 * may render safely (an image URL is https or nothing), and nothing it sends is a 500.
 */
import { env } from "cloudflare:workers";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { registerSandboxHandler } from "../../src/lib/outbound";
import { createSpace, registerUser } from "../helpers";
import { ok } from "../analytics/fixture";
import { as, createAsset } from "../assets/helpers";

let answers: Record<string, () => Response | Promise<Response>> = {};
/** The paths the client asked the provider for. */
const asked: string[] = [];
beforeAll(() => registerSandboxHandler(async (request, e) => {
  const path = new URL(request.url).pathname;
  if (path.includes("/sneaks/")) asked.push(path.slice(path.indexOf("/sneaks/") + "/sneaks".length));
  const hit = Object.entries(answers).find(([p]) => path.includes(`/sneaks${p}`));
  return hit ? hit[1]() : app.fetch(request, e);
}));
afterEach(() => { answers = {}; asked.length = 0; });
afterAll(() => registerSandboxHandler((request, e) => app.fetch(request, e)));

const AJ1 = { shoeName: "Nike Air Jordan 1 Retro High OG Chicago", brand: "Nike", styleID: "CW2288-111", lowestResellPrice: { stockX: 320 } };

async function shoe() {
  const u = await registerUser();
  const space = await createSpace(u);
  const asset = await createAsset(u, space.id, { name: "AJ1 Chicago", type: "collectible", value: 300 });
  return { a: as(u), id: asset.id };
}

describe("a hostile Sneaks-API server", () => {
  it("a thumbnail that is not an https URL (javascript:, data:, http:, relative, not a URL) reaches no client", async () => {
    const { a, id } = await shoe();
    const bad = ["javascript:alert(document.cookie)", " JavaScript:alert(1)", "data:text/html,<script>alert(1)</script>", "http://tracker.example/p.gif",
      "//evil.example/x.png", "/relative.png", "not a url", "vbscript:msgbox(1)", `https://x.example/${"a".repeat(5000)}`];
    answers["/search/"] = () => Response.json([...bad.map((thumbnail, i) => ({ ...AJ1, styleID: `X-${i}`, thumbnail })), { ...AJ1, thumbnail: "https://images.stockx.com/aj1.png" }]);
    const found = await ok(a.get("/v1/collectibles/search?category=sneaker&q=jordan&limit=20"));
    expect(found.map((i: any) => i.imageUrl)).toEqual([...bad.map(() => null), "https://images.stockx.com/aj1.png"]);
    for (const thumbnail of bad) {
      answers["/id/"] = () => Response.json({ ...AJ1, thumbnail });
      const linked = await ok(a.post(`/v1/assets/${id}/collectible-link`, { externalId: "CW2288-111", provider: "sneaks", category: "sneaker" }));
      expect(linked.imageUrl).toBeNull();
    }
  });

  it("a name past any D1 row (3 MB) is the provider's 502, not a 500, nothing is stored, and a search leaves that result out", async () => {
    const { a, id } = await shoe();
    answers["/id/"] = () => Response.json({ ...AJ1, shoeName: "A".repeat(3_000_000) });
    const r = await a.post(`/v1/assets/${id}/collectible-link`, { externalId: "CW2288-111", provider: "sneaks", category: "sneaker" });
    expect([r.status, (r.body as any).error?.code]).toEqual([502, "PROVIDER_ERROR"]);
    const row = await env.DB.prepare("SELECT collectible_external_id AS x FROM manual_assets WHERE id = ?").bind(id).first<{ x: string | null }>();
    expect(row?.x ?? null).toBeNull();
    answers["/search/"] = () => Response.json([{ ...AJ1, shoeName: "A".repeat(3_000_000) }, { ...AJ1, styleID: "X".repeat(101) }, { ...AJ1, styleID: "DD1391-100" }]);
    const found = await ok(a.get("/v1/collectibles/search?category=sneaker&q=jordan"));
    expect(found.map((i: any) => i.externalId)).toEqual(["DD1391-100"]);
  });

  it("a price of 1e309 (Infinity when parsed), -0, a string or an underflow: a 502 or no value, never a 500 or a stored value", async () => {
    const { a, id } = await shoe();
    const raw = (price: string) => () => new Response(`{"styleID":"CW2288-111","shoeName":"AJ1","lowestResellPrice":{"stockX":${price}}}`, { headers: { "content-type": "application/json" } });
    for (const p of ["1e309", "-0", "\"320\"", "-1e309", "1e-400"]) {
      answers["/id/"] = raw(p);
      const r = await a.post(`/v1/assets/${id}/collectible-link`, { externalId: "CW2288-111", provider: "sneaks", category: "sneaker" });
      expect([p, r.status === 502 || (r.status === 200 && (r.body as any).currentMarketValue === null)]).toEqual([p, true]);
    }
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM asset_valuations WHERE asset_id = ?").bind(id).first<{ n: number }>())?.n).toBe(1);
  });

  it("a query or style id of dots finds nothing and asks nothing: the URL parser takes it as a path step (/search/.. was the server's root, /id/../prices its /prices)", async () => {
    const { a, id } = await shoe();
    for (const q of [".", "..", "%2e%2E"]) expect(await ok(a.get(`/v1/collectibles/search?category=sneaker&q=${q}`))).toEqual([]);
    for (const externalId of [".", ".."]) {
      const r = await a.post(`/v1/assets/${id}/collectible-link`, { externalId, provider: "sneaks", category: "sneaker" });
      expect(r.status).toBe(404);
    }
    expect(asked).toEqual([]);
  });
});
