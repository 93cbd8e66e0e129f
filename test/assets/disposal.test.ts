/**
 * QA finding F6: an asset sold or disposed of keeps its past in net worth. Before `disposedOn`, the only way to
 * stop counting a sold car was DELETE, which took it out of every past day of the history too. Now the car counts
 * on the days before its disposal day (in the space's zone) and not from it on, everywhere net worth is summed;
 * null undoes it; no valuation is taken after it, by hand or by the daily refresh.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addMember, registerUser, awayFromMidnight } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { api, localDays, ok } from "../analytics/fixture";
import { svcAt } from "../documents/helpers";
import { as, SAMPLE_ADDRESS, refreshLinkedValuations } from "./helpers";

// The days this file takes are the zone's: not across its midnight (helpers.ts).
await awayFromMidnight("America/Mexico_City");

// Six hours behind UTC: a disposal taken at UTC midnight would drop the car from the day before in this zone.
const TZ = "America/Mexico_City";

async function household() {
  const owner = await registerUser();
  const a = api(owner);
  const spaceId = (await ok(a.post("/v1/spaces", { name: "Home", type: "personal", currency: "USD", timezone: TZ }))).id as string;
  return { owner, a, spaceId, ...localDays(TZ) };
}

const detailOf = (r: { body: any }) => r.body.error?.details?.[0] ?? null;

describe("a sold asset keeps its past in net worth", () => {
  it("the history counts the car up to the day before its sale and not from it; current net worth, the dashboard and projections leave it out; null undoes it", { timeout: 60_000 }, async () => {
    const { owner, a, spaceId, day, today } = await household();
    await createAccount(owner, spaceId, { name: "Checking", openingBalance: "1000.00", openingBalanceDate: day(-40) });
    const car = await ok(a.post("/v1/assets", { spaceId, name: "Car", type: "vehicle", currency: "USD", value: "18500.25", valuationDate: day(-10) }));
    expect(car.disposedOn).toBeNull();
    await ok(a.post(`/v1/assets/${car.id}/valuations`, { value: "18000.10", date: day(-6) }));

    const series = async () =>
      (await ok(a.get(`/v1/analytics/net-worth?spaceId=${spaceId}&from=${day(-12)}&to=${today}&interval=day`))).points.map((p: any) => [p.date, p.netWorthDecimal]);
    const current = async () => {
      const dash = await ok(a.get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=30d`));
      const proj = await ok(a.get(`/v1/projections?spaceId=${spaceId}&years=10&scenarios=100&seed=1`));
      return {
        dashboard: dash.netWorth.currentDecimal as string,
        holdings: dash.netWorth.holdings.map((h: any) => h.name).sort(),
        projection: proj.projection.startingNetWorthDecimal as string,
      };
    };
    const held = (d: number) => (d <= -11 ? "1000.00" : d <= -7 ? "19500.25" : "19000.10");
    const whileHeld = [-12, -11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0].map((d) => [day(d), held(d)]);
    expect(await series()).toEqual(whileHeld);

    // Sold three days ago.
    const sold = await a.patch(`/v1/assets/${car.id}`, { disposedOn: day(-3) });
    expect(sold.status, JSON.stringify(sold.body)).toBe(200);
    expect(sold.body).toMatchObject({ id: car.id, disposedOn: day(-3), currentValueDecimal: "18000.10", name: "Car" });
    expect((await ok(a.get(`/v1/assets/${car.id}`))).disposedOn).toBe(day(-3));
    expect(await series()).toEqual([-12, -11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0].map((d) => [day(d), d >= -3 ? "1000.00" : held(d)]));
    expect(await current()).toEqual({ dashboard: "1000.00", holdings: ["Checking"], projection: "1000.00" });
    // Its valuations stay.
    expect((await ok(a.get(`/v1/assets/${car.id}/valuations`))).valuations.map((v: any) => v.valueDecimal)).toEqual(["18000.10", "18500.25"]);

    // Listed still, with its disposal day; the filter picks held or disposed assets.
    const bike = await ok(a.post("/v1/assets", { spaceId, name: "Bike", type: "vehicle", currency: "USD", value: "300.00" }));
    const names = async (q = "") => (await ok(a.get(`/v1/assets?spaceId=${spaceId}${q}`))).assets.map((x: any) => [x.name, x.disposedOn]);
    expect(await names()).toEqual([["Bike", null], ["Car", day(-3)]]);
    expect(await names("&disposed=true")).toEqual([["Car", day(-3)]]);
    expect(await names("&disposed=false")).toEqual([["Bike", null]]);
    expect((await ok(a.get(`/v1/assets?spaceId=${spaceId}&disposed=true`))).pagination.total).toBe(1);
    expect((await a.get(`/v1/assets?spaceId=${spaceId}&disposed=yes`)).status).toBe(422);
    expect((await a.del(`/v1/assets/${bike.id}`)).status).toBe(204);

    // Undo: held again, on every day.
    const undone = await a.patch(`/v1/assets/${car.id}`, { disposedOn: null });
    expect(undone.status, JSON.stringify(undone.body)).toBe(200);
    expect(undone.body.disposedOn).toBeNull();
    expect(await series()).toEqual(whileHeld);
    expect(await current()).toEqual({ dashboard: "19000.10", holdings: ["Car", "Checking"], projection: "19000.10" });
  });

  it("an asset created already disposed of counts only on its held days", async () => {
    const { owner, a, spaceId, day } = await household();
    await createAccount(owner, spaceId, { name: "Checking", openingBalance: "50.00", openingBalanceDate: day(-40) });
    const boat = await a.post("/v1/assets", { spaceId, name: "Boat", type: "vehicle", currency: "USD", value: "4200.99", valuationDate: day(-5), disposedOn: day(-2) });
    expect(boat.status, JSON.stringify(boat.body)).toBe(201);
    expect(boat.body.disposedOn).toBe(day(-2));
    const points = (await ok(a.get(`/v1/analytics/net-worth?spaceId=${spaceId}&from=${day(-6)}&to=${day(-1)}&interval=day`))).points.map((p: any) => p.netWorthDecimal);
    expect(points).toEqual(["50.00", "4250.99", "4250.99", "4250.99", "50.00", "50.00"]);
    // Its disposal before its first valuation is refused.
    const early = await a.post("/v1/assets", { spaceId, name: "Boat", type: "vehicle", currency: "USD", value: "1", valuationDate: day(-5), disposedOn: day(-6) });
    expect(early.status).toBe(422);
    expect(detailOf(early)).toMatchObject({ field: "disposedOn", code: "BEFORE_FIRST_VALUATION" });
  });

  it("refuses a day after today, before the first valuation, or not a day; a stranger gets 404 and a viewer 403", async () => {
    const { owner, a, spaceId, day } = await household();
    const car = await ok(a.post("/v1/assets", { spaceId, name: "Car", type: "vehicle", currency: "USD", value: "100.00", valuationDate: day(-10) }));
    await ok(a.post(`/v1/assets/${car.id}/valuations`, { value: "90.00", date: day(-12) })); // an older appraisal: the first now
    const refused = async (body: unknown) => {
      const r = await a.patch(`/v1/assets/${car.id}`, body);
      expect(r.status, JSON.stringify(r.body)).toBe(422);
      return detailOf(r);
    };
    expect(await refused({ disposedOn: day(1) })).toMatchObject({ field: "disposedOn", code: "FUTURE_DATE" });
    expect(await refused({ disposedOn: day(-13) })).toMatchObject({ field: "disposedOn", code: "BEFORE_FIRST_VALUATION" });
    expect((await refused({ disposedOn: "2025-02-30" })).field).toBe("disposedOn");
    expect((await refused({ disposedOn: "last week" })).field).toBe("disposedOn");
    expect((await refused({ disposedOn: "0001-01-01" })).field).toBe("disposedOn");
    expect((await ok(a.get(`/v1/assets/${car.id}`))).disposedOn).toBeNull();
    // Its first valuation's day and today are both taken.
    expect((await a.patch(`/v1/assets/${car.id}`, { disposedOn: day(-12) })).body.disposedOn).toBe(day(-12));
    expect((await a.patch(`/v1/assets/${car.id}`, { disposedOn: day(0) })).body.disposedOn).toBe(day(0));

    const stranger = await registerUser();
    const foreign = await as(stranger).patch(`/v1/assets/${car.id}`, { disposedOn: day(-1) });
    expect(foreign.status).toBe(404);
    const viewer = await registerUser();
    await addMember(owner, spaceId, viewer, "viewer");
    const looking = await as(viewer).patch(`/v1/assets/${car.id}`, { disposedOn: null });
    expect(looking.status).toBe(403);
    expect((await ok(a.get(`/v1/assets/${car.id}`))).disposedOn).toBe(day(0));

    // Created already sold without the day of its value: that day is what is missing (the value would be today's).
    const late = await a.post("/v1/assets", { spaceId, name: "Old bike", type: "vehicle", currency: "USD", value: "80.00", disposedOn: day(-30) });
    expect(late.status).toBe(422);
    expect(detailOf(late)).toMatchObject({ field: "valuationDate", code: "REQUIRED" });
  });

  it("refuses a valuation dated after the disposal day, by hand, by sync or by a collectible refresh; takes one on the day itself", async () => {
    const { a, spaceId, day } = await household();
    const car = await ok(a.post("/v1/assets", { spaceId, name: "Car", type: "vehicle", currency: "USD", value: "100.00", valuationDate: day(-10) }));
    await ok(a.patch(`/v1/assets/${car.id}`, { disposedOn: day(-3) }));
    for (const body of [{ value: "95.00" }, { value: "95.00", date: day(-2) }]) {
      const r = await a.post(`/v1/assets/${car.id}/valuations`, body);
      expect(r.status, JSON.stringify(r.body)).toBe(422);
      expect(detailOf(r)).toMatchObject({ code: "ASSET_DISPOSED" });
    }
    const viaPatch = await a.patch(`/v1/assets/${car.id}`, { value: "95.00" });
    expect(viaPatch.status).toBe(422);
    expect(detailOf(viaPatch)).toMatchObject({ field: "value", code: "ASSET_DISPOSED" });
    // What it sold for, on the day of the sale; and before it.
    expect((await a.post(`/v1/assets/${car.id}/valuations`, { value: "97.50", date: day(-3), source: "sale" })).status).toBe(201);
    expect((await a.post(`/v1/assets/${car.id}/valuations`, { value: "99.00", date: day(-5) })).status).toBe(201);
    // Undone and valued in one request.
    const back = await a.patch(`/v1/assets/${car.id}`, { disposedOn: null, value: "95.00" });
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    expect(back.body).toMatchObject({ disposedOn: null, currentValueDecimal: "95.00" });

    const house = await ok(a.post("/v1/assets", { spaceId, name: "House", type: "real_estate", currency: "USD", value: "850000", address: SAMPLE_ADDRESS, valuationDate: day(-9) }));
    const shoe = await ok(a.post("/v1/assets", { spaceId, name: "AJ1", type: "collectible", currency: "USD", value: 300, valuationDate: day(-9) }));
    expect((await a.post(`/v1/assets/${shoe.id}/collectible-link`, { externalId: "CW2288-111", provider: "sneaks", category: "sneaker" })).status).toBe(200);
    await ok(a.patch(`/v1/assets/${house.id}`, { disposedOn: day(-1) }));
    await ok(a.patch(`/v1/assets/${shoe.id}`, { disposedOn: day(-1) }));
    const sync = await a.post(`/v1/real-estate/${house.id}/sync`, {});
    expect(sync.status, JSON.stringify(sync.body)).toBe(422);
    expect(detailOf(sync)).toMatchObject({ code: "ASSET_DISPOSED" });
    const refresh = await a.post(`/v1/assets/${shoe.id}/collectible-refresh`, {});
    expect(refresh.status, JSON.stringify(refresh.body)).toBe(422);
    expect(detailOf(refresh)).toMatchObject({ code: "ASSET_DISPOSED" });
    for (const id of [house.id, shoe.id]) expect((await ok(a.get(`/v1/assets/${id}/valuations`))).valuations).toHaveLength(1);
  });

  it("a sold asset's current value is its last by the sale's day, not one recorded after it; in its read and the list", async () => {
    const { a, spaceId, day } = await household();
    const boat = await ok(a.post("/v1/assets", { spaceId, name: "Boat", type: "vehicle", currency: "USD", value: "50000.00", valuationDate: day(-60) }));
    expect((await a.post(`/v1/assets/${boat.id}/valuations`, { value: "45000.00", date: day(-5) })).status).toBe(201);
    // Sold 20 days ago (entered late, after the refresh of 5 days ago), for 47,000.00 that day.
    const sold = await ok(a.patch(`/v1/assets/${boat.id}`, { disposedOn: day(-20) }));
    expect(sold).toMatchObject({ disposedOn: day(-20), currentValueDecimal: "50000.00", valuationDate: day(-60) });
    expect((await a.post(`/v1/assets/${boat.id}/valuations`, { value: "47000.00", date: day(-20), source: "sale" })).status).toBe(201);
    expect(await ok(a.get(`/v1/assets/${boat.id}`))).toMatchObject({ currentValueDecimal: "47000.00", valuationDate: day(-20) });
    const listed = (await ok(a.get(`/v1/assets?spaceId=${spaceId}`))).assets.find((x: any) => x.id === boat.id);
    expect(listed).toMatchObject({ currentValueDecimal: "47000.00", valuationDate: day(-20) });
    // Undone: the latest again.
    expect(await ok(a.patch(`/v1/assets/${boat.id}`, { disposedOn: null }))).toMatchObject({ currentValueDecimal: "45000.00", valuationDate: day(-5) });
  });

  it("the daily refresh skips a disposed asset and refreshes it again once the disposal is undone", async () => {
    const { a, spaceId, day } = await household();
    const link = async (name: string) => {
      const shoe = await ok(a.post("/v1/assets", { spaceId, name, type: "collectible", currency: "USD", value: 300, valuationDate: day(-9) }));
      expect((await a.post(`/v1/assets/${shoe.id}/collectible-link`, { externalId: "CW2288-111", provider: "sneaks", category: "sneaker" })).status).toBe(200);
      return shoe.id as string;
    };
    const sold = await link("Sold pair");
    const kept = await link("Kept pair");
    const house = await ok(a.post("/v1/assets", { spaceId, name: "House", type: "real_estate", currency: "USD", value: "850000", address: SAMPLE_ADDRESS, valuationDate: day(-9) }));
    expect((await a.post(`/v1/real-estate/${house.id}/sync`, {})).status).toBe(200); // remembers the property
    await ok(a.patch(`/v1/assets/${sold}`, { disposedOn: day(-1) }));
    await ok(a.patch(`/v1/assets/${house.id}`, { disposedOn: day(-1) }));
    const refreshed = async (id: string) =>
      (await env.DB.prepare("SELECT refresh_day FROM asset_valuations WHERE asset_id = ? AND refresh_day IS NOT NULL ORDER BY refresh_day").bind(id).all<{ refresh_day: string }>()).results.map((r) => r.refresh_day);

    const first = Date.parse("2032-03-03T04:00:00Z");
    await refreshLinkedValuations(svcAt(first));
    expect(await refreshed(kept)).toEqual(["2032-03-03"]);
    expect(await refreshed(sold)).toEqual([]);
    expect(await refreshed(house.id)).toEqual([]);

    await ok(a.patch(`/v1/assets/${sold}`, { disposedOn: null }));
    await refreshLinkedValuations(svcAt(first + 86_400_000));
    expect(await refreshed(sold)).toEqual(["2032-03-04"]);
    expect(await refreshed(kept)).toEqual(["2032-03-03", "2032-03-04"]);
    expect(await refreshed(house.id)).toEqual([]);
  });
});
