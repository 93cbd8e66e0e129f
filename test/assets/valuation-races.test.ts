/**
 * A valuation written while another request deletes its asset or records its sale. The asset is read a round trip (here,
 * a whole provider call) before the write, so the write is judged in its own statement: no valuation outlives its asset,
 * none lands after a sale recorded meanwhile, and the caller is told what happened. The other request runs inside the
 * provider call, through the simulator's handler, so the interleaving is the same on every run.
 */
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { registerSandboxHandler } from "../../src/lib/outbound";
import { registerUser } from "../helpers";
import { localDays, ok } from "../analytics/fixture";
import { as, SAMPLE_ADDRESS } from "./helpers";

/** What runs while the simulator is answering the next Zestimate request, before it answers. */
let meanwhile: (() => Promise<unknown>) | null = null;

beforeAll(() => registerSandboxHandler(async (request, e) => {
  const run = new URL(request.url).pathname.endsWith("/zestimate") ? meanwhile : null;
  if (run) { meanwhile = null; await run(); }
  return app.fetch(request, e);
}));
afterAll(() => registerSandboxHandler((request, e) => app.fetch(request, e)));

async function houseInUtcSpace() {
  const owner = await registerUser();
  const a = as(owner);
  const { day } = localDays("UTC");
  const spaceId = (await ok(a.post("/v1/spaces", { name: "Home", type: "personal", currency: "USD", timezone: "UTC" }))).id as string;
  const house = await ok(a.post("/v1/assets", { spaceId, name: "House", type: "real_estate", currency: "USD", value: "850000.00", valuationDate: day(-30), address: SAMPLE_ADDRESS }));
  return { a, day, house: house.id as string };
}

const valuationsOf = async (assetId: string) =>
  (await env.DB.prepare("SELECT date, value FROM asset_valuations WHERE asset_id = ? ORDER BY date").bind(assetId).all<{ date: string; value: number }>()).results;

describe("a Zestimate sync racing the asset's delete or sale", () => {
  it("deleted meanwhile: 404, and no valuation left without its asset", async () => {
    const { a, house } = await houseInUtcSpace();
    meanwhile = () => ok(a.del(`/v1/assets/${house}`));
    const res = await a.post(`/v1/real-estate/${house}/sync`);
    expect(meanwhile).toBeNull();
    expect(res.status).toBe(404);
    expect((res.body as any).error.code).toBe("RESOURCE_NOT_FOUND");
    expect(await valuationsOf(house)).toEqual([]);
  });

  it("sold yesterday, recorded meanwhile: 422 ASSET_DISPOSED, and the sale still ends its values", async () => {
    const { a, day, house } = await houseInUtcSpace();
    meanwhile = () => ok(a.patch(`/v1/assets/${house}`, { disposedOn: day(-1) }));
    const res = await a.post(`/v1/real-estate/${house}/sync`);
    expect(meanwhile).toBeNull();
    expect(res.status).toBe(422);
    expect((res.body as any).error.details[0]).toMatchObject({ field: "assetId", code: "ASSET_DISPOSED" });
    expect(await valuationsOf(house)).toEqual([{ date: day(-30), value: 85_000_000 }]);
    const stored = await ok(a.get(`/v1/assets/${house}`));
    expect({ disposedOn: stored.disposedOn, currentValueDecimal: stored.currentValueDecimal }).toEqual({ disposedOn: day(-1), currentValueDecimal: "850000.00" });
  });

  it("with nothing meanwhile, the sync stores today's Zestimate (the guard refuses only what it should)", async () => {
    const { a, day, house } = await houseInUtcSpace();
    const res = await a.post(`/v1/real-estate/${house}/sync`);
    expect(res.status).toBe(200);
    expect(await valuationsOf(house)).toEqual([{ date: day(-30), value: 85_000_000 }, { date: day(0), value: 87_500_000 }]);
  });
});
