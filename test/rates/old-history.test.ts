/**
 * The rates backfill beyond its last RATE_HISTORY_DAYS (rates/backfill.ts): the month ends and 15ths back to
 * the earliest data of a space that converts between currencies, after the recent days, a bounded number of
 * provider requests a run; a weekend's day falls back to the weekday before it; a space in one currency asks
 * for no old day.
 */
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createDb } from "../../src/db/client";
import type { Services } from "../../src/env";
import worker from "../../src/index";
import { BACKFILL_DAYS_PER_RUN, BACKFILL_RETRY_MS, backfillRates, RATE_HISTORY_DAYS } from "../../src/modules/rates/backfill";
import { sandboxRate } from "../../src/sandbox/rates";
import { registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { api, ok } from "../analytics/fixture";

const DAY = 86_400_000;
const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const hourly = (at: number) => worker.scheduled!(createScheduledController({ scheduledTime: at, cron: "0 * * * *" }) as ScheduledController, env);
const attempts = async () => (await env.DB.prepare("SELECT COUNT(*) AS n FROM rate_backfill_attempts").first<{ n: number }>())!.n;
const storedBefore = async (day: string) =>
  (await env.DB.prepare("SELECT DISTINCT date FROM exchange_rates WHERE base = 'USD' AND date < ? ORDER BY date DESC").bind(day).all<{ date: string }>()).results.map((r) => r.date);

/** The recent window of a run at `at` (its first and last day). */
const windowOf = (at: number) => ({ first: ymd(at - RATE_HISTORY_DAYS * DAY), yesterday: ymd(at - DAY) });

/** Stores a (seed) rate for every day of the recent window of a run at `at` but `except`, as if filled before. */
async function fillWindow(at: number, except: string[] = []) {
  const { first, yesterday } = windowOf(at);
  await env.DB.prepare(
    `WITH RECURSIVE d(x) AS (SELECT ?1 UNION ALL SELECT date(x, '+1 day') FROM d WHERE x < ?2)
     INSERT INTO exchange_rates (base, quote, date, rate, source, fetched_at)
       SELECT 'USD', 'EUR', x, '0.9', 'seed', 0 FROM d WHERE x NOT IN (SELECT value FROM json_each(?3))`,
  ).bind(first, yesterday, JSON.stringify(except)).run();
}

/** Each month's last day and 15th before `before`, newest first, down to the first on or before `earliest` (written out by hand). */
function monthEndsAndMiddles(before: string, earliest: string): string[] {
  const out: string[] = [];
  for (let y = Number(before.slice(0, 4)), m = Number(before.slice(5, 7)); ; m === 1 ? (y--, (m = 12)) : m--) {
    const last = ymd(Date.UTC(y, m, 0));
    const mid = ymd(Date.UTC(y, m - 1, 15));
    for (const d of [last, mid]) {
      if (d >= before) continue;
      out.push(d);
      if (d <= earliest) return out;
    }
  }
}

/** `cents` USD in MXN centavos at `rate` (a decimal string), half-even, as a decimal string. */
function usdToMxn(cents: bigint, rate: string): bigint {
  const [whole, frac = ""] = rate.split(".");
  const unit = 10n ** BigInt(frac.length);
  const scaled = cents * BigInt(whole! + frac);
  const q = scaled / unit;
  const r = scaled % unit;
  return r * 2n > unit || (r * 2n === unit && q % 2n === 1n) ? q + 1n : q;
}
const decimal = (c: bigint) => `${c < 0n ? "-" : ""}${(c < 0n ? -c : c) / 100n}.${String((c < 0n ? -c : c) % 100n).padStart(2, "0")}`;

async function clean() {
  await env.DB.batch([
    env.DB.prepare("DELETE FROM exchange_rates"),
    env.DB.prepare("DELETE FROM rate_backfill_attempts"),
    // Spaces of earlier tests would reach back too.
    env.DB.prepare("UPDATE spaces SET deleted_at = ? WHERE deleted_at IS NULL").bind(Date.now()),
  ]);
}

/**
 * A space in `currency` (UTC) with `accounts` (currency, opening balance dated at the start of time) and their
 * transactions ([account index, amount, date]).
 */
async function spaceWith(currency: string, accounts: [string, string?][], txs: [number, string, string][]) {
  const u = await registerUser();
  const a = api(u);
  const spaceId = (await ok(a.post("/v1/spaces", { name: "Casa", type: "personal", currency, timezone: "UTC" }))).id as string;
  const ids: string[] = [];
  for (const [c, openingBalance] of accounts) ids.push((await createAccount(u, spaceId, { name: `Cuenta ${c}`, currency: c, openingBalance })).id);
  for (const [i, amount, date] of txs) await ok(a.post("/v1/transactions", { spaceId, accountId: ids[i], amount, description: "x", date }));
  return { a, spaceId };
}

describe("the rates backfill of old history", () => {
  afterEach(() => vi.restoreAllMocks());

  it("fills month ends and 15ths back to a two-currency space's 2019 data, after the recent days, so its month-end net worth converts", async () => {
    await clean();
    const at = Date.now();
    const { first, yesterday } = windowOf(at);
    const { a, spaceId } = await spaceWith("MXN", [["MXN", "1000.00"], ["USD", "40.00"]], [
      [0, "5000.00", "2019-01-05"],
      [1, "1000.00", "2019-01-10"],
      [1, "-123.45", "2019-03-20"],
      [0, "-800.00", "2019-04-02"],
      [1, "250.07", "2019-06-12"],
    ]);
    const history = () => ok(a.get(`/v1/analytics/net-worth?spaceId=${spaceId}&from=2019-01-01&to=2019-12-31&interval=month`));
    expect((await history()).points.filter((p: any) => !p.complete)).toHaveLength(12);

    // Two recent days are missing: they are asked first, then the old history with the rest of the run.
    const recentGaps = [ymd(at - 2 * DAY), ymd(at - 100 * DAY)];
    await fillWindow(at, recentGaps);
    // The first transaction's UTC day, a day early (a space's day may begin the UTC day before); the opening
    // balances, dated at the start of time, are not data of a day.
    const expected = monthEndsAndMiddles(first, "2019-01-04");
    expect(expected.at(-1)).toBe("2018-12-31");
    await hourly(at);
    expect(await attempts()).toBe(BACKFILL_DAYS_PER_RUN);
    const recent = await env.DB.prepare("SELECT DISTINCT date FROM exchange_rates WHERE source = 'sandbox-fx' AND date >= ? AND date <= ?").bind(first, yesterday).all();
    expect(recent.results.map((r) => r.date).sort()).toEqual([...recentGaps].sort());
    expect(await storedBefore(first)).toEqual(expected.slice(0, BACKFILL_DAYS_PER_RUN - 2));

    // Each later run asks at most BACKFILL_DAYS_PER_RUN days, newest first, until the first transaction is covered.
    let runs = 1;
    for (let before = await attempts(); ; runs++) {
      await hourly(at);
      const now = await attempts();
      expect(now - before).toBeLessThanOrEqual(BACKFILL_DAYS_PER_RUN);
      if (now === before) break;
      before = now;
    }
    expect(runs).toBe(Math.ceil((expected.length + 2) / BACKFILL_DAYS_PER_RUN));
    expect(await storedBefore(first)).toEqual(expected);
    expect(await attempts()).toBe(expected.length + 2);

    // Every 2019 month end is complete, at its own day's stored rate, to the centavo.
    const after = await history();
    const txs: [string, bigint, bigint][] = [["0001-01-01", 100000n, 4000n], ["2019-01-05", 500000n, 0n], ["2019-01-10", 0n, 100000n], ["2019-03-20", 0n, -12345n], ["2019-04-02", -80000n, 0n], ["2019-06-12", 0n, 25007n]];
    expect(after.conversion.complete).toBe(true);
    expect(after.points).toHaveLength(12);
    for (const p of after.points) {
      const upTo = txs.filter(([d]) => d <= p.date);
      const mxn = upTo.reduce((s, [, m]) => s + m, 0n);
      const usd = upTo.reduce((s, [, , u]) => s + u, 0n);
      expect(p).toMatchObject({ complete: true, netWorthDecimal: decimal(mxn + usdToMxn(usd, sandboxRate("MXN", p.date)!)) });
    }
    expect(after.conversion.ratesUsed.map((r: any) => r.date)).toEqual(after.points.map((p: any) => p.date));
    expect(after.conversion.fallbacks).toBe(0);
    expect(after.points[0]).toMatchObject({ date: "2019-01-31" });
  });

  it("asks for no old day when the only space with old data holds one currency", async () => {
    await clean();
    const at = Date.now();
    const { first } = windowOf(at);
    await spaceWith("MXN", [["MXN", "10.00"], ["MXN"]], [[0, "5000.00", "2019-01-05"], [1, "20.00", "2019-02-10"]]);
    // A coin in a USD space is priced in USD: no rate either.
    await spaceWith("USD", [["USD", "10.00"], ["BTC"]], [[0, "100.00", "2019-01-05"], [1, "0.5", "2019-01-06"]]);
    await fillWindow(at, [ymd(at - 3 * DAY)]);
    await hourly(at);
    await hourly(at);
    expect(await storedBefore(first)).toEqual([]);
    expect((await env.DB.prepare("SELECT date FROM rate_backfill_attempts").all()).results).toEqual([{ date: ymd(at - 3 * DAY) }]);
  });

  it("falls back to the weekday before a weekend's day, and stops where the provider's history ends", async () => {
    await clean();
    // Transactions from 2018-12-20; the provider has nothing before 2019 and nothing on weekends.
    await spaceWith("EUR", [["EUR", "5.00"], ["USD", "5.00"]], [[0, "10.00", "2018-12-20"], [1, "10.00", "2019-02-01"]]);
    const asked: string[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const date = url.pathname.split("/").pop()!;
      asked.push(date);
      const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
      if (date < "2019-01-01" || weekday === 0 || weekday === 6) return Response.json({ error: "no_rates_for_date" }, { status: 404 });
      const rates = Object.fromEntries(url.searchParams.get("symbols")!.split(",").map((s) => [s, "1.5"]));
      return Response.json({ base: "USD", date, source: "mockfx", rates });
    });
    const now = Date.UTC(2020, 5, 15, 5);
    const run = (t: number) => {
      const svc = { env: { ...env, RATES_BASE_URL: "https://rates.provider.test" }, db: createDb(env.DB), clock: { now: () => t } } as unknown as Services;
      return backfillRates(svc, t);
    };
    const { first } = windowOf(now);
    await fillWindow(now);
    const runs: string[][] = [];
    for (let h = 0; h < 10; h++) runs.push(await run(now + h * 3_600_000));
    for (const r of runs) expect(r.length).toBeLessThanOrEqual(BACKFILL_DAYS_PER_RUN);
    expect(runs.at(-1)).toEqual([]);
    // Each month end and 15th, or the weekday before it: the one stored for it.
    const targets = monthEndsAndMiddles(first, "2018-12-19");
    const weekdayOnOrBefore = (d: string) => {
      let t = Date.parse(`${d}T00:00:00Z`);
      while ([0, 6].includes(new Date(t).getUTCDay())) t -= DAY;
      return ymd(t);
    };
    const inHistory = targets.filter((d) => d >= "2019-01-01");
    expect(await storedBefore(first)).toEqual(inHistory.map(weekdayOnOrBefore));
    // 2019-03-31, a Sunday: asked, then Saturday, then Friday (stored).
    expect(asked.filter((d) => d >= "2019-03-28" && d <= "2019-03-31")).toEqual(["2019-03-31", "2019-03-30", "2019-03-29"]);
    // 2018-12-31 and the four days before it have none: the history ends there; 2018-12-15 is never asked.
    expect(asked.filter((d) => d < "2019-01-01")).toEqual(["2018-12-31", "2018-12-30", "2018-12-29", "2018-12-28", "2018-12-27"]);
    // A weekend's day whose weekday is stored is not asked again when its attempt expires; the end of history is.
    const later = await run(now + BACKFILL_RETRY_MS + DAY);
    expect(later.filter((d) => d < first)).toEqual(["2018-12-31", "2018-12-30", "2018-12-29", "2018-12-28", "2018-12-27"]);
  });
});
