/**
 * An inactive account (deactivated, or its provider connection disconnected) is out of net worth everywhere,
 * as it is out of the accounts' summary. A QA run disconnected a Bitso connection linked twice: the summary
 * dropped it while the dashboard kept counting both.
 */
import { describe, expect, it } from "vitest";
import { registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { api, localDays, ok } from "./fixture";

const TZ = "America/Mexico_City";

describe("inactive accounts in net worth", () => {
  it("the dashboard, the net-worth series, the forecast and the summary all leave a deactivated account out", { timeout: 60_000 }, async () => {
    const owner = await registerUser();
    const a = api(owner);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "Home", type: "personal", currency: "USD", timezone: TZ }))).id;
    await createAccount(owner, spaceId, { name: "Checking", openingBalance: "1000.00" });
    const old = await createAccount(owner, spaceId, { name: "Old bank", openingBalance: "250.00" });
    const { day } = localDays(TZ);

    const figures = async () => {
      const dash = await ok(a.get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=30d`));
      const series = await ok(a.get(`/v1/analytics/net-worth?spaceId=${spaceId}&from=${day(-1)}&to=${day(0)}&interval=day`));
      const forecast = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
      const summary = await ok(a.get(`/v1/accounts/summary?spaceId=${spaceId}`));
      return {
        dashboard: dash.netWorth.currentDecimal,
        holdings: (dash.holdings ?? []).map((h: { name: string }) => h.name).sort(),
        series: series.points.map((p: { netWorthDecimal: string }) => p.netWorthDecimal),
        forecastAccounts: forecast.accounts.map((x: { accountId: string }) => x.accountId).sort(),
        summary: summary.totalBalanceByCurrency.USD,
      };
    };
    const before = await figures();
    expect(before.dashboard).toBe("1250.00");
    expect(before.series).toEqual(["1250.00", "1250.00"]);
    expect(before.forecastAccounts).toContain(old.id);
    expect(before.summary).toBe("1250.00");

    expect((await a.patch(`/v1/accounts/${old.id}`, { isActive: false })).status).toBe(200);
    const after = await figures();
    expect(after.dashboard).toBe("1000.00");
    expect(after.holdings).not.toContain("Old bank");
    expect(after.series).toEqual(["1000.00", "1000.00"]);
    expect(after.forecastAccounts).not.toContain(old.id);
    expect(after.summary).toBe("1000.00");
  });
});
