/**
 * A budget raised after its threshold alert went out alerts again when spending reaches the new bar (its
 * amount times its threshold): before, the period's one alert was spent, and a budget raised from 1,000 to
 * 2,000 could be spent past 2,000 with no word. Lowered, or raised back to a bar already alerted, it does
 * not alert again; each bar's alert goes out once, under concurrent writes too.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { THRESHOLD_EVENT } from "../../src/modules/budgets/alerts";
import { awayFromMidnight } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { spaceWithCategories } from "./helpers";

// Transactions are dated now: not across the zone's midnight (helpers.ts).
await awayFromMidnight("UTC");

async function world() {
  const w = await spaceWithCategories("MXN");
  const acc = await createAccount(w.u, w.spaceId, { currency: "MXN", openingBalance: "100000.00" });
  const spend = async (amount: string) => {
    const r = await w.a.post("/v1/transactions", { spaceId: w.spaceId, accountId: acc.id, amount, description: "súper", categoryId: w.cat("Groceries"), date: new Date().toISOString() });
    expect(r.status).toBe(201);
  };
  const alerts = async () =>
    (await env.DB.prepare("SELECT dedupe_key, payload FROM event_outbox WHERE space_id = ? AND type = ? ORDER BY created_at, id").bind(w.spaceId, THRESHOLD_EVENT).all<{ dedupe_key: string; payload: string }>())
      .results.map((r) => ({ key: r.dedupe_key, ...(JSON.parse(r.payload) as Record<string, unknown>) } as Record<string, unknown>));
  return { ...w, spend, alerts };
}

describe("a budget's threshold alert after its amount or threshold changes mid-period", () => {
  it("alerts again at a raised bar, once, and not after a lowering or a raise back to a bar alerted", async () => {
    const w = await world();
    const b = (await w.a.post("/v1/budgets", { spaceId: w.spaceId, name: "Comida", amount: "1000.00", period: "monthly", categoryIds: [w.cat("Food & Dining")] })).body;
    const base = `${THRESHOLD_EVENT}:${b.id}:${b.currentPeriod.startDate}`;
    await w.spend("-850.00");
    expect((await w.alerts()).map((x) => [x.key, x.currentSpentDecimal, x.budgetAmountDecimal])).toEqual([[base, "850.00", "1000.00"]]);

    // Raised to 2,000: 850 is under its 80% (1,600), so nothing yet.
    expect((await w.a.patch(`/v1/budgets/${b.id}`, { amount: "2000.00" })).status).toBe(200);
    await w.spend("-700.00");
    expect(await w.alerts()).toHaveLength(1);
    // Past the new bar, by several writes at once: one alert, with the new amount.
    await Promise.all(Array.from({ length: 6 }, () => w.spend("-10.00")));
    const after = await w.alerts();
    expect(after.map((x) => [x.key, x.budgetAmountDecimal, x.threshold])).toEqual([
      [base, "1000.00", 80],
      [`${base}:200000:80`, "2000.00", 80],
    ]);
    // Whichever of the writes at once crossed it: 1,600.00 or 1,610.00.
    expect(after[1]).toMatchObject({ budgetAmount: 2000, budgetAmountDecimal: "2000.00", currency: "MXN", percentageSpent: 80 });
    expect(["1600.00", "1610.00"]).toContain(after[1]!.currentSpentDecimal);

    // Lowered, and raised back to 2,000: both bars are out already.
    expect((await w.a.patch(`/v1/budgets/${b.id}`, { amount: "1500.00" })).status).toBe(200);
    expect((await w.a.patch(`/v1/budgets/${b.id}`, { amount: "2000.00" })).status).toBe(200);
    await w.spend("-100.00");
    expect(await w.alerts()).toHaveLength(2);

    // A higher threshold is a higher bar: the PATCH that raises it past spending already there alerts at once.
    expect((await w.a.patch(`/v1/budgets/${b.id}`, { alertThreshold: 85 })).status).toBe(200);
    const last = (await w.alerts())[2];
    expect(last).toMatchObject({ key: `${base}:200000:85`, threshold: 85, currentSpentDecimal: "1710.00", percentageSpent: 85 });
    expect((await w.a.patch(`/v1/budgets/${b.id}`, { name: "Comida y súper" })).status).toBe(200);
    expect(await w.alerts()).toHaveLength(3);
  });
});
