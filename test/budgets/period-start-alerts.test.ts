/**
 * Spending dated in a budget period not begun yet (January's rent, entered on 20 December) alerts when that
 * period begins in the space's zone: the write's alert check records a wait for the period's start
 * (budgets/period-waits.ts), and the hourly cron checks the budget once it has come. It used to alert only
 * at the next write into a watched category in January, if one ever came.
 */
import { env } from "cloudflare:workers";
import { createScheduledController } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { cronTasks, handleScheduled } from "../../src/jobs/scheduled";
import { registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { countingApp } from "../counting-app";
import { as } from "./helpers";

const THRESHOLD_EVENT = "budget.alert.threshold_exceeded";
const MINUTE = 60_000;

afterEach(() => {
  vi.useRealTimers();
});

/** The hourly cron run at instant `at` (its clock's and the system's). */
async function hourlyCronAt(at: number) {
  vi.setSystemTime(at);
  await handleScheduled(createScheduledController({ cron: "0 * * * *", scheduledTime: at }), env, { now: () => at });
}

const waitsOf = async (budgetId: string) =>
  (await env.DB.prepare("SELECT due_at FROM budget_period_waits WHERE budget_id = ? ORDER BY due_at").bind(budgetId).all<{ due_at: number }>()).results.map((r) => r.due_at);

/**
 * On `writeAt`, a space in `tz` (its offset in January `offset`, e.g. "-06:00") with a 1,000.00 rent budget
 * alerting at 80% (`period`, from 2026-01-01), and `rent(amount, day)`: a rent payment dated `day` at 09:00 local.
 */
async function world(tz: string, offset: string, writeAt: number, period = "monthly") {
  vi.setSystemTime(writeAt);
  const u = await registerUser();
  const a = as(u);
  const space = await a.post("/v1/spaces", { name: "Casa", type: "personal", currency: "USD", timezone: tz });
  expect(space.status).toBe(201);
  const spaceId = space.body.id as string;
  const acc = await createAccount(u, spaceId, { openingBalance: "10000.00" });
  const housing = ((await a.get(`/v1/categories?spaceId=${spaceId}`)).body as { id: string; name: string }[]).find((c) => c.name === "Groceries")!.id;
  const budget = await a.post("/v1/budgets", { spaceId, name: "Rent", amount: "1000.00", period, startDate: "2026-01-01", categoryIds: [housing], alertThreshold: 80 });
  expect(budget.status).toBe(201);
  const rentBody = (amount: string, day: string) => ({ spaceId, accountId: acc.id, amount, description: "rent", categoryId: housing, date: `${day}T09:00:00${offset}` });
  const rent = async (amount: string, day: string) => {
    const res = await a.post("/v1/transactions", rentBody(amount, day));
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const alerts = async () =>
    (await env.DB.prepare("SELECT payload FROM event_outbox WHERE space_id = ? AND type = ?").bind(spaceId, THRESHOLD_EVENT).all<{ payload: string }>()).results.map((r) => JSON.parse(r.payload));
  return { u, a, spaceId, budgetId: budget.body.id as string, rent, rentBody, alerts };
}

/** The example: rent dated 1 January, entered 20 December, alerts when 1 January begins in the zone, once. */
async function rentAlertsOnJanuaryFirst(tz: string, offset: string, janFirst: number) {
  const w = await world(tz, offset, janFirst - 11 * 86_400_000 - 6 * 3_600_000);
  // The write records the wait in its alert check's own batch: a round trip as a write into this month makes.
  const { post } = countingApp();
  // (A writer's first write reads its checks in a round trip of its own: alerts-after-write.test.ts.)
  expect((await post(w.u, "/v1/transactions", w.rentBody("-1.00", "2026-12-18"))).status).toBe(201);
  const thisMonth = await post(w.u, "/v1/transactions", w.rentBody("-1.00", "2026-12-19"));
  const ahead = await post(w.u, "/v1/transactions", w.rentBody("-900.00", "2027-01-01"));
  expect([thisMonth.status, ahead.status]).toEqual([201, 201]);
  expect(ahead.trips).toBe(thisMonth.trips);
  expect(await w.alerts()).toEqual([]);
  // One wait, at the zone's midnight starting 1 January, however many writes find that spending.
  await w.rent("-1.00", "2026-12-20");
  expect(await waitsOf(w.budgetId)).toEqual([janFirst]);

  // Not before the period begins in the space's zone.
  await hourlyCronAt(janFirst - MINUTE);
  expect(await w.alerts()).toEqual([]);
  expect(await waitsOf(w.budgetId)).toEqual([janFirst]);

  // Behind more waits than a check takes (of budgets gone since: dropped unchecked), and than D1 binds parameters.
  await env.DB.batch(Array.from({ length: 120 }, (_, i) => env.DB.prepare("INSERT INTO budget_period_waits (budget_id, due_at) VALUES (?, ?)").bind(`bud_gone_${i}`, janFirst - 1000 - i)));
  await hourlyCronAt(janFirst + MINUTE);
  expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM budget_period_waits WHERE budget_id LIKE 'bud_gone_%'").first<{ n: number }>())!.n).toBe(0);
  expect(await w.alerts()).toEqual([
    expect.objectContaining({ budgetId: w.budgetId, currentSpentDecimal: "900.00", budgetAmountDecimal: "1000.00", periodStart: "2027-01-01", periodEnd: "2027-01-31" }),
  ]);
  expect(await waitsOf(w.budgetId)).toEqual([]);
  // Run again, and twice at once: still one alert.
  await hourlyCronAt(janFirst + 60 * MINUTE);
  await Promise.all([hourlyCronAt(janFirst + 120 * MINUTE), hourlyCronAt(janFirst + 120 * MINUTE)]);
  expect(await w.alerts()).toHaveLength(1);
}

describe("a budget's alert for spending entered ahead of its period", () => {
  it("goes out when the period begins in Mexico City, once", async () => {
    await rentAlertsOnJanuaryFirst("America/Mexico_City", "-06:00", Date.parse("2027-01-01T06:00:00Z"));
  });

  it("goes out when the period begins in Auckland (a day earlier in UTC), once", async () => {
    await rentAlertsOnJanuaryFirst("Pacific/Auckland", "+13:00", Date.parse("2026-12-31T11:00:00Z"));
  });

  it("runs in the hourly cron", () => {
    expect(cronTasks["0 * * * *"]!.map((t) => t.name)).toContain("budgetsAtPeriodStart");
  });

  it("waits for each later period that holds spending, and each alerts in its own period", async () => {
    const janFirst = Date.parse("2027-01-01T06:00:00Z");
    const febFirst = Date.parse("2027-02-01T06:00:00Z");
    const w = await world("America/Mexico_City", "-06:00", Date.parse("2026-12-20T18:00:00Z"));
    await w.rent("-850.00", "2027-01-01");
    await w.rent("-950.00", "2027-02-01");
    expect(await waitsOf(w.budgetId)).toEqual([janFirst, febFirst]);
    await hourlyCronAt(janFirst + MINUTE);
    expect((await w.alerts()).map((x) => [x.periodStart, x.currentSpentDecimal])).toEqual([["2027-01-01", "850.00"]]);
    expect(await waitsOf(w.budgetId)).toEqual([febFirst]);
    await hourlyCronAt(febFirst + MINUTE);
    expect((await w.alerts()).map((x) => [x.periodStart, x.currentSpentDecimal]).sort()).toEqual([["2027-01-01", "850.00"], ["2027-02-01", "950.00"]]);
    expect(await waitsOf(w.budgetId)).toEqual([]);
  });

  it("of a transaction voided before the period begins: the wait is checked and dropped, with no alert", async () => {
    const janFirst = Date.parse("2027-01-01T06:00:00Z");
    const w = await world("America/Mexico_City", "-06:00", Date.parse("2026-12-20T18:00:00Z"));
    const id = await w.rent("-900.00", "2027-01-01");
    expect(await waitsOf(w.budgetId)).toEqual([janFirst]);
    expect((await w.a.del(`/v1/transactions/${id}`)).status).toBe(200);
    await hourlyCronAt(janFirst + MINUTE);
    expect(await w.alerts()).toEqual([]);
    expect(await waitsOf(w.budgetId)).toEqual([]);
  });

  it("of a budget deleted before the period begins: its waits go with it, and nothing alerts", async () => {
    const janFirst = Date.parse("2027-01-01T06:00:00Z");
    const w = await world("America/Mexico_City", "-06:00", Date.parse("2026-12-20T18:00:00Z"));
    await w.rent("-900.00", "2027-01-01");
    expect(await waitsOf(w.budgetId)).toEqual([janFirst]);
    expect((await w.a.del(`/v1/budgets/${w.budgetId}`)).status).toBe(204);
    expect(await waitsOf(w.budgetId)).toEqual([]);
    // One left by a write racing the deletion is dropped by the cron, unchecked.
    await env.DB.prepare("INSERT INTO budget_period_waits (budget_id, due_at) VALUES (?, ?)").bind(w.budgetId, janFirst).run();
    await hourlyCronAt(janFirst + MINUTE);
    expect(await w.alerts()).toEqual([]);
    expect(await waitsOf(w.budgetId)).toEqual([]);
  });

  it("in a space deleted before the period begins: its waits are dropped, and nothing alerts", async () => {
    const janFirst = Date.parse("2027-01-01T06:00:00Z");
    const w = await world("America/Mexico_City", "-06:00", Date.parse("2026-12-20T18:00:00Z"));
    await w.rent("-900.00", "2027-01-01");
    expect(await waitsOf(w.budgetId)).toEqual([janFirst]);
    // As deleteSpace marks it (its route wants the owner's second factor, beside the point here).
    await env.DB.prepare("UPDATE spaces SET deleted_at = ? WHERE id = ?").bind(Date.now(), w.spaceId).run();
    await hourlyCronAt(janFirst + MINUTE);
    expect(await w.alerts()).toEqual([]);
    expect(await waitsOf(w.budgetId)).toEqual([]);
  });

  it("of a budget created or patched after the spending: the budget's own write records the wait", async () => {
    const janFirst = Date.parse("2027-01-01T06:00:00Z");
    const w = await world("America/Mexico_City", "-06:00", Date.parse("2026-12-20T18:00:00Z"));
    // Alerts off: the spending ahead records no wait; turning them on does.
    expect((await w.a.patch(`/v1/budgets/${w.budgetId}`, { alertsEnabled: false })).status).toBe(200);
    await w.rent("-900.00", "2027-01-01");
    expect(await waitsOf(w.budgetId)).toEqual([]);
    expect((await w.a.patch(`/v1/budgets/${w.budgetId}`, { alertsEnabled: true })).status).toBe(200);
    expect(await waitsOf(w.budgetId)).toEqual([janFirst]);
    // A budget created over that spending waits too.
    const cats = (await w.a.get(`/v1/categories?spaceId=${w.spaceId}`)).body as { id: string; name: string }[];
    const created = await w.a.post("/v1/budgets", { spaceId: w.spaceId, name: "Food", amount: "1000.00", period: "monthly", startDate: "2026-01-01", categoryIds: [cats.find((c) => c.name === "Groceries")!.id] });
    expect(created.status).toBe(201);
    expect(await waitsOf(created.body.id)).toEqual([janFirst]);
    await hourlyCronAt(janFirst + MINUTE);
    expect((await w.alerts()).map((x) => x.budgetId).sort()).toEqual([w.budgetId, created.body.id].sort());
  });

  it("further ahead than the periods a check records: waits at the last of them, whose check records the rest", async () => {
    // 12 periods ahead at most (period-waits.ts): spending in March 2028 waits first for 1 December 2027.
    const decFirst = Date.parse("2027-12-01T06:00:00Z");
    const marFirst = Date.parse("2028-03-01T06:00:00Z");
    const w = await world("America/Mexico_City", "-06:00", Date.parse("2026-12-20T18:00:00Z"));
    await w.rent("-900.00", "2028-03-05");
    expect(await waitsOf(w.budgetId)).toEqual([decFirst]);
    await hourlyCronAt(decFirst + MINUTE);
    expect(await w.alerts()).toEqual([]);
    expect(await waitsOf(w.budgetId)).toEqual([marFirst]);
    await hourlyCronAt(marFirst + MINUTE);
    expect(await w.alerts()).toEqual([expect.objectContaining({ budgetId: w.budgetId, periodStart: "2028-03-01", currentSpentDecimal: "900.00" })]);
  });

  it("of a quarterly budget: waits for the next quarter's start, not the next month's", async () => {
    // Budgets repeat monthly, quarterly or yearly (periods.ts): there are no weekly periods.
    const aprFirst = Date.parse("2027-04-01T06:00:00Z");
    const w = await world("America/Mexico_City", "-06:00", Date.parse("2027-01-15T18:00:00Z"), "quarterly");
    await w.rent("-900.00", "2027-04-02");
    expect(await waitsOf(w.budgetId)).toEqual([aprFirst]);
    await hourlyCronAt(aprFirst - MINUTE);
    expect(await w.alerts()).toEqual([]);
    await hourlyCronAt(aprFirst + MINUTE);
    expect(await w.alerts()).toEqual([expect.objectContaining({ budgetId: w.budgetId, periodStart: "2027-04-01", periodEnd: "2027-06-30" })]);
  });
});

describe("a budget's waits when its space's zone or its own schedule changes", () => {
  it("are replaced, not added to: one wait a period start, whatever the changes before it (each left ~12 a budget)", async () => {
    // Each zone change (up to 200 budgets a space) or new start date moved every wait ahead: the old rows stayed until
    // their instants came, a check apiece of the hourly task's 200, so a script of changes filled its queue for all.
    const w = await world("America/Mexico_City", "-06:00", Date.parse("2026-12-20T18:00:00Z"));
    await w.rent("-900.00", "2027-01-01");
    expect(await waitsOf(w.budgetId)).toEqual([Date.parse("2027-01-01T06:00:00Z")]);
    for (const timezone of ["Pacific/Auckland", "Asia/Kolkata", "America/Santiago"]) {
      expect((await w.a.patch(`/v1/spaces/${w.spaceId}`, { timezone })).status).toBe(200);
    }
    // 1 January begins in Santiago (UTC-3 in summer) at 03:00 UTC.
    expect(await waitsOf(w.budgetId)).toEqual([Date.parse("2027-01-01T03:00:00Z")]);
    // A period now from the 31st (30 November to 30 December): the rent is in the period from 31 December.
    const dec31 = Date.parse("2026-12-31T03:00:00Z");
    expect((await w.a.patch(`/v1/budgets/${w.budgetId}`, { startDate: "2025-12-31" })).status).toBe(200);
    expect(await waitsOf(w.budgetId)).toEqual([dec31]);
    // And it still alerts when that period begins, once.
    await hourlyCronAt(dec31 + MINUTE);
    expect((await w.alerts()).map((x) => [x.periodStart, x.currentSpentDecimal])).toEqual([["2026-12-31", "900.00"]]);
    expect(await waitsOf(w.budgetId)).toEqual([]);
  });
});
