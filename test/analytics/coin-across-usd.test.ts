/**
 * A coin's past value converts across USD like any pair (QA-B F14): in a COP space, BTC on the day before the
 * dashboard's period had no BTC/COP price cached but had BTC/USD and USD/COP, and was dropped; the note
 * blamed both days though today's BTC/COP was known. Now it is valued as BTC/USD × USD/COP, and when a day
 * does lack a price the note names that day only.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { registerUser, awayFromMidnight } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { api, localDays, ok } from "./fixture";

// The days this file takes are the zone's: not across its midnight (helpers.ts).
await awayFromMidnight("America/Bogota");

const TZ = "America/Bogota";

async function copSpaceWithBitcoin() {
  const owner = await registerUser();
  const a = api(owner);
  const { day } = localDays(TZ);
  const spaceId = (await ok(a.post("/v1/spaces", { name: "COP", type: "personal", currency: "COP", timezone: TZ }))).id;
  await createAccount(owner, spaceId, { name: "btc", type: "crypto", currency: "BTC", openingBalance: "0.00012345", openingBalanceDate: day(-30) });
  return { a, spaceId, previous: day(-7) };
}

const dashboard = (a: ReturnType<typeof api>, spaceId: string) => ok(a.get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=7d`));

describe("a coin in a space whose currency its price was not cached in", () => {
  it("is valued across USD on a past day: BTC/USD × USD/COP", { timeout: 60_000 }, async () => {
    const { a, spaceId, previous } = await copSpaceWithBitcoin();
    await env.DB.prepare("INSERT OR REPLACE INTO market_prices (symbol, quote, day, price_decimal, source, as_of, fetched_at) VALUES ('BTC', 'USD', ?, '100000', 'test', ?, ?)")
      .bind(previous, Date.now(), Date.now()).run();
    await ok(a.put(`/v1/spaces/${spaceId}/rates`, { rates: [{ base: "USD", quote: "COP", date: previous, rate: "4000" }] }));
    const dash = await dashboard(a, spaceId);
    expect(dash.netWorth.previousDate).toBe(previous);
    // 0.00012345 × 100000 × 4000 = 49380 COP (2 decimals).
    expect(dash.netWorth.previousDecimal).toBe("49380.00");
    expect(dash.netWorth.complete).toBe(true);
    expect(dash.notes.join(" ")).not.toMatch(/leaves out/);
  });

  it("with no price that day, the note names that day only", { timeout: 60_000 }, async () => {
    const { a, spaceId, previous } = await copSpaceWithBitcoin();
    const dash = await dashboard(a, spaceId);
    expect(dash.netWorth.complete).toBe(false);
    // Today's figure is whole (as the net-worth history says of today); the day before the period's is not.
    expect(dash.netWorth).toMatchObject({ currentComplete: true, previousComplete: false });
    const history = await ok(a.get(`/v1/analytics/net-worth?spaceId=${spaceId}&from=${previous}&to=${dash.to}&interval=day`));
    expect(history.points.at(-1)).toMatchObject({ date: dash.to, netWorthDecimal: dash.netWorth.currentDecimal, complete: true });
    const note = dash.notes.find((n: string) => n.startsWith("The change leaves out"));
    expect(note).toBe(`The change leaves out BTC on both days: no rate or price for BTC on ${previous}`);
  });
});
