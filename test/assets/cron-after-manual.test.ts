/**
 * The daily refresh does not copy a value a refresh or sync by hand recorded the same day: the history showed
 * 320.00 from sneaks twice on one day (the click and the cron), 875,000.00 from the Zestimate twice likewise. A new
 * value the same day, or the same value on another day, is still recorded.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createSpace, registerUser } from "../helpers";
import { svcAt } from "../documents/helpers";
import { as, createAsset, SAMPLE_ADDRESS, refreshLinkedValuations } from "./helpers";

const history = async (u: Parameters<typeof as>[0], id: string) =>
  (await as(u).get(`/v1/assets/${id}/valuations`)).body.valuations.map((v: any) => [v.valueDecimal, v.source]);

describe("daily refresh after a refresh by hand the same day", () => {
  it("records no second copy of the day's value, and still records the next day's", async () => {
    const u = await registerUser();
    const a = as(u);
    const space = await createSpace(u);
    const shoe = await createAsset(u, space.id, { name: "AJ1", type: "collectible", value: 300 });
    await a.post(`/v1/assets/${shoe.id}/collectible-link`, { externalId: "CW2288-111", provider: "sneaks", category: "sneaker" });
    expect((await a.post(`/v1/assets/${shoe.id}/collectible-refresh`)).status).toBe(200);
    const house = await createAsset(u, space.id, { value: 850000, address: SAMPLE_ADDRESS });
    expect((await a.post(`/v1/real-estate/${house.id}/sync`)).status).toBe(200);
    // A pair the owner valued by hand after its catalog price came in: the cron's price is news again.
    const other = await createAsset(u, space.id, { name: "Other pair", type: "collectible", value: 300 });
    await a.post(`/v1/assets/${other.id}/collectible-link`, { externalId: "CW2288-111", provider: "sneaks", category: "sneaker" });
    await a.post(`/v1/assets/${other.id}/collectible-refresh`);
    await a.post(`/v1/assets/${other.id}/valuations`, { value: "310.00" });

    const now = Date.now();
    const run = await refreshLinkedValuations(svcAt(now));
    expect(await history(u, shoe.id)).toEqual([["320.00", "sneaks"], ["300.00", "manual"]]);
    expect(await history(u, house.id)).toEqual([["875000.00", "Zillow Zestimate"], ["850000.00", "manual"]]);
    expect(await history(u, other.id)).toEqual([["320.00", "sneaks"], ["310.00", "manual"], ["320.00", "sneaks"], ["300.00", "manual"]]);
    expect(run).toMatchObject({ failed: 0 });

    // The next day's run records each again, once: two runs an hour apart on one UTC day (06:00 and 07:00 of the next;
    // "a day and an hour from now" is the day after that when the test runs after 23:00 UTC).
    const nextDay = Math.floor(now / 86_400_000) * 86_400_000 + 86_400_000 + 6 * 3_600_000;
    await refreshLinkedValuations(svcAt(nextDay));
    await refreshLinkedValuations(svcAt(nextDay + 3_600_000));
    const refreshed = await env.DB.prepare("SELECT asset_id, COUNT(*) AS n FROM asset_valuations WHERE asset_id IN (?, ?, ?) AND refresh_day IS NOT NULL GROUP BY asset_id ORDER BY asset_id")
      .bind(shoe.id, house.id, other.id).all<{ asset_id: string; n: number }>();
    expect(Object.fromEntries(refreshed.results.map((r) => [r.asset_id, r.n]))).toEqual({ [shoe.id]: 1, [house.id]: 1, [other.id]: 2 });
  });
});
