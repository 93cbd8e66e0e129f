import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { currentPeriod } from "../../src/modules/budgets/periods";
import { zonedMidnight } from "../../src/lib/zoned-time";
import { registerUser, awayFromMidnight } from "../helpers";
import { as } from "./helpers";
import { createAccount } from "../accounts/helpers";

// The days this file takes are the zone's: not across its midnight (helpers.ts).
await awayFromMidnight("America/Mexico_City");

/** Local calendar month of now in `tz`, and its first instant. */
function thisMonth(tz: string) {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit" }).formatToParts(new Date());
  const y = Number(parts.find((p) => p.type === "year")!.value);
  const m = Number(parts.find((p) => p.type === "month")!.value);
  return { y, m, first: `${y}-${String(m).padStart(2, "0")}-01` };
}

async function setup(timezone = "UTC") {
  const u = await registerUser();
  const a = as(u);
  const space = (await a.post("/v1/spaces", { name: "Home", type: "personal", currency: "USD", timezone })).body;
  const acc = await createAccount(u, space.id, { openingBalance: 10000 });
  const cats = (await a.get(`/v1/categories?spaceId=${space.id}`)).body as { id: string; name: string }[];
  const cat = (name: string) => cats.find((c) => c.name === name)!.id;
  return { u, a, spaceId: space.id, acc, cat };
}

describe("budget periods", () => {
  it("follow the space's time zone, DST included", () => {
    // New York: November starts at 04:00Z (EDT), December at 05:00Z (EST).
    const nov = currentPeriod({ period: "monthly", startDate: "2024-01-01", endDate: null }, Date.parse("2024-11-15T12:00:00Z"), "America/New_York");
    expect(nov).toMatchObject({ startDate: "2024-11-01", endDate: "2024-11-30" });
    expect(new Date(nov.startMs).toISOString()).toBe("2024-11-01T04:00:00.000Z");
    expect(new Date(nov.endMsExclusive).toISOString()).toBe("2024-12-01T05:00:00.000Z");
    // 02:00Z on Nov 1 is still October 31 in Mexico City (UTC-6).
    const oct = currentPeriod({ period: "monthly", startDate: "2024-01-01", endDate: null }, Date.parse("2024-11-01T02:00:00Z"), "America/Mexico_City");
    expect(oct.startDate).toBe("2024-10-01");
    expect(zonedMidnight({ y: 2024, m: 3, d: 10 }, "America/New_York")).toBe(Date.parse("2024-03-10T05:00:00Z"));
  });

  it("repeat quarterly and yearly from the start date, and stop at the end date", () => {
    const q = currentPeriod({ period: "quarterly", startDate: "2024-01-15", endDate: null }, Date.parse("2024-05-20T12:00:00Z"), "UTC");
    expect(q).toMatchObject({ startDate: "2024-04-15", endDate: "2024-07-14", finished: false });
    const y = currentPeriod({ period: "yearly", startDate: "2023-03-01", endDate: null }, Date.parse("2025-02-28T12:00:00Z"), "UTC");
    expect(y).toMatchObject({ startDate: "2024-03-01", endDate: "2025-02-28" });
    const done = currentPeriod({ period: "monthly", startDate: "2024-01-01", endDate: "2024-03-31" }, Date.parse("2024-06-01T00:00:00Z"), "UTC");
    expect(done).toMatchObject({ startDate: "2024-03-01", endDate: "2024-03-31", finished: true });
    // Anchored on the 31st: February's period starts on its last day.
    const jan = currentPeriod({ period: "monthly", startDate: "2024-01-31", endDate: null }, Date.parse("2024-02-28T10:00:00Z"), "UTC");
    expect(jan).toMatchObject({ startDate: "2024-01-31", endDate: "2024-02-28" });
    const feb = currentPeriod({ period: "monthly", startDate: "2024-01-31", endDate: null }, Date.parse("2024-02-29T10:00:00Z"), "UTC");
    expect(feb).toMatchObject({ startDate: "2024-02-29", endDate: "2024-03-30" });
  });
});

describe("budgets", () => {
  it("compute spent and remaining to the cent: refunds reduce, subcategories count, voids and other months do not", async () => {
    const tz = "America/Mexico_City";
    const { a, spaceId, acc, cat } = await setup(tz);
    const { first } = thisMonth(tz);
    const monthStart = zonedMidnight({ y: Number(first.slice(0, 4)), m: Number(first.slice(5, 7)), d: 1 }, tz);
    const created = await a.post("/v1/budgets", {
      spaceId, name: "Monthly Food Budget", amount: 800, period: "monthly",
      categories: [{ categoryId: cat("Food & Dining"), allocated: 500 }, { categoryId: cat("Transportation"), allocated: "300.00" }],
      alertThreshold: 80,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ amount: 800, spent: 0, remaining: 800, currency: "USD", status: "active", startDate: first, alerts: { threshold: 80, enabled: true } });
    const tx = (amount: number, category: string, date: number) =>
      a.post("/v1/transactions", { spaceId, accountId: acc.id, amount, description: "x", categoryId: cat(category), date: new Date(date).toISOString() });
    await tx(-123.45, "Groceries", monthStart + 60_000); // subcategory of Food & Dining
    await tx(-0.1, "Food & Dining", monthStart + 120_000);
    await tx(-0.2, "Food & Dining", monthStart + 180_000);
    await tx(20.05, "Groceries", monthStart + 240_000); // a refund
    await tx(-50, "Transportation", monthStart + 300_000);
    await tx(-999, "Groceries", monthStart - 60_000); // 23:59 local on the last day of last month
    const voided = await tx(-77.77, "Food & Dining", monthStart + 360_000);
    expect((await a.del(`/v1/transactions/${voided.body.id}`)).status).toBe(200);
    const b = (await a.get(`/v1/budgets/${created.body.id}`)).body;
    expect(b.spent).toBe(153.7); // 123.45 + 0.10 + 0.20 - 20.05 + 50
    expect(b.remaining).toBe(646.3);
    expect([...b.categories].sort((x: any, y: any) => x.name.localeCompare(y.name))).toEqual([
      { id: cat("Food & Dining"), name: "Food & Dining", allocated: 500, allocatedDecimal: "500.00", spent: 103.7, spentDecimal: "103.70" },
      { id: cat("Transportation"), name: "Transportation", allocated: 300, allocatedDecimal: "300.00", spent: 50, spentDecimal: "50.00" },
    ]);
    const list = await a.get(`/v1/budgets?spaceId=${spaceId}&period=monthly&status=active`);
    expect(list.body.map((x: any) => x.id)).toEqual([created.body.id]);
  });

  it("emit the threshold event exactly once, even when many transactions cross it at once", async () => {
    const { a, spaceId, acc, cat } = await setup();
    const budget = (await a.post("/v1/budgets", { spaceId, name: "Fun", amount: 100, period: "monthly", categoryIds: [cat("Entertainment")], alertThreshold: 80 })).body;
    const spendings = await Promise.all(
      Array.from({ length: 20 }, () => a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: -10, description: "movie", categoryId: cat("Entertainment"), date: new Date().toISOString() })),
    );
    expect(spendings.every((s) => s.status === 201)).toBe(true);
    const events = await env.DB.prepare("SELECT type, payload FROM event_outbox WHERE space_id = ?").bind(spaceId).all<{ type: string; payload: string }>();
    expect(events.results).toHaveLength(1);
    const payload = JSON.parse(events.results[0]!.payload);
    expect(payload).toMatchObject({ budgetId: budget.id, spaceId, budgetAmount: 100, budgetAmountDecimal: "100.00", currency: "USD", threshold: 80 });
    expect(payload.currentSpent).toBeGreaterThanOrEqual(80);
    expect((await a.get(`/v1/budgets/${budget.id}`)).body).toMatchObject({ spent: 200, remaining: -100, status: "exceeded" });
  });

  it("validate amounts, categories and allocations", async () => {
    const { a, spaceId, cat } = await setup();
    const bad = await a.post("/v1/budgets", { spaceId, name: "x", amount: 10.001, period: "monthly" });
    expect(bad.body.error.details[0].field).toBe("amount");
    const over = await a.post("/v1/budgets", { spaceId, name: "x", amount: 10, period: "monthly", categories: [{ categoryId: cat("Health"), allocated: 11 }] });
    expect(over.body.error.details[0].field).toBe("categories");
    const unknown = await a.post("/v1/budgets", { spaceId, name: "x", amount: 10, period: "monthly", categoryIds: ["cat_nope"] });
    expect(unknown.status).toBe(422);
    const ok = await a.post("/v1/budgets", { spaceId, name: "x", amount: 10, period: "yearly", startDate: "2020-01-01", endDate: "2020-12-31" });
    expect(ok.body.status).toBe("completed");
    const patched = await a.patch(`/v1/budgets/${ok.body.id}`, { name: "y", endDate: null, amount: "12.50" });
    expect(patched.body).toMatchObject({ name: "y", amount: 12.5, status: "active" });
    expect((await a.del(`/v1/budgets/${ok.body.id}`)).status).toBe(204);
    expect((await a.get(`/v1/budgets/${ok.body.id}`)).status).toBe(404);
  });
});
