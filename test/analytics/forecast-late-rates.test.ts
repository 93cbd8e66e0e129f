/**
 * A forecast that could not convert an amount (no rate for it yet) is served for an hour, not until the
 * space's next day: provider rates arrive without touching the space (the daily rates, the hourly
 * backfill), so nothing else would make the cache stale. A complete forecast keeps the day's validity.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { api, localDays, ok } from "./fixture";

const HOUR = 3_600_000;

/** A fixed-offset zone whose local time now is between 02:00 and 21:00, so an hour either way is the same day. */
function midDayZone(): string {
  for (let h = -12; h <= 12; h++) {
    const zone = h === 0 ? "UTC" : `Etc/GMT${h > 0 ? "-" : "+"}${Math.abs(h)}`; // Etc/GMT-5 is UTC+5
    const hour = Number(new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", hourCycle: "h23" }).format(new Date()));
    if (hour >= 2 && hour <= 21) return zone;
  }
  throw new Error("no zone");
}

const cacheRow = (spaceId: string) =>
  env.DB.prepare("SELECT computed_at, valid_until FROM forecast_cache WHERE space_id = ?").bind(spaceId).first<{ computed_at: number; valid_until: number }>();
/** The cached forecast as if computed `ms` earlier. */
const ageCache = (spaceId: string, ms: number) =>
  env.DB.prepare("UPDATE forecast_cache SET computed_at = computed_at - ?, valid_until = valid_until - ? WHERE space_id = ?").bind(ms, ms, spaceId).run();

describe("a forecast with an amount it could not convert", () => {
  it("is computed again within the hour, and converts the rate that arrived meanwhile", async () => {
    const zone = midDayZone();
    const { day } = localDays(zone);
    const u = await registerUser();
    const a = api(u);
    const space = await ok(a.post("/v1/spaces", { name: "F", type: "personal", currency: "USD", timezone: zone }));
    const pesos = await createAccount(u, space.id, { name: "Pesos", currency: "MXN", openingBalance: "1000.00" });
    await ok(a.post("/v1/transactions", { spaceId: space.id, accountId: pesos.id, amount: "-90.00", date: day(-3), description: "Shop" }));
    await env.DB.prepare("DELETE FROM exchange_rates WHERE quote = 'MXN'").run();

    const first = await ok(a.get(`/v1/analytics/forecast?spaceId=${space.id}`));
    expect(first.conversion.complete).toBe(false);
    expect(first.conversion.unconverted[0]).toMatchObject({ currency: "MXN" });
    const row = (await cacheRow(space.id))!;
    expect(row.valid_until - row.computed_at).toBe(HOUR);
    // Within the hour it is served.
    expect((await ok(a.get(`/v1/analytics/forecast?spaceId=${space.id}`))).cache.hit).toBe(true);

    // The provider's rates arrive (today's, as the daily task writes it, and the expense's day, as the backfill
    // does); an hour later the forecast converts with them.
    for (const date of [day(-3), day(0)]) {
      await env.DB.prepare("INSERT OR REPLACE INTO exchange_rates (base, quote, date, rate, source, fetched_at) VALUES ('USD', 'MXN', ?, '20', 'provider', ?)")
        .bind(date, Date.now()).run();
    }
    await ageCache(space.id, HOUR + 1);
    const later = await ok(a.get(`/v1/analytics/forecast?spaceId=${space.id}`));
    expect(later.cache.hit).toBe(false);
    expect(later.conversion).toMatchObject({ complete: true, unconverted: [] });
    expect(later.conversion.ratesUsed).toContainEqual(expect.objectContaining({ base: "USD", quote: "MXN", date: day(0), rate: "20" }));

    // Complete, it is kept until the space's next day: an hour on it is still served.
    const kept = (await cacheRow(space.id))!;
    expect(kept.valid_until - kept.computed_at).toBeGreaterThan(2 * HOUR);
    await ageCache(space.id, HOUR + 1);
    expect((await ok(a.get(`/v1/analytics/forecast?spaceId=${space.id}`))).cache.hit).toBe(true);
  });
});
