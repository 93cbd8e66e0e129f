/**
 * The hourly backfill of past days' provider rates (rates/backfill.ts): the most recent days without rates
 * first, a bounded number a run, skipping days already stored and days the provider was asked for lately;
 * then what converts with stored rates (a budget here) finds them.
 */
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createDb } from "../../src/db/client";
import type { Services } from "../../src/env";
import worker from "../../src/index";
import { BACKFILL_DAYS_PER_RUN, BACKFILL_RETRY_MS, backfillRates, RATE_HISTORY_DAYS } from "../../src/modules/rates/backfill";
import { canonicalRate } from "../../src/modules/rates/exact";
import { sandboxRate } from "../../src/sandbox/rates";
import { registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { api, localDays, ok } from "../analytics/fixture";

const hourly = (at: number) => worker.scheduled!(createScheduledController({ scheduledTime: at, cron: "0 * * * *" }) as ScheduledController, env);
const storedDays = async () =>
  (await env.DB.prepare("SELECT DISTINCT date FROM exchange_rates WHERE base = 'USD' ORDER BY date DESC").all<{ date: string }>()).results.map((r) => r.date);

describe("the rates backfill", () => {
  it("fills past days most recent first, a bounded number a run, skipping stored and lately asked days", async () => {
    await env.DB.batch([env.DB.prepare("DELETE FROM exchange_rates"), env.DB.prepare("DELETE FROM rate_backfill_attempts")]);
    const { day } = localDays("UTC");
    const now = Date.now();
    // Day −3 is stored; day −5 was asked an hour ago (no rates then); day −6 was asked long ago.
    await env.DB.batch([
      env.DB.prepare("INSERT INTO exchange_rates (base, quote, date, rate, source, fetched_at) VALUES ('USD', 'MXN', ?, '17.5', 'sandbox-fx', ?)").bind(day(-3), now),
      env.DB.prepare("INSERT INTO rate_backfill_attempts (date, attempted_at, stored) VALUES (?, ?, 0), (?, ?, 0)").bind(day(-5), now - 3_600_000, day(-6), now - BACKFILL_RETRY_MS - 1),
    ]);
    await hourly(now);
    const asked = [-1, -2, -4, -6, ...Array.from({ length: BACKFILL_DAYS_PER_RUN - 4 }, (_, i) => -7 - i)].map(day);
    expect(await storedDays()).toEqual([...asked, day(-3)].sort().reverse());
    const mxn = await env.DB.prepare("SELECT rate, source FROM exchange_rates WHERE base = 'USD' AND quote = 'MXN' AND date = ?").bind(day(-1)).first();
    expect(mxn).toEqual({ rate: canonicalRate(sandboxRate("MXN", day(-1))!), source: "sandbox-fx" });
    const attempts = await env.DB.prepare("SELECT date, stored FROM rate_backfill_attempts WHERE stored > 0").all<{ date: string; stored: number }>();
    expect(attempts.results.map((r) => r.date).sort()).toEqual([...asked].sort());
    // The next run goes on from where this one stopped; day −5 still waits for its retry.
    await hourly(now);
    const next = Array.from({ length: BACKFILL_DAYS_PER_RUN }, (_, i) => day(-7 - (BACKFILL_DAYS_PER_RUN - 4) - i));
    expect((await storedDays()).slice(-BACKFILL_DAYS_PER_RUN)).toEqual(next);
    expect(await storedDays()).not.toContain(day(-5));
  });

  it("lets a budget convert spending of a day that had no rate", async () => {
    await env.DB.batch([env.DB.prepare("DELETE FROM exchange_rates"), env.DB.prepare("DELETE FROM rate_backfill_attempts")]);
    const u = await registerUser();
    const a = api(u);
    const { day } = localDays("UTC");
    const spaceId = (await ok(a.post("/v1/spaces", { name: "Casa", type: "personal", currency: "MXN", timezone: "UTC" }))).id;
    const card = await createAccount(u, spaceId, { name: "Card", currency: "USD", openingBalance: "100.00" });
    const cats = (await ok(a.get(`/v1/categories?spaceId=${spaceId}`))) as { id: string; name: string }[];
    const groceries = cats.find((c) => c.name === "Groceries")!.id;
    const b = await ok(a.post("/v1/budgets", { spaceId, name: "Súper", amount: "5000.00", period: "monthly", startDate: day(-10), categoryIds: [groceries] }));
    await ok(a.post("/v1/transactions", { spaceId, accountId: card.id, amount: "-10.00", description: "x", categoryId: groceries, date: day(-3) }));
    expect(await ok(a.get(`/v1/budgets/${b.id}`))).toMatchObject({ spentDecimal: "0.00", conversion: { complete: false } });
    await hourly(Date.now());
    const after = await ok(a.get(`/v1/budgets/${b.id}`));
    const rate = canonicalRate(sandboxRate("MXN", day(-3))!)!;
    expect(after.conversion).toMatchObject({ complete: true, ratesUsed: [{ base: "USD", quote: "MXN", date: day(-3), rate, source: "sandbox-fx" }] });
    // 10.00 USD at the day's rate, to the centavo (half-even).
    const [whole, frac = ""] = rate.split(".");
    const scaled = BigInt(whole! + frac) * 1000n; // centavos × 10^frac.length
    const unit = 10n ** BigInt(frac.length);
    const q = scaled / unit;
    const r = scaled % unit;
    const centavos = r * 2n > unit || (r * 2n === unit && q % 2n === 1n) ? q + 1n : q;
    expect(after.spentDecimal).toBe(`${centavos / 100n}.${String(centavos % 100n).padStart(2, "0")}`);
  });
});

/** A provider at a test URL through `fetch`: `answer` may replace a day's answer; every day asked is recorded. */
function provider(answer: (date: string) => Response | null) {
  const asked: string[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const date = url.pathname.split("/").pop()!;
    asked.push(date);
    const special = answer(date);
    if (special) return special;
    const rates = Object.fromEntries(url.searchParams.get("symbols")!.split(",").map((s) => [s, "1.5"]));
    return Response.json({ base: "USD", date, source: "mockfx", rates });
  });
  return asked;
}

/** A run of the backfill at `at`, through the provider at its test URL; a run that throws answers its error's text. */
async function run(at: number) {
  const svc = { env: { ...env, RATES_BASE_URL: "https://rates.provider.test" }, db: createDb(env.DB), clock: { now: () => at } } as unknown as Services;
  return backfillRates(svc, at).catch((e: unknown) => String(e));
}

describe("the rates backfill and a provider that fails", () => {
  const DAY = 86_400_000;
  const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const now = Date.UTC(2026, 5, 15, 5);
  const hour = (h: number) => now + h * 3_600_000;
  afterEach(() => vi.restoreAllMocks());

  it("goes on past a day whose answer does not read, and asks for it again only after the retry delay", async () => {
    await env.DB.batch([env.DB.prepare("DELETE FROM exchange_rates"), env.DB.prepare("DELETE FROM rate_backfill_attempts")]);
    const bad = ymd(now - 2 * DAY);
    const asked = provider((date) => (date === bad ? Response.json({ base: "USD", date, source: "mockfx", rates: { MXN: "17.1", EUR: null } }) : null));
    for (let h = 0; h < 5; h++) await run(hour(h));
    expect(asked.filter((d) => d === bad)).toHaveLength(1);
    expect((await storedDays()).length).toBe(5 * BACKFILL_DAYS_PER_RUN - 1);
    await run(now + BACKFILL_RETRY_MS + DAY);
    expect(asked.filter((d) => d === bad)).toHaveLength(2);
  });

  it("asks a day the plan refuses (403) once a retry delay, not every hour", async () => {
    await env.DB.batch([env.DB.prepare("DELETE FROM exchange_rates"), env.DB.prepare("DELETE FROM rate_backfill_attempts")]);
    const horizon = ymd(now - 365 * DAY);
    const asked = provider((date) => (date < horizon ? Response.json({ error: "beyond the plan's history" }, { status: 403 }) : null));
    let h = 0;
    for (; h < Math.ceil(RATE_HISTORY_DAYS / BACKFILL_DAYS_PER_RUN) + 1; h++) await run(hour(h));
    const refused = asked.filter((d) => d < horizon);
    expect(refused).toHaveLength(RATE_HISTORY_DAYS - 365);
    expect(new Set(refused).size).toBe(refused.length);
    const before = asked.length;
    for (let k = 0; k < 24; k++, h++) await run(hour(h));
    // A day of hourly runs asks only for the day that has just become past, not for a refused one.
    expect(asked.slice(before)).toEqual([ymd(now)]);
  });

  it("ends its run, recording nothing, when our credentials are refused, and goes on once they work", async () => {
    await env.DB.batch([env.DB.prepare("DELETE FROM exchange_rates"), env.DB.prepare("DELETE FROM rate_backfill_attempts")]);
    let refused = true;
    const asked = provider(() => (refused ? Response.json({ error: "invalid key" }, { status: 401 }) : null));
    expect(await run(hour(0))).toMatch(/refused our credentials/);
    expect(asked).toEqual([ymd(now - DAY)]);
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM rate_backfill_attempts").first<{ n: number }>())!.n).toBe(0);
    refused = false;
    await run(hour(1));
    expect((await storedDays()).length).toBe(BACKFILL_DAYS_PER_RUN);
  });

  it("ends its run when the provider is down, and asks the same day first at the next run", async () => {
    await env.DB.batch([env.DB.prepare("DELETE FROM exchange_rates"), env.DB.prepare("DELETE FROM rate_backfill_attempts")]);
    let down = true;
    const asked = provider(() => (down ? new Response("unavailable", { status: 503 }) : null));
    expect(await run(hour(0))).toMatch(/answered 503/);
    expect(asked).toEqual([ymd(now - DAY)]);
    down = false;
    await run(hour(1));
    expect(asked.slice(1, 3)).toEqual([ymd(now - DAY), ymd(now - 2 * DAY)]);
    expect((await storedDays()).length).toBe(BACKFILL_DAYS_PER_RUN);
  });
});
