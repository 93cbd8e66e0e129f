/**
 * A row the USER wrote on a provider account (no provider id) before its bank was disconnected and
 * linked again was dropped from budgets' spent (and the dashboard's cash flow) from the successor's first imported
 * row on, although the successor never holds it (it imports only the provider's rows, and the carry carries only
 * provider rows). Money the user recorded silently left the budget (second review of stop 37: 25.00 → 0.00).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { registerUser } from "../helpers";
import { api, localDays, ok } from "./fixture";
import { disconnect, linkedPlaid as link } from "./relink-helpers";

const accountOf = async (connectionId: string, subtype: string) =>
  (await env.DB.prepare("SELECT a.id FROM accounts a JOIN provider_accounts pa ON pa.account_id = a.id WHERE pa.connection_id = ? AND a.subtype = ?")
    .bind(connectionId, subtype).first<{ id: string }>())!.id;

describe("a user-written row on the old account of a relinked bank", () => {
  it("still counts in the budget after the relink (the successor does not hold it)", { timeout: 180_000 }, async () => {
    const owner = await registerUser();
    const a = api(owner);
    const { day } = localDays("UTC");
    const spaceId = (await ok(a.post("/v1/spaces", { name: "R", type: "personal", currency: "USD", timezone: "UTC" }))).id as string;
    const category = (await ok(a.post("/v1/categories", { spaceId, name: "Cash market", type: "expense" }))).id as string;
    const token = `public-sandbox-${crypto.randomUUID()}`;
    const first = await link(owner, spaceId, `${token}.1`);
    const budget = (await ok(a.post("/v1/budgets", { spaceId, name: "Market", amount: "1000.00", period: "yearly", startDate: day(-60), categoryIds: [category] }))).id as string;
    // The user records a 25.00 expense on the bank's checking account (nothing the bank imported is in this category).
    const checking = await accountOf(first, "checking");
    await ok(a.post("/v1/transactions", { spaceId, accountId: checking, amount: "-25.00", description: "market stall", categoryId: category, date: day(-2) }));
    expect((await ok(a.get(`/v1/budgets/${budget}`))).spentDecimal).toBe("25.00");
    const dashBefore = (await ok(a.get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=30d`))).cashFlow;

    await disconnect(owner, first);
    await link(owner, spaceId, `${token}.2`); // the same login linked again

    // The successor holds nothing of the user's row.
    const copies = (await env.DB.prepare("SELECT COUNT(*) AS n FROM transactions WHERE space_id = ? AND description = 'market stall'").bind(spaceId).first<{ n: number }>())!.n;
    expect(copies).toBe(1);
    const after = await ok(a.get(`/v1/budgets/${budget}`));
    const dashAfter = (await ok(a.get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=30d`))).cashFlow;
    expect(after.spentDecimal).toBe("25.00");
    expect(dashAfter.expensesDecimal).toBe(dashBefore.expensesDecimal);
  });
});
