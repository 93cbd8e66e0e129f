/**
 * Long-term projections through the real app: closed-form checks with zero
 * volatility (to the cent, against exact rational arithmetic), hand-computed
 * run-out years, reproducibility by seed, life events in their year, monthly
 * steps, validation and authorization.
 */
import { describe, expect, it } from "vitest";
import { env } from "cloudflare:test";
import { addMember, call, callJson, registerUser, type TestUser, awayFromMidnight } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { cents } from "./exact-cents";

// The days this file takes are the zone's: not across its midnight (helpers.ts).
await awayFromMidnight("America/Mexico_City");

const as = (u: TestUser) => ({
  get: (path: string) => callJson(path, { token: u.accessToken, ip: u.ip }),
  post: (path: string, body: unknown) => callJson(path, { token: u.accessToken, ip: u.ip, body }),
  put: (path: string, body: unknown) => callJson(path, { method: "PUT", token: u.accessToken, ip: u.ip, body }),
});

async function setup(currency = "USD") {
  const u = await registerUser();
  const a = as(u);
  const space = (await a.post("/v1/spaces", { name: "Home", type: "personal", currency })).body;
  return { u, a, spaceId: space.id as string };
}

/** Zero volatility, no inflation or growth unless given: every scenario is the same deterministic path. */
const flat = { inflationRate: 0, incomeGrowthRate: 0, portfolioVolatility: 0 };


describe("projections: closed forms with zero volatility", () => {
  it("equals W0·(1+r)^n + C·((1+r)^n − 1)/r to the cent, every year", async () => {
    const { a, spaceId } = await setup();
    const res = await a.post("/v1/projections", {
      spaceId, save: false, years: 30, scenarios: 100, seed: 1,
      startingNetWorth: "100000.00", annualIncome: 60000, annualExpenses: 40000,
      assumptions: { ...flat, portfolioReturn: 0.07 },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const W0 = 10_000_000n; // cents
    const C = 2_000_000n;
    for (let n = 1; n <= 30; n++) {
      const R = 107n ** BigInt(n);
      const H = 100n ** BigInt(n);
      // W0·R/H + C·(R − H)/H · 100/7 over the common denominator 7·H.
      const expected = cents(W0 * R * 7n + C * 100n * (R - H), 7n * H);
      const row = res.body.yearByYear[n - 1];
      expect(row.projectedNetWorthDecimal, `year ${n}`).toBe(expected);
      expect(row.percentile10Decimal).toBe(expected);
      expect(row.percentile90Decimal).toBe(expected);
      expect(row.projectedNetWorth).toBe(Number(expected));
      expect(row.projectedSavingsDecimal).toBe("20000.00");
    }
    const p = res.body.projection;
    expect(p.outcomes.median.year30Decimal).toBe(res.body.yearByYear[29].projectedNetWorthDecimal);
    expect(p.outcomes.median.year10Decimal).toBe(res.body.yearByYear[9].projectedNetWorthDecimal);
    expect(p.successProbability).toBe(1);
    expect(p.runOutYear).toBeNull();
    expect(p.seed).toBe(1);
  });

  it("compounds exactly at large amounts: 9 × 10^12 at 7% is 9 × 10^14 · 1.07^n minor units to the cent, every year (QA 13-1)", async () => {
    const { a, spaceId } = await setup();
    const res = await a.post("/v1/projections", {
      spaceId, save: false, years: 10, scenarios: 100, seed: 1,
      startingNetWorth: "9000000000000.00", annualIncome: 0, annualExpenses: 0, assumptions: { ...flat, portfolioReturn: 0.07 },
    });
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    for (let n = 1; n <= 10; n++) {
      const expected = cents(900_000_000_000_000n * 107n ** BigInt(n), 100n ** BigInt(n));
      const row = res.body.yearByYear[n - 1];
      // In doubles, year 8 read 15463675618487.29 for the exact 15463675618487.28.
      expect(row.projectedNetWorthDecimal, `year ${n}`).toBe(expected);
      expect(row.meanDecimal).toBe(expected);
    }
    expect(res.body.yearByYear[7].projectedNetWorthDecimal).toBe("15463675618487.28");
  });

  it("equals the growing annuity W0·R^n + I·(R^n − G^n)/(R − G) when income grows", async () => {
    const { a, spaceId } = await setup();
    const res = await a.post("/v1/projections", {
      spaceId, save: false, years: 20, scenarios: 100, seed: 2,
      startingNetWorth: "2500.55", annualIncome: "12345.67", annualExpenses: 0,
      assumptions: { ...flat, portfolioReturn: 0.07, incomeGrowthRate: 0.03 },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    for (const n of [1, 2, 10, 20]) {
      const R = 107n ** BigInt(n);
      const G = 103n ** BigInt(n);
      const H = 100n ** BigInt(n);
      // (R^n − G^n)/(R − G) with R − G = 0.04: ·25 over H.
      const expected = cents(250055n * R + 1234567n * 25n * (R - G), H);
      expect(res.body.yearByYear[n - 1].projectedNetWorthDecimal, `year ${n}`).toBe(expected);
    }
    // Income itself grows by 3 % a year: year 2 is 12345.67 · 1.03 = 12716.0401 -> 12716.04.
    expect(res.body.yearByYear[1].projectedIncomeDecimal).toBe("12716.04");
    expect(res.body.projection.outcomes.median.year30).toBeNull();
    expect(res.body.projection.outcomes.median.year30Decimal).toBeNull();
  });

  it("with monthly steps matches the monthly annuity within a cent, and zero return exactly", async () => {
    const { a, spaceId } = await setup();
    const body = {
      spaceId, save: false, years: 10, scenarios: 100, seed: 3, stepsPerYear: 12,
      startingNetWorth: 50000, annualIncome: 24000, annualExpenses: 12000,
      assumptions: { ...flat, portfolioReturn: 0.06 },
    };
    const res = await a.post("/v1/projections", body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.projection.stepsPerYear).toBe(12);
    const q = Math.pow(1.06, 1 / 12);
    for (const n of [1, 5, 10]) {
      const months = 12 * n;
      const closed = 50000 * Math.pow(1.06, n) + 1000 * ((Math.pow(q, months) - 1) / (q - 1));
      expect(Math.abs(res.body.yearByYear[n - 1].projectedNetWorth - closed), `year ${n}`).toBeLessThanOrEqual(0.01);
    }
    // Monthly contributions earn returns within the year: more than the yearly model's end-of-year flows.
    const yearly = await a.post("/v1/projections", { ...body, stepsPerYear: 1 });
    expect(res.body.yearByYear[9].projectedNetWorth).toBeGreaterThan(yearly.body.yearByYear[9].projectedNetWorth);
    const zero = await a.post("/v1/projections", { ...body, assumptions: { ...flat, portfolioReturn: 0 } });
    expect(zero.body.yearByYear.map((r: any) => r.projectedNetWorthDecimal).slice(0, 3)).toEqual(["62000.00", "74000.00", "86000.00"]);
  });
});

describe("projections: running out", () => {
  it("reports the hand-computed run-out year and the figures either side of it", async () => {
    const { a, spaceId } = await setup();
    // 100000 at 5 %, 30000 spent a year, no income:
    // y1 105000 − 30000 = 75000; y2 78750 − 30000 = 48750; y3 51187.50 − 30000 = 21187.50;
    // y4 22246.875 − 30000 = −7753.125 (runs out); y5 −7753.125 − 30000 (debt earns nothing) = −37753.125.
    const res = await a.post("/v1/projections", {
      spaceId, save: false, years: 10, scenarios: 500, seed: 4,
      startingNetWorth: 100000, annualIncome: 0, annualExpenses: 30000, assumptions: { ...flat, portfolioReturn: 0.05 },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const y = res.body.yearByYear.map((r: any) => r.projectedNetWorthDecimal);
    expect(y.slice(0, 5)).toEqual(["75000.00", "48750.00", "21187.50", "-7753.13", "-37753.13"]);
    expect(res.body.projection.runOutYear).toBe(4);
    expect(res.body.projection.earliestRunOutYear).toBe(4);
    expect(res.body.projection.successProbability).toBe(0);
    expect(res.body.yearByYear[2].runOutProbability).toBe(0);
    expect(res.body.yearByYear[3].runOutProbability).toBe(1);
  });

  it("retirement by age stops the salary and switches to retirement spending in its year", async () => {
    const { a, spaceId } = await setup();
    // Age 60, retiring at 62 (year 3). y1 50000 + 10000 = 60000; y2 70000; from y3 income 0 and spending 25000:
    // y3 45000, y4 20000, y5 −5000: runs out in year 5.
    const res = await a.post("/v1/projections", {
      spaceId, save: false, years: 10, scenarios: 100, seed: 5,
      startingNetWorth: 50000, annualIncome: 40000, annualExpenses: 30000,
      assumptions: { ...flat, portfolioReturn: 0, currentAge: 60, retirementAge: 62, retirementSpending: 25000 },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const rows = res.body.yearByYear;
    expect(rows.slice(0, 5).map((r: any) => r.projectedNetWorthDecimal)).toEqual(["60000.00", "70000.00", "45000.00", "20000.00", "-5000.00"]);
    expect(rows[1]).toMatchObject({ age: 61, projectedIncome: 40000, projectedExpenses: 30000 });
    expect(rows[2]).toMatchObject({ age: 62, projectedIncome: 0, projectedExpenses: 25000 });
    expect(res.body.projection.assumptions.retirementYear).toBe(3);
    expect(res.body.projection.runOutYear).toBe(5);
    // Already retired (retirementAge not above currentAge): retirement from year 1.
    const retired = await a.post("/v1/projections", {
      spaceId, save: false, years: 10, scenarios: 100, seed: 5,
      startingNetWorth: 50000, annualIncome: 40000, annualExpenses: 30000,
      assumptions: { ...flat, portfolioReturn: 0, currentAge: 70, retirementAge: 65, retirementSpending: 25000 },
    });
    expect(retired.body.yearByYear[0]).toMatchObject({ age: 70, projectedIncome: 0, projectedExpenses: 25000, projectedNetWorthDecimal: "25000.00" });
    expect(retired.body.projection.runOutYear).toBe(3);
    expect(retired.body.notes.join(" ")).toMatch(/retired from year 1/);
  });

  it("does not count paying down a debt as running out", async () => {
    const { a, spaceId } = await setup();
    // −20000 with 15000 saved a year: −5000, then 10000. Never drawing down below zero.
    const res = await a.post("/v1/projections", {
      spaceId, save: false, years: 10, scenarios: 100, seed: 1,
      startingNetWorth: -20000, annualIncome: 15000, annualExpenses: 0, assumptions: { ...flat, portfolioReturn: 0.05 },
    });
    expect(res.body.yearByYear.slice(0, 2).map((r: any) => r.projectedNetWorthDecimal)).toEqual(["-5000.00", "10000.00"]);
    expect(res.body.projection).toMatchObject({ runOutYear: null, earliestRunOutYear: null, successProbability: 1 });
  });

  it("refuses outcomes past 2^53 minor units with a 422 naming the figure and year (their cents were float noise shown as exact), never a 500", async () => {
    const { a, spaceId } = await setup();
    const body = {
      spaceId, save: true, years: 30, scenarios: 10000, seed: 1, stepsPerYear: 12,
      startingNetWorth: "10000000000000", annualIncome: "10000000000000", annualExpenses: 0,
      assumptions: { portfolioReturn: 0.5, portfolioVolatility: 1, incomeGrowthRate: 0.3 },
    };
    const res = await a.post("/v1/projections", body);
    expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(422);
    expect(res.body.error.details).toEqual([
      expect.objectContaining({ field: "assumptions", code: "OUT_OF_RANGE", message: expect.stringMatching(/in year \d+ reaches about .*beyond 90071992547409\.91/) }),
    ]);
    expect((await a.get(`/v1/projections/scenarios?spaceId=${spaceId}`)).body.scenarios).toEqual([]);
    // Either side of the limit, with no volatility: 10^15 minor units × 1.075^30 ≈ 8.75 × 10^15 runs; × 1.08^30 ≈ 1.006 × 10^16 is refused.
    const flatRun = (portfolioReturn: number) =>
      a.post("/v1/projections", { ...body, save: false, stepsPerYear: 1, scenarios: 100, annualIncome: 0, assumptions: { ...flat, portfolioReturn } });
    const within = await flatRun(0.075);
    expect(within.status, JSON.stringify(within.body).slice(0, 500)).toBe(200);
    expect(within.body.projection.outcomes.median.year30Decimal).toMatch(/^875\d{11}\.\d{2}$/);
    const past = await flatRun(0.08);
    expect(past.status).toBe(422);
    // In plain form, three significant digits (it read "9.3…e+13").
    expect(past.body.error.details[0].message).toMatch(/^The projection's median in year 29 reaches about 93\d00000000000, beyond/);
  });

  it("gives a mean equal to the median when every scenario is the same, even past 2^53 minor units summed (QA 13)", async () => {
    const { a, spaceId } = await setup();
    // 10,000 scenarios of 9 × 10^14 minor units and more: one double summing them lost up to 107 minor units.
    const res = await a.post("/v1/projections", {
      spaceId, save: false, seed: 1, scenarios: 10000, years: 10,
      startingNetWorth: "9000000000000.00", annualIncome: "0", annualExpenses: "0",
      assumptions: { ...flat, portfolioReturn: 0.07 },
    });
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    for (const row of res.body.yearByYear) {
      expect(row.meanDecimal, `year ${row.year}`).toBe(row.projectedNetWorthDecimal);
      expect(row.mean).toBe(row.projectedNetWorth);
    }
    expect(res.body.yearByYear[1].meanDecimal).toBe("10304100000000.00");
  });

  it("writes money past 10^15 minor units with every digit, and the saved scenario's list the same as its creation", async () => {
    const { u, a, spaceId } = await setup();
    // 9,999,999,999,999.99 and 8 × 10^12 saved a year, flat: 89,999,999,999,999.99 in year 10, a decimal no double
    // holds (its nearest reads 89999999999999.98).
    const res = await a.post("/v1/projections", {
      spaceId, save: true, years: 10, scenarios: 100, seed: 1, stepsPerYear: 1,
      startingNetWorth: "9999999999999.99", annualIncome: "8000000000000", annualExpenses: 0, assumptions: { ...flat, portfolioReturn: 0 },
    });
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(201);
    expect(res.body.projection.outcomes.median.year10Decimal).toBe("89999999999999.99");
    // The text a client reads (a parsed double would hide the last digit).
    const raw = await (await call(`/v1/projections/scenarios?spaceId=${spaceId}`, { token: u.accessToken, ip: u.ip })).text();
    expect(raw).toContain('"year10":89999999999999.99,');
    expect(raw).toContain('"year10Decimal":"89999999999999.99"');
  });

  it("with monthly steps, runs out in the year of the first month below zero", async () => {
    const { a, spaceId } = await setup();
    // 30000 less 1000 a month: month 30 leaves 0 (not below), month 31 −1000: year 3.
    const res = await a.post("/v1/projections", {
      spaceId, save: false, years: 10, scenarios: 100, seed: 6, stepsPerYear: 12,
      startingNetWorth: 30000, annualIncome: 0, annualExpenses: 12000, assumptions: { ...flat, portfolioReturn: 0 },
    });
    expect(res.body.projection.runOutYear).toBe(3);
    expect(res.body.yearByYear[1].projectedNetWorthDecimal).toBe("6000.00");
  });
});

describe("projections: randomness", () => {
  const volatile = (spaceId: string, extra: Record<string, unknown> = {}) => ({
    spaceId, save: false, years: 30, scenarios: 2000, startingNetWorth: 150000, annualIncome: 120000, annualExpenses: 95000,
    assumptions: { inflationRate: 0.03, incomeGrowthRate: 0.025, portfolioReturn: 0.07, portfolioVolatility: 0.15 },
    ...extra,
  });

  it("orders the percentiles every year and spreads them under volatility", async () => {
    const { a, spaceId } = await setup();
    const res = await a.post("/v1/projections", volatile(spaceId, { seed: 11 }));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    for (const r of res.body.yearByYear) {
      expect(r.percentile10).toBeLessThanOrEqual(r.projectedNetWorth);
      expect(r.projectedNetWorth).toBeLessThanOrEqual(r.percentile90);
    }
    const o = res.body.projection.outcomes;
    for (const h of ["year10", "year20", "year30"]) {
      expect(o.percentile10[h]).toBeLessThan(o.median[h]);
      expect(o.median[h]).toBeLessThan(o.percentile90[h]);
      expect(Number(o.median[`${h}Decimal`])).toBe(o.median[h]);
    }
    // The median of lognormal growth sits below the mean, and the spread widens with time.
    const y30 = res.body.yearByYear[29];
    expect(y30.projectedNetWorth).toBeLessThan(y30.mean);
    expect(o.percentile90.year30 - o.percentile10.year30).toBeGreaterThan(o.percentile90.year10 - o.percentile10.year10);
    expect(res.body.projection.successProbability).toBe(1);
  });

  it("gives the same output for the same seed, another for another seed, and returns a generated seed", async () => {
    const { a, spaceId } = await setup();
    const one = await a.post("/v1/projections", volatile(spaceId, { seed: 424242 }));
    const two = await a.post("/v1/projections", volatile(spaceId, { seed: 424242 }));
    expect(two.body).toEqual(one.body);
    const other = await a.post("/v1/projections", volatile(spaceId, { seed: 424243 }));
    expect(other.body.yearByYear[29].projectedNetWorthDecimal).not.toBe(one.body.yearByYear[29].projectedNetWorthDecimal);

    const unseeded = await a.post("/v1/projections", volatile(spaceId, { stepsPerYear: 12, scenarios: 300 }));
    const seed = unseeded.body.projection.seed;
    expect(Number.isInteger(seed) && seed >= 0 && seed <= 4294967295).toBe(true);
    const again = await a.post("/v1/projections", volatile(spaceId, { stepsPerYear: 12, scenarios: 300, seed }));
    expect(again.body).toEqual(unseeded.body);
    // GET takes the seed too.
    const monthly = await a.get(`/v1/projections?spaceId=${spaceId}&years=10&scenarios=200&seed=9&stepsPerYear=12`);
    expect(monthly.body.projection).toMatchObject({ stepsPerYear: 12, seed: 9, horizon: 10, scenarios: 200 });
    const g1 = await a.get(`/v1/projections?spaceId=${spaceId}&years=10&scenarios=200&seed=9`);
    const g2 = await a.get(`/v1/projections?spaceId=${spaceId}&years=10&scenarios=200&seed=9`);
    expect(g1.status).toBe(200);
    expect(g2.body).toEqual(g1.body);
  });

  it("moves the curve in a life event's year and not before", async () => {
    const { a, spaceId } = await setup();
    const base = await a.post("/v1/projections", volatile(spaceId, { seed: 77 }));
    const events = await a.post("/v1/projections", volatile(spaceId, {
      seed: 77,
      lifeEvents: [
        { year: 5, type: "home_purchase", amount: -150000 },
        { year: 18, type: "college", amount: "-200000" },
        { year: 22, type: "retirement", incomeChange: -100000 },
      ],
    }));
    expect(events.status, JSON.stringify(events.body)).toBe(200);
    const b = base.body.yearByYear;
    const e = events.body.yearByYear;
    for (let y = 1; y <= 4; y++) expect(e[y - 1].projectedNetWorthDecimal, `year ${y}`).toBe(b[y - 1].projectedNetWorthDecimal);
    expect(e[4].projectedNetWorth).toBeLessThan(b[4].projectedNetWorth - 100000);
    expect(e[4].lifeEvents).toEqual(["home_purchase"]);
    expect(e[4].projectedSavings).toBeCloseTo(b[4].projectedSavings - 150000, 2);
    expect(e[17].projectedSavings).toBeCloseTo(b[17].projectedSavings - 200000, 2);
    // The income change holds from its year on.
    expect(e[20].projectedIncomeDecimal).toBe(b[20].projectedIncomeDecimal);
    expect(e[21].projectedIncome).toBeCloseTo(b[21].projectedIncome - 100000, 2);
    expect(e[25].projectedIncome).toBeCloseTo(b[25].projectedIncome - 100000, 2);

    // Zero volatility: the home purchase lowers year 5 by exactly its amount, year 6 by that grown one year.
    const det = (lifeEvents: unknown[]) =>
      a.post("/v1/projections", { spaceId, save: false, years: 10, scenarios: 100, seed: 1, startingNetWorth: 400000, annualIncome: 0, annualExpenses: 0, assumptions: { ...flat, portfolioReturn: 0.07 }, lifeEvents });
    const [plain, bought] = await Promise.all([det([]), det([{ year: 5, type: "home_purchase", amount: -150000 }])]);
    const diff = (y: number) => Number(plain.body.yearByYear[y - 1].projectedNetWorthDecimal) - Number(bought.body.yearByYear[y - 1].projectedNetWorthDecimal);
    expect(diff(4)).toBe(0);
    expect(diff(5)).toBeCloseTo(150000, 2);
    expect(diff(6)).toBeCloseTo(160500, 2);
  });

  it("runs 10,000 scenarios × 30 years with monthly steps in one request", async () => {
    const { a, spaceId } = await setup();
    const res = await a.post("/v1/projections", volatile(spaceId, { seed: 1, scenarios: 10000, stepsPerYear: 12 }));
    expect(res.status).toBe(200);
    expect(res.body.yearByYear).toHaveLength(30);
    expect(res.body.projection.scenarios).toBe(10000);
  });
});

describe("projections: input validation", () => {
  it("answers 422 naming each bad field, never 500", async () => {
    const { a, spaceId } = await setup();
    const post = (extra: Record<string, unknown>) => a.post("/v1/projections", { spaceId, startingNetWorth: 1000, annualContribution: 100, ...extra });
    const cases: [Record<string, unknown>, string][] = [
      [{ years: 9 }, "years"],
      [{ years: 31 }, "years"],
      [{ years: 12.5 }, "years"],
      [{ scenarios: 99 }, "scenarios"],
      [{ scenarios: 10001 }, "scenarios"],
      [{ stepsPerYear: 6 }, "stepsPerYear"],
      [{ seed: -1 }, "seed"],
      [{ seed: 4294967296 }, "seed"],
      [{ assumptions: { portfolioVolatility: -0.1 } }, "assumptions.portfolioVolatility"],
      [{ assumptions: { portfolioReturn: 2 } }, "assumptions.portfolioReturn"],
      [{ assumptions: { inflationRate: "0.03" } }, "assumptions.inflationRate"],
      [{ startingNetWorth: "12.345" }, "startingNetWorth"],
      [{ startingNetWorth: "1e9" }, "startingNetWorth"],
      [{ startingNetWorth: "99999999999999" }, "startingNetWorth"],
      [{ annualIncome: -5 }, "annualIncome"],
      [{ years: 10, lifeEvents: [{ year: 11, type: "college", amount: -1000 }] }, "lifeEvents.0.year"],
      [{ lifeEvents: [{ year: 2, type: "college" }] }, "lifeEvents.0"],
      [{ lifeEvents: [{ year: 2, type: "yacht", amount: -1 }] }, "lifeEvents.0.type"],
      [{ assumptions: { retirementAge: 65 } }, "assumptions.currentAge"],
      [{ assumptions: { retirementAge: 140, currentAge: 50 } }, "assumptions.retirementAge"],
      [{ assumptions: { currentAge: -1 } }, "assumptions.currentAge"],
      [{ assumptions: { retirementAge: 5 }, lifeEvents: [{ year: 10, type: "retirement", incomeChange: -1 }] }, "assumptions.retirementAge"],
      [{ annualIncome: 100, annualExpenses: 50, annualContribution: 10 }, "annualContribution"],
      // Each within range, but a year's events add up past it (the engine sums them: it lost cents), or the income changes so far do.
      [{ lifeEvents: [{ year: 1, type: "inheritance", amount: "9000000000000" }, { year: 1, type: "inheritance", amount: "9000000000000" }] }, "lifeEvents.1.amount"],
      [{ lifeEvents: [{ year: 1, type: "other", incomeChange: "6000000000000" }, { year: 3, type: "other", incomeChange: "6000000000000" }] }, "lifeEvents.1.incomeChange"],
    ];
    for (const [extra, field] of cases) {
      const res = await post(extra);
      expect(res.status, `${JSON.stringify(extra)} -> ${JSON.stringify(res.body)}`).toBe(422);
      expect(res.body.error.code).toBe("VALIDATION_FAILED");
      expect(res.body.error.details.map((d: any) => d.field), JSON.stringify(extra)).toContain(field);
    }
    for (const q of ["years=abc", "years=5", "scenarios=20000", "seed=-3", "stepsPerYear=4"]) {
      const res = await a.get(`/v1/projections?spaceId=${spaceId}&${q}`);
      expect(res.status, q).toBe(422);
    }
    // A list past D1's 100 bound parameters is refused by its cap (five), never sent to SQL.
    const many = await a.post("/v1/projections/compare", { spaceId, scenarioIds: Array.from({ length: 150 }, (_, i) => `scen_${i}`) });
    expect(many.status).toBe(422);
    expect(many.body.error.details.map((d: any) => d.field)).toContain("scenarioIds");
    // Nothing was saved by the refused requests.
    expect((await a.get(`/v1/projections/scenarios?spaceId=${spaceId}`)).body.pagination.total).toBe(0);
  });

  it("accepts seed 000's example body as is", async () => {
    const { a, spaceId } = await setup();
    const res = await a.post("/v1/projections", {
      spaceId, years: 25, scenarios: 5000,
      assumptions: { inflationRate: 0.035, incomeGrowthRate: 0.02, retirementAge: 65, retirementSpending: 80000 },
      lifeEvents: [
        { year: 5, type: "home_purchase", amount: -150000 },
        { year: 18, type: "college", amount: -200000 },
        { year: 22, type: "retirement", incomeChange: -100000 },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.projection).toMatchObject({ horizon: 25, scenarios: 5000, assumptions: { retirementYear: 22, currentAge: 44, retirementAge: 65 } });
    expect(res.body.yearByYear).toHaveLength(25);
    expect(res.body.yearByYear[21].projectedExpensesDecimal).toBe((80000 * 1.035 ** 21).toFixed(2));
  });
});

describe("projections: defaults from the ledger", () => {
  it("start from the space's whole net worth and last 12 months of savings, every currency converted at its day's rate", async () => {
    const { u, a, spaceId } = await setup();
    const checking = await createAccount(u, spaceId, { openingBalance: "10000.00" });
    const savings = await createAccount(u, spaceId, { name: "Savings", type: "savings", openingBalance: 500 });
    const pesos = await createAccount(u, spaceId, { name: "Pesos", currency: "MXN", openingBalance: 2000 });
    const today = new Date().toISOString().slice(0, 10);
    // The space's own rate for today: 17 MXN to the dollar.
    const rates = await a.put(`/v1/spaces/${spaceId}/rates`, { rates: [{ base: "USD", quote: "MXN", date: today, rate: "17.00" }] });
    expect(rates.status, JSON.stringify(rates.body)).toBe(200);
    const txn = async (body: Record<string, unknown>) => {
      const r = await a.post("/v1/transactions", { spaceId, accountId: checking.id, date: today, ...body });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    };
    await txn({ amount: 5000, description: "Salary" });
    await txn({ amount: "-1200.50", description: "Rent" });
    await txn({ accountId: pesos.id, amount: "350.00", description: "Factura" });
    const t = await a.post("/v1/transactions/transfer", { spaceId, fromAccountId: checking.id, toAccountId: savings.id, amount: 300, date: today, description: "Move" });
    expect(t.status, JSON.stringify(t.body)).toBe(201);
    // Older than 12 months: counts in net worth, not in the contribution.
    await txn({ amount: 999, description: "Old bonus", date: "2020-01-15" });
    // A trade: its cash counts (−1895.00); the position in a company no feed lists has no market price and is named in a note, not valued.
    const brokerage = await createAccount(u, spaceId, { name: "Brokerage", type: "brokerage", openingBalance: 5000 });
    const trade = await a.post("/v1/transactions", { spaceId, accountId: brokerage.id, description: "A private company", date: today, trade: { symbol: "PRIVCO", side: "buy", quantity: "10", unitPrice: "189.50", fees: "0" } });
    expect(trade.status, JSON.stringify(trade.body)).toBe(201);
    // A manual asset counts once, at its value.
    const car = await a.post("/v1/assets", { spaceId, name: "Car", type: "vehicle", currency: "USD", value: "7250.00" });
    expect(car.status, JSON.stringify(car.body)).toBe(201);

    const res = await a.get(`/v1/projections?spaceId=${spaceId}&years=10&scenarios=100&seed=1`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const p = res.body.projection;
    // USD: 10000 + 500 + 5000 − 1200.50 + 999 (the transfer nets to zero) + 5000 − 1895 (the trade's cash) = 18403.50;
    // MXN: 2000 + 350 = 2350 at 17 = 138.2352941… USD; the car 7250.00. Exact sum 25791.7352941… rounds once to 25791.74.
    expect(p.startingNetWorthDecimal).toBe("25791.74");
    // Income 5000 + 350/17 = 5020.5882352… → 5020.59; expenses 1200.50.
    expect(p.annualIncomeDecimal).toBe("5020.59");
    expect(p.annualExpensesDecimal).toBe("1200.50");
    expect(p.annualContributionDecimal).toBe("3820.09");
    expect(p.sources).toMatchObject({ startingNetWorth: "ledger", annualContribution: "ledger" });
    expect(p.currency).toBe("USD");
    expect(res.body.notes.join(" ")).toMatch(/PRIVCO/);
    expect(res.body.notes.join(" ")).not.toMatch(/excludes .* MXN/);
    // The same figure as the dashboard's net worth.
    const dash = await a.get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=30d`);
    expect(dash.body.netWorth.currentDecimal).toBe("25791.74");

    // A given contribution with no income or spending is the whole flow (not a split against the ledger's income), from the request.
    const given = await a.post("/v1/projections", { spaceId, save: false, years: 10, scenarios: 100, seed: 1, annualContribution: 1000 });
    expect(given.body.projection).toMatchObject({ annualIncomeDecimal: "1000.00", annualExpensesDecimal: "0.00", annualContributionDecimal: "1000.00" });
    expect(given.body.projection.sources).toEqual({ startingNetWorth: "ledger", annualContribution: "request", ledgerWindow: null });
    const over = await a.post("/v1/projections", { spaceId, save: false, years: 10, scenarios: 100, seed: 1, annualContribution: 8000, startingNetWorth: 0 });
    expect(over.body.projection).toMatchObject({ annualIncomeDecimal: "8000.00", annualExpensesDecimal: "0.00", startingNetWorthDecimal: "0.00" });
    expect(over.body.projection.sources.startingNetWorth).toBe("request");
  });

  it("never counts an amount without a rate as 0: it is left out and named", async () => {
    const { u, a, spaceId } = await setup();
    await env.DB.prepare("DELETE FROM exchange_rates WHERE base IN ('USD', 'EUR') AND quote IN ('USD', 'EUR')").run();
    await createAccount(u, spaceId, { openingBalance: "100.00" });
    await createAccount(u, spaceId, { name: "Euros", currency: "EUR", openingBalance: "50.00" });
    const res = await a.get(`/v1/projections?spaceId=${spaceId}&years=10&scenarios=100&seed=1`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.projection.startingNetWorthDecimal).toBe("100.00");
    expect(res.body.notes.join(" ")).toMatch(/Missing rate EUR\/USD.*50\.00 EUR/);
  });

  it("count the last 12 months by the space's own days", async () => {
    const tz = "America/Mexico_City";
    const u = await registerUser();
    const a = as(u);
    const space = (await a.post("/v1/spaces", { name: "Casa", type: "personal", currency: "MXN", timezone: tz })).body;
    const acc = await createAccount(u, space.id, { currency: "MXN", openingBalance: 0, allowOverdraft: true });
    const parts = new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
    const [y, m, d] = parts.split("-").map(Number) as [number, number, number];
    // The window's first day: a year before today, plus one day (today a year ago is outside).
    const lastYear = new Date(Date.UTC(y! - 1, m! - 1, Math.min(d!, new Date(Date.UTC(y! - 1, m!, 0)).getUTCDate())));
    const first = new Date(lastYear.getTime() + 86_400_000).toISOString().slice(0, 10);
    const before = lastYear.toISOString().slice(0, 10);
    for (const [amount, date] of [[100, first], [1000, before], [-30, parts]] as const) {
      const r = await a.post("/v1/transactions", { spaceId: space.id, accountId: acc.id, amount, date, description: `on ${date}` });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    const res = await a.get(`/v1/projections?spaceId=${space.id}&years=10&scenarios=100&seed=1`);
    expect(res.body.projection.sources.ledgerWindow).toEqual({ from: first, to: parts });
    expect(res.body.projection).toMatchObject({ annualIncomeDecimal: "100.00", annualExpensesDecimal: "30.00", startingNetWorthDecimal: "1070.00", currency: "MXN" });
  });

  it("uses the space's currency scale (JPY has none)", async () => {
    const { a, spaceId } = await setup("JPY");
    const res = await a.post("/v1/projections", { spaceId, save: false, years: 10, scenarios: 100, seed: 1, startingNetWorth: 1000000, annualContribution: 100000, assumptions: { ...flat, portfolioReturn: 0.05 } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.yearByYear[0].projectedNetWorthDecimal).toBe("1150000");
    expect(res.body.yearByYear[1].projectedNetWorthDecimal).toBe("1307500");
    expect((await a.post("/v1/projections", { spaceId, startingNetWorth: "10.5" })).status).toBe(422);
  });
});

describe("projections: a given annualContribution", () => {
  it("stays that contribution whatever the ledger's income: 0 at 5% with no volatility grows 1000 to 1000·1.05^10, and the sources say request", async () => {
    const { u, a, spaceId } = await setup();
    // A ledger with income and spending in the last 12 months, which a given contribution must not be split against.
    const acc = await createAccount(u, spaceId, { openingBalance: "100.00" });
    const today = new Date().toISOString().slice(0, 10);
    for (const [amount, description] of [[6736.35, "Salary"], ["-3135.08", "Rent"]] as const) {
      expect((await a.post("/v1/transactions", { spaceId, accountId: acc.id, date: today, amount, description })).status).toBe(201);
    }
    const run = (annualContribution: number | string, assumptions: Record<string, number> = {}) =>
      a.post("/v1/projections", { spaceId, save: false, years: 10, scenarios: 100, seed: 1, startingNetWorth: "1000.00", annualContribution, assumptions: { portfolioReturn: 0.05, portfolioVolatility: 0, ...assumptions } });
    const zero = await run(0);
    expect(zero.status, JSON.stringify(zero.body)).toBe(200);
    const p = zero.body.projection;
    expect(p).toMatchObject({ annualIncomeDecimal: "0.00", annualExpensesDecimal: "0.00", annualContributionDecimal: "0.00", successProbability: 1, runOutYear: null });
    expect(p.sources).toEqual({ startingNetWorth: "request", annualContribution: "request", ledgerWindow: null });
    expect(p.outcomes.median.year10Decimal).toBe(cents(100_000n * 105n ** 10n, 100n ** 10n)); // 1628.89 (in cents: 100,000·1.05^10)
    expect(zero.body.yearByYear.every((y: any) => y.projectedSavingsDecimal === "0.00")).toBe(true);
    // A positive contribution grows as income does, a negative one (a withdrawal) as spending does: each at one rate.
    const saving = await run(100, { incomeGrowthRate: 0.02, inflationRate: 0.04 });
    expect(saving.body.yearByYear.map((y: any) => y.projectedSavingsDecimal).slice(0, 3)).toEqual(["100.00", "102.00", "104.04"]);
    expect(saving.body.projection.sources.annualContribution).toBe("request");
    const drawing = await run(-100, { incomeGrowthRate: 0.02, inflationRate: 0.04 });
    expect(drawing.body.yearByYear.map((y: any) => y.projectedSavingsDecimal).slice(0, 3)).toEqual(["-100.00", "-104.00", "-108.16"]);
    expect(drawing.body.projection).toMatchObject({ annualIncomeDecimal: "0.00", annualExpensesDecimal: "100.00", annualContributionDecimal: "-100.00" });
  });
});

describe("projections: ledger defaults beyond a projection's range", () => {
  it("are refused with the exact figure and the field to give, never taken inexactly (a saved scenario then failed to re-run)", async () => {
    const { u, a, spaceId } = await setup();
    // 20 trillion dollars: 2 × 10^15 cents, past the 10^15 a request's own amounts may have.
    await createAccount(u, spaceId, { name: "Vault", openingBalance: "20000000000000.01" });
    const res = await a.post("/v1/projections", { spaceId, save: true, annualContribution: 0, years: 10, scenarios: 100, seed: 1 });
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.error.details).toEqual([
      expect.objectContaining({ field: "startingNetWorth", code: "OUT_OF_RANGE", message: expect.stringContaining("(20000000000000.01)") }),
    ]);
    // Given in the request, the same projection runs and saves, and its saved inputs compare.
    const given = await a.post("/v1/projections", { spaceId, save: true, startingNetWorth: "1000000.00", annualContribution: 0, years: 10, scenarios: 100, seed: 1 });
    expect(given.status, JSON.stringify(given.body)).toBe(201);
    const compared = await a.post("/v1/projections/compare", { scenarioIds: [given.body.scenario.id] });
    expect(compared.status, JSON.stringify(compared.body)).toBe(200);
  });

  it("refuse spending or income derived past the range from amounts within it (saved, they did not re-run)", async () => {
    const { a, spaceId } = await setup();
    const derived = await a.post("/v1/projections", { spaceId, save: true, startingNetWorth: 0, annualIncome: "10000000000000", annualContribution: "-10000000000000", years: 10, scenarios: 100, seed: 1 });
    expect(derived.status, JSON.stringify(derived.body)).toBe(422);
    expect(derived.body.error.details).toEqual([expect.objectContaining({ field: "annualContribution", code: "OUT_OF_RANGE", message: expect.stringContaining("annualExpenses 20000000000000.00") })]);
    const fromSpending = await a.post("/v1/projections", { spaceId, save: false, startingNetWorth: 0, annualExpenses: "10000000000000", annualContribution: "5000000000000", years: 10, scenarios: 100, seed: 1 });
    expect(fromSpending.status).toBe(422);
    expect((await a.get(`/v1/projections/scenarios?spaceId=${spaceId}`)).body.scenarios).toEqual([]);
  });
});

describe("projections: saved scenarios and comparison", () => {
  it("saves, lists and compares scenarios side by side with one seed", async () => {
    const { a, spaceId } = await setup();
    const common = { spaceId, years: 20, scenarios: 1000, startingNetWorth: 100000, annualIncome: 80000, annualExpenses: 60000 };
    const cautious = await a.post("/v1/projections", { ...common, name: "Cautious", seed: 5, assumptions: { portfolioReturn: 0.04, portfolioVolatility: 0.08 } });
    expect(cautious.status, JSON.stringify(cautious.body)).toBe(201);
    expect(cautious.body.scenario).toMatchObject({ name: "Cautious", spaceId });
    expect(cautious.body.scenario.id).toMatch(/^scen_/);
    const bold = await a.post("/v1/projections", { ...common, name: "Bold", seed: 6, assumptions: { portfolioReturn: 0.08, portfolioVolatility: 0.2 }, lifeEvents: [{ year: 3, type: "home_purchase", amount: -50000 }] });
    expect(bold.status).toBe(201);

    const list = await a.get(`/v1/projections/scenarios?spaceId=${spaceId}`);
    expect(list.status).toBe(200);
    expect(list.body.pagination).toMatchObject({ total: 2, hasMore: false });
    expect(list.body.scenarios.map((s: any) => s.name).sort()).toEqual(["Bold", "Cautious"]);
    const saved = list.body.scenarios.find((s: any) => s.name === "Bold");
    expect(saved.seed).toBe(6);
    expect(saved.inputs).toMatchObject({ startingNetWorth: "100000.00", annualIncome: "80000.00", lifeEvents: [{ year: 3, type: "home_purchase", amount: "-50000.00" }] });
    expect(saved.summary.median.year20Decimal).toBe(bold.body.projection.outcomes.median.year20Decimal);

    // A saved scenario re-run with its own seed gives what was saved.
    const ids = [cautious.body.scenario.id, bold.body.scenario.id];
    const own = await a.post("/v1/projections/compare", { scenarioIds: [bold.body.scenario.id], seed: 6 });
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    expect(own.body.scenarios[0].yearByYear).toEqual(bold.body.yearByYear);

    const cmp = await a.post("/v1/projections/compare", { scenarioIds: ids, seed: 99 });
    expect(cmp.status).toBe(200);
    expect(cmp.body.seed).toBe(99);
    expect(cmp.body.scenarios.map((s: any) => s.name)).toEqual(["Cautious", "Bold"]);
    for (const s of cmp.body.scenarios) expect(s.projection.seed).toBe(99);
    // Each equals a fresh run of the same inputs with that seed.
    const fresh = await a.post("/v1/projections", { ...saved.inputs, spaceId, save: false, seed: 99 });
    expect(cmp.body.scenarios[1].yearByYear).toEqual(fresh.body.yearByYear);
    // By space: its latest saved scenarios.
    const bySpace = await a.post("/v1/projections/compare", { spaceId, seed: 99 });
    expect(bySpace.body.scenarios.map((s: any) => s.name).sort()).toEqual(["Bold", "Cautious"]);
    expect((await a.post("/v1/projections/compare", {})).status).toBe(422);
    expect((await a.post("/v1/projections/compare", { scenarioIds: ["scen_nope"] })).status).toBe(404);
  });
});

describe("projections: authorization", () => {
  it("hides another space (404), lets viewers read and only members write (403)", async () => {
    const { u: owner, a, spaceId } = await setup();
    const saved = await a.post("/v1/projections", { spaceId, name: "Mine", years: 10, scenarios: 100, startingNetWorth: 1, annualContribution: 1 });
    expect(saved.status).toBe(201);
    const [stranger, viewer] = await Promise.all([registerUser(), registerUser()]);
    await addMember(owner, spaceId, viewer, "viewer");
    const s = as(stranger);
    const v = as(viewer);
    for (const res of [
      await s.get(`/v1/projections?spaceId=${spaceId}`),
      await s.post("/v1/projections", { spaceId, startingNetWorth: 1, annualContribution: 1 }),
      await s.get(`/v1/projections/scenarios?spaceId=${spaceId}`),
      await s.post("/v1/projections/compare", { spaceId }),
      await s.post("/v1/projections/compare", { scenarioIds: [saved.body.scenario.id] }),
    ]) {
      expect(res.status, JSON.stringify(res.body)).toBe(404);
      expect(res.body.error.code).toBe("RESOURCE_NOT_FOUND");
    }
    // A stranger's bad input still gets 404 first: authorization before any work.
    expect((await s.post("/v1/projections", { spaceId, years: 10, lifeEvents: [{ year: 20, type: "college", amount: -1 }] })).status).toBe(404);
    expect((await v.get(`/v1/projections?spaceId=${spaceId}&years=10&scenarios=100`)).status).toBe(200);
    expect((await v.get(`/v1/projections/scenarios?spaceId=${spaceId}`)).body.scenarios).toHaveLength(1);
    expect((await v.post("/v1/projections", { spaceId, startingNetWorth: 1, annualContribution: 1 })).status).toBe(403);
    expect((await v.post("/v1/projections/compare", { scenarioIds: [saved.body.scenario.id] })).status).toBe(403);
    expect((await callJson(`/v1/projections?spaceId=${spaceId}`)).status).toBe(401);
  });
});

describe("projections: in the reader's language (QA 13-6)", () => {
  it("says its notes in Spanish and Portuguese, and a figure out of range in plain digits, not 1.03e+14", async () => {
    for (const [locale, note, about] of [
      ["es", "retirementAge 60 no es mayor que currentAge 65: retiro desde el año 1", "llega a cerca de 93"],
      ["pt", "retirementAge 60 não é maior que currentAge 65: aposentadoria desde o ano 1", "chega a cerca de 93"],
      ["en", "retirementAge 60 is not above currentAge 65: retired from year 1", "reaches about 93"],
    ] as const) {
      const u = await registerUser({ locale });
      const a = as(u);
      const spaceId = (await a.post("/v1/spaces", { name: "Casa", type: "personal", currency: "USD" })).body.id as string;
      const res = await a.post("/v1/projections", {
        spaceId, save: false, years: 10, scenarios: 100, seed: 1, startingNetWorth: "1000.00", annualIncome: 0, annualExpenses: 0,
        assumptions: { ...flat, portfolioReturn: 0, currentAge: 65, retirementAge: 60 },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.notes).toEqual([note]);
      const past = await a.post("/v1/projections", {
        spaceId, save: false, years: 30, scenarios: 100, seed: 1, startingNetWorth: "10000000000000", annualIncome: 0, annualExpenses: 0,
        assumptions: { ...flat, portfolioReturn: 0.08 },
      });
      expect(past.status).toBe(422);
      const message: string = past.body.error.details[0].message;
      expect(message, message).toContain(about);
      expect(message).toMatch(/93\d00000000000/);
      expect(message).not.toMatch(/e\+/);
    }
  });
});
