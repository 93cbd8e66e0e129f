/**
 * GET /v1/analytics/dashboard's reads in one batch (issue 10): the cash flow, the categories, the
 * valuation (accounts, ledger balances, every source, rates, cached prices) and every budget's spending,
 * over spans that hold the period in any zone, trimmed to the exact one: in zones a day apart
 * (Kiritimati +14, Pago Pago −11), spending a millisecond before the period's first local instant is
 * left out of the cash flow and counted in the net worth before it, and one at that instant is in.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { startOfDay, localDayOf } from "../../src/modules/analytics/days";
import { countingApp } from "../counting-app";
import { addMember, registerUser, type TestUser, awayFromMidnight } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { api, ok } from "./fixture";

// The days this file takes are the zone's: not across its midnight (helpers.ts).
await awayFromMidnight("Pacific/Kiritimati", "Pacific/Pago_Pago");

/** Round trips of the route: the dashboard's reads ride in the role check's batch. */
const DASHBOARD_TRIPS = 1;

for (const tz of ["Pacific/Kiritimati", "Pacific/Pago_Pago"]) {
  describe(`the dashboard in ${tz}`, () => {
    let owner: TestUser;
    let viewer: TestUser;
    let stranger: TestUser;
    let spaceId: string;

    beforeAll(async () => {
      [owner, viewer, stranger] = await Promise.all([registerUser(), registerUser(), registerUser()]);
      const a = api(owner);
      spaceId = (await ok(a.post("/v1/spaces", { name: "Edges", type: "personal", currency: "USD", timezone: tz }))).id;
      await addMember(owner, spaceId, viewer, "viewer");
      const cats = (await ok(a.get(`/v1/categories?spaceId=${spaceId}`))) as { id: string; name: string }[];
      const cat = (name: string) => cats.find((c) => c.name === name)!.id;
      const now = Date.now();
      const startMs = startOfDay(localDayOf(now, tz) - 6, tz);
      const acc = await createAccount(owner, spaceId, { name: "Checking", openingBalance: "1000.00" });
      const tx = (amount: string, at: number, category: string) =>
        ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount, description: "x", categoryId: cat(category), date: new Date(at).toISOString() }));
      await tx("-11.00", startMs - 1, "Groceries");
      await tx("-22.00", startMs, "Groceries");
      await tx("100.00", startMs + 3_600_000, "Salary");
      await tx("-4.00", now - 60_000, "Coffee");
      // Coffee this month: 4.00 of 3.00 (exceeded), of 4.50 at 80% (at risk), of 100.00 (on track); March 2019 is over.
      for (const [amount, alertThreshold] of [["3.00", 80], ["4.50", 80], ["100.00", 80]] as const) {
        await ok(a.post("/v1/budgets", { spaceId, name: `Coffee ${amount}`, amount, period: "monthly", categoryIds: [cat("Coffee")], alertThreshold }));
      }
      await ok(a.post("/v1/budgets", { spaceId, name: "Old", amount: "1.00", period: "monthly", startDate: "2019-01-01", endDate: "2019-03-31", categoryIds: [cat("Coffee")] }));
    });

    it("has the exact period's cash flow, net worth and budgets, its reads in one batch", async () => {
      const { get } = countingApp();
      const r = await get(owner, `/v1/analytics/dashboard?spaceId=${spaceId}&period=7d`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.trips).toBe(DASHBOARD_TRIPS);
      expect(r.body.cashFlow).toMatchObject({ incomeDecimal: "100.00", expensesDecimal: "26.00", netDecimal: "74.00" });
      expect(r.body.netWorth).toMatchObject({ previousDecimal: "989.00", currentDecimal: "1063.00", changeDecimal: "74.00", trend: "up", complete: true });
      expect(r.body.accounts).toMatchObject({ total: 1, active: 1, banking: 1 });
      expect(r.body.budgetCompliance).toEqual({ onTrack: 1, atRisk: 1, exceeded: 1, total: 3 });
      // Groceries and Coffee under their parent.
      expect(r.body.topCategories.map((c: any) => [c.category, c.amountDecimal, c.percentageDecimal])).toEqual([["Food & Dining", "26.00", "100.0"]]);
    });

    it("answers a viewer alike and a stranger 404 in one round trip, reading nothing of the space", async () => {
      const { get } = countingApp();
      const owned = await get(owner, `/v1/analytics/dashboard?spaceId=${spaceId}&period=30d`);
      const viewed = await get(viewer, `/v1/analytics/dashboard?spaceId=${spaceId}&period=30d`);
      expect(viewed.status).toBe(200);
      expect(viewed.trips).toBe(DASHBOARD_TRIPS);
      expect({ ...viewed.body, asOf: null }).toEqual({ ...owned.body, asOf: null });
      const refused = await get(stranger, `/v1/analytics/dashboard?spaceId=${spaceId}&period=30d`);
      expect(refused.status).toBe(404);
      expect(refused.body.cashFlow).toBeUndefined();
      expect(refused.trips).toBe(1);
      // The batch's own bookkeeping only: a stranger reads as many rows of this space as of an empty one.
      const empty = (await ok(api(viewer).post("/v1/spaces", { name: "Empty", type: "personal", currency: "USD", timezone: tz }))).id;
      const baseline = await get(stranger, `/v1/analytics/dashboard?spaceId=${empty}&period=30d`);
      expect(baseline.status).toBe(404);
      expect(refused.rowsRead).toBe(baseline.rowsRead);
      expect(refused.rowsRead).toBeLessThan(150);
    });
  });
}
