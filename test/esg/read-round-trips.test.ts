/**
 * GET /v1/esg/scores in one D1 round trip (issue 10): the session, the role, the crypto holdings, the
 * price cache's rows for them (the space's currency and USD) and the trends in one batch. A price the
 * cache lacks today is fetched from the market API and cached: that write is the one more round trip.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { priceDay } from "../../src/modules/prices/service";
import { createAccount } from "../accounts/helpers";
import { countingApp } from "../counting-app";
import { createSpace, registerUser } from "../helpers";

async function setPrice(symbol: string, quote: string, price: string) {
  await env.DB.prepare("INSERT OR REPLACE INTO market_prices (symbol, quote, day, price_decimal, source, as_of, fetched_at) VALUES (?, ?, ?, ?, 'test', ?, ?)")
    .bind(symbol, quote, priceDay(Date.now()), price, Date.now(), Date.now())
    .run();
}

async function cryptoSpace(currency: string) {
  const user = await registerUser();
  const space = await createSpace(user, { currency });
  await createAccount(user, space.id, { name: "Bitcoin", type: "crypto", currency: "BTC", openingBalance: "0.025" });
  await createAccount(user, space.id, { name: "Ether", type: "crypto", currency: "ETH", openingBalance: "5.5" });
  await createAccount(user, space.id, { name: "Checking", type: "checking", currency, openingBalance: "100.00" });
  await env.DB.prepare(
    "INSERT INTO esg_snapshots (space_id, day, environmental, social, governance, overall, grade, scored_value, currency, dataset_version, created_at) VALUES (?, '2020-01-01', 60, 80, 80, 72, 'B', '100', ?, 'v', 0)",
  ).bind(space.id, currency).run();
  return { user, spaceId: space.id };
}

const path = (id: string) => `/v1/esg/scores?spaceId=${id}`;

describe("GET /v1/esg/scores round trips", () => {
  it("scores a space whose prices are cached today in one round trip, with its trends", async () => {
    await setPrice("BTC", "USD", "50000");
    await setPrice("ETH", "USD", "1500");
    const { user, spaceId } = await cryptoSpace("USD");
    const { get } = countingApp();
    const r = await get(user, path(spaceId));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.scores.map((s: any) => [s.symbol, s.valueDecimal, s.balanceUSDDecimal])).toEqual([["ETH", "8250.00", "8250.00"], ["BTC", "1250.00", "1250.00"]]);
    expect(r.body.trends).toEqual([expect.objectContaining({ date: "2020-01-01", overall: 72, datasetVersion: "v" })]);
    expect(r.trips).toBe(1);
  });

  it("reads the prices in the space's currency and in USD in the same batch", async () => {
    for (const [s, q, p] of [["BTC", "EUR", "46000"], ["ETH", "EUR", "1400"], ["BTC", "USD", "50000"], ["ETH", "USD", "1500"]] as const) await setPrice(s, q, p);
    const { user, spaceId } = await cryptoSpace("EUR");
    const { get } = countingApp();
    const r = await get(user, path(spaceId));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    // 5.5 ETH × 1,400 EUR = 7,700.00 (8,250.00 USD); 0.025 BTC × 46,000 EUR = 1,150.00 (1,250.00 USD).
    expect(r.body.scores.map((s: any) => [s.symbol, s.valueDecimal, s.balanceUSDDecimal])).toEqual([["ETH", "7700.00", "8250.00"], ["BTC", "1150.00", "1250.00"]]);
    expect(r.trips).toBe(1);
  });

  it("fetches and caches a price the cache lacks today: one more round trip, then one again", async () => {
    await setPrice("BTC", "CAD", "44000");
    await env.DB.prepare("DELETE FROM market_prices WHERE symbol = 'ETH' AND quote = 'CAD'").run();
    for (const [s, p] of [["BTC", "50000"], ["ETH", "1500"]] as const) await setPrice(s, "USD", p);
    const { user, spaceId } = await cryptoSpace("CAD");
    const { get } = countingApp();
    const first = await get(user, path(spaceId));
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.scores.map((s: any) => s.symbol).sort()).toEqual(["BTC", "ETH"]);
    expect(first.trips).toBe(2);
    const again = await get(user, path(spaceId));
    expect(again.body.scores).toEqual(first.body.scores);
    expect(again.trips).toBe(1);
  });

  it("answers a stranger 404 in one round trip, reading nothing of the space", async () => {
    await setPrice("BTC", "USD", "50000");
    await setPrice("ETH", "USD", "1500");
    const { spaceId } = await cryptoSpace("USD");
    const stranger = await registerUser();
    const { get } = countingApp();
    const r = await get(stranger, path(spaceId));
    expect(r.status).toBe(404);
    expect(r.body.scores).toBeUndefined();
    expect(r.body.trends).toBeUndefined();
    expect(r.trips).toBe(1);
    const empty = await createSpace(await registerUser(), { currency: "USD" });
    const baseline = await get(stranger, path(empty.id));
    expect(baseline.status).toBe(404);
    expect(r.rowsRead).toBe(baseline.rowsRead);
    expect(r.rowsRead).toBeLessThan(20);
  });
});
