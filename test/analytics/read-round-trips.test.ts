/**
 * One D1 round trip per authenticated analytics read (issue 10): the session, the caller's role and
 * every read of the space (ledger, manual assets, DeFi, gaming, rates, cached prices) in one batch,
 * whatever the number of points of a net-worth series.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "../accounts/helpers";
import { countingApp } from "../counting-app";
import { addMember, registerUser, type TestUser, awayFromMidnight } from "../helpers";
import { api, localDays, ok } from "./fixture";

// The days this file takes are the zone's: not across its midnight (helpers.ts).
await awayFromMidnight("America/Mexico_City");

const TZ = "America/Mexico_City";
const { today, day, monthDay } = localDays(TZ);
let owner: TestUser;
let viewer: TestUser;
let stranger: TestUser;
let spaceId: string;

beforeAll(async () => {
  [owner, viewer, stranger] = await Promise.all([registerUser(), registerUser(), registerUser()]);
  const a = api(owner);
  spaceId = (await ok(a.post("/v1/spaces", { name: "Trips", type: "personal", currency: "USD", timezone: TZ }))).id;
  await addMember(owner, spaceId, viewer, "viewer");
  const checking = await createAccount(owner, spaceId, { name: "Checking", openingBalance: "1000.00" });
  const pesos = await createAccount(owner, spaceId, { name: "Pesos", currency: "MXN" });
  await ok(a.put(`/v1/spaces/${spaceId}/rates`, { rates: [{ base: "USD", quote: "MXN", date: day(-300), rate: "17.00" }, { base: "USD", quote: "MXN", date: day(-3), rate: "18.00" }] }));
  const cat = (await ok(a.post("/v1/categories", { spaceId, name: "Food", type: "expense" }))).id;
  for (const [acc, amount, d] of [[checking.id, "-20.00", -200], [pesos.id, "1800.00", -100], [checking.id, "-5.00", -2], [checking.id, "-1.00", 0]] as const) {
    await ok(a.post("/v1/transactions", { spaceId, accountId: acc, amount, date: day(d), categoryId: cat, description: "x" }));
  }
  const asset = await ok(a.post("/v1/assets", { spaceId, name: "Painting", type: "collectible", currency: "USD", value: "500.00" }));
  await ok(a.post(`/v1/assets/${asset.id}/valuations`, { value: "300.00", date: day(-150) }));
});

describe("GET /v1/analytics/net-worth in one round trip", () => {
  it("reads a 400-point daily series in one round trip, with the figures of a short one", async () => {
    const { get } = countingApp();
    const long = await get(viewer, `/v1/analytics/net-worth?spaceId=${spaceId}&from=${day(-399)}&to=${today}&interval=day`);
    expect(long.status, JSON.stringify(long.body)).toBe(200);
    expect(long.body.points).toHaveLength(400);
    expect(long.trips).toBe(1);
    const short = await get(viewer, `/v1/analytics/net-worth?spaceId=${spaceId}&from=${day(-5)}&to=${today}&interval=day`);
    expect(short.trips).toBe(1);
    expect(long.body.points.slice(-6)).toEqual(short.body.points);
    // Checking 974.00, 1,800 MXN at 18.00 (100.00), the painting at 500.00.
    expect(short.body.points.at(-1).netWorthDecimal).toBe("1574.00");
    expect(long.body.points.at(-200).netWorthDecimal).not.toBe(long.body.points.at(-1).netWorthDecimal);
  });

  it("defaults the range to the space's last 90 days, weekly and monthly alike, in one round trip", async () => {
    const { get } = countingApp();
    for (const interval of ["day", "week", "month"]) {
      const r = await get(owner, `/v1/analytics/net-worth?spaceId=${spaceId}&interval=${interval}`);
      expect(r.status).toBe(200);
      expect(r.body.to).toBe(today);
      expect(r.body.points.at(-1)).toMatchObject({ date: today, netWorthDecimal: "1574.00" });
      expect(r.trips).toBe(1);
    }
  });

  it("answers a stranger 404 in one round trip, reading nothing of the space", async () => {
    const { get } = countingApp();
    const path = (id: string) => `/v1/analytics/net-worth?spaceId=${id}&from=${day(-399)}&to=${today}&interval=day`;
    const r = await get(stranger, path(spaceId));
    expect(r.status).toBe(404);
    expect(r.body.points).toBeUndefined();
    expect(r.trips).toBe(1);
    // The batch's own bookkeeping only: a stranger reads as many rows of this space as of an empty one.
    const empty = (await ok(api(viewer).post("/v1/spaces", { name: "Empty", type: "personal", currency: "USD", timezone: TZ }))).id;
    const baseline = await get(stranger, path(empty));
    expect(baseline.status).toBe(404);
    expect(r.rowsRead).toBe(baseline.rowsRead);
    expect(r.rowsRead).toBeLessThan(100);
  });

  it("checks the range after the role: a member's bad range is 422, a stranger's 404", async () => {
    const { get } = countingApp();
    const tooMany = `/v1/analytics/net-worth?spaceId=${spaceId}&from=2000-01-01&to=${today}&interval=day`;
    const member = await get(viewer, tooMany);
    expect(member.status).toBe(422);
    expect(member.body.error.details[0].code).toBe("TOO_MANY_POINTS");
    expect(member.trips).toBe(1);
    expect((await get(stranger, tooMany)).status).toBe(404);
  });
});

describe("GET /v1/analytics/recurring in one round trip", () => {
  it("detects series with the cash flows and decisions read in the role check's batch", async () => {
    const u = await registerUser();
    const a = api(u);
    const sid = (await ok(a.post("/v1/spaces", { name: "Bills", type: "personal", currency: "USD", timezone: TZ }))).id;
    const acc = await createAccount(u, sid, { name: "Checking", openingBalance: "5000.00" });
    // Rent on today's day of the month, the last four months (30-day steps are no monthly series on some days: fixture.ts).
    for (const m of [-4, -3, -2, -1]) {
      await ok(a.post("/v1/transactions", { spaceId: sid, accountId: acc.id, amount: "-1200.00", date: monthDay(m), description: "Rent Co", merchantName: "Rent Co" }));
    }
    const { get } = countingApp();
    const r = await get(u, `/v1/analytics/recurring?spaceId=${sid}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.series.length).toBeGreaterThan(0);
    expect(r.trips).toBe(1);
    const refused = await get(stranger, `/v1/analytics/recurring?spaceId=${sid}`);
    expect(refused.status).toBe(404);
    expect(refused.body.series).toBeUndefined();
    expect(refused.trips).toBe(1);
    expect(refused.rowsRead).toBeLessThan(10);
  });
});
