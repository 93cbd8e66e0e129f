/**
 * Security prices: the Tiingo-shaped client against the sandbox simulator through outbound(), and
 * against a stand-in at a test URL for what the simulator does not do (counting requests, failing);
 * the USD cache rows; a stock bought through a trade counted in net worth at its close, in a USD space
 * and, through the day's USD rate, in an MXN one.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import "../../src/index"; // registers the in-process sandbox handler
import { createDb } from "../../src/db/client";
import type { Services } from "../../src/env";
import { getPrices, priceDay } from "../../src/modules/prices/service";
import { sandboxClose, sandboxTradingDay } from "../../src/sandbox/securities";
import { registerUser, awayFromMidnight } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { api, localDays, ok } from "../analytics/fixture";
import { exactCents } from "./exact-cents";

// The days this file takes are the zone's: not across its midnight (helpers.ts).
await awayFromMidnight("America/Mexico_City");

const DAY = 86_400_000;

function services(overrides: Partial<Env> = {}, now = Date.now()): Services {
  const e = { ...env, ...overrides } as Env;
  return { env: e, db: createDb(e.DB), clock: { now: () => now } };
}

describe("getPrices for securities", () => {
  it("prices listed tickers in USD from the securities feed, caches them for the day, and only for a caller that asks", async () => {
    const today = priceDay(Date.now());
    const svc = services();
    expect((await getPrices(svc, ["MSFT"], "USD")).has("MSFT")).toBe(false); // ESG, gaming and Bitso never ask the feed
    const prices = await getPrices(svc, ["MSFT", "VOO", "NOTLISTED", "BTC"], "USD", undefined, { securities: true });
    expect([...prices.keys()].sort()).toEqual(["BTC", "MSFT", "VOO"]);
    const close = sandboxClose("MSFT", sandboxTradingDay(today))!;
    // The price is of its close's trading day (Friday's on a weekend), cached under the day it was fetched.
    expect(prices.get("MSFT")).toEqual({ symbol: "MSFT", quote: "USD", priceDecimal: close, day: sandboxTradingDay(today), source: "sandbox:tiingo", stale: false });
    expect(prices.get("BTC")!.source).toBe("sandbox:coingecko");
    const rows = await env.DB.prepare("SELECT symbol, quote, price_decimal, source FROM market_prices WHERE symbol IN ('MSFT', 'VOO') AND day = ? ORDER BY symbol").bind(today).all();
    expect(rows.results).toEqual([
      { symbol: "MSFT", quote: "USD", price_decimal: close, source: "sandbox:tiingo" },
      { symbol: "VOO", quote: "USD", price_decimal: sandboxClose("VOO", sandboxTradingDay(today)), source: "sandbox:tiingo" },
    ]);
    // The feed quotes USD only: asked in MXN, a security has no price of its own (net worth converts the USD one).
    expect((await getPrices(svc, ["NVDA"], "MXN", undefined, { securities: true })).has("NVDA")).toBe(false);
    // The cache is shared, but a caller that does not ask for securities never gets the feed's close.
    expect((await getPrices(svc, ["MSFT"], "USD")).has("MSFT")).toBe(false);
  });

  it("falls back to the cache when the feed refuses its key, a close stale only after four days", async () => {
    const now = Date.now();
    const insert = (symbol: string, daysAgo: number) =>
      env.DB.prepare("INSERT INTO market_prices (symbol, quote, day, price_decimal, source, as_of, fetched_at) VALUES (?, 'USD', ?, '100.25', 'tiingo', ?, ?)")
        .bind(symbol, priceDay(now - daysAgo * DAY), now - daysAgo * DAY, now - daysAgo * DAY).run();
    await insert("JPM", 3);
    await insert("KO", 5);
    const prices = await getPrices(services({ SECURITIES_API_KEY: "invalid" }, now), ["JPM", "KO", "WMT"], "USD", undefined, { securities: true });
    expect(prices.get("JPM")).toMatchObject({ priceDecimal: "100.25", stale: false }); // a long weekend
    expect(prices.get("KO")).toMatchObject({ priceDecimal: "100.25", stale: true });
    expect(prices.has("WMT")).toBe(false);
    const n = await env.DB.prepare("SELECT COUNT(*) AS n FROM market_prices WHERE symbol IN ('JPM', 'KO', 'WMT') AND day = ?").bind(priceDay(now)).first<{ n: number }>();
    expect(n!.n).toBe(0);
  });
});

describe("the securities client against a feed at a test URL", () => {
  afterEach(() => vi.restoreAllMocks());

  /** A feed at a test URL through `fetch`: every request recorded; `answer` decides each. */
  function feed(answer: (ticker: string) => Response) {
    const asked: { path: string; authorization: string | null }[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
      const req = new Request(input, init);
      const url = new URL(req.url);
      asked.push({ path: url.pathname, authorization: req.headers.get("authorization") });
      return answer(url.pathname.split("/")[3]!);
    });
    return asked;
  }
  const svc = (now = Date.now()) => services({ SECURITIES_BASE_URL: "https://securities.provider.test/", SECURITIES_API_KEY: "key-123" }, now);

  it("sends the key as a Token header, keeps the close's exact digits, and asks for an unlisted ticker once a day", async () => {
    const asked = feed((t) =>
      t === "tstx"
        ? new Response(`[{"date":"2026-12-04T00:00:00.000Z","close":123.456789012345678,"adjClose":1.5}]`, { headers: { "content-type": "application/json" } })
        : Response.json({ detail: "Not found." }, { status: 404 }),
    );
    const prices = await getPrices(svc(), ["TSTX", "UNLSTA"], "USD", undefined, { securities: true });
    expect(prices.get("TSTX")).toMatchObject({ priceDecimal: "123.456789012345678", source: "tiingo" });
    expect(prices.has("UNLSTA")).toBe(false);
    expect(asked).toEqual([
      { path: "/tiingo/daily/tstx/prices", authorization: "Token key-123" },
      { path: "/tiingo/daily/unlsta/prices", authorization: "Token key-123" },
    ]);
    // Again the same day: TSTX from the cache, UNLSTA not asked again.
    expect((await getPrices(svc(), ["TSTX", "UNLSTA"], "USD", undefined, { securities: true })).get("TSTX")!.priceDecimal).toBe("123.456789012345678");
    expect(asked).toHaveLength(2);
  });

  it("counts a bar that does not read and a 4xx as the ticker's miss, stops at the feed's own failure, and leaves the feed alone a while", async () => {
    const asked = feed((t) =>
      t === "badx" ? new Response(`[{"date":"yesterday","close":5}]`)
      : t === "badq" ? Response.json({ detail: "Bad request" }, { status: 400 })
      : t === "goodx" ? Response.json([{ date: "2026-12-04T00:00:00.000Z", close: 7 }])
      : new Response("busy", { status: 503 }),
    );
    const down = services({ SECURITIES_BASE_URL: "https://securities.provider.test/", SECURITIES_API_KEY: "key-down" });
    const first = await getPrices(down, ["BADX", "BADQ", "GOODX", "DOWNA", "DOWNB"], "USD", undefined, { securities: true });
    expect([...first.keys()]).toEqual(["GOODX"]);
    // The 503 is the feed's failure: DOWNB is not asked.
    expect(asked.map((a) => a.path.split("/")[3])).toEqual(["badx", "badq", "goodx", "downa"]);
    const misses = await env.DB.prepare("SELECT symbol FROM price_misses WHERE day = ? AND symbol IN ('BADX', 'BADQ', 'DOWNA', 'DOWNB') ORDER BY symbol").bind(priceDay(Date.now())).all();
    expect(misses.results).toEqual([{ symbol: "BADQ" }, { symbol: "BADX" }]);
    // Within the pause nothing is asked, and a recorded miss is not asked again anyway.
    await getPrices(down, ["DOWNB", "BADX"], "USD", undefined, { securities: true });
    expect(asked).toHaveLength(4);
    const n = await env.DB.prepare("SELECT COUNT(*) AS n FROM market_prices WHERE symbol IN ('DOWNA', 'DOWNB', 'BADX', 'BADQ')").first<{ n: number }>();
    expect(n!.n).toBe(0);
  });

  it("asks at most five tickers a read and the rest on later reads, each unlisted one once a day whatever the isolate", async () => {
    const asked = feed(() => Response.json({ detail: "Not found." }, { status: 404 }));
    const cap = services({ SECURITIES_BASE_URL: "https://securities.provider.test/", SECURITIES_API_KEY: "key-cap" });
    const tickers = ["CAPA", "CAPB", "CAPC", "CAPD", "CAPE", "CAPF", "CAPG"];
    await getPrices(cap, tickers, "USD", undefined, { securities: true });
    expect(asked).toHaveLength(5);
    await getPrices(cap, tickers, "USD", undefined, { securities: true });
    expect(asked).toHaveLength(7);
    // The misses are in D1, not in this isolate's memory: the next read asks nothing.
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM price_misses WHERE symbol LIKE 'CAP%'").first<{ n: number }>()).toEqual({ n: 7 });
    await getPrices(cap, tickers, "USD", undefined, { securities: true });
    expect(asked).toHaveLength(7);
  });
});

describe("a stock in net worth", () => {
  it("counts the units a trade bought at their close, in a USD space and through the day's rate in an MXN one", async () => {
    const u = await registerUser();
    const a = api(u);
    const closeOf = (t: string) => sandboxClose(t, sandboxTradingDay(priceDay(Date.now())))!;

    const usd = (await ok(a.post("/v1/spaces", { name: "Stocks", type: "personal", currency: "USD", timezone: "UTC" }))).id;
    const broker = await createAccount(u, usd, { name: "Brokerage", type: "brokerage", openingBalance: "5000.00" });
    const today = localDays("UTC").today;
    await ok(a.post("/v1/transactions", { spaceId: usd, accountId: broker.id, description: "Apple", date: today, trade: { symbol: "AAPL", side: "buy", quantity: "10", unitPrice: "189.50", fees: "0" } }));
    const dash = await ok(a.get(`/v1/analytics/dashboard?spaceId=${usd}&period=30d`));
    // 5000.00 − 1895.00 of cash, and 10 AAPL at the close.
    expect(dash.netWorth).toMatchObject({ currentDecimal: exactCents([[closeOf("AAPL"), "10"]], 310500n), complete: true });
    // The latest close stands for today (on a weekend, Friday's), so no note calls it a fallback.
    expect(dash.conversion.ratesUsed).toContainEqual({ base: "AAPL", quote: "USD", date: today, rate: closeOf("AAPL"), source: "market:sandbox:tiingo" });
    expect(dash.notes.join(" ")).not.toMatch(/AAPL/);
    // Projections start from the same net worth.
    const projection = await ok(a.get(`/v1/projections?spaceId=${usd}&years=10&scenarios=100&seed=1`));
    expect(projection.projection.startingNetWorthDecimal).toBe(dash.netWorth.currentDecimal);

    const tz = "America/Mexico_City";
    const mxn = (await ok(a.post("/v1/spaces", { name: "Acciones", type: "personal", currency: "MXN", timezone: tz }))).id;
    const casa = await createAccount(u, mxn, { name: "Casa de bolsa", type: "brokerage", currency: "MXN", openingBalance: "100000.00" });
    const mxToday = localDays(tz).today;
    await ok(a.put(`/v1/spaces/${mxn}/rates`, { rates: [{ base: "USD", quote: "MXN", date: mxToday, rate: "17.0123" }] }));
    await ok(a.post("/v1/transactions", { spaceId: mxn, accountId: casa.id, description: "Nu", date: mxToday, trade: { symbol: "NU", side: "buy", quantity: "3.5", unitPrice: "200", fees: "0" } }));
    const mx = await ok(a.get(`/v1/analytics/dashboard?spaceId=${mxn}&period=30d`));
    // 100000.00 − 700.00 of pesos, and 3.5 NU at the USD close × 17.0123, rounded once.
    const close = closeOf("NU");
    expect(mx.netWorth).toMatchObject({ currentDecimal: exactCents([[close, "3.5", "17.0123"]], 9930000n), complete: true });
    expect(mx.conversion.ratesUsed).toEqual(
      expect.arrayContaining([
        { base: "NU", quote: "USD", date: mxToday, rate: close, source: "market:sandbox:tiingo" },
        { base: "USD", quote: "MXN", date: mxToday, rate: "17.0123", source: "manual" },
      ]),
    );
  });

  it("values a series that ends before today at the closes cached on its days, not at today's", async () => {
    const u = await registerUser();
    const a = api(u);
    const { day } = localDays("UTC");
    const spaceId = (await ok(a.post("/v1/spaces", { name: "Past", type: "personal", currency: "USD", timezone: "UTC" }))).id;
    const broker = await createAccount(u, spaceId, { name: "Brokerage", type: "brokerage", openingBalance: "5000.00" });
    await ok(a.post("/v1/transactions", { spaceId, accountId: broker.id, description: "QQQ", date: day(-20), trade: { symbol: "QQQ", side: "buy", quantity: "10", unitPrice: "100", fees: "0" } }));
    const cache = (d: string, price: string) =>
      env.DB.prepare("INSERT INTO market_prices (symbol, quote, day, price_decimal, source, as_of, fetched_at) VALUES ('QQQ', 'USD', ?, ?, 'tiingo', ?, ?)")
        .bind(d, price, Date.parse(`${d}T23:59:59.999Z`), Date.now()).run();
    await cache(day(-10), "105.5");
    await cache(day(-3), "111.11");
    const series = await ok(a.get(`/v1/analytics/net-worth?spaceId=${spaceId}&from=${day(-10)}&to=${day(-3)}&interval=day`));
    const at = (d: string) => series.points.find((p: any) => p.date === d);
    expect(at(day(-10))).toMatchObject({ netWorthDecimal: "5055.00", complete: true });
    expect(at(day(-4))).toMatchObject({ netWorthDecimal: "5055.00", complete: true });
    expect(at(day(-3))).toMatchObject({ netWorthDecimal: "5111.10", complete: true });
    // Today's close was not asked for: nothing is cached today.
    const today = await env.DB.prepare("SELECT COUNT(*) AS n FROM market_prices WHERE symbol = 'QQQ' AND day = ?").bind(priceDay(Date.now())).first<{ n: number }>();
    expect(today!.n).toBe(0);
  });
});
