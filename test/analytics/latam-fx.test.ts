/**
 * A LATAM household's net worth in one currency (QA-FX): MXN, COP in the billions, BRL, USD, EUR, BTC and ETH
 * held in an MXN space in Mexico City's zone, valued on fixed past days through the HTTP API.
 * - Each holding converts at its day's rate (the space's day: an entry late in the local evening, already the
 *   next day in UTC, counts on the local day), the space's manual rates over the provider's, and the total is
 *   rounded once (checked against an exact fraction computed here).
 * - A coin's cached market price with more than 12 decimals (prices are stored with up to 24) values it: it was
 *   dropped from the rate book and the coin left unconverted as though no price were known.
 * - A day with no rate says so per currency (complete false, the amount listed), never a 0 or a 500.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { awayFromMidnight, registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { api, inBatches, localDays, ok } from "./fixture";

const TZ = "America/Mexico_City";
const BOGOTA = "America/Bogota";
// The last test's days are Bogotá's today: not across its midnight (helpers.ts).
await awayFromMidnight(BOGOTA);
const DAY = "2024-01-15";

/** Σ minor × rate × 10^(2 − scale), exactly, rounded half-even once (the space's currency has 2 decimals). */
function exactTotal(items: { minor: bigint; scale: number; rates: string[] }[]): bigint {
  let n = 0n;
  let d = 1n;
  for (const it of items) {
    let tn = it.minor;
    let td = 1n;
    for (const rate of it.rates) {
      const inverse = rate.startsWith("1/");
      const [w, f = ""] = (inverse ? rate.slice(2) : rate).split(".");
      const rn = BigInt(w! + f);
      const rd = 10n ** BigInt(f.length);
      [tn, td] = inverse ? [tn * rd, td * rn] : [tn * rn, td * rd];
    }
    const shift = 2 - it.scale;
    if (shift >= 0) tn *= 10n ** BigInt(shift);
    else td *= 10n ** BigInt(-shift);
    [n, d] = [n * td + tn * d, d * td];
  }
  const q = n / d;
  const r = n - q * d;
  return 2n * r < d ? q : 2n * r > d ? q + 1n : q % 2n === 0n ? q : q + 1n;
}

async function household() {
  const owner = await registerUser();
  const a = api(owner);
  const spaceId = (await ok(a.post("/v1/spaces", { name: "LATAM", type: "personal", currency: "MXN", timezone: TZ }))).id;
  const open = (name: string, type: string, currency: string, openingBalance: string) =>
    createAccount(owner, spaceId, { name, type, currency, openingBalance, openingBalanceDate: "2024-01-10" });
  const mxn = await open("mxn", "checking", "MXN", "1234.56");
  await open("cop", "savings", "COP", "12345678901.23");
  await open("brl", "checking", "BRL", "987.65");
  await open("usd", "checking", "USD", "100.01");
  await open("eur", "checking", "EUR", "50.50");
  await open("btc", "crypto", "BTC", "1.23456789");
  await open("eth", "crypto", "ETH", "0.12345678");
  // 23:30 on the 15th in Mexico City (UTC−6): the 16th in UTC.
  await ok(a.post("/v1/transactions", { spaceId, accountId: mxn.id, amount: "100.00", description: "late evening", date: "2024-01-16T05:30:00Z" }));
  return { a, spaceId };
}

describe("a LATAM household's net worth", () => {
  it("converts each holding at the space's day's rates, manual over provider, rounded once, coins and COP billions exact", { timeout: 60_000 }, async () => {
    const { a, spaceId } = await household();
    const now = Date.now();
    const ethPrice = "43210.98765432101234"; // 14 decimals: a price as the feed may store it
    await env.DB.batch([
      // The provider's rates of the day, which the space's own replace.
      env.DB.prepare("INSERT OR REPLACE INTO exchange_rates (base, quote, date, rate, source, fetched_at) VALUES ('USD', 'MXN', ?, '18', 'sandbox-fx', ?)").bind(DAY, now),
      env.DB.prepare("INSERT OR REPLACE INTO exchange_rates (base, quote, date, rate, source, fetched_at) VALUES ('USD', 'COP', ?, '4000', 'sandbox-fx', ?)").bind(DAY, now),
      env.DB.prepare("INSERT OR REPLACE INTO market_prices (symbol, quote, day, price_decimal, source, as_of, fetched_at) VALUES ('ETH', 'MXN', ?, ?, 'test', ?, ?)").bind(DAY, ethPrice, now, now),
    ]);
    await ok(a.put(`/v1/spaces/${spaceId}/rates`, {
      rates: [
        { base: "USD", quote: "MXN", date: DAY, rate: "17.0512" },
        { base: "USD", quote: "COP", date: DAY, rate: "3912.3456789" },
        { base: "BRL", quote: "USD", date: DAY, rate: "0.2034567" },
        { base: "EUR", quote: "USD", date: DAY, rate: "1.0923" },
        { base: "BTC", quote: "MXN", date: DAY, rate: "712345.12" },
      ],
    }));
    const body = await ok(a.get(`/v1/analytics/net-worth?spaceId=${spaceId}&from=2024-01-14&to=${DAY}&interval=day`));
    const expected = exactTotal([
      { minor: 133456n, scale: 2, rates: [] },
      { minor: 1234567890123n, scale: 2, rates: ["1/3912.3456789", "17.0512"] },
      { minor: 98765n, scale: 2, rates: ["0.2034567", "17.0512"] },
      { minor: 10001n, scale: 2, rates: ["17.0512"] },
      { minor: 5050n, scale: 2, rates: ["1.0923", "17.0512"] },
      { minor: 123456789n, scale: 8, rates: ["712345.12"] },
      { minor: 12345678n, scale: 8, rates: [ethPrice] },
    ]);
    expect(expected).toBe(5469842740n); // 54,698,427.40 MXN (hand-checked with Python's Fraction)
    expect(body.points[1]).toEqual({ date: DAY, netWorth: 54698427.4, netWorthDecimal: "54698427.40", complete: true });
    const used = body.conversion.ratesUsed.filter((r: { date: string }) => r.date === DAY);
    expect(used.filter((r: { source: string }) => r.source !== "manual").map((r: { base: string }) => r.base)).toEqual(["ETH"]);
    expect(used.find((r: { base: string }) => r.base === "ETH").rate).toBe(ethPrice);
    // The day before has no rate at all: said per currency, the MXN counted, nothing else taken as 0.
    expect(body.points[0]).toMatchObject({ date: "2024-01-14", netWorthDecimal: "1234.56", complete: false });
    const missing = body.conversion.unconverted.filter((u: { context: string }) => u.context === "net worth on 2024-01-14");
    expect(missing.map((u: { currency: string; amountDecimal: string }) => `${u.currency} ${u.amountDecimal}`).sort()).toEqual(
      ["BRL 987.65", "BTC 1.23456789", "COP 12345678901.23", "ETH 0.12345678", "EUR 50.50", "USD 100.01"],
    );
  });

  it("refuses a range that ends before it starts, and a ten-year daily range, with a 422 naming the limit", { timeout: 60_000 }, async () => {
    const { a, spaceId } = await household();
    const backwards = await a.get(`/v1/analytics/net-worth?spaceId=${spaceId}&from=2024-01-16&to=2024-01-14&interval=day`);
    expect(backwards.status).toBe(422);
    expect(backwards.body.error.details).toEqual([expect.objectContaining({ field: "to", code: "INVALID_RANGE" })]);
    const decade = await a.get(`/v1/analytics/net-worth?spaceId=${spaceId}&from=2014-01-01&to=2024-01-01&interval=day`);
    expect(decade.status).toBe(422);
    expect(decade.body.error.details).toEqual([expect.objectContaining({ field: "interval", code: "TOO_MANY_POINTS" })]);
    // The same decade by month is 121 points, answered.
    const monthly = await ok(a.get(`/v1/analytics/net-worth?spaceId=${spaceId}&from=2014-01-01&to=2024-01-01&interval=month`));
    expect(monthly.points).toHaveLength(121);
    expect(monthly.points.at(-1).date).toBe("2024-01-01");
  });

  it("agrees to the minor unit across the dashboard, the history, the accounts' summary and the forecast, past 100 accounts", { timeout: 120_000 }, async () => {
    const owner = await registerUser();
    const a = api(owner);
    const { day, today } = localDays(BOGOTA);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "COP", type: "personal", currency: "COP", timezone: BOGOTA }))).id;
    const open = (name: string, currency: string, openingBalance: string) =>
      createAccount(owner, spaceId, { name, type: "savings", currency, openingBalance, openingBalanceDate: day(-10) });
    // 104 accounts: more than D1's 100 bound parameters, were any list of them bound one by one.
    await inBatches(Array.from({ length: 102 }, (_, i) => i), 8, (i) => open(`a${i}`, i % 2 ? "BRL" : "COP", `${1_000_000_000 + i}.${String(i).padStart(2, "0").slice(-2)}`));
    await open("usd", "USD", "100.01");
    await open("eur", "EUR", "0.03");
    const rates = { BRL: ["0.2034567", "3912.3456789"], USD: ["3912.3456789"], EUR: ["1.0923", "3912.3456789"], COP: [] as string[] };
    await ok(a.put(`/v1/spaces/${spaceId}/rates`, {
      rates: [
        { base: "USD", quote: "COP", date: today, rate: "3912.3456789" },
        { base: "BRL", quote: "USD", date: today, rate: "0.2034567" },
        { base: "EUR", quote: "USD", date: today, rate: "1.0923" },
      ],
    }));
    const summary = await ok(a.get(`/v1/accounts/summary?spaceId=${spaceId}`));
    expect(summary.activeCount).toBe(104);
    const totals = summary.totalBalanceByCurrency as Record<keyof typeof rates, string>;
    const expected = exactTotal(Object.entries(totals).map(([cur, dec]) => ({ minor: BigInt(dec.replace(".", "")), scale: 2, rates: rates[cur as keyof typeof rates] })));
    const expectedDecimal = `${expected / 100n}.${String(expected % 100n).padStart(2, "0")}`;
    const dash = await ok(a.get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=7d`));
    expect(dash.netWorth).toMatchObject({ currentDecimal: expectedDecimal, currentComplete: true });
    const history = await ok(a.get(`/v1/analytics/net-worth?spaceId=${spaceId}&from=${day(-1)}&to=${today}&interval=day`));
    expect(history.points.at(-1)).toMatchObject({ date: today, netWorthDecimal: expectedDecimal, complete: true });
    // Each account's balance, as the forecast starts from it, sums to the summary's total of its currency.
    const forecast = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
    const byCurrency = new Map<string, bigint>();
    for (const acc of forecast.accounts) byCurrency.set(acc.currency, (byCurrency.get(acc.currency) ?? 0n) + BigInt(acc.currentBalanceDecimal.replace(".", "")));
    expect(Object.fromEntries([...byCurrency].map(([c, m]) => [c, `${m / 100n}.${String(m % 100n).padStart(2, "0")}`]))).toEqual(totals);
  });
});
