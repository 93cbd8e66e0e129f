/**
 * Dashboard and net-worth history against hand-computed figures, in a USD
 * space in Mexico City with a USD and an MXN account:
 *
 *   USD Checking opening 1,000.00; USD Savings 0; MXN Banamex 0.
 *   day −10: salary +2,000.00 USD; freelance +1,725.00 MXN   (manual rate USD/MXN 17.25 that day)
 *   day −5:  groceries −150.25 USD; groceries −345.50 MXN   (manual rate 17.00 that day)
 *   day −2:  transfer 500.00 Checking → Savings              (neither income nor expense)
 *   day −1:  dining −49.99 USD
 *   today:   coffee −5.00 USD
 *   No rate after day −5: today's MXN balance uses day −5's rate, and says so.
 *
 *   income   = 2,000 + 1,725/17.25 = 2,100.00
 *   expenses = 150.25 + 345.50/17 (20.3235294…) + 49.99 + 5 = 225.5635294… → 225.56
 *   net      = 1,874.4364705… → 1,874.44 (one rounding, not 2,100.00 − 225.56 by chance)
 *   net worth now = 2,294.76 + 500 + 1,379.50/17 (81.1470588…) = 2,875.9070588… → 2,875.91
 *   net worth before the period = 1,000.00; change 1,875.91 (+187.59%)
 *   categories: groceries 170.5735…/225.5635… = 75.62…%, dining 22.16…%, coffee 2.21…%
 *     largest remainder in tenths: 756 + 221 + 22 = 999, the largest remainder (dining, .62) gets the last tenth:
 *     75.6 + 22.2 + 2.2 = 100.0
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { addMember, registerUser, type TestUser, awayFromMidnight } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { api, localDays, ok } from "./fixture";
import { createDb } from "../../src/db/client";
import { systemClock } from "../../src/lib/clock";
import { netWorthAt } from "../../src/modules/analytics/net-worth";
import { sandboxPrice } from "../../src/sandbox/prices";
import { frac, parseRate, roundHalfEven, mul } from "../../src/modules/rates/exact";
import { formatMinor } from "../../src/lib/money";

// The days this file takes are the zone's: not across its midnight (helpers.ts).
await awayFromMidnight("America/Mexico_City");

const TZ = "America/Mexico_City";
let owner: TestUser;
let viewer: TestUser;
let outsider: TestUser;
let spaceId: string;
const { today, day } = localDays(TZ);

beforeAll(async () => {
  // Provider rates another file may have stored must not stand in for the missing ones here.
  await env.DB.prepare("DELETE FROM exchange_rates").run();
  [owner, viewer, outsider] = await Promise.all([registerUser(), registerUser(), registerUser()]);
  const a = api(owner);
  spaceId = (await ok(a.post("/v1/spaces", { name: "Home", type: "personal", currency: "USD", timezone: TZ }))).id;
  await addMember(owner, spaceId, viewer, "viewer");
  const checking = await createAccount(owner, spaceId, { name: "Checking", openingBalance: "1000.00" });
  const savings = await createAccount(owner, spaceId, { name: "Savings", type: "savings" });
  const banamex = await createAccount(owner, spaceId, { name: "Banamex", currency: "MXN" });
  const cat = async (name: string, type = "expense") => (await ok(a.post("/v1/categories", { spaceId, name, type }))).id as string;
  const [salary, freelance, groceries, dining, coffee, unused] = [
    await cat("Wages", "income"), await cat("Freelance", "income"), await cat("Groceries"), await cat("Dining"), await cat("Coffee"), await cat("Unused"),
  ];
  await ok(a.put(`/v1/spaces/${spaceId}/rates`, { rates: [
    { base: "USD", quote: "MXN", date: day(-10), rate: "17.25" },
    { base: "USD", quote: "MXN", date: day(-5), rate: "17.00" },
  ] }));
  const tx = (accountId: string, amount: string, date: string, categoryId: string, description: string) =>
    ok(a.post("/v1/transactions", { spaceId, accountId, amount, date, categoryId, description }));
  await tx(checking.id, "2000.00", day(-10), salary, "Payroll");
  await tx(banamex.id, "1725.00", day(-10), freelance, "Factura");
  await tx(checking.id, "-150.25", day(-5), groceries, "Market");
  await tx(banamex.id, "-345.50", day(-5), groceries, "Mercado");
  await ok(a.post("/v1/transactions/transfer", { spaceId, fromAccountId: checking.id, toAccountId: savings.id, amount: "500.00", date: day(-2), description: "To savings" }));
  await tx(checking.id, "-49.99", day(-1), dining, "Dinner");
  await tx(checking.id, "-5.00", today, coffee, "Coffee");
  // Budgets this month: coffee 4.00 (exceeded), coffee 6.00 at 80% (at risk: 5.00 is 83%), unused 100.00 (on track).
  await ok(a.post("/v1/budgets", { spaceId, name: "Coffee tight", amount: "4.00", period: "monthly", categoryIds: [coffee] }));
  await ok(a.post("/v1/budgets", { spaceId, name: "Coffee", amount: "6.00", period: "monthly", categoryIds: [coffee], alertThreshold: 80 }));
  await ok(a.post("/v1/budgets", { spaceId, name: "Other", amount: "100.00", period: "monthly", categoryIds: [unused] }));
});

describe("GET /v1/analytics/dashboard", () => {
  it("matches the hand-computed figures, exact to the cent", async () => {
    const { status, body } = await api(viewer).get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=30d`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ currency: "USD", period: "30d", from: day(-29), to: today });
    expect(body.cashFlow).toEqual({
      income: 2100, incomeDecimal: "2100.00", expenses: 225.56, expensesDecimal: "225.56", net: 1874.44, netDecimal: "1874.44", period: "30d",
    });
    expect(body.netWorth).toMatchObject({
      currentDecimal: "2875.91", previousDecimal: "1000.00", previousDate: day(-30), changeDecimal: "1875.91", change: 1875.91,
      changePercent: 187.59, changePercentDecimal: "187.59", trend: "up", complete: true,
    });
    expect(body.accounts).toMatchObject({ total: 3, active: 3, banking: 3, credit: 0, crypto: 0, investment: 0 });
    expect(body.budgetCompliance).toEqual({ onTrack: 1, atRisk: 1, exceeded: 1, total: 3 });
    expect(body.topCategories.map((c: any) => [c.category, c.amountDecimal, c.percentageDecimal])).toEqual([
      ["Groceries", "170.57", "75.6"],
      ["Dining", "49.99", "22.2"],
      ["Coffee", "5.00", "2.2"],
    ]);
    expect(body.topCategories.reduce((s: number, c: any) => s + Number(c.percentageDecimal) * 10, 0)).toBe(1000);
    // The helper other modules call agrees with the dashboard.
    const svc = { env, db: createDb(env.DB), clock: systemClock };
    const nw = await netWorthAt(svc, { id: spaceId, currency: "USD", timezone: TZ }, Date.now() + 1);
    expect(nw).toMatchObject({ date: today, decimal: "2875.91", complete: true });
  });

  it("says which rates it used, and that today's MXN balance took the nearest earlier day's rate", async () => {
    const { body } = await api(owner).get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=30d`);
    expect(body.conversion.complete).toBe(true);
    expect(body.conversion.ratesUsed).toEqual([
      { base: "USD", quote: "MXN", date: day(-10), rate: "17.25", source: "manual" },
      { base: "USD", quote: "MXN", date: day(-5), rate: "17", source: "manual" },
    ]);
    expect(body.notes.join("\n")).toContain(`No MXN/USD rate on ${today}: used the rate of ${day(-5)}, the nearest earlier day`);
  });

  it("lets a viewer read and hides the space from outsiders; bad periods are 422", async () => {
    expect((await api(outsider).get(`/v1/analytics/dashboard?spaceId=${spaceId}`)).status).toBe(404);
    expect((await api(owner).get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=2w`)).status).toBe(422);
    expect((await api(owner).get(`/v1/analytics/dashboard`)).status).toBe(422);
  });

  it("reports a missing rate instead of a 0 or a mix of currencies", async () => {
    const u = await registerUser();
    const a = api(u);
    const sid = (await ok(a.post("/v1/spaces", { name: "Euro", type: "personal", currency: "USD", timezone: "UTC" }))).id;
    const usd = await createAccount(u, sid, { name: "USD", openingBalance: "300.00" });
    const eur = await createAccount(u, sid, { name: "EUR", currency: "EUR", openingBalance: "100.00" });
    await ok(a.post("/v1/transactions", { spaceId: sid, accountId: eur.id, amount: "-10.00", date: localDays("UTC").day(-3), description: "Café" }));
    await ok(a.post("/v1/transactions", { spaceId: sid, accountId: usd.id, amount: "-20.00", date: localDays("UTC").day(-3), description: "Lunch" }));
    const { status, body } = await a.get(`/v1/analytics/dashboard?spaceId=${sid}&period=7d`);
    expect(status).toBe(200);
    // USD only in the totals; the EUR amounts are listed apart, per context.
    expect(body.netWorth.currentDecimal).toBe("280.00");
    expect(body.netWorth.complete).toBe(false);
    expect(body.cashFlow.expensesDecimal).toBe("20.00");
    expect(body.conversion.complete).toBe(false);
    const un = body.conversion.unconverted.map((x: any) => `${x.context}:${x.amountDecimal} ${x.currency}`).sort();
    expect(un).toContain("expenses:10.00 EUR");
    expect(un.some((x: string) => /^net worth on .*:90\.00 EUR$/.test(x))).toBe(true);
    expect(body.notes.join("\n")).toMatch(/Missing rate EUR\/USD/);
  });
});

describe("crypto and securities in net worth", () => {
  it("values a BTC account at the market price (exactly, one rounding) and lists unpriced securities apart", async () => {
    const u = await registerUser();
    const a = api(u);
    const sid = (await ok(a.post("/v1/spaces", { name: "Coins", type: "personal", currency: "USD", timezone: "UTC" }))).id;
    await createAccount(u, sid, { name: "Cash", openingBalance: "100.00" });
    await createAccount(u, sid, { name: "Bitcoin", type: "crypto", currency: "BTC", openingBalance: "0.025" });
    const brokerage = await createAccount(u, sid, { name: "Brokerage", type: "brokerage", openingBalance: "1000.00" });
    await ok(a.post("/v1/transactions", { spaceId: sid, accountId: brokerage.id, description: "A private company", date: localDays("UTC").day(-1), trade: { symbol: "PRIVCO", side: "buy", quantity: "2", unitPrice: "100", fees: "0" } }));
    const { body } = await a.get(`/v1/analytics/dashboard?spaceId=${sid}&period=7d`);
    const price = sandboxPrice("bitcoin", "usd", new Date().toISOString().slice(0, 10))!;
    // 2,500,000 sats × price / 10^8 BTC per sat, in cents, rounded once (half-even).
    const btcCents = roundHalfEven(mul(mul(frac(2_500_000n), parseRate(price)!), frac(100n, 100_000_000n)));
    // Cash 100 + brokerage cash 800 + BTC; the 2 PRIVCO units have no market price (the securities feed does not list it).
    expect(body.netWorth.currentDecimal).toBe(formatMinor(90_000n + btcCents, 2));
    expect(body.conversion.ratesUsed.find((r: any) => r.base === "BTC")).toMatchObject({ quote: "USD", rate: price });
    expect(body.conversion.ratesUsed.find((r: any) => r.base === "BTC").source).toMatch(/^market:/);
    expect(body.conversion.unconverted.some((x: any) => x.currency === "PRIVCO" && x.amountDecimal === "2.00000000")).toBe(true);
    expect(body.notes.join("\n")).toMatch(/No market price for PRIVCO/);
    expect(body.accounts).toMatchObject({ total: 3, banking: 1, crypto: 1, investment: 1 });
  });
});

describe("GET /v1/analytics/net-worth", () => {
  it("walks the ledger's entries day by day, each day at its own rate", async () => {
    const { status, body } = await api(viewer).get(`/v1/analytics/net-worth?spaceId=${spaceId}&from=${day(-11)}&to=${today}&interval=day`);
    expect(status).toBe(200);
    const at = (d: string) => body.points.find((p: any) => p.date === d).netWorthDecimal;
    expect(body.points).toHaveLength(12);
    expect(at(day(-11))).toBe("1000.00");
    // 3,000 USD + 1,725 MXN at 17.25 = 100.00
    expect(at(day(-10))).toBe("3100.00");
    // no rate on day −6: day −10's rate
    expect(at(day(-6))).toBe("3100.00");
    // 2,849.75 + 1,379.50/17 = 2,930.8970588… → 2,930.90
    expect(at(day(-5))).toBe("2930.90");
    // the transfer moves nothing
    expect(at(day(-2))).toBe("2930.90");
    expect(at(today)).toBe("2875.91");
  });

  it("answers weeks and months, and refuses more than 400 points or a reversed range", async () => {
    const weeks = await api(owner).get(`/v1/analytics/net-worth?spaceId=${spaceId}&from=${day(-27)}&to=${today}&interval=week`);
    expect(weeks.body.points.map((p: any) => p.date)).toEqual([day(-21), day(-14), day(-7), today]);
    const months = await api(owner).get(`/v1/analytics/net-worth?spaceId=${spaceId}&from=2024-01-15&to=2024-04-10&interval=month`);
    expect(months.body.points.map((p: any) => p.date)).toEqual(["2024-01-31", "2024-02-29", "2024-03-31", "2024-04-10"]);
    const tooMany = await api(owner).get(`/v1/analytics/net-worth?spaceId=${spaceId}&from=2020-01-01&to=2024-01-01&interval=day`);
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.error.details[0].code).toBe("TOO_MANY_POINTS");
    // Counted exactly: 33 years of month ends are 396 points (a rough count once refused anything past about 30.7 years).
    const years33 = await api(owner).get(`/v1/analytics/net-worth?spaceId=${spaceId}&from=1800-01-01&to=1832-12-31&interval=month`);
    expect(years33.status).toBe(200);
    expect(years33.body.points).toHaveLength(396);
    expect(years33.body.points.at(-1).date).toBe("1832-12-31");
    const months400 = await api(owner).get(`/v1/analytics/net-worth?spaceId=${spaceId}&from=1800-01-31&to=1833-04-01&interval=month`);
    expect(months400.body.points).toHaveLength(400);
    const months401 = await api(owner).get(`/v1/analytics/net-worth?spaceId=${spaceId}&from=1800-01-31&to=1833-05-01&interval=month`);
    expect(months401.status).toBe(422);
    expect(months401.body.error.details[0]).toMatchObject({ code: "TOO_MANY_POINTS", message: "This range has 401 month points; the limit is 400" });
    expect((await api(owner).get(`/v1/analytics/net-worth?spaceId=${spaceId}&from=2024-02-01&to=2024-01-01`)).status).toBe(422);
    // The history ends on the space's today: a day ahead is the forecast's, not today's figures dated later.
    const ahead = await api(owner).get(`/v1/analytics/net-worth?spaceId=${spaceId}&from=${day(-3)}&to=${day(1)}&interval=day`);
    expect(ahead.status).toBe(422);
    expect(ahead.body.error.details[0]).toMatchObject({ field: "to", code: "FUTURE_DATE" });
    expect(ahead.body.error.details[0].message).toContain(today);
    expect((await api(outsider).get(`/v1/analytics/net-worth?spaceId=${spaceId}&to=${day(1)}`)).status).toBe(404);
    expect((await api(outsider).get(`/v1/analytics/net-worth?spaceId=${spaceId}`)).status).toBe(404);
  });
});
