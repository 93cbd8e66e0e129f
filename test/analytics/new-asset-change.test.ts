/**
 * A manual asset entered today is no gain (QA: a house created with no valuation date in a space holding 1,000 USD
 * made the 30-day change +500,000.00, +50000.00%, "up", with no note). Its first valuation is in the period: it was
 * owned before, at a value nobody recorded, as a DeFi wallet linked today held its positions before. The change
 * leaves it out of both days and names it; net worth now counts it. An asset valued before the period is compared
 * like any holding, so its fall still shows.
 */
import { describe, expect, it } from "vitest";
import { registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { createAsset } from "../assets/helpers";
import { api, localDays, ok } from "./fixture";

describe("the dashboard's change with a manual asset entered in the period", () => {
  it("leaves an asset first valued in the period out of both days with a note; an older one's fall shows", { timeout: 60_000 }, async () => {
    const owner = await registerUser();
    const a = api(owner);
    const { day, today } = localDays("UTC");
    const spaceId = (await ok(a.post("/v1/spaces", { name: "Home", type: "personal", currency: "USD", timezone: "UTC" }))).id;
    await createAccount(owner, spaceId, { name: "Checking", openingBalance: "1000.00", openingBalanceDate: day(-60) });
    await createAsset(owner, spaceId, { name: "Family Home", value: "500000.00" });

    const dash = await ok(a.get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=30d`));
    expect(dash.netWorth).toMatchObject({ currentDecimal: "501000.00", previousDecimal: "1000.00", changeDecimal: "0.00", changePercentDecimal: "0.00", trend: "flat" });
    expect(dash.notes).toContain(`The change leaves out Family Home: first valued in the period (from ${day(-29)}); a value before it is not known`);

    // A car valued before the period and revalued lower today: compared on both days, so the fall is the change.
    const car = await createAsset(owner, spaceId, { name: "Car", type: "vehicle", value: "20000.00", valuationDate: day(-40) });
    await ok(a.post(`/v1/assets/${car.id}/valuations`, { value: "18000.00", date: today }));
    const later = await ok(a.get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=30d`));
    expect(later.netWorth).toMatchObject({ currentDecimal: "519000.00", previousDecimal: "21000.00", changeDecimal: "-2000.00", changePercentDecimal: "-9.52", trend: "down" });
    expect(later.notes.filter((n: string) => n.includes("first valued in the period"))).toEqual([
      `The change leaves out Family Home: first valued in the period (from ${day(-29)}); a value before it is not known`,
    ]);
  });

  it("compares an asset bought in the period and entered with its valuation date: the money that paid for it is no loss", { timeout: 60_000 }, async () => {
    const owner = await registerUser();
    const a = api(owner);
    const { day } = localDays("UTC");
    const spaceId = (await ok(a.post("/v1/spaces", { name: "Home", type: "personal", currency: "USD", timezone: "UTC" }))).id;
    const checking = await createAccount(owner, spaceId, { name: "Checking", openingBalance: "50000.00", openingBalanceDate: day(-60) });
    await ok(a.post("/v1/transactions", { spaceId, accountId: checking.id, amount: "-30000.00", date: day(-10), description: "Toyota Dealer" }));
    await createAsset(owner, spaceId, { name: "Car", type: "vehicle", value: "30000.00", valuationDate: day(-10) });

    const dash = await ok(a.get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=30d`));
    // It was a gain of 30,000.00 in things and a loss of 30,000.00 in cash: no change (it read -30,000.00).
    expect(dash.netWorth).toMatchObject({ currentDecimal: "50000.00", previousDecimal: "50000.00", changeDecimal: "0.00", trend: "flat" });
    expect(dash.notes.some((n: string) => n.includes("first valued in the period"))).toBe(false);
  });
});
