/**
 * A year's income, spending and savings are the same in every scenario: figures of the inputs alone, shown rounded
 * once (half away from zero) from their exact value, as the zero-volatility path already computes them. In doubles,
 * 10000.20 grown by 2.5% (10250.205 exactly) read 10250.20 and 1.00 inflated by 3.5% (1.035) read 1.03: 1.025 and
 * 1.035 are a hair below themselves as doubles, so a half-cent tie fell the wrong way, and the yearly savings no
 * longer matched the exact net-worth path beside them.
 */
import { describe, expect, it } from "vitest";
import { registerUser, userApi } from "../helpers";
import { cents } from "./exact-cents";


describe("projections: a year's flows rounded once from their exact value", () => {
  it("shows 10000.20 at 2.5% growth as 10250.21 and 1.00 at 3.5% inflation as 1.04 in year 2, and every year exactly, with or without volatility", async () => {
    const u = await registerUser();
    const a = userApi(u);
    const spaceId = (await a.post("/v1/spaces", { name: "Home", type: "personal", currency: "USD" })).body.id as string;
    const body = (volatility: number) => ({
      spaceId, save: false, years: 30, scenarios: 100, seed: 3, startingNetWorth: 0, annualIncome: "10000.20", annualExpenses: "1.00",
      assumptions: { incomeGrowthRate: 0.025, inflationRate: 0.035, portfolioReturn: 0, portfolioVolatility: volatility },
    });
    for (const volatility of [0, 0.15]) {
      const res = await a.post("/v1/projections", body(volatility));
      expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
      const rows = res.body.yearByYear;
      expect([rows[1].projectedIncomeDecimal, rows[1].projectedExpensesDecimal], `volatility ${volatility}`).toEqual(["10250.21", "1.04"]);
      let path = 0n; // the net worth with no return, over 40^29 · 200^29
      const D = 40n ** 29n * 200n ** 29n;
      for (let y = 1; y <= 30; y++) {
        const k = BigInt(y - 1);
        const incomeN = 1000020n * 41n ** k, incomeD = 40n ** k;
        const spendN = 100n * 207n ** k, spendD = 200n ** k;
        const row = rows[y - 1];
        expect(row.projectedIncomeDecimal, `income, year ${y}, volatility ${volatility}`).toBe(cents(incomeN, incomeD));
        expect(row.projectedExpensesDecimal, `expenses, year ${y}, volatility ${volatility}`).toBe(cents(spendN, spendD));
        const savings = (incomeN * (D / incomeD)) - (spendN * (D / spendD));
        expect(row.projectedSavingsDecimal, `savings, year ${y}, volatility ${volatility}`).toBe(cents(savings, D));
        path += savings;
        // No return: the one path, exact, is the sum of the years' exact savings.
        if (volatility === 0) expect(row.projectedNetWorthDecimal, `net worth, year ${y}`).toBe(cents(path, D));
      }
    }
  });
});
