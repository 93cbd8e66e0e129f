/**
 * A bank disconnected and linked again counts once in cash flow too (QA-A F1): the new link imports the same
 * history into new accounts, and the dashboard's cash flow and top categories and the projections' default
 * income and expenses doubled. The old accounts' rows from the first day of the new accounts' history on are
 * left out (relinks.ts, as net worth leaves them out); what only the old accounts hold (a row older than
 * that history) still counts.
 */
import { describe, expect, it } from "vitest";
import { callJson } from "../helpers";
import { as, linkPlaid, ownerWithSpace, waitForJob } from "../providers/helpers";
import { api, localDays, ok } from "./fixture";

describe("a bank linked again in cash flow", () => {
  it("counts its history once in the dashboard and the projections' defaults", { timeout: 120_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const a = api(owner);
    const token = `public-sandbox-${crypto.randomUUID()}`;
    const first = await linkPlaid(owner, spaceId, token);
    await waitForJob(first.jobId);
    // Older than the bank's 90 days of history: only the old accounts hold it.
    const { day } = localDays("UTC");
    const checking = ((await ok(a.get(`/v1/accounts?spaceId=${spaceId}`))).accounts as { id: string; type: string }[]).find((x) => x.type === "checking")!;
    await ok(a.post("/v1/transactions", { spaceId, accountId: checking.id, amount: "500.00", description: "Old bonus", date: day(-200) }));
    const figures = async () => {
      const dash = await ok(a.get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=1y`));
      const projection = (await ok(a.get(`/v1/projections?spaceId=${spaceId}&years=10&scenarios=100&seed=1`))).projection;
      return {
        cashFlow: dash.cashFlow,
        categories: dash.topCategories,
        annual: [projection.annualIncomeDecimal, projection.annualExpensesDecimal],
      };
    };
    const before = await figures();
    expect(Number(before.cashFlow.expensesDecimal)).toBeGreaterThan(0);

    expect((await callJson(`/v1/providers/connections/${first.connection.id}`, { ...as(owner), method: "DELETE" })).status).toBe(200);
    const second = await linkPlaid(owner, spaceId, `${token}.2`); // the same login again: the same history, imported anew
    await waitForJob(second.jobId);
    expect(await figures()).toEqual(before);
  });
});
