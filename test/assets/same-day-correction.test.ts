/**
 * A valuation dated a past day, entered after a value was recorded during that day (a PATCH, a Zestimate sync, the
 * refresh cron), is the day's value from then on: the later word on a day wins, as two entered the same day do. Before,
 * the one recorded at 15:00 sorted after the dated one (at the day's midnight) for ever, and the correction changed
 * neither the asset's current value nor any day of net worth.
 */
import { describe, expect, it } from "vitest";
import { awayFromMidnight, registerUser } from "../helpers";
import { api, localDays, ok } from "../analytics/fixture";
import { addValuation } from "../../src/modules/assets/service";
import { parseYmd, zonedMidnight } from "../../src/lib/zoned-time";
import { authOf, svcAt } from "../documents/helpers";

const TZ = "America/Mexico_City";
// The file takes Mexico City's today (localDays) while the app takes its own.
await awayFromMidnight(TZ);

describe("a dated valuation correcting a day's value recorded during that day", () => {
  it("becomes the asset's value and the day's net worth", async () => {
    const u = await registerUser();
    const a = api(u);
    const { today, day } = localDays(TZ);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "Casa", type: "personal", currency: "MXN", timezone: TZ }))).id;
    const car = await ok(a.post("/v1/assets", { spaceId, name: "Jetta", type: "vehicle", currency: "MXN", value: "300000.00", valuationDate: day(-3) }));
    // Yesterday at noon (its local day), a value recorded as of then, as a PATCH or a sync made yesterday would.
    const yesterdayNoon = zonedMidnight(parseYmd(day(-1)), TZ) + 12 * 3_600_000;
    const recorded = await addValuation(svcAt(yesterdayNoon), authOf(u), car.id, { value: "290000.00" });
    expect(recorded.date).toBe(day(-1));
    // Today the owner corrects yesterday's figure.
    await ok(a.post(`/v1/assets/${car.id}/valuations`, { value: "285000.50", date: day(-1) }));

    const asset = await ok(a.get(`/v1/assets/${car.id}`));
    expect([asset.currentValueDecimal, asset.valuationDate]).toEqual(["285000.50", day(-1)]);
    const list = await ok(a.get(`/v1/assets?spaceId=${spaceId}`));
    expect(list.assets[0].currentValueDecimal).toBe("285000.50");
    // Newest first: the correction heads the history.
    const history = await ok(a.get(`/v1/assets/${car.id}/valuations`));
    expect(history.valuations.map((v: any) => [v.date, v.valueDecimal])).toEqual([
      [day(-1), "285000.50"], [day(-1), "290000.00"], [day(-3), "300000.00"],
    ]);
    const nw = await ok(a.get(`/v1/analytics/net-worth?spaceId=${spaceId}&from=${day(-2)}&to=${today}&interval=day`));
    expect(nw.points.map((p: any) => [p.date, p.netWorthDecimal])).toEqual([
      [day(-2), "300000.00"], [day(-1), "285000.50"], [today, "285000.50"],
    ]);
  });

  it("leaves a value recorded later the same day in effect over an earlier entry dated that day", async () => {
    const u = await registerUser();
    const a = api(u);
    const { today, day } = localDays(TZ);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "Casa", type: "personal", currency: "MXN", timezone: TZ }))).id;
    const watch = await ok(a.post("/v1/assets", { spaceId, name: "Reloj", type: "collectible", currency: "MXN", value: "90000.00", valuationDate: day(-3) }));
    const yesterdayMorning = zonedMidnight(parseYmd(day(-1)), TZ) + 9 * 3_600_000;
    // Entered yesterday morning as of yesterday, then a fresher figure that evening: the evening's stands.
    await addValuation(svcAt(yesterdayMorning), authOf(u), watch.id, { value: "91000.00", date: day(-1) });
    await addValuation(svcAt(yesterdayMorning + 9 * 3_600_000), authOf(u), watch.id, { value: "92000.00" });
    expect((await ok(a.get(`/v1/assets/${watch.id}`))).currentValueDecimal).toBe("92000.00");
    const nw = await ok(a.get(`/v1/analytics/net-worth?spaceId=${spaceId}&from=${day(-1)}&to=${today}&interval=day`));
    expect(nw.points.map((p: any) => p.netWorthDecimal)).toEqual(["92000.00", "92000.00"]);
  });
});
