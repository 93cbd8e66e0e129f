/**
 * Market prices: the real CoinGecko-shaped client against the sandbox
 * simulator through outbound(), the per-day D1 cache, stale flags when the
 * API cannot answer, exact decimal strings, and symbol lists past D1's 100
 * bound parameters.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import "../../src/index"; // registers the in-process sandbox handler
import { createDb } from "../../src/db/client";
import type { Services } from "../../src/env";
import { COINGECKO_IDS } from "../../src/modules/prices/assets";
import { parseKeepingNumbers } from "../../src/modules/prices/client";
import { canonicalDecimal, decimalToMinor, minorToDecimal, valueMinor } from "../../src/modules/prices/decimal";
import { getPrices, priceDay } from "../../src/modules/prices/service";
import { sandboxPrice } from "../../src/sandbox/prices";

const DAY = 86_400_000;

function services(overrides: Partial<Env> = {}, now = Date.now()): Services {
  const e = { ...env, ...overrides } as Env;
  return { env: e, db: createDb(e.DB), clock: { now: () => now } };
}

async function insertPrice(symbol: string, quote: string, day: string, price: string, asOf: number) {
  await env.DB.prepare(
    "INSERT INTO market_prices (symbol, quote, day, price_decimal, source, as_of, fetched_at) VALUES (?, ?, ?, ?, 'test', ?, ?)",
  ).bind(symbol, quote, day, price, asOf, asOf).run();
}

describe("getPrices", () => {
  it("prices BTC and ETH from the market API as exact decimals, and caches them for the day", async () => {
    const svc = services();
    const today = priceDay(Date.now());
    const prices = await getPrices(svc, ["BTC", "eth", "BTC"], "USD");
    expect([...prices.keys()].sort()).toEqual(["BTC", "ETH"]);
    const btc = prices.get("BTC")!;
    expect(btc).toEqual({ symbol: "BTC", quote: "USD", priceDecimal: sandboxPrice("bitcoin", "usd", today), day: today, source: "sandbox:coingecko", stale: false });
    expect(prices.get("ETH")!.priceDecimal).toBe(sandboxPrice("ethereum", "usd", today));

    const rows = await env.DB.prepare("SELECT symbol, price_decimal FROM market_prices WHERE quote = 'USD' AND day = ? ORDER BY symbol").bind(today).all();
    expect(rows.results).toEqual([
      { symbol: "BTC", price_decimal: btc.priceDecimal },
      { symbol: "ETH", price_decimal: prices.get("ETH")!.priceDecimal },
    ]);
    // The second call reads the cache: a changed cached row is what comes back.
    await env.DB.prepare("UPDATE market_prices SET price_decimal = '12345.67' WHERE symbol = 'BTC' AND quote = 'USD' AND day = ?").bind(today).run();
    expect((await getPrices(svc, ["BTC"], "USD")).get("BTC")!.priceDecimal).toBe("12345.67");
  });

  it("converts to other quotes and keeps tiny prices exact (no exponent, no float)", async () => {
    const today = priceDay(Date.now());
    const prices = await getPrices(services(), ["BTC", "SHIB", "PEPE"], "MXN");
    expect(prices.get("BTC")!.priceDecimal).toBe(sandboxPrice("bitcoin", "mxn", today));
    const shib = prices.get("SHIB")!.priceDecimal;
    expect(shib).toBe(sandboxPrice("shiba-inu", "mxn", today));
    expect(shib).toMatch(/^0\.000\d+$/);
    expect(prices.get("PEPE")!.priceDecimal).not.toContain("e");
  });

  it("leaves out symbols it cannot price and answers a symbol in its own quote as 1", async () => {
    const prices = await getPrices(services(), ["BTC", "NOTACOIN", "USD", "bad symbol!"], "USD");
    expect([...prices.keys()].sort()).toEqual(["BTC", "USD"]);
    expect(prices.get("USD")).toMatchObject({ priceDecimal: "1", stale: false, source: "identity" });
    expect((await getPrices(services(), ["BTC"], "not a quote")).size).toBe(0);
  });

  it("falls back to the last cached day when the API refuses, flagging prices older than a day as stale", async () => {
    const now = Date.now();
    const twoDaysAgo = priceDay(now - 2 * DAY);
    const yesterday = priceDay(now - DAY);
    await insertPrice("BTC", "EUR", twoDaysAgo, "80000.5", now - 2 * DAY);
    await insertPrice("ETH", "EUR", yesterday, "3000.25", now - 2 * 3_600_000);
    const prices = await getPrices(services({ PRICES_API_KEY: "CG-invalid" }, now), ["BTC", "ETH", "SOL"], "EUR");
    expect(prices.get("BTC")).toEqual({ symbol: "BTC", quote: "EUR", priceDecimal: "80000.5", day: twoDaysAgo, source: "test", stale: true });
    expect(prices.get("ETH")).toMatchObject({ priceDecimal: "3000.25", day: yesterday, stale: false });
    expect(prices.has("SOL")).toBe(false); // never priced, never invented
    // Nothing was cached for today from a refused call.
    const n = await env.DB.prepare("SELECT COUNT(*) AS n FROM market_prices WHERE quote = 'EUR' AND day = ?").bind(priceDay(now)).first<{ n: number }>();
    expect(n!.n).toBe(0);
    // Once the API answers again, today's price replaces the fallback.
    const fresh = await getPrices(services({}, now), ["BTC"], "EUR");
    expect(fresh.get("BTC")).toMatchObject({ day: priceDay(now), stale: false, priceDecimal: sandboxPrice("bitcoin", "eur", priceDay(now)) });
  });

  it("flags a provider price whose own update time is more than a day old", async () => {
    const now = Date.now();
    await insertPrice("LTC", "GBP", priceDay(now), "88.1", now - DAY - 60_000);
    const prices = await getPrices(services({}, now), ["LTC"], "GBP");
    expect(prices.get("LTC")).toMatchObject({ priceDecimal: "88.1", stale: true });
  });

  it("reads and writes lists of more than 100 symbols in bounded statements", async () => {
    const now = Date.now();
    const yesterday = priceDay(now - DAY);
    const synthetic = Array.from({ length: 130 }, (_, i) => `ZZ${String(i).padStart(3, "0")}`);
    await env.DB.batch(
      synthetic.map((s, i) =>
        env.DB.prepare("INSERT INTO market_prices (symbol, quote, day, price_decimal, source, as_of, fetched_at) VALUES (?, 'CAD', ?, ?, 'test', ?, ?)")
          .bind(s, yesterday, `${i + 1}.5`, now - 3_600_000, now),
      ),
    );
    const known = Object.keys(COINGECKO_IDS); // over 50: the client splits its requests too
    const prices = await getPrices(services({}, now), [...synthetic, ...known], "CAD");
    for (const [i, s] of synthetic.entries()) expect(prices.get(s)).toMatchObject({ priceDecimal: `${i + 1}.5`, day: yesterday, stale: false });
    for (const s of known) expect(prices.get(s)?.day).toBe(priceDay(now));
    expect(prices.size).toBe(synthetic.length + known.length);
    const cached = await env.DB.prepare("SELECT COUNT(*) AS n FROM market_prices WHERE quote = 'CAD' AND day = ?").bind(priceDay(now)).first<{ n: number }>();
    expect(cached!.n).toBe(known.length);
  });
});

describe("price decimals", () => {
  it("multiplies quantity by price exactly, rounding once half away from zero", () => {
    expect(valueMinor(2_500_000n, 8, "50000.00", 2)).toBe(125_000n); // 0.025 BTC at 50,000 = 1,250.00
    expect(valueMinor(550_000_000, 8, "1500", 2)).toBe(825_000n); // 5.5 ETH at 1,500 = 8,250.00
    expect(valueMinor(1n, 8, "0.5", 2)).toBe(0n);
    expect(valueMinor(1_000_000n, 8, "0.005", 2)).toBe(0n); // 0.01 × 0.005 = 0.00005 -> 0.00
    expect(valueMinor(100_000_000n, 8, "0.005", 2)).toBe(1n); // 0.005 -> 0.01 (half away from zero)
    expect(valueMinor(-100_000_000n, 8, "0.005", 2)).toBe(-1n);
    expect(valueMinor(123_456_789_012_345_678n, 8, "97123.45678901", 2)).toBe(11_990_550_112_950_480n); // beyond 2^53, exact
  });

  it("canonicalizes decimals and refuses what is not one", () => {
    expect(canonicalDecimal("0067187.3300")).toBe("67187.33");
    expect(canonicalDecimal("1e-8")).toBe("0.00000001");
    expect(canonicalDecimal("2.5E+3")).toBe("2500");
    expect(canonicalDecimal("-1")).toBeNull();
    expect(canonicalDecimal("1.2.3")).toBeNull();
    expect(canonicalDecimal("abc")).toBeNull();
    expect(minorToDecimal(-5n, 2)).toBe("-0.05");
    expect(decimalToMinor("12.345", 2)).toBe(1235n);
  });

  it("reads the price API's numbers from their text, not through a double", () => {
    const body = parseKeepingNumbers('{"bitcoin":{"usd":97123.123456789012345678,"last_updated_at":1733200000}}') as any;
    expect(body.bitcoin.usd.$num).toBe("97123.123456789012345678"); // a double would keep 97123.12345678901
    expect(canonicalDecimal(body.bitcoin.usd.$num)).toBe("97123.123456789012345678");
  });
});
