/**
 * A provider sync runs the budget threshold-alert check, as every manual write does: a bank's imported
 * groceries that push a budget past its threshold alert when they arrive, not at the user's next manual
 * write (they raised none before). Once per sync, once per budget and period, for the budgets watching
 * the categories the sync's rows land in; a foreign row without a rate yet waits for it like any other.
 *
 * The Plaid simulator is deterministic per login: the test picks a login whose next two days bring Whole
 * Foods purchases, which a rule of the space files under "Market runs". The budget starts tomorrow, so
 * its first period holds exactly what the later syncs bring (the simulator dates them from tomorrow on).
 */
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import type { Services } from "../../src/env";
import { sha256Hex } from "../../src/lib/crypto";
import { recheckBudgetsAwaitingRates } from "../../src/modules/budgets/rate-waits";
import { plaidSandboxInternals } from "../../src/sandbox/plaid";
import { eventually, registerUser } from "../helpers";
import { api, ok } from "../analytics/fixture";
import { linkedPlaid } from "../analytics/relink-helpers";
import { getConnection } from "../../src/modules/providers/connections";
import { enqueueSync, runSyncJob } from "../../src/modules/providers/sync";
import { crashAfterCommit, directServices, jobStats, liveRows, plaidAccessToken, plaidControl, syncNow } from "../providers/helpers";
import { createWebhook, inbox } from "../webhooks/helpers";

const THRESHOLD_EVENT = "budget.alert.threshold_exceeded";
const WHOLE_FOODS = "Whole Foods Market";
const DAY_MS = 86_400_000;

const anchor = new Date().toISOString().slice(0, 10);
const dayAfter = (n: number) => new Date(Date.parse(`${anchor}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
const cents = (n: number) => `${Math.trunc(n / 100)}.${String(n % 100).padStart(2, "0")}`;

type Item = Parameters<typeof plaidSandboxInternals.stateAt>[0];

/** The Whole Foods purchases (cents, money out) a login's generation `g` adds on its own day, by the simulator. */
function wholeFoodsOf(item: Item, g: number): number[] {
  const before = plaidSandboxInternals.stateAt(item, g - 1);
  return [...plaidSandboxInternals.stateAt(item, g).values()]
    .filter((t) => !before.has(t.id) && !t.pendingId && t.merchant === WHOLE_FOODS && t.date === dayAfter(g))
    .map((t) => t.cents);
}

/** A login whose first and second later days each bring Whole Foods purchases; with their amounts (cents). */
async function groceryLogin(): Promise<{ token: string; first: number[]; second: number[] }> {
  for (let i = 0; ; i++) {
    const token = `public-sandbox-sync-alerts-${i}`;
    const item = { item_id: "probe", seed: await sha256Hex(token), anchor_day: anchor, history_days: 90 } as Item;
    const first = wholeFoodsOf(item, 1);
    const second = wholeFoodsOf(item, 2);
    if (first.length > 0 && second.length > 0) return { token, first, second };
  }
}

const alerts = async (spaceId: string) =>
  (await env.DB.prepare("SELECT dedupe_key, payload FROM event_outbox WHERE space_id = ? AND type = ? ORDER BY created_at, id").bind(spaceId, THRESHOLD_EVENT).all<{ dedupe_key: string; payload: string }>())
    .results.map((r) => ({ key: r.dedupe_key, ...JSON.parse(r.payload) }));

/** A space (in `currency`, UTC) whose "Market runs" category takes the bank's Whole Foods rows by a rule. */
async function space(currency = "USD") {
  const owner = await registerUser();
  const a = api(owner);
  const spaceId = (await ok(a.post("/v1/spaces", { name: "Home", type: "personal", currency, timezone: "UTC" }))).id as string;
  const category = async (name: string, merchant?: string) =>
    (await ok(a.post("/v1/categories", { spaceId, name, type: "expense", ...(merchant ? { rules: [{ condition: "merchant_contains", value: merchant }] } : {}) }))).id as string;
  const market = await category("Market runs", "whole foods");
  const budget = (body: Record<string, unknown>) =>
    ok(a.post("/v1/budgets", { spaceId, name: "Market", period: "monthly", startDate: dayAfter(1), categoryIds: [market], alertThreshold: 80, ...body }));
  return { owner, a, spaceId, market, category, budget };
}

/** Advances the simulator's bank by a day and syncs the connection as the queue would; the job's stats. */
async function nextDay(connectionId: string, svc?: Services) {
  await plaidControl("transactions/advance", { access_token: await plaidAccessToken(connectionId), generations: 1 });
  const stats = await jobStats(await syncNow(connectionId, svc));
  expect(stats.status).toBe("completed");
  return stats.stats;
}

describe("a provider sync checks the budgets its rows land in", () => {
  beforeEach(async () => {
    // This file's rates are the ones its tests write.
    await env.DB.batch([env.DB.prepare("DELETE FROM exchange_rates"), env.DB.prepare("DELETE FROM budget_rate_waits")]);
  });

  it("alerts once when the bank's imported rows push a budget past its threshold", { timeout: 120_000 }, async () => {
    const login = await groceryLogin();
    const { owner, a, spaceId, market, budget } = await space();
    const spent = login.first.reduce((s, c) => s + c, 0);
    // At 90% once the first day's groceries are in: 80% is crossed by that sync, not before.
    const amount = Math.ceil((spent * 100) / 90);
    const b = await budget({ amount: cents(amount) });
    const hook = await createWebhook(owner, spaceId, { events: [THRESHOLD_EVENT] });
    const connectionId = await linkedPlaid(owner, spaceId, `${login.token}.1`);
    // The link's import filed the history's Whole Foods rows under the category, all before the budget's period.
    expect((await liveRows(spaceId)).some((r) => r.category_id === market)).toBe(true);
    expect(await alerts(spaceId)).toEqual([]);

    await nextDay(connectionId);
    const expected = {
      key: `${THRESHOLD_EVENT}:${b.id}:${dayAfter(1)}`,
      budgetId: b.id, spaceId, threshold: 80,
      currentSpent: spent / 100, currentSpentDecimal: cents(spent),
      budgetAmount: amount / 100, budgetAmountDecimal: cents(amount), currency: "USD",
      percentageSpent: Math.floor((spent * 100) / amount),
      periodStart: dayAfter(1), periodEnd: b.currentPeriod.endDate,
    };
    expect(await alerts(spaceId)).toEqual([expected]);
    // The budget's own read agrees with the alert's figures.
    expect(await ok(a.get(`/v1/budgets/${b.id}`))).toMatchObject({ spentDecimal: cents(spent) });
    // ...and the subscriber is told.
    const delivered = await eventually(async () => (await inbox(hook.inbox)).map((g) => JSON.parse(g.body)).find((e) => e.event === THRESHOLD_EVENT));
    expect(delivered.data).toMatchObject({ budgetId: b.id, currentSpentDecimal: cents(spent) });

    // The next day's sync brings more groceries into the same period: the alert is out already.
    await nextDay(connectionId);
    const more = login.second.reduce((s, c) => s + c, 0);
    expect((await ok(a.get(`/v1/budgets/${b.id}`))).spent).toBeGreaterThanOrEqual((spent + more) / 100);
    expect(await alerts(spaceId)).toEqual([expected]);
  });

  it("writes nothing for a sync whose rows no budget watches, and reads the budgets in a batch the sync makes anyway", { timeout: 120_000 }, async () => {
    const login = await groceryLogin();
    const { owner, spaceId, category } = await space();
    // A budget the sync's rows never land in, tiny enough to alert on any spending.
    const elsewhere = await category("Elsewhere");
    await ok(api(owner).post("/v1/budgets", { spaceId, name: "Elsewhere", amount: "0.01", period: "monthly", startDate: dayAfter(1), categoryIds: [elsewhere], alertThreshold: 80 }));
    const connectionId = await linkedPlaid(owner, spaceId, `${login.token}.1`);

    // Every D1 round trip the sync makes, as the statements it sent (the ledger object's own batches aside).
    const trips: string[][] = [];
    const statement = (sql: string, s: D1PreparedStatement): D1PreparedStatement =>
      new Proxy(s, {
        get: (target, prop) => {
          const v = Reflect.get(target, prop);
          if (prop === "bind") return (...args: unknown[]) => statement(sql, (v as (...a: unknown[]) => D1PreparedStatement).apply(target, args));
          if (prop === "all" || prop === "first" || prop === "run" || prop === "raw") return (...args: unknown[]) => (trips.push([sql]), (v as (...a: unknown[]) => unknown).apply(target, args));
          if (prop === "sql") return sql;
          return typeof v === "function" ? v.bind(target) : v;
        },
      });
    const db = {
      prepare: (sql: string) => statement(sql, env.DB.prepare(sql)),
      batch: (stmts: D1PreparedStatement[]) => (trips.push(stmts.map((s) => (s as unknown as { sql: string }).sql)), env.DB.batch(stmts)),
      exec: (sql: string) => (trips.push([sql]), env.DB.exec(sql)),
    } as unknown as D1Database;
    const svc: Services = { env: { ...env, DB: db }, db: createDb(db), clock: { now: () => Date.now() } };

    const stats = await nextDay(connectionId, svc);
    expect(stats.created).toBeGreaterThan(0);
    expect(await alerts(spaceId)).toEqual([]);
    // The rows touched a category ("Market runs"), so the watching budgets were read: once, with the connection's
    // next sync time, not in a round trip of their own; none watched, so nothing more.
    const budgetReads = trips.filter((t) => t.some((sql) => sql.includes("FROM budgets b")));
    expect(budgetReads).toHaveLength(1);
    expect(budgetReads[0]!.some((sql) => sql.includes("SET next_sync_at"))).toBe(true);
    expect(trips.filter((t) => t.some((sql) => sql.includes("budget_categories") || sql.includes("event_outbox WHERE dedupe_key")))).toEqual(budgetReads);
  });

  it("puts a foreign row without a rate among the rate waits, and the alert goes out when the rate comes", { timeout: 120_000 }, async () => {
    const login = await groceryLogin();
    // A peso space: the bank's dollar rows need a USD/MXN rate of their day, and there is none yet.
    const { owner, spaceId, budget } = await space("MXN");
    const spent = login.first.reduce((s, c) => s + c, 0);
    const b = await budget({ amount: "1.00" });
    const connectionId = await linkedPlaid(owner, spaceId, `${login.token}.1`);
    await nextDay(connectionId);
    expect(await alerts(spaceId)).toEqual([]);
    expect(await env.DB.prepare("SELECT space_id FROM budget_rate_waits WHERE space_id = ?").bind(spaceId).first()).not.toBeNull();

    await env.DB.prepare("INSERT INTO exchange_rates (base, quote, date, rate, source, fetched_at) VALUES ('USD', 'MXN', ?, '20', 'provider', ?)").bind(dayAfter(1), Date.now()).run();
    const svc: Services = { env, db: createDb(env.DB), clock: { now: () => Date.now() } };
    const recheck = await recheckBudgetsAwaitingRates(svc, Date.now());
    expect(recheck.alerts).toBeGreaterThanOrEqual(1);
    expect(await alerts(spaceId)).toEqual([expect.objectContaining({ budgetId: b.id, currentSpentDecimal: cents(spent * 20), budgetAmountDecimal: "1.00", periodStart: dayAfter(1) })]);
  });

  it("completes a sync whose alert check fails, its rows imported", { timeout: 120_000 }, async () => {
    const login = await groceryLogin();
    const { owner, spaceId, market, budget } = await space();
    await budget({ amount: "0.01" });
    const connectionId = await linkedPlaid(owner, spaceId, `${login.token}.1`);
    // D1 refuses the budgets' read (wherever it goes): the check fails, the sync does not.
    const refusing = new Proxy(env.DB, {
      get: (target, prop) => {
        if (prop === "prepare") return (sql: string) => {
          if (sql.includes("FROM budgets b")) throw new Error("simulated D1 failure of the budgets' read");
          return target.prepare(sql);
        };
        const v = Reflect.get(target, prop);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    const svc: Services = { env: { ...env, DB: refusing }, db: createDb(refusing), clock: { now: () => Date.now() } };
    const stats = await nextDay(connectionId, svc);
    expect(stats.created).toBeGreaterThan(0);
    expect(await alerts(spaceId)).toEqual([]);
    const day = Date.parse(`${dayAfter(1)}T00:00:00Z`);
    const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM transactions WHERE space_id = ? AND category_id = ? AND date >= ?").bind(spaceId, market, day).first<{ n: number }>();
    expect(rows!.n).toBe(login.first.length);
  });

  it("checks what an attempt wrote before it failed: its retry finds those rows there and writes nothing", { timeout: 120_000 }, async () => {
    const login = await groceryLogin();
    const { owner, spaceId, budget } = await space();
    const spent = login.first.reduce((s, c) => s + c, 0);
    const b = await budget({ amount: cents(spent) });
    const connectionId = await linkedPlaid(owner, spaceId, `${login.token}.1`);
    await plaidControl("transactions/advance", { access_token: await plaidAccessToken(connectionId), generations: 1 });
    // The consumer dies right after the ledger commits the day's new rows (their answer never heard).
    const { svc, sent } = directServices();
    const crash = crashAfterCommit("insertEvent");
    const { jobId } = await enqueueSync(svc, (await getConnection(svc, connectionId))!, "manual");
    await runSyncJob({ ...svc, env: { ...svc.env, SPACE_LEDGER: crash.binding } }, { jobId, attempt: 1 });
    expect(await jobStats(jobId)).toMatchObject({ status: "queued" });
    expect(crash.committed.length).toBeGreaterThan(0);
    const expected = [expect.objectContaining({ budgetId: b.id, currentSpentDecimal: cents(spent), percentageSpent: 100, periodStart: dayAfter(1) })];
    expect(await alerts(spaceId)).toEqual(expected);

    const retry = sent.find((m) => m.body.jobId === jobId && m.body.attempt === 2)!;
    await runSyncJob(svc, retry.body);
    expect((await jobStats(jobId)).status).toBe("completed");
    expect(await alerts(spaceId)).toEqual(expected);
  });
});
