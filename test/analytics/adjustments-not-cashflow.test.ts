/**
 * A provider sync that finds the provider's balance different from the ledger's posts an adjustment (type
 * `other`, subtype `adjustment`, from equity:adjustments): the first one, an opening balance, dated before the imported history, later ones now. It puts a balance in place, as an
 * opening balance does: it is not income or spending, so no cash-flow figure may count it.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, ok } from "./fixture";
import { linkPlaid, ownerWithSpace, waitForJob } from "../providers/helpers";

describe("a provider's balance adjustment is not cash flow", () => {
  it("is left out of the dashboard's income and spending and of the projection's income", { timeout: 60_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const linked = await linkPlaid(owner, spaceId);
    expect((await waitForJob(linked.jobId)).status).toBe("completed");
    // The sandbox item's balances differ from its transactions' sum: the sync adjusted them.
    const adjustments = (await env.DB.prepare("SELECT amount FROM transactions WHERE space_id = ? AND subtype = 'adjustment' AND status != 'cancelled'")
      .bind(spaceId).all<{ amount: number }>()).results;
    expect(adjustments.length).toBeGreaterThan(0);
    const d = await ok(api(owner).get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=7d`));
    // The same window's income and spending summed here from the rows, adjustments and opening balances left out.
    const from = Date.parse(`${d.from}T00:00:00Z`) - 86_400_000; // a zone's midnight is within a day of UTC's
    const rows = (await env.DB.prepare(
      `SELECT amount, date, subtype FROM transactions WHERE space_id = ? AND date >= ? AND status != 'cancelled' AND type IN ('income', 'expense', 'fee', 'other')`,
    ).bind(spaceId, from).all<{ amount: number; date: number; subtype: string | null }>()).results;
    const flows = rows.filter((r) => r.subtype !== "adjustment" && r.subtype !== "opening_balance" && new Date(r.date).toISOString().slice(0, 10) >= d.from);
    const income = flows.filter((r) => r.amount > 0).reduce((a, r) => a + r.amount, 0);
    const spending = flows.filter((r) => r.amount < 0).reduce((a, r) => a - r.amount, 0);
    expect(d.cashFlow.incomeDecimal).toBe((income / 100).toFixed(2));
    expect(d.cashFlow.expensesDecimal).toBe((spending / 100).toFixed(2));
    // The projection's default income and spending (the last year's, annualized) are what they would be with no adjustment.
    const p = await ok(api(owner).get(`/v1/projections?spaceId=${spaceId}&seed=1`));
    await env.DB.prepare("UPDATE transactions SET status = 'cancelled' WHERE space_id = ? AND subtype = 'adjustment'").bind(spaceId).run();
    const without = await ok(api(owner).get(`/v1/projections?spaceId=${spaceId}&seed=1`));
    expect(p.projection.annualIncomeDecimal).toBe(without.projection.annualIncomeDecimal);
    expect(p.projection).toEqual(without.projection);
  });

  it("is a provider sync's only: a client may not write one into a category, where it would hide spending", async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const acc = await api(owner).post("/v1/accounts", { spaceId, name: "Cash", type: "checking", currency: "USD", openingBalance: "100.00" });
    const r = await api(owner).post("/v1/transactions", { spaceId, accountId: acc.body.id, amount: "-60.00", date: "2026-01-05", description: "Groceries", type: "other", subtype: "adjustment" });
    expect(r.status).toBe(422);
    expect(r.body.error.details[0]).toMatchObject({ field: "subtype", code: "INVALID_VALUE" });
    const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM transactions WHERE space_id = ? AND subtype = 'adjustment'").bind(spaceId).first<{ n: number }>();
    expect(rows!.n).toBe(0);
  });
});
