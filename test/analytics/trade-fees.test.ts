/**
 * A trade's fee is spending (QA-B F2): the ledger posts it to `expense:fees`, and the dashboard's cash flow,
 * its top categories and the projections' default expenses count it as they count a fee of its own, while the
 * trade's cash for units is neither income nor spending. A synced trade's fee is a `fee` row already: its trade
 * rows carry no fee of their own (counted once). Trades recorded before migration 0032 get their fee from their record.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callJson, registerUser } from "../helpers";
import { as, waitForJob } from "../providers/helpers";
import { createAccount } from "../accounts/helpers";
import { api, localDays, ok } from "./fixture";

const TZ = "UTC";

async function spaceWithTrades() {
  const owner = await registerUser();
  const a = api(owner);
  const { today } = localDays(TZ);
  const spaceId = (await ok(a.post("/v1/spaces", { name: "Broker", type: "personal", currency: "USD", timezone: TZ }))).id;
  const broker = await createAccount(owner, spaceId, { name: "Broker", type: "investment", openingBalance: "10000.00" });
  const trade = (side: string, fees: string) =>
    ok(a.post("/v1/transactions", { spaceId, accountId: broker.id, description: `${side} ETH`, date: today, trade: { symbol: "ETH", side, quantity: "0.5", unitPrice: "3000.00", fees } }));
  const buy = await trade("buy", "1.50");
  await trade("sell", "0.25");
  await trade("buy", "0");
  // A voided trade's fee was given back: it counts nowhere.
  const voided = await trade("buy", "9.00");
  expect((await a.del(`/v1/transactions/${voided.id}`)).status).toBe(200);
  await ok(a.post("/v1/transactions", { spaceId, accountId: broker.id, description: "Custody fee", date: today, type: "fee", amount: "-2.00" }));
  const figures = async () => {
    const dash = await ok(a.get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=7d`));
    const projection = (await ok(a.get(`/v1/projections?spaceId=${spaceId}&years=10&scenarios=100&seed=1`))).projection;
    return {
      income: dash.cashFlow.incomeDecimal,
      expenses: dash.cashFlow.expensesDecimal,
      categories: dash.topCategories.map((c: { category: string; amountDecimal: string }) => [c.category, c.amountDecimal]),
      annualIncome: projection.annualIncomeDecimal,
      annualExpenses: projection.annualExpensesDecimal,
    };
  };
  return { spaceId, buy, figures };
}

// 1.50 + 0.25 (the trades' fees) + 2.00 (the fee of its own); the trades' cash (−1501.50, +1499.75, −1500.00) is neither.
const EXPECTED = { income: "0.00", expenses: "3.75", categories: [["Uncategorized", "3.75"]], annualIncome: "0.00", annualExpenses: "3.75" };

describe("a trade's fee in cash flow", () => {
  it("counts in the dashboard's expenses and categories and in the projections' default expenses", { timeout: 60_000 }, async () => {
    const { figures } = await spaceWithTrades();
    expect(await figures()).toEqual(EXPECTED);
  });

  it("a trade recorded before the fee had a column of its own gets it from its record (migration 0032)", { timeout: 60_000 }, async () => {
    const { spaceId, buy, figures } = await spaceWithTrades();
    await env.DB.prepare("UPDATE transactions SET fee_amount = NULL WHERE space_id = ? AND type = 'trade'").bind(spaceId).run();
    const backfill = env.TEST_MIGRATIONS.find((m) => m.name.startsWith("0032_"))!.queries.filter((q) => q.includes("UPDATE `transactions`"));
    expect(backfill.length).toBe(1);
    await env.DB.prepare(backfill[0]!.slice(backfill[0]!.indexOf("UPDATE"))).run();
    expect(await env.DB.prepare("SELECT fee_amount FROM transactions WHERE id = ?").bind(buy.id).first("fee_amount")).toBe(150);
    expect(await figures()).toEqual(EXPECTED);
  });

  it("a synced trade's rows carry no fee: its fee is a fee row of its own, counted once", { timeout: 60_000 }, async () => {
    const owner = await registerUser();
    const spaceId = (await ok(api(owner).post("/v1/spaces", { name: "Bitso", type: "personal", currency: "MXN", timezone: TZ }))).id;
    const res = await callJson("/v1/providers/bitso/connect", { ...as(owner), body: { spaceId, apiKey: `key-${crypto.randomUUID()}`, apiSecret: "s" } });
    expect(res.status).toBe(201);
    expect((await waitForJob(res.body.jobId)).status).toBe("completed");
    const kinds = (await env.DB.prepare("SELECT type, COUNT(*) AS n, COUNT(fee_amount) AS with_fee FROM transactions WHERE space_id = ? GROUP BY type").bind(spaceId).all<{ type: string; n: number; with_fee: number }>()).results;
    expect(kinds.find((k) => k.type === "trade")).toMatchObject({ n: 48, with_fee: 0 });
    expect(kinds.find((k) => k.type === "fee")).toMatchObject({ n: 24 });
  });
});
