/**
 * The pure engine: its percentiles against a full sort, its normal deviates'
 * moments, the lognormal returns' mean and spread, and its determinism.
 */
import { describe, expect, it } from "vitest";
import { type EngineInput, exactRates, NormalSource, percentiles, simulate, stepLogParams } from "../../src/modules/projections/engine";

/** Type 7 (linear interpolation) percentile of a sorted array. */
const byHand = (sorted: Float64Array, p: number) => {
  const h = (sorted.length - 1) * p;
  const k = Math.floor(h);
  return k + 1 < sorted.length ? sorted[k]! + (h - k) * (sorted[k + 1]! - sorted[k]!) : sorted[k]!;
};

const base: EngineInput = {
  years: 30, scenarios: 1000, stepsPerYear: 1, seed: 1, startingNetWorth: 1e7, annualIncome: 1.2e7, annualExpenses: 9.5e6,
  inflationRate: 0.03, incomeGrowthRate: 0.025, portfolioReturn: 0.07, portfolioVolatility: 0.15,
  retirementYear: null, retirementStopsSalary: false, retirementSpending: null, lifeEvents: [],
};

describe("projection engine", () => {
  it("finds the 10th, 50th and 90th percentiles a full sort finds, ties and odd sizes included", () => {
    const src = new NormalSource(3);
    for (const n of [1, 2, 3, 10, 101, 1000, 9999]) {
      const v = new Float64Array(n);
      src.fill(v);
      if (n > 10) for (let i = 0; i < n; i += 7) v[i] = 0.25; // ties
      const sorted = Float64Array.from(v).sort();
      const before = Float64Array.from(v);
      const [p10, p50, p90] = percentiles(v, new Float64Array(n));
      expect([p10, p50, p90]).toEqual([byHand(sorted, 0.1), byHand(sorted, 0.5), byHand(sorted, 0.9)]);
      expect(v).toEqual(before); // the input is left as it was
    }
  });

  it("runs a flat path exactly only for rates of six decimals at most: a subnormal rate's fractions took seconds of CPU", () => {
    const flat = { ...base, portfolioVolatility: 0, years: 100 };
    expect(exactRates({ portfolioReturn: 0.07, incomeGrowthRate: -0.000001, inflationRate: 0.123456 })).toBe(true);
    expect(exactRates({ portfolioReturn: 0.0000001, incomeGrowthRate: 0, inflationRate: 0 })).toBe(false);
    expect(exactRates({ portfolioReturn: 0.07, incomeGrowthRate: 5e-324, inflationRate: 0 })).toBe(false);
    // Before, 30 years of these took about 11 s in the exact path (denominators of 10^324 compounded); 100 never ended.
    const tiny = simulate({ ...flat, inflationRate: 2.2250738585072014e-308, incomeGrowthRate: -4.9406564584124654e-324, portfolioReturn: 1.2345678901234567e-300 });
    expect(tiny.years).toHaveLength(100);
    expect(tiny.years.every((y) => Number.isFinite(y.median) && y.median === y.mean && y.p10 === y.p90)).toBe(true);
    // Six decimals at each rate over 100 years stay in the exact path, and agree with doubles to within rounding.
    const six = { portfolioReturn: 0.071234, incomeGrowthRate: 0.024321, inflationRate: 0.031234 };
    const exact = simulate({ ...flat, ...six });
    const doubles = simulate({ ...flat, ...six, portfolioReturn: 0.0712340000001 });
    expect(Math.abs(exact.years[99]!.median - doubles.years[99]!.median) / exact.years[99]!.median).toBeLessThan(1e-9);
  });

  it("draws standard normals (mean 0, variance 1, normal tails)", () => {
    const z = new Float64Array(1_000_000);
    new NormalSource(12345).fill(z);
    let mean = 0;
    for (const x of z) mean += x;
    mean /= z.length;
    let v = 0, k = 0, tail = 0;
    for (const x of z) {
      v += (x - mean) ** 2;
      k += (x - mean) ** 4;
      if (Math.abs(x) > 3) tail++;
    }
    v /= z.length;
    expect(Math.abs(mean)).toBeLessThan(0.005);
    expect(Math.abs(v - 1)).toBeLessThan(0.01);
    expect(Math.abs(k / z.length / (v * v) - 3)).toBeLessThan(0.05);
    expect(Math.abs(tail / z.length - 0.0026998)).toBeLessThan(0.0003);
  });

  it("draws gross returns with mean 1 + portfolioReturn and the given volatility, yearly and monthly", () => {
    for (const steps of [1, 12]) {
      const { m, s } = stepLogParams(0.07, 0.15, steps);
      const z = new Float64Array(200_000);
      const src = new NormalSource(99);
      const g = new Float64Array(z.length).fill(1);
      for (let k = 0; k < steps; k++) {
        src.fill(z);
        for (let i = 0; i < z.length; i++) g[i]! *= Math.exp(m + s * z[i]!);
      }
      let mean = 0;
      for (const x of g) mean += x;
      mean /= g.length;
      let v = 0;
      for (const x of g) v += (x - mean) ** 2;
      expect(mean).toBeCloseTo(1.07, 2);
      expect(Math.sqrt(v / g.length)).toBeCloseTo(0.15, 2);
    }
  });

  it("is a pure function of its input and seed", () => {
    const a = simulate({ ...base, stepsPerYear: 12 });
    const b = simulate({ ...base, stepsPerYear: 12 });
    expect(b).toEqual(a);
    expect(simulate({ ...base, seed: 2 }).years[29]!.median).not.toBe(simulate(base).years[29]!.median);
  });
});
