/**
 * A hostile or compromised Zillow-style provider, through the real app: a property id it answers is stored only when it
 * is an id (a zpid's digits), never a 500 at the store, never a path it can steer the next request with.
 */
import { env } from "cloudflare:workers";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { registerSandboxHandler } from "../../src/lib/outbound";
import { ok } from "../analytics/fixture";
import { houseInNewSpace, SAMPLE_ADDRESS } from "../assets/helpers";

let search: (() => Response) | null = null;
const zestimatePaths: string[] = [];
beforeAll(() => registerSandboxHandler(async (request, e) => {
  const path = new URL(request.url).pathname;
  if (path.endsWith("/properties/search") && search) return search();
  if (path.includes("/properties/") && path.endsWith("/zestimate")) zestimatePaths.push(path);
  return app.fetch(request, e);
}));
afterEach(() => { search = null; zestimatePaths.length = 0; });
afterAll(() => registerSandboxHandler((request, e) => app.fetch(request, e)));

const house = houseInNewSpace;
const propertyId = async (id: string) =>
  (await env.DB.prepare("SELECT property_id AS p FROM manual_assets WHERE id = ?").bind(id).first<{ p: string | null }>())?.p ?? null;

describe("a hostile Zillow-style provider's property ids", () => {
  it("a zpid of 3 MB, a path, a fraction, an exponent or an object: the provider's 502, no property id stored, no Zestimate asked for it", async () => {
    const { a, id } = await house();
    for (const zpid of ["9".repeat(3_000_000), "../../admin", "1/2", 1.5, 1e21, -3, { id: 1 }, true, ""]) {
      search = () => Response.json({ bundle: [{ zpid, address: {} }], total: 1 });
      const r = await a.post(`/v1/real-estate/${id}/sync`);
      expect([typeof zpid === "string" ? zpid.slice(0, 20) : zpid, r.status, (r.body as any).error?.code]).toEqual([typeof zpid === "string" ? zpid.slice(0, 20) : zpid, 502, "PROVIDER_ERROR"]);
      expect(await propertyId(id)).toBeNull();
      const lookup = await a.post("/v1/real-estate/lookup", SAMPLE_ADDRESS);
      expect(lookup.status).toBe(502);
    }
    expect(zestimatePaths).toEqual([]);
  });

  it("a zpid as Zillow sends it (a JSON number or its digits) is read as its digits", async () => {
    const { a, id } = await house();
    for (const zpid of [15056112, "15056112"]) {
      search = () => Response.json({ bundle: [{ zpid, address: {} }], total: 1 });
      await ok(a.post(`/v1/real-estate/${id}/sync`));
      expect(await propertyId(id)).toBe("15056112");
      await env.DB.prepare("UPDATE manual_assets SET property_id = NULL WHERE id = ?").bind(id).run();
    }
  });
});
