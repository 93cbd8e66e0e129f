/**
 * One D1 round trip per authenticated projections read (issue 10): GET /v1/projections reads the
 * starting net worth and the last 12 months' cash flow (with their rates) in the role check's batch;
 * the saved scenarios' page and count go in one batch too.
 */
import { describe, expect, it } from "vitest";
import { createAccount } from "../accounts/helpers";
import { countingApp } from "../counting-app";
import { addMember, registerUser, awayFromMidnight } from "../helpers";
import { api, localDays, ok } from "../analytics/fixture";

// The days this file takes are the zone's: not across its midnight (helpers.ts).
await awayFromMidnight("Asia/Tokyo");

async function populated() {
  const [owner, viewer, stranger] = await Promise.all([registerUser(), registerUser(), registerUser()]);
  const a = api(owner);
  const { today, day } = localDays("Asia/Tokyo");
  const spaceId = (await ok(a.post("/v1/spaces", { name: "Plans", type: "personal", currency: "USD", timezone: "Asia/Tokyo" }))).id;
  await addMember(owner, spaceId, viewer, "viewer");
  const checking = await createAccount(owner, spaceId, { name: "Checking", openingBalance: "10000.00" });
  const pesos = await createAccount(owner, spaceId, { name: "Pesos", currency: "MXN", openingBalance: "2000.00" });
  await ok(a.put(`/v1/spaces/${spaceId}/rates`, { rates: [{ base: "USD", quote: "MXN", date: day(-400), rate: "17.00" }, { base: "USD", quote: "MXN", date: day(-1), rate: "20.00" }] }));
  for (const [acc, amount, d] of [[checking.id, "5000.00", -20], [checking.id, "-1200.50", -3], [pesos.id, "340.00", 0], [checking.id, "999.00", -500]] as const) {
    await ok(a.post("/v1/transactions", { spaceId, accountId: acc, amount, date: day(d), description: "x" }));
  }
  await ok(a.post("/v1/assets", { spaceId, name: "Car", type: "vehicle", currency: "USD", value: "7250.00" }));
  return { owner, viewer, stranger, spaceId, today, a };
}

describe("GET /v1/projections in one round trip", () => {
  it("starts from the ledger's net worth and contribution, read with the role check", async () => {
    const { viewer, stranger, spaceId } = await populated();
    const { get } = countingApp();
    const res = await get(viewer, `/v1/projections?spaceId=${spaceId}&years=10&scenarios=100&seed=1`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const p = res.body.projection;
    // USD 10000 + 5000 − 1200.50 + 999 + the car 7250 = 22048.50; MXN 2340 at 20 = 117.00.
    expect(p.startingNetWorthDecimal).toBe("22165.50");
    // Income 5000 + 340/20 = 5017.00; expenses 1200.50 (the 999 is older than 12 months).
    expect(p.annualIncomeDecimal).toBe("5017.00");
    expect(p.annualExpensesDecimal).toBe("1200.50");
    expect(p.sources).toMatchObject({ startingNetWorth: "ledger", annualContribution: "ledger" });
    expect(res.trips).toBe(1);
    const dash = await get(viewer, `/v1/analytics/dashboard?spaceId=${spaceId}&period=30d`);
    expect(dash.body.netWorth.currentDecimal).toBe("22165.50");

    const refused = await get(stranger, `/v1/projections?spaceId=${spaceId}&years=10&scenarios=100&seed=1`);
    expect(refused.status).toBe(404);
    expect(refused.body.projection).toBeUndefined();
    expect(refused.trips).toBe(1);
  });
});

describe("GET /v1/projections/scenarios in one round trip", () => {
  it("lists a page of saved scenarios and their count in one round trip; a stranger's is a 404", async () => {
    const { owner, viewer, stranger, spaceId, a } = await populated();
    for (const name of ["One", "Two", "Three"]) {
      await ok(a.post("/v1/projections", { spaceId, name, years: 10, scenarios: 100, seed: 1, startingNetWorth: 1000, annualIncome: 100, annualExpenses: 50 }));
    }
    const { get } = countingApp();
    const page = await get(viewer, `/v1/projections/scenarios?spaceId=${spaceId}&limit=2`);
    expect(page.status).toBe(200);
    expect(page.body.scenarios.map((s: { name: string }) => s.name)).toEqual(["Three", "Two"]);
    expect(page.body.pagination).toMatchObject({ total: 3, hasMore: true });
    expect(page.trips).toBe(1);
    const refused = await get(stranger, `/v1/projections/scenarios?spaceId=${spaceId}`);
    expect(refused.status).toBe(404);
    expect(refused.body.scenarios).toBeUndefined();
    expect(refused.trips).toBe(1);
    expect(refused.rowsRead).toBeLessThan(10);
    expect((await get(owner, `/v1/projections/scenarios?spaceId=${spaceId}`)).body.scenarios).toHaveLength(3);
  });
});
