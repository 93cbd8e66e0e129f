/**
 * An inactive account (deactivated, or its provider connection disconnected) is out of net worth from the
 * moment it was, as it is out of the accounts' summary, and in as it was before: a QA run disconnected a Bitso
 * connection linked twice and the dashboard kept counting both; a review then saw that leaving it out on every
 * day rewrote the past (savings moved to checking, then closed: the history lost the savings). Nothing of its
 * own is forecast: it takes no more entries.
 */
import { describe, expect, it } from "vitest";
import { callJson, registerUser, awayFromMidnight } from "../helpers";
import { as, linkPlaid, ownerWithSpace, waitForJob } from "../providers/helpers";
import { createAccount } from "../accounts/helpers";
import { api, localDays, ok } from "./fixture";

// The days this file takes are the zone's: not across its midnight (helpers.ts).
await awayFromMidnight("America/Mexico_City", "Pacific/Honolulu");

const TZ = "America/Mexico_City";

describe("inactive accounts in net worth", () => {
  it("the dashboard, the net-worth series, the forecast and the summary all leave a deactivated account out", { timeout: 60_000 }, async () => {
    const owner = await registerUser();
    const a = api(owner);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "Home", type: "personal", currency: "USD", timezone: TZ }))).id;
    await createAccount(owner, spaceId, { name: "Checking", openingBalance: "1000.00" });
    const old = await createAccount(owner, spaceId, { name: "Old bank", openingBalance: "250.00" });
    const { day } = localDays(TZ);

    const figures = async () => {
      const dash = await ok(a.get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=30d`));
      const series = await ok(a.get(`/v1/analytics/net-worth?spaceId=${spaceId}&from=${day(-1)}&to=${day(0)}&interval=day`));
      const forecast = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
      const summary = await ok(a.get(`/v1/accounts/summary?spaceId=${spaceId}`));
      return {
        dashboard: dash.netWorth.currentDecimal,
        holdings: (dash.holdings ?? []).map((h: { name: string }) => h.name).sort(),
        series: series.points.map((p: { netWorthDecimal: string }) => p.netWorthDecimal),
        forecastAccounts: forecast.accounts.map((x: { accountId: string }) => x.accountId).sort(),
        summary: summary.totalBalanceByCurrency.USD,
      };
    };
    const before = await figures();
    expect(before.dashboard).toBe("1250.00");
    expect(before.series).toEqual(["1250.00", "1250.00"]);
    expect(before.forecastAccounts).toContain(old.id);
    expect(before.summary).toBe("1250.00");

    expect((await a.patch(`/v1/accounts/${old.id}`, { isActive: false })).status).toBe(200);
    const after = await figures();
    expect(after.dashboard).toBe("1000.00");
    expect(after.holdings).not.toContain("Old bank");
    expect(after.series).toEqual(["1250.00", "1000.00"]); // yesterday it was active
    expect(after.forecastAccounts).not.toContain(old.id);
    expect(after.summary).toBe("1000.00");
  });

  it("closing an account after moving its money out does not rewrite the past: the history keeps what it held", { timeout: 60_000 }, async () => {
    const owner = await registerUser();
    const a = api(owner);
    const { day } = localDays(TZ);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "Home", type: "personal", currency: "USD", timezone: TZ }))).id;
    const checking = await createAccount(owner, spaceId, { name: "Checking", openingBalance: "1000.00", openingBalanceDate: day(-40) });
    const savings = await createAccount(owner, spaceId, { name: "Savings", type: "savings", openingBalance: "5000.00", openingBalanceDate: day(-40) });
    const moved = await a.post("/v1/transactions/transfer", { spaceId, fromAccountId: savings.id, toAccountId: checking.id, amount: "5000.00", currency: "USD", date: day(-2), description: "closing savings" });
    expect(moved.status).toBe(201);
    const series = async () => (await ok(a.get(`/v1/analytics/net-worth?spaceId=${spaceId}&from=${day(-30)}&to=${day(0)}&interval=week`))).points.map((p: { netWorthDecimal: string }) => p.netWorthDecimal);
    const before = await series();
    expect(new Set(before)).toEqual(new Set(["6000.00"]));
    expect((await a.patch(`/v1/accounts/${savings.id}`, { isActive: false })).status).toBe(200);
    expect(await series()).toEqual(before);
    const dash = await ok(a.get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=30d`));
    expect([dash.netWorth.previousDecimal, dash.netWorth.currentDecimal]).toEqual(["6000.00", "6000.00"]);
  });

  it("a bank disconnected and linked again counts once on every day: its old accounts hand over where the new history begins", { timeout: 120_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const token = `public-sandbox-${crypto.randomUUID()}`;
    const first = await linkPlaid(owner, spaceId, token);
    await waitForJob(first.jobId);
    const today = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 60 * 86_400_000).toISOString().slice(0, 10);
    const series = async () => (await ok(api(owner).get(`/v1/analytics/net-worth?spaceId=${spaceId}&from=${from}&to=${today}&interval=week`))).points.map((p: { netWorthDecimal: string }) => p.netWorthDecimal);
    const before = await series();
    expect((await callJson(`/v1/providers/connections/${first.connection.id}`, { ...as(owner), method: "DELETE" })).status).toBe(200);
    // The same login again (the same simulated bank): the same history, imported anew.
    const second = await linkPlaid(owner, spaceId, token);
    await waitForJob(second.jobId);
    expect(await series()).toEqual(before); // a review saw every past day count both links
  });

  it("the forecast projects nothing of an inactive account: not its balance, not its recurring or estimated flows", { timeout: 60_000 }, async () => {
    const owner = await registerUser();
    const a = api(owner);
    const { day } = localDays(TZ);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "Home", type: "personal", currency: "USD", timezone: TZ }))).id;
    await createAccount(owner, spaceId, { name: "Checking", openingBalance: "1000.00", openingBalanceDate: day(-100) });
    const old = await createAccount(owner, spaceId, { name: "Old card", openingBalance: "5000.00", openingBalanceDate: day(-100) });
    for (let i = 1; i <= 12; i++) {
      expect((await a.post("/v1/transactions", { spaceId, accountId: old.id, amount: "-250.00", description: "Rent old", date: day(-7 * i), type: "expense" })).status).toBe(201);
    }
    const forecast = async () => {
      const f = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
      return { expenses: f.summary.totalProjectedExpensesDecimal, accounts: f.accounts.map((x: { accountId: string }) => x.accountId) };
    };
    const before = await forecast();
    expect(Number(before.expenses)).toBeGreaterThan(0);
    expect(before.accounts).toContain(old.id);
    expect((await a.patch(`/v1/accounts/${old.id}`, { isActive: false })).status).toBe(200);
    expect(await forecast()).toEqual({ expenses: "0.00", accounts: expect.not.arrayContaining([old.id]) });
  });

  it("disconnecting a bank drops a cached forecast: nothing of its accounts is projected, not even their rows dated ahead (QA-6 F2)", { timeout: 120_000 }, async () => {
    const owner = await registerUser();
    const a = api(owner);
    // A zone behind UTC: the simulator's pending rows of its (UTC) today are dated ahead here.
    const spaceId = (await ok(a.post("/v1/spaces", { name: "Bank", type: "personal", currency: "USD", timezone: "Pacific/Honolulu" }))).id;
    const { connection, jobId } = await linkPlaid(owner, spaceId);
    await waitForJob(jobId);
    const forecast = async () => {
      const f = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
      return { income: f.summary.totalProjectedIncomeDecimal, expenses: f.summary.totalProjectedExpensesDecimal, accounts: f.accounts.length };
    };
    const before = await forecast();
    expect(before.accounts).toBe(2);
    expect(Number(before.expenses)).toBeGreaterThan(0);
    expect((await callJson(`/v1/providers/connections/${connection.id}`, { ...as(owner), method: "DELETE" })).status).toBe(200);
    expect(await forecast()).toEqual({ income: "0.00", expenses: "0.00", accounts: 0 });
  });
});
