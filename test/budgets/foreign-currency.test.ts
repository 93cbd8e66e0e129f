/**
 * Budgets count spending in every currency: a transaction in another currency than the budget's counts
 * converted at its own day's rate (the space's own rate here), exactly, rounded half-even once per
 * budgeted category; one with no rate is not counted and is reported. The list, a budget's read, the
 * threshold alert after a write or a rate and the dashboard's compliance all see the same converted
 * figure, with no round trip of their own for the rates: they come in the spending's statement.
 */
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { RateBook } from "../../src/modules/rates/convert";
import { countingApp } from "../counting-app";
import { registerUser, awayFromMidnight } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { api, inBatches, localDays, ok } from "../analytics/fixture";

// The days this file takes are the zone's: not across its midnight (helpers.ts).
await awayFromMidnight("America/Mexico_City");

const TZ = "America/Mexico_City";

async function world(timezone = TZ) {
  const owner = await registerUser();
  const a = api(owner);
  const spaceId = (await ok(a.post("/v1/spaces", { name: "Casa", type: "personal", currency: "MXN", timezone }))).id as string;
  const pesos = await createAccount(owner, spaceId, { name: "Pesos", currency: "MXN", openingBalance: "100000.00" });
  const dollars = await createAccount(owner, spaceId, { name: "Card", currency: "USD", openingBalance: "100000.00" });
  const euros = await createAccount(owner, spaceId, { name: "Euros", currency: "EUR", openingBalance: "1000.00" });
  const cats = (await ok(a.get(`/v1/categories?spaceId=${spaceId}`))) as { id: string; name: string }[];
  const idOf = (name: string) => cats.find((c) => c.name === name)!.id;
  // No provider rate may stand in for the space's own: this file's rates are the ones it writes.
  await env.DB.prepare("DELETE FROM exchange_rates").run();
  const tx = (accountId: string, amount: string, category: string, date: string) =>
    ok(a.post("/v1/transactions", { spaceId, accountId, amount, description: "x", categoryId: idOf(category), date }));
  return { owner, a, spaceId, pesos, dollars, euros, idOf, tx };
}

describe("budgets in a space with accounts in several currencies", () => {
  let w: Awaited<ReturnType<typeof world>>;
  const { day } = localDays(TZ);
  let budgetId: string;
  beforeAll(async () => {
    w = await world();
    // Two days' own USD/MXN rates.
    await ok(w.a.put(`/v1/spaces/${w.spaceId}/rates`, { rates: [{ base: "USD", quote: "MXN", date: day(-1), rate: "17.1234" }, { base: "USD", quote: "MXN", date: day(0), rate: "18.5" }] }));
    budgetId = (await ok(w.a.post("/v1/budgets", {
      spaceId: w.spaceId, name: "Comida", amount: "1000.00", period: "monthly", startDate: day(-1),
      categoryIds: [w.idOf("Food & Dining"), w.idOf("Transportation")],
    }))).id;
    await w.tx(w.pesos.id, "-100.00", "Food & Dining", day(-1));
    await w.tx(w.dollars.id, "-10.00", "Groceries", day(-1)); // a subcategory: counts toward Food & Dining
    await w.tx(w.dollars.id, "-3.33", "Food & Dining", day(-1));
    await w.tx(w.dollars.id, "-7.77", "Groceries", day(0));
    await w.tx(w.dollars.id, "1.00", "Groceries", day(0)); // a refund
    await w.tx(w.dollars.id, "-2.00", "Transportation", day(0));
    await w.tx(w.euros.id, "-5.00", "Transportation", day(0)); // no EUR rate at all
    await w.tx(w.dollars.id, "-50.00", "Health", day(0)); // not budgeted
  });

  it("counts other currencies at each day's rate, rounded once per category, and lists what had no rate", async () => {
    const b = await ok(w.a.get(`/v1/budgets/${budgetId}`));
    // Food & Dining: 100.00 MXN + 13.33 USD × 17.1234 (228.254922) + 6.77 USD × 18.5 (125.245) = 453.499922 → 453.50.
    // Rounded by day it would be 228.25 + 125.24 (half-even) = 453.49.
    // Transportation: 2.00 USD × 18.5 = 37.00; the 5.00 EUR has no rate and is not counted.
    expect(b.categories.map((c: any) => [c.name, c.spentDecimal])).toEqual(
      [["Food & Dining", "453.50"], ["Transportation", "37.00"]].sort((x, y) => (w.idOf(x[0]!) < w.idOf(y[0]!) ? -1 : 1)),
    );
    expect(b).toMatchObject({ currency: "MXN", spentDecimal: "490.50", remainingDecimal: "509.50", status: "active" });
    expect(b.conversion).toMatchObject({
      currency: "MXN",
      complete: false,
      unconverted: [{ context: 'spending of budget "Comida"', currency: "EUR", amountDecimal: "5.00", dates: [day(0)] }],
    });
    expect(b.conversion.ratesUsed.map((r: any) => [r.base, r.quote, r.date, r.rate, r.source])).toEqual([
      ["USD", "MXN", day(-1), "17.1234", "manual"],
      ["USD", "MXN", day(0), "18.5", "manual"],
    ]);
    expect(b.conversion.notes.join(" ")).toContain("5.00 EUR");
  });

  it("reads the same figures in the list and in a budget's read, each in one round trip: the rates come with the spending", async () => {
    const { get } = countingApp();
    expect((await get(w.owner, `/v1/budgets/${budgetId}`)).trips).toBe(1);
    const r = await get(w.owner, `/v1/budgets?spaceId=${w.spaceId}`);
    expect(r.status).toBe(200);
    expect(r.trips).toBe(1);
    expect(r.body).toHaveLength(1);
    expect(r.body[0]).toMatchObject({ id: budgetId, spentDecimal: "490.50", conversion: { complete: false } });
  });

  it("counts the amount once its rate is there (through USD: EUR/USD then USD/MXN)", async () => {
    await ok(w.a.put(`/v1/spaces/${w.spaceId}/rates`, { rates: [{ base: "EUR", quote: "USD", date: day(0), rate: "1.1" }] }));
    const b = await ok(w.a.get(`/v1/budgets/${budgetId}`));
    // 5.00 EUR × 1.1 × 18.5 = 101.75 MXN.
    expect(b).toMatchObject({ spentDecimal: "592.25", conversion: { complete: true, unconverted: [] } });
  });

  it("leaves a budget whose spending is all in its currency as it was: no conversion", async () => {
    const other = await ok(w.a.post("/v1/budgets", { spaceId: w.spaceId, name: "Ocio", amount: "10.00", period: "monthly", startDate: day(-1), categoryIds: [w.idOf("Entertainment")] }));
    await w.tx(w.pesos.id, "-4.56", "Entertainment", day(0));
    const { get } = countingApp();
    const r = await get(w.owner, `/v1/budgets/${other.id}`);
    expect(r.trips).toBe(1);
    expect(r.body).toMatchObject({ spentDecimal: "4.56", conversion: null });
  });
});

describe("a budget's alert and the dashboard count converted spending", () => {
  let w: Awaited<ReturnType<typeof world>>;
  const { day } = localDays(TZ);
  beforeAll(async () => {
    w = await world();
    await ok(w.a.put(`/v1/spaces/${w.spaceId}/rates`, { rates: [{ base: "MXN", quote: "USD", date: day(0), rate: "0.05" }] }));
  });

  it("fires the threshold alert when dollars push the peso budget past it", async () => {
    const b = await ok(w.a.post("/v1/budgets", {
      spaceId: w.spaceId, name: "Súper", amount: "500.00", period: "monthly", startDate: day(0), categoryIds: [w.idOf("Groceries")], alertThreshold: 80,
    }));
    await w.tx(w.pesos.id, "-100.00", "Groceries", day(0));
    const events = () => env.DB.prepare("SELECT payload FROM event_outbox WHERE type = 'budget.alert.threshold_exceeded' AND space_id = ?").bind(w.spaceId).all();
    expect((await events()).results).toHaveLength(0);
    await w.tx(w.dollars.id, "-15.00", "Groceries", day(0)); // 15 USD at MXN/USD 0.05 is 300.00 MXN: 400.00 of 500.00 is 80%
    const rows = (await events()).results as { payload: string }[];
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0]!.payload)).toMatchObject({ budgetId: b.id, currentSpentDecimal: "400.00", percentageSpent: 80 });
    // The dashboard's compliance counts the same converted figure: 520.00 of 500.00, exceeded.
    await w.tx(w.dollars.id, "-6.00", "Groceries", day(0)); // 120.00 MXN more: 520.00, exceeded
    const dash = await ok(w.a.get(`/v1/analytics/dashboard?spaceId=${w.spaceId}`));
    expect(dash.budgetCompliance).toEqual({ onTrack: 0, atRisk: 0, exceeded: 1, total: 1 });
  });
});

describe("what moves a budget's converted spending, and what it costs", () => {
  const { day } = localDays(TZ);
  const events = (spaceId: string) =>
    env.DB.prepare("SELECT payload FROM event_outbox WHERE type = 'budget.alert.threshold_exceeded' AND space_id = ?").bind(spaceId).all<{ payload: string }>();

  it("fires the alert when a rate the space sets carries the budget past its threshold", async () => {
    const w = await world();
    const b = await ok(w.a.post("/v1/budgets", { spaceId: w.spaceId, name: "Súper", amount: "500.00", period: "monthly", startDate: day(0), categoryIds: [w.idOf("Groceries")], alertThreshold: 80 }));
    await w.tx(w.dollars.id, "-30.00", "Groceries", day(0)); // no rate yet: not counted
    expect((await events(w.spaceId)).results).toHaveLength(0);
    await ok(w.a.put(`/v1/spaces/${w.spaceId}/rates`, { rates: [{ base: "USD", quote: "MXN", date: day(0), rate: "20" }] }));
    const rows = (await events(w.spaceId)).results;
    expect(rows.map((r) => JSON.parse(r.payload))).toEqual([expect.objectContaining({ budgetId: b.id, currentSpentDecimal: "600.00", percentageSpent: 120 })]);
    expect(await ok(w.a.get(`/v1/budgets/${b.id}`))).toMatchObject({ spentDecimal: "600.00", status: "exceeded" });
  });

  it("keeps a write at one round trip, and a budget's create at the same count, with spending in other currencies in the period", async () => {
    const w = await world();
    await ok(w.a.put(`/v1/spaces/${w.spaceId}/rates`, { rates: [{ base: "USD", quote: "MXN", date: day(0), rate: "20" }] }));
    await ok(w.a.post("/v1/budgets", { spaceId: w.spaceId, name: "Súper", amount: "100000.00", period: "monthly", startDate: day(0), categoryIds: [w.idOf("Groceries")], alertThreshold: 80 }));
    const { post } = countingApp();
    const spend = (accountId: string) => post(w.owner, "/v1/transactions", { spaceId: w.spaceId, accountId, amount: "-1.00", description: "shop", categoryId: w.idOf("Groceries"), date: day(0) });
    await spend(w.pesos.id); // the writer's first write
    await spend(w.dollars.id);
    const after = await spend(w.pesos.id);
    expect([after.status, after.trips]).toEqual([201, 1]);
    const body = (cat: string) => ({ spaceId: w.spaceId, name: cat, amount: "1000.00", period: "monthly", startDate: day(0), categoryIds: [w.idOf(cat)], alertThreshold: 80 });
    await w.tx(w.pesos.id, "-3.00", "Coffee", day(0));
    await w.tx(w.dollars.id, "-3.00", "Shopping", day(0));
    await post(w.owner, "/v1/budgets", body("Entertainment"));
    const domestic = await post(w.owner, "/v1/budgets", body("Coffee"));
    const foreign = await post(w.owner, "/v1/budgets", body("Shopping"));
    expect(foreign.body.spentDecimal).toBe("60.00");
    expect(foreign.trips).toBe(domestic.trips);
  });

  it("converts a budget's spending read on its own (a period the list's SQL cannot bound) with that read's rates", async () => {
    const w = await world();
    await ok(w.a.put(`/v1/spaces/${w.spaceId}/rates`, { rates: [{ base: "USD", quote: "MXN", date: "2999-12-15", rate: "20" }] }));
    const b = await ok(w.a.post("/v1/budgets", { spaceId: w.spaceId, name: "Far", amount: "100.00", period: "monthly", startDate: "2999-12-01", categoryIds: [w.idOf("Groceries")] }));
    await w.tx(w.dollars.id, "-3.00", "Groceries", "2999-12-15");
    const read = await ok(w.a.get(`/v1/budgets/${b.id}`));
    expect(read).toMatchObject({ spentDecimal: "60.00", conversion: { complete: true } });
    expect((await ok(w.a.get(`/v1/budgets?spaceId=${w.spaceId}`)))[0].spentDecimal).toBe("60.00");
  });

  it("reports in the dashboard what its budgets' compliance could not convert", async () => {
    const w = await world();
    await ok(w.a.post("/v1/budgets", { spaceId: w.spaceId, name: "Año", amount: "100.00", period: "yearly", startDate: day(-200), categoryIds: [w.idOf("Shopping")] }));
    await w.tx(w.euros.id, "-500.00", "Shopping", day(-100)); // no EUR rate within 31 days before
    await ok(w.a.put(`/v1/spaces/${w.spaceId}/rates`, { rates: ["EUR", "USD"].flatMap((base) => [0, -31].map((d) => ({ base, quote: "MXN", date: day(d), rate: "20" }))) }));
    const dash = await ok(w.a.get(`/v1/analytics/dashboard?spaceId=${w.spaceId}&period=30d`));
    expect(dash.budgetCompliance).toEqual({ onTrack: 1, atRisk: 0, exceeded: 0, total: 1 });
    expect(dash.conversion.complete).toBe(false);
    expect(dash.conversion.unconverted).toContainEqual({ context: 'spending of budget "Año"', currency: "EUR", amount: 500, amountDecimal: "500.00", dates: [day(-100)] });
    expect(dash.notes.join(" ")).toContain('500.00 EUR of spending of budget "Año"');
  });

  it("counts coin spending at the market's price, as the dashboard's cash flow does", async () => {
    // In UTC: the market's prices are kept by UTC day, and a day's spending takes the price of its own day.
    const w = await world("UTC");
    const { day } = localDays("UTC");
    const wallet = await createAccount(w.owner, w.spaceId, { name: "Wallet", currency: "BTC", openingBalance: "1" });
    const b = await ok(w.a.post("/v1/budgets", { spaceId: w.spaceId, name: "Súper", amount: "100.00", period: "monthly", startDate: day(0), categoryIds: [w.idOf("Groceries")] }));
    await ok(w.a.post("/v1/transactions", { spaceId: w.spaceId, accountId: wallet.id, amount: "-0.001", description: "x", categoryId: w.idOf("Groceries"), date: new Date().toISOString() }));
    const dash = await ok(w.a.get(`/v1/analytics/dashboard?spaceId=${w.spaceId}&period=7d`));
    expect(Number(dash.cashFlow.expensesDecimal)).toBeGreaterThan(100);
    expect(dash.budgetCompliance).toEqual({ onTrack: 0, atRisk: 0, exceeded: 1, total: 1 });
    // The price the dashboard fetched is kept (market_prices): the budget's own read finds it.
    const read = await ok(w.a.get(`/v1/budgets/${b.id}`));
    expect(read).toMatchObject({ spentDecimal: dash.cashFlow.expensesDecimal, status: "exceeded", conversion: { complete: true } });
    expect(read.conversion.ratesUsed[0]).toMatchObject({ base: "BTC", quote: "MXN", source: expect.stringMatching(/^market:/) });
  });
});

describe("budgets read together", () => {
  afterEach(() => vi.restoreAllMocks());

  it("share the batch's one list of rates: it goes into the conversion's book once, not once a budget", async () => {
    const w = await world();
    const { day } = localDays(TZ);
    await ok(w.a.put(`/v1/spaces/${w.spaceId}/rates`, { rates: [{ base: "USD", quote: "MXN", date: day(0), rate: "18" }] }));
    const names = ["Groceries", "Coffee", "Shopping", "Health", "Entertainment", "Transportation"];
    for (const name of names) {
      await ok(w.a.post("/v1/budgets", { spaceId: w.spaceId, name, amount: "100000.00", period: "monthly", startDate: day(0), categoryIds: [w.idOf(name)] }));
      await w.tx(w.dollars.id, "-1.00", name, day(0));
    }
    const add = vi.spyOn(RateBook.prototype, "add");
    const { get } = countingApp();
    const r = await get(w.owner, `/v1/budgets?spaceId=${w.spaceId}`);
    expect(r.body.map((b: any) => b.spentDecimal)).toEqual(names.map(() => "18.00"));
    expect(add.mock.calls.filter(([rows]) => rows.length > 0)).toHaveLength(1);
  });
});

describe("a yearly budget with spending on more days than D1 binds parameters", () => {
  it("converts 120 days of dollars, each at its own day's rate", async () => {
    const w = await world();
    const { day } = localDays(TZ);
    const days = Array.from({ length: 120 }, (_, i) => day(-119 + i));
    // USD/MXN 17.01, 17.02, … by day; one dollar a day: the exact total is Σ (17 + (i+1)/100).
    for (let i = 0; i < days.length; i += 100) {
      await ok(w.a.put(`/v1/spaces/${w.spaceId}/rates`, { rates: days.slice(i, i + 100).map((d, k) => ({ base: "USD", quote: "MXN", date: d, rate: (17 + (i + k + 1) / 100).toFixed(2) })) }));
    }
    const b = await ok(w.a.post("/v1/budgets", { spaceId: w.spaceId, name: "Año", amount: "100000.00", period: "yearly", startDate: days[0], categoryIds: [w.idOf("Shopping")] }));
    await inBatches(days, 8, (d) => w.tx(w.dollars.id, "-1.00", "Shopping", d));
    const read = await ok(w.a.get(`/v1/budgets/${b.id}`));
    // 120 × 17 + (1 + … + 120) / 100 = 2040 + 72.60.
    expect(read).toMatchObject({ spentDecimal: "2112.60", conversion: { complete: true, ratesUsedCount: 120, fallbacks: 0 } });
  });
});
