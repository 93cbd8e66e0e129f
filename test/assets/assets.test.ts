import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { assetHoldings } from "../../src/modules/assets/holdings";
import { addMember, createSpace, registerUser, awayFromMidnight } from "../helpers";
import { as, createAsset, SAMPLE_ADDRESS } from "./helpers";

// The days this file takes are the zone's: not across its midnight (helpers.ts).
await awayFromMidnight("America/Mexico_City");

const svcAt = (ms: number) => ({ env, db: createDb(env.DB), clock: { now: () => ms } });

describe("manual assets", () => {
  it("create, read, patch, list and delete with exact values", async () => {
    const u = await registerUser();
    const a = as(u);
    const space = await createSpace(u);
    const created = await a.post("/v1/assets", { spaceId: space.id, name: "Family Home", type: "real_estate", currency: "USD", value: "850000.10", address: SAMPLE_ADDRESS });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "Family Home", type: "real_estate", currency: "USD", currentValue: 850000.1, currentValueDecimal: "850000.10", valuationSource: "manual", address: SAMPLE_ADDRESS });
    const id = created.body.id;
    expect(id).toMatch(/^ast_/);

    // Large values stay exact as decimal strings; BTC keeps 8 decimals.
    const big = await a.post("/v1/assets", { spaceId: space.id, name: "Holding", type: "private_holding", currency: "USD", value: "90071992547409.91" });
    expect(big.body.currentValueDecimal).toBe("90071992547409.91");
    const btc = await a.post("/v1/assets", { spaceId: space.id, name: "Cold wallet art", type: "collectible", currency: "BTC", value: 0.00000001 });
    expect(btc.body.currentValueDecimal).toBe("0.00000001");

    const patched = await a.patch(`/v1/assets/${id}`, { name: "Casa", value: 900000 });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: "Casa", currentValueDecimal: "900000.00" });
    expect((await a.get(`/v1/assets/${id}`)).body.currentValueDecimal).toBe("900000.00");

    const list = await a.get(`/v1/assets?spaceId=${space.id}`);
    expect(list.status).toBe(200);
    expect(list.body.pagination).toMatchObject({ total: 3, hasMore: false });
    expect(list.body.assets.find((x: any) => x.id === id).currentValueDecimal).toBe("900000.00");
    expect((await a.get(`/v1/assets?spaceId=${space.id}&type=collectible`)).body.assets.map((x: any) => x.id)).toEqual([btc.body.id]);

    expect((await a.del(`/v1/assets/${id}`)).status).toBe(204);
    expect((await a.get(`/v1/assets/${id}`)).status).toBe(404);
    const left = await env.DB.prepare("SELECT COUNT(*) AS n FROM asset_valuations WHERE asset_id = ?").bind(id).first<{ n: number }>();
    expect(left!.n).toBe(0);
  });

  it("takes a valuation the user dates today as the asset's value, over one recorded earlier today; an older day's does not", async () => {
    const u = await registerUser();
    const a = as(u);
    const zone = "America/Mexico_City";
    const space = (await a.post("/v1/spaces", { name: "Casa", type: "personal", currency: "USD", timezone: zone })).body;
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: zone }).format(new Date());
    const yesterday = new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const created = await a.post("/v1/assets", { spaceId: space.id, name: "Depa", type: "real_estate", currency: "USD", value: "350000.01" });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const appraisal = await a.post(`/v1/assets/${id}/valuations`, { value: "400000.00", date: today, source: "appraisal" });
    expect(appraisal.status).toBe(201);
    expect((await a.get(`/v1/assets/${id}`)).body).toMatchObject({ currentValueDecimal: "400000.00" });
    expect((await a.get(`/v1/assets?spaceId=${space.id}`)).body.assets[0]).toMatchObject({ currentValueDecimal: "400000.00" });
    const dash = await a.get(`/v1/analytics/dashboard?spaceId=${space.id}`);
    expect(dash.body.netWorth.currentDecimal).toBe("400000.00");
    // A valuation of an earlier day, recorded later still, is not today's word.
    expect((await a.post(`/v1/assets/${id}/valuations`, { value: "390000.00", date: yesterday, source: "appraisal" })).status).toBe(201);
    expect((await a.get(`/v1/assets/${id}`)).body).toMatchObject({ currentValueDecimal: "400000.00" });
    expect((await assetHoldings(svcAt(Date.now()), space.id, Date.now())).map((h) => h.valueMinor)).toEqual([40000000n]);
    // The list of valuations, newest day first and, within a day, the latest recorded first.
    const list = await a.get(`/v1/assets/${id}/valuations`);
    expect(list.body.valuations.map((v: any) => v.valueDecimal)).toEqual(["400000.00", "350000.01", "390000.00"]);
  });

  it("refuses values with more decimals than the currency, negative values, inexact numbers and future dates", async () => {
    const u = await registerUser();
    const a = as(u);
    const space = await createSpace(u);
    const base = { spaceId: space.id, name: "x", type: "vehicle", currency: "USD" };
    for (const value of ["1.001", 1.005, "-1", "abc", "1e5"]) {
      const r = await a.post("/v1/assets", { ...base, value });
      expect(r.status, String(value)).toBe(422);
      expect(r.body.error.code).toBe("VALIDATION_FAILED");
    }
    const jpy = await a.post("/v1/assets", { ...base, currency: "JPY", value: "1.5" });
    expect(jpy.status).toBe(422);
    const inexact = await callRaw(u, "/v1/assets", `{"spaceId":"${space.id}","name":"x","type":"vehicle","currency":"USD","value":9007199254740993}`);
    expect(inexact.status).toBe(422);
    const asset = await createAsset(u, space.id);
    const future = await a.post(`/v1/assets/${asset.id}/valuations`, { value: 1, date: "2999-01-01" });
    expect(future.status).toBe(422);
    // A year's typo (0024 for 2024) is refused like a ledger day's, not stored before every other value.
    const typo = await a.post(`/v1/assets/${asset.id}/valuations`, { value: 1, date: "0024-01-01" });
    expect([typo.status, typo.body.error.details[0].code]).toEqual([422, "INVALID_DATE"]);
    expect((await a.post("/v1/assets", { ...base, value: 1, valuationDate: "0024-05-01" })).status).toBe(422);
    // Something that is no day at all gets one detail for its field, not a format and a years one.
    for (const body of [{ disposedOn: "" }, { disposedOn: "soon" }]) {
      const r = await a.patch(`/v1/assets/${asset.id}`, body);
      expect([r.status, r.body.error.details.length, r.body.error.details[0].field], JSON.stringify(body)).toEqual([422, 1, "disposedOn"]);
    }
    expect((await a.get(`/v1/assets/${asset.id}/valuations`)).body.valuations).toHaveLength(1);
    expect((await a.get(`/v1/analytics/net-worth?spaceId=${space.id}&from=1799-12-31&to=1800-01-01`)).status).toBe(422);
  });

  it("is visible to members only: another space's asset is a 404, a viewer cannot write", async () => {
    const owner = await registerUser();
    const viewer = await registerUser();
    const outsider = await registerUser();
    const space = await createSpace(owner);
    await addMember(owner, space.id, viewer, "viewer");
    const asset = await createAsset(owner, space.id);
    for (const [path, method] of [[`/v1/assets/${asset.id}`, "get"], [`/v1/assets/${asset.id}/valuations`, "get"], [`/v1/assets/${asset.id}`, "del"]] as const) {
      const r = await as(outsider)[method](path);
      expect(r.status, path).toBe(404);
      expect(r.body.error.code).toBe("RESOURCE_NOT_FOUND");
    }
    expect((await as(outsider).get(`/v1/assets?spaceId=${space.id}`)).status).toBe(404);
    expect((await as(viewer).get(`/v1/assets/${asset.id}`)).status).toBe(200);
    expect((await as(viewer).post(`/v1/assets/${asset.id}/valuations`, { value: 1 })).status).toBe(403);
    expect((await as(viewer).del(`/v1/assets/${asset.id}`)).status).toBe(403);
  });

  it("valuation history and the net-worth source agree at every instant, each asset counted once", async () => {
    const u = await registerUser();
    const a = as(u);
    const space = (await a.post("/v1/spaces", { name: "Home", type: "personal", currency: "USD", timezone: "America/Mexico_City" })).body;
    const house = await createAsset(u, space.id, { value: "800000.00", valuationDate: "2024-01-10" });
    const car = await createAsset(u, space.id, { name: "Car", type: "vehicle", value: "25000.55", valuationDate: "2024-02-01" });
    await a.post(`/v1/assets/${house.id}/valuations`, { value: "825000.25", date: "2024-06-01", source: "appraisal" });
    await a.post(`/v1/assets/${house.id}/valuations`, { value: "810000", date: "2024-03-15" });
    await a.post(`/v1/assets/${car.id}/valuations`, { value: "21000.00", date: "2024-09-01" });

    const history = (await a.get(`/v1/assets/${house.id}/valuations`)).body;
    expect(history.valuations.map((v: any) => [v.date, v.valueDecimal, v.source])).toEqual([
      ["2024-06-01", "825000.25", "appraisal"], ["2024-03-15", "810000.00", "manual"], ["2024-01-10", "800000.00", "manual"],
    ]);
    // A day is a day in the space's zone: 2024-06-01 starts at 06:00Z in Mexico City.
    expect(history.valuations[0].valuedAt).toBe("2024-06-01T06:00:00.000Z");

    const at = async (instant: string) => {
      const rows = await assetHoldings(svcAt(Date.now()), space.id, Date.parse(instant));
      return Object.fromEntries(rows.map((r) => [r.id, r.valueMinor]));
    };
    expect(await at("2024-01-01T00:00:00Z")).toEqual({});
    expect(await at("2024-01-10T05:59:59Z")).toEqual({});
    expect(await at("2024-01-10T06:00:00Z")).toEqual({ [house.id]: 80000000n });
    expect(await at("2024-04-01T00:00:00Z")).toEqual({ [house.id]: 81000000n, [car.id]: 2500055n });
    expect(await at("2024-12-31T00:00:00Z")).toEqual({ [house.id]: 82500025n, [car.id]: 2100000n });

    // Now: the holdings are exactly the current values the API shows, and their sum is the list's sum.
    const now = await assetHoldings(svcAt(Date.now()), space.id, Date.now());
    const list = (await a.get(`/v1/assets?spaceId=${space.id}`)).body.assets;
    expect(now).toHaveLength(2);
    for (const h of now) {
      const shown = list.find((x: any) => x.id === h.id);
      expect(h).toMatchObject({ source: "asset", name: shown.name, currency: "USD" });
      expect(h.valueMinor).toBe(BigInt(shown.currentValueDecimal.replace(".", "")));
      const latest = (await a.get(`/v1/assets/${h.id}/valuations?limit=1`)).body.valuations[0];
      expect(h.asOf).toBe(latest.valuedAt);
    }
  });
});

async function callRaw(u: { accessToken: string; ip: string }, path: string, text: string) {
  const { call } = await import("../helpers");
  return call(path, { method: "POST", token: u.accessToken, ip: u.ip, rawBody: text, headers: { "content-type": "application/json" } });
}
