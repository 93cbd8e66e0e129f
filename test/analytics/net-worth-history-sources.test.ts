/**
 * The net-worth history asks each non-ledger source about the latest point
 * first and skips the earlier points of a source with nothing then; a source
 * with holdings is still valued at every point by what it held by then. A
 * valuation dated a day counts from that day on, not in the day before.
 */
import { describe, expect, it } from "vitest";
import { registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { api, localDays, ok } from "./fixture";

describe("GET /v1/analytics/net-worth with a manual asset", () => {
  it("values the asset at each point by its valuation by then, and adds nothing before it", async () => {
    const owner = await registerUser();
    const a = api(owner);
    const { today, day } = localDays("UTC");
    const spaceId = (await ok(a.post("/v1/spaces", { name: "History", type: "personal", currency: "USD", timezone: "UTC" }))).id;
    await createAccount(owner, spaceId, { name: "Checking", openingBalance: "100.00" });
    const asset = await ok(a.post("/v1/assets", { spaceId, name: "Painting", type: "collectible", currency: "USD", value: "500.00" }));
    await ok(a.post(`/v1/assets/${asset.id}/valuations`, { value: "300.00", date: day(-3) }));
    const { status, body } = await a.get(`/v1/analytics/net-worth?spaceId=${spaceId}&from=${day(-5)}&to=${today}&interval=day`);
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.points.map((p: any) => [p.date, p.netWorthDecimal])).toEqual([
      [day(-5), "100.00"],
      [day(-4), "100.00"],
      [day(-3), "400.00"],
      [day(-2), "400.00"],
      [day(-1), "400.00"],
      [today, "600.00"],
    ]);
  });
});
