/**
 * The hourly backfill of past prices: a coin and a stock held for weeks, first priced today, get their past
 * days from the feeds' simulators (CoinGecko's daily range, the securities feed's closes), and the net-worth
 * series that left them unconverted on every past day values each day exactly; a feed at a test URL shows
 * what is asked, what is recorded for an unlisted symbol, and that the feed's own failure records nothing.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import "../../src/index"; // registers the in-process sandbox handler
import { createDb } from "../../src/db/client";
import type { Services } from "../../src/env";
import { backfillPriceHistory, PRICE_HISTORY_DAYS } from "../../src/modules/prices/history";
import { priceDay } from "../../src/modules/prices/service";
import { sandboxPrice } from "../../src/sandbox/prices";
import { sandboxClose, sandboxTradingDay } from "../../src/sandbox/securities";
import { registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { api, localDays, ok } from "../analytics/fixture";
import { exactCents } from "./exact-cents";

const DAY = 86_400_000;

const services = (overrides: Partial<Env> = {}, now = Date.now()): Services => {
  const e = { ...env, ...overrides } as Env;
  return { env: e, db: createDb(e.DB), clock: { now: () => now } };
};

describe("past prices of what a space holds", () => {
  it("fills a coin's and a stock's past days, and the net-worth series values each of them", async () => {
    const u = await registerUser();
    const a = api(u);
    const { day, today } = localDays("UTC");
    const spaceId = (await ok(a.post("/v1/spaces", { name: "History", type: "personal", currency: "USD", timezone: "UTC" }))).id;
    const broker = await createAccount(u, spaceId, { name: "Brokerage", type: "brokerage", openingBalance: "5000.00" });
    const buy = (symbol: string, quantity: string, unitPrice: string) =>
      ok(a.post("/v1/transactions", { spaceId, accountId: broker.id, description: symbol, date: day(-40), trade: { symbol, side: "buy", quantity, unitPrice, fees: "0" } }));
    await buy("VOO", "10", "100");
    await buy("ETH", "0.25", "1000");
    const series = () => ok(a.get(`/v1/analytics/net-worth?spaceId=${spaceId}&from=${day(-35)}&to=${today}&interval=week`));

    // Priced today only: every past point leaves both out.
    const before = await series();
    expect(before.points.slice(0, -1).every((p: any) => p.complete === false)).toBe(true);
    expect(before.points.at(-1).complete).toBe(true);

    const asked = await backfillPriceHistory(services(), Date.now());
    expect(asked).toEqual(expect.arrayContaining(["ETH/USD", "VOO/USD"]));
    const rows = async (symbol: string) =>
      (await env.DB.prepare("SELECT day, price_decimal AS price FROM market_prices WHERE symbol = ? AND quote = 'USD' AND day < ? ORDER BY day").bind(symbol, priceDay(Date.now())).all<{ day: string; price: string }>()).results;
    const eth = await rows("ETH");
    expect(eth).toHaveLength(PRICE_HISTORY_DAYS); // every day, past D1's 100 parameters in one run
    expect(eth.every((r) => r.price === sandboxPrice("ethereum", "usd", r.day))).toBe(true);
    const voo = await rows("VOO");
    expect(voo.length).toBeGreaterThan(250); // trading days only
    expect(voo.every((r) => sandboxTradingDay(r.day) === r.day && r.price === sandboxClose("VOO", r.day))).toBe(true);

    // Each point: the cash (5000 − 1000 − 250) and both holdings at that day's price, the stock at the close of
    // its last trading day on or before it, rounded once.
    const after = await series();
    expect(after.points.every((p: any) => p.complete)).toBe(true);
    for (const p of after.points.slice(0, -1)) {
      const close = sandboxClose("VOO", sandboxTradingDay(p.date))!;
      expect(p.netWorthDecimal, p.date).toBe(exactCents([["10", close], ["0.25", sandboxPrice("ethereum", "usd", p.date)!]], 375000n));
    }

    // Nothing is asked twice.
    expect((await backfillPriceHistory(services(), Date.now())).filter((x) => x === "ETH/USD" || x === "VOO/USD")).toEqual([]);
  });
});

describe("the price history backfill and its feeds", () => {
  afterEach(() => vi.restoreAllMocks());

  /** The securities feed at a test URL through `fetch`: each request's ticker and range recorded; `answer` decides. */
  function feed(answer: (ticker: string) => Response) {
    const asked: string[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(new Request(input, init).url);
      const ticker = url.pathname.split("/")[3]!;
      asked.push(`${ticker} ${url.searchParams.get("startDate")}..${url.searchParams.get("endDate")}`);
      return answer(ticker);
    });
    return asked;
  }
  const at = (now: number) => services({ SECURITIES_BASE_URL: "https://securities.provider.test" }, now);
  const cache = (symbol: string) =>
    env.DB.prepare("INSERT INTO market_prices (symbol, quote, day, price_decimal, source, as_of, fetched_at) VALUES (?, 'USD', ?, '10', 'tiingo', ?, ?)")
      .bind(symbol, priceDay(Date.now()), Date.now(), Date.now()).run();
  const recorded = async (symbol: string) =>
    env.DB.prepare("SELECT stored FROM price_history_backfills WHERE symbol = ? AND quote = 'USD'").bind(symbol).first<{ stored: number }>();

  it("records an unlisted symbol and asks it again only after a week", async () => {
    await cache("HISTA");
    await cache("HISTZ");
    const asked = feed((t) =>
      t === "hista" ? Response.json([{ date: "2026-01-05T00:00:00.000Z", close: 12.5 }, { date: "2026-01-02T00:00:00.000Z", close: 12.25 }]) : Response.json({ detail: "Not found." }, { status: 404 }),
    );
    const now = Date.now();
    const to = new Date(now - DAY).toISOString().slice(0, 10);
    await backfillPriceHistory(at(now), now);
    expect(asked.filter((x) => x.startsWith("hist"))).toEqual([
      `hista ${new Date(now - PRICE_HISTORY_DAYS * DAY).toISOString().slice(0, 10)}..${to}`,
      `histz ${new Date(now - PRICE_HISTORY_DAYS * DAY).toISOString().slice(0, 10)}..${to}`,
    ]);
    expect(await recorded("HISTA")).toEqual({ stored: 2 });
    expect(await recorded("HISTZ")).toEqual({ stored: 0 });
    const stored = await env.DB.prepare("SELECT day, price_decimal FROM market_prices WHERE symbol = 'HISTA' AND day < '2026-02-01' ORDER BY day").all();
    expect(stored.results).toEqual([{ day: "2026-01-02", price_decimal: "12.25" }, { day: "2026-01-05", price_decimal: "12.5" }]);

    await backfillPriceHistory(at(now + DAY), now + DAY);
    expect(asked.filter((x) => x.startsWith("hist"))).toHaveLength(2);
    await backfillPriceHistory(at(now + 8 * DAY), now + 8 * DAY);
    expect(asked.filter((x) => x.startsWith("hist")).map((x) => x.split(" ")[0])).toEqual(["hista", "histz", "histz"]);
  });

  it("asks a pair still in use again a month after its backfill, filling the days nobody read it; new pairs first, a pair out of use left", async () => {
    const now = Date.now();
    const yesterday = new Date(now - DAY).toISOString().slice(0, 10);
    const longAgo = new Date(now - 40 * DAY).toISOString().slice(0, 10);
    // HISTR: backfilled 31 days ago, read today. HISTO: backfilled 31 days ago, last read 40 days ago. HISTN: new.
    await cache("HISTR");
    await env.DB.prepare("INSERT INTO market_prices (symbol, quote, day, price_decimal, source, as_of, fetched_at) VALUES ('HISTO', 'USD', ?, '10', 'tiingo', ?, ?)")
      .bind(longAgo, now - 40 * DAY, now - 40 * DAY).run();
    for (const symbol of ["HISTR", "HISTO"]) {
      await env.DB.prepare("INSERT INTO price_history_backfills (symbol, quote, attempted_at, stored) VALUES (?, 'USD', ?, 200)").bind(symbol, now - 31 * DAY).run();
    }
    await cache("HISTN");
    const asked = feed(() => Response.json([{ date: `${yesterday}T00:00:00.000Z`, close: 11.5 }]));
    await backfillPriceHistory(at(now), now);
    const ours = () => asked.map((x) => x.split(" ")[0]).filter((t) => ["histr", "histo", "histn"].includes(t!));
    expect(ours()).toEqual(["histn", "histr"]);
    const filled = await env.DB.prepare("SELECT price_decimal FROM market_prices WHERE symbol = 'HISTR' AND quote = 'USD' AND day = ?").bind(yesterday).first();
    expect(filled).toEqual({ price_decimal: "11.5" });
    expect(await recorded("HISTR")).toEqual({ stored: 1 });
    // Asked now, it is not asked again for a month.
    await backfillPriceHistory(at(now + DAY), now + DAY);
    expect(ours()).toEqual(["histn", "histr"]);
  });

  it("leaves a failing feed's pairs for the next run, unrecorded, while the other feed's go on", async () => {
    await cache("HISTD");
    await cache("HISTE");
    await env.DB.prepare("INSERT INTO market_prices (symbol, quote, day, price_decimal, source, as_of, fetched_at) VALUES ('ADA', 'GBP', ?, '0.7', 'coingecko', ?, ?)")
      .bind(priceDay(Date.now()), Date.now(), Date.now()).run();
    const asked = feed(() => new Response("unavailable", { status: 503 }));
    const done = await backfillPriceHistory(at(Date.now()), Date.now());
    expect(asked.filter((x) => x.startsWith("hist"))).toHaveLength(1); // the feed is not asked again this run
    expect(await recorded("HISTD")).toBeNull();
    expect(await recorded("HISTE")).toBeNull();
    // The coin feed (the in-process simulator) is another feed: its pair is filled in the same run.
    expect(done).toContain("ADA/GBP");
    const ada = await env.DB.prepare("SELECT stored FROM price_history_backfills WHERE symbol = 'ADA' AND quote = 'GBP'").first<{ stored: number }>();
    expect(ada).toEqual({ stored: PRICE_HISTORY_DAYS });
  });

  it("replaces a cached close of an earlier trading day with the day's own, and keeps a newer one", async () => {
    // A read on Tuesday 2026-01-06's morning cached Monday's close under Tuesday; Wednesday's row already holds Wednesday's.
    const row = (day: string, price: string, tradingDay: string) =>
      env.DB.prepare("INSERT INTO market_prices (symbol, quote, day, price_decimal, source, as_of, fetched_at) VALUES ('HISTM', 'USD', ?, ?, 'tiingo', ?, ?)")
        .bind(day, price, Date.parse(`${tradingDay}T23:59:59.999Z`), Date.now()).run();
    await row("2026-01-06", "10", "2026-01-05");
    await row("2026-01-07", "12.5", "2026-01-07");
    feed(() => Response.json([
      { date: "2026-01-05T00:00:00.000Z", close: 10 },
      { date: "2026-01-06T00:00:00.000Z", close: 11 },
      { date: "2026-01-07T00:00:00.000Z", close: 12.25 },
    ]));
    await backfillPriceHistory(at(Date.now()), Date.now());
    const rows = await env.DB.prepare("SELECT day, price_decimal FROM market_prices WHERE symbol = 'HISTM' ORDER BY day").all();
    expect(rows.results).toEqual([
      { day: "2026-01-05", price_decimal: "10" },
      { day: "2026-01-06", price_decimal: "11" },
      { day: "2026-01-07", price_decimal: "12.5" }, // as of the same close: kept as it was
    ]);
  });
});
