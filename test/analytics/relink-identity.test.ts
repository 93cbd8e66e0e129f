/**
 * A relink is recognised by what the provider says (QA-A F2), not by the institution name the browser sends
 * with Link: the same Plaid login linked again without Link's metadata (or with another name) is the same bank,
 * and its old accounts leave net worth and cash flow as they do when the names match; another login at the same
 * institution (other account numbers) is another bank, and both count.
 */
import { describe, expect, it } from "vitest";
import { callJson, type TestUser } from "../helpers";
import { as, ownerWithSpace, waitForJob } from "../providers/helpers";
import { api, ok } from "./fixture";
import { disconnect } from "./relink-helpers";

async function link(owner: TestUser, spaceId: string, publicToken: string, metadata?: unknown) {
  const res = await callJson("/v1/providers/plaid/exchange-token", { ...as(owner), body: { spaceId, publicToken, ...(metadata ? { metadata } : {}) } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await waitForJob(res.body.jobId);
  return res.body.connection.id as string;
}

async function figures(owner: TestUser, spaceId: string) {
  const a = api(owner);
  const today = new Date().toISOString().slice(0, 10);
  const from = new Date(Date.now() - 60 * 86_400_000).toISOString().slice(0, 10);
  const series = (await ok(a.get(`/v1/analytics/net-worth?spaceId=${spaceId}&from=${from}&to=${today}&interval=week`))).points.map((p: { netWorthDecimal: string }) => p.netWorthDecimal);
  const dash = await ok(a.get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=90d`));
  return { series, previous: dash.netWorth.previousDecimal, current: dash.netWorth.currentDecimal, income: dash.cashFlow.incomeDecimal, expenses: dash.cashFlow.expensesDecimal };
}

describe("a relink by what the provider says", () => {
  it("the same login linked again without Link's institution name counts once", { timeout: 120_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const token = `public-sandbox-${crypto.randomUUID()}`;
    const first = await link(owner, spaceId, token, { institution: { name: "Chase", institution_id: "ins_3" } });
    const before = await figures(owner, spaceId);
    await disconnect(owner, first);
    await link(owner, spaceId, `${token}.3`);
    expect(await figures(owner, spaceId)).toEqual(before);
  });

  it("another login at the same institution is another bank: both count", { timeout: 120_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const metadata = { institution: { name: "First Platypus Bank", institution_id: "ins_109508" } };
    const first = await link(owner, spaceId, `public-sandbox-${crypto.randomUUID()}`, metadata);
    const alone = await figures(owner, spaceId);
    await disconnect(owner, first);
    await link(owner, spaceId, `public-sandbox-${crypto.randomUUID()}`, metadata);
    // The first bank's history still counts (its accounts are out from their disconnection on, not on every day).
    const after = await figures(owner, spaceId);
    expect(Number(after.expenses)).toBeGreaterThan(Number(alone.expenses));
    expect(after.series[0]).not.toBe(alone.series[0]);
  });
});
