/**
 * A budget alert held back by a missing rate goes out once the rate arrives, without waiting for the
 * space's next write: the check that could not convert puts the space among those waiting for rates, and
 * the hourly task checks their budgets again (budgets/rate-waits.ts). Provider rates are written straight
 * into `exchange_rates` here, as the daily rates task and the hourly backfill write them.
 */
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import type { Services } from "../../src/env";
import { cronTasks } from "../../src/jobs/scheduled";
import { recheckBudgetsAwaitingRates, WAIT_AT_MOST_MS } from "../../src/modules/budgets/rate-waits";
import { registerUser, awayFromMidnight } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { api, localDays, ok } from "../analytics/fixture";

// The days this file takes are the zone's: not across its midnight (helpers.ts).
await awayFromMidnight("America/Mexico_City");

const TZ = "America/Mexico_City";
const { day } = localDays(TZ);
const svc = (): Services => ({ env, db: createDb(env.DB), clock: { now: () => Date.now() } });

const waitOf = (spaceId: string) =>
  env.DB.prepare("SELECT first_at, last_at FROM budget_rate_waits WHERE space_id = ?").bind(spaceId).first<{ first_at: number; last_at: number }>();
const alerts = async (spaceId: string) =>
  (await env.DB.prepare("SELECT payload FROM event_outbox WHERE type = 'budget.alert.threshold_exceeded' AND space_id = ?").bind(spaceId).all<{ payload: string }>())
    .results.map((r) => JSON.parse(r.payload));
const providerRate = (quote: string, date: string, rate: string, fetchedAt = Date.now()) =>
  env.DB.prepare("INSERT OR REPLACE INTO exchange_rates (base, quote, date, rate, source, fetched_at) VALUES ('USD', ?, ?, ?, 'provider', ?)").bind(quote, date, rate, fetchedAt).run();

/** A peso space whose 500.00 MXN groceries budget alerts at 80%, with a dollar card. */
async function world() {
  const owner = await registerUser();
  const a = api(owner);
  const spaceId = (await ok(a.post("/v1/spaces", { name: "Casa", type: "personal", currency: "MXN", timezone: TZ }))).id as string;
  const pesos = await createAccount(owner, spaceId, { name: "Pesos", currency: "MXN", openingBalance: "100000.00" });
  const dollars = await createAccount(owner, spaceId, { name: "Card", currency: "USD", openingBalance: "100000.00" });
  const groceries = ((await ok(a.get(`/v1/categories?spaceId=${spaceId}`))) as { id: string; name: string }[]).find((c) => c.name === "Groceries")!.id;
  const budget = await ok(a.post("/v1/budgets", { spaceId, name: "Súper", amount: "500.00", period: "monthly", startDate: day(0), categoryIds: [groceries], alertThreshold: 80 }));
  const spend = (accountId: string, amount: string) => ok(a.post("/v1/transactions", { spaceId, accountId, amount, description: "shop", categoryId: groceries, date: day(0) }));
  return { a, spaceId, pesos, dollars, budget, spend };
}

describe("budget alerts that wait for a rate", () => {
  beforeEach(async () => {
    // This file's rates are the ones its tests write.
    await env.DB.batch([env.DB.prepare("DELETE FROM exchange_rates"), env.DB.prepare("DELETE FROM budget_rate_waits")]);
  });

  it("go out at the hourly check after the provider's rate arrives, and the space stops waiting", async () => {
    const w = await world();
    await w.spend(w.dollars.id, "-30.00"); // no USD/MXN rate: not counted
    expect(await alerts(w.spaceId)).toEqual([]);
    expect(await waitOf(w.spaceId)).not.toBeNull();

    // Before any rate or price arrives, the space is not checked (nothing could have changed) and keeps waiting.
    expect(await recheckBudgetsAwaitingRates(svc(), Date.now())).toEqual({ checked: 0, alerts: 0, done: 0 });
    expect(await waitOf(w.spaceId)).not.toBeNull();

    await providerRate("MXN", day(0), "20");
    expect(await recheckBudgetsAwaitingRates(svc(), Date.now())).toEqual({ checked: 1, alerts: 1, done: 1 });
    expect(await alerts(w.spaceId)).toEqual([expect.objectContaining({ budgetId: w.budget.id, currentSpentDecimal: "600.00", percentageSpent: 120 })]);
    expect(await waitOf(w.spaceId)).toBeNull();
    // The budget's own read agrees.
    expect(await ok(w.a.get(`/v1/budgets/${w.budget.id}`))).toMatchObject({ spentDecimal: "600.00", status: "exceeded", conversion: { complete: true } });
  });

  it("runs in the hourly cron, after the backfills of past rates and prices", () => {
    const hourly = cronTasks["0 * * * *"]!.map((t) => t.name);
    expect(hourly).toContain("budgetsAwaitingRates");
    expect(hourly.indexOf("budgetsAwaitingRates")).toBeGreaterThan(Math.max(hourly.indexOf("pastRates"), hourly.indexOf("pastPrices")));
  });

  it("stop once the rate came but the budget stays under its threshold, with no alert", async () => {
    const w = await world();
    await w.spend(w.dollars.id, "-1.00");
    expect(await waitOf(w.spaceId)).not.toBeNull();
    await providerRate("MXN", day(0), "20");
    expect(await recheckBudgetsAwaitingRates(svc(), Date.now())).toEqual({ checked: 1, alerts: 0, done: 1 });
    expect(await waitOf(w.spaceId)).toBeNull();
    expect(await alerts(w.spaceId)).toEqual([]);
  });

  it("are not recorded when everything converts, or when the alert is already out", async () => {
    const w = await world();
    await providerRate("MXN", day(0), "20");
    await w.spend(w.dollars.id, "-1.00");
    await w.spend(w.pesos.id, "-10.00");
    expect(await waitOf(w.spaceId)).toBeNull();
    await w.spend(w.dollars.id, "-25.00"); // 500.00 + 30.00 MXN: the alert goes out
    expect(await alerts(w.spaceId)).toHaveLength(1);
    await env.DB.prepare("DELETE FROM exchange_rates").run();
    await w.spend(w.dollars.id, "-5.00"); // unconverted, but the period's alert is out: nothing to wait for
    expect(await waitOf(w.spaceId)).toBeNull();
  });

  it("are checked for a week from the first miss, then dropped until a write misses again", async () => {
    const w = await world();
    await w.spend(w.dollars.id, "-30.00");
    const first = (await waitOf(w.spaceId))!;
    // A write that misses again keeps the first miss's time; the week counts from it.
    await w.spend(w.dollars.id, "-1.00");
    expect((await waitOf(w.spaceId))!.first_at).toBe(first.first_at);
    expect((await recheckBudgetsAwaitingRates(svc(), first.first_at + WAIT_AT_MOST_MS - 1)).done).toBe(0);
    expect((await recheckBudgetsAwaitingRates(svc(), first.first_at + WAIT_AT_MOST_MS)).done).toBe(1);
    expect(await waitOf(w.spaceId)).toBeNull();
    await w.spend(w.dollars.id, "-1.00");
    expect((await waitOf(w.spaceId))!.first_at).toBeGreaterThan(first.first_at);
  });

  it("keep a space a write found unconverted after the check read it", async () => {
    const w = await world();
    await w.spend(w.dollars.id, "-1.00");
    // The check reads the wait as it was; by its delete a write has missed a rate again (a later last_at).
    const read = (await waitOf(w.spaceId))!;
    // The rate arrives after both misses' times, whatever the clock's millisecond (Date.now() could equal them).
    await providerRate("MXN", day(0), "20", read.last_at + 2);
    await env.DB.prepare("UPDATE budget_rate_waits SET last_at = ? WHERE space_id = ?").bind(read.last_at + 1, w.spaceId).run();
    const run = await recheckBudgetsAwaitingRates(
      { ...svc(), env: { ...env, DB: dbReturningWait(read) } as Env },
      Date.now(),
    );
    expect(run).toMatchObject({ checked: 1, done: 1 });
    // The delete was of the wait it read; the newer miss keeps the space waiting.
    expect(await waitOf(w.spaceId)).toMatchObject({ last_at: read.last_at + 1 });
  });

  it("wait for a budget created over spending it cannot convert, as for one checked after a write", async () => {
    const owner = await registerUser();
    const a = api(owner);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "Casa", type: "personal", currency: "MXN", timezone: TZ }))).id as string;
    const dollars = await createAccount(owner, spaceId, { name: "Card", currency: "USD", openingBalance: "1000.00" });
    const groceries = ((await ok(a.get(`/v1/categories?spaceId=${spaceId}`))) as { id: string; name: string }[]).find((c) => c.name === "Groceries")!.id;
    await ok(a.post("/v1/transactions", { spaceId, accountId: dollars.id, amount: "-30.00", description: "shop", categoryId: groceries, date: day(0) }));
    expect(await waitOf(spaceId)).toBeNull(); // no budget watched the write
    const budget = await ok(a.post("/v1/budgets", { spaceId, name: "Súper", amount: "500.00", period: "monthly", startDate: day(0), categoryIds: [groceries], alertThreshold: 80 }));
    expect(budget.conversion.complete).toBe(false);
    expect(await waitOf(spaceId)).not.toBeNull();
    await providerRate("MXN", day(0), "20");
    expect(await recheckBudgetsAwaitingRates(svc(), Date.now())).toMatchObject({ checked: 1, alerts: 1 });
    expect(await alerts(spaceId)).toEqual([expect.objectContaining({ budgetId: budget.id, currentSpentDecimal: "600.00" })]);
  });

  it("go on past a space whose check fails, which goes to the back, and still expire it after its week", async () => {
    const bad = await world();
    const other = await world();
    await bad.spend(bad.dollars.id, "-30.00");
    await other.spend(other.dollars.id, "-30.00");
    await providerRate("MXN", day(0), "20");
    const failing = { ...svc(), env: { ...env, DB: failingBudgetsRead(bad.spaceId) } as Env };
    const first = (await waitOf(bad.spaceId))!;
    expect(await recheckBudgetsAwaitingRates(failing, Date.now())).toMatchObject({ checked: 2, alerts: 1 });
    expect(await alerts(other.spaceId)).toHaveLength(1);
    expect((await waitOf(bad.spaceId))!.last_at).toBeGreaterThan(first.last_at);
    // A week after its first miss it leaves the list, checked or not.
    expect((await recheckBudgetsAwaitingRates(failing, first.first_at + WAIT_AT_MOST_MS)).done).toBe(1);
    expect(await waitOf(bad.spaceId)).toBeNull();
  });

  it("drop a deleted space without checking it", async () => {
    const w = await world();
    await w.spend(w.dollars.id, "-30.00");
    await env.DB.prepare("UPDATE spaces SET deleted_at = ? WHERE id = ?").bind(Date.now(), w.spaceId).run();
    await providerRate("MXN", day(0), "20");
    expect(await recheckBudgetsAwaitingRates(svc(), Date.now())).toEqual({ checked: 1, alerts: 0, done: 1 });
    expect(await alerts(w.spaceId)).toEqual([]);
    expect(await waitOf(w.spaceId)).toBeNull();
  });
});

/** env.DB whose statements with `marker` in their SQL answer `all()` as `all` says, given the bound arguments and the real read. */
function dbAnswering(marker: string, all: (args: unknown[], real: () => Promise<D1Result<Record<string, unknown>>>) => Promise<unknown>): D1Database {
  return new Proxy(env.DB, {
    get(target, prop) {
      if (prop !== "prepare") return Reflect.get(target, prop, target);
      return (sql: string) => {
        const stmt = target.prepare(sql);
        if (!sql.includes(marker)) return stmt;
        return new Proxy(stmt, {
          get(st, p) {
            if (p !== "bind") return Reflect.get(st, p, st);
            return (...args: unknown[]) => ({ all: () => all(args, () => st.bind(...args).all<Record<string, unknown>>()) });
          },
        });
      };
    },
  });
}

/** env.DB whose read of the alerting budgets of space `bad` fails (a D1 error on one space). */
const failingBudgetsRead = (bad: string) =>
  dbAnswering("b.alerts_enabled = 1", (args, real) => (args[0] === bad ? Promise.reject(new Error("D1_ERROR: simulated")) : real()));

/** env.DB, except that the waits' read answers `read` for every wait, as it stood before a later write. */
const dbReturningWait = (read: { first_at: number; last_at: number }) =>
  dbAnswering("FROM budget_rate_waits w", async (_args, real) => {
    const r = await real();
    return { ...r, results: r.results.map((row) => ({ ...row, ...read })) };
  });
