/**
 * The Monte Carlo projection engine: pure computation, no I/O, no clock.
 *
 * Each scenario starts from the same net worth and, every step (a year, or a
 * month with `stepsPerYear: 12`), grows what it holds by a gross return drawn
 * from a lognormal distribution whose mean is `1 + portfolioReturn` and whose
 * standard deviation is `portfolioVolatility` (per year), then adds that step's
 * savings. Income, spending and life events are the same in every scenario;
 * only returns are random. Draws come from a seeded sfc32 generator (normals by
 * the ziggurat method), so the same input and seed give the same output.
 *
 * Conventions (also in the README):
 * - Year y (1-based) income is `annualIncome·(1+incomeGrowth)^(y-1)` and spending
 *   `annualExpenses·(1+inflation)^(y-1)`; both arrive at the end of the step
 *   (monthly: a twelfth at the end of each month).
 * - From the retirement year on, spending is `retirementSpending` in today's
 *   money, inflated the same way; retirement by age alone stops the salary;
 *   a `retirement` life event changes income by its `incomeChange` instead.
 * - A life event's `amount` (nominal, signed) lands at the end of its year;
 *   its `incomeChange` applies to every year from its own on. Income never goes
 *   below zero.
 * - Only positive net worth earns returns: a negative balance (debt after
 *   running out) is carried without growth.
 * - A scenario runs out in the first year in which a step leaves its net
 *   worth below zero and lower than it was (drawing down: a debt being paid
 *   off is not running out). Success is never running out within the horizon.
 *
 * With no volatility and yearly steps every scenario is one path, computed exactly
 * in rationals (`simulateFlatYearly`); monthly steps compound by the twelfth root
 * of the yearly return, which has no exact form, and stay in doubles. A year's
 * income, spending and savings, the same in every scenario, are shown from their
 * exact values in any run (`exactFlows`) when the growth and inflation rates have
 * at most six decimals.
 *
 * All money here is in minor units of the space's currency as doubles; callers
 * round the results once (`roundMinor`) to integer minor units. The mean is already
 * whole: the exact mean of the scenarios' values each rounded so (`exactMean`).
 */

import { add, cmp, type Frac, frac, mul, roundHalfEven, sub, ZERO } from "../rates/exact";
import { plainDecimal } from "../../lib/money";

export interface EngineLifeEvent {
  /** 1-based year of the projection in which the event happens. */
  year: number;
  /** One-off flow in that year, minor units (negative: money out). */
  amount: number;
  /** Change to annual income from this year on, minor units. */
  incomeChange: number;
}

export interface EngineInput {
  years: number;
  scenarios: number;
  stepsPerYear: 1 | 12;
  /** Unsigned 32-bit seed. */
  seed: number;
  startingNetWorth: number;
  annualIncome: number;
  annualExpenses: number;
  inflationRate: number;
  incomeGrowthRate: number;
  portfolioReturn: number;
  portfolioVolatility: number;
  /** First year (1-based) of retirement, or null. */
  retirementYear: number | null;
  /** Whether retirement stops the salary (retirement by age without a retirement event). */
  retirementStopsSalary: boolean;
  /** Annual spending in retirement in today's money, or null to keep `annualExpenses`. */
  retirementSpending: number | null;
  lifeEvents: EngineLifeEvent[];
}

export interface EngineYear {
  year: number;
  income: number;
  expenses: number;
  /** Income − expenses + life event amounts of the year. */
  savings: number;
  lifeEventAmount: number;
  median: number;
  p10: number;
  p90: number;
  mean: number;
  /** Share of scenarios that have run out by the end of this year. */
  runOutShare: number;
}

export interface EngineResult {
  seed: number;
  years: EngineYear[];
  /** Scenarios that never ran out. */
  successCount: number;
  /** First year by whose end at least half the scenarios had run out, or null. */
  runOutYear: number | null;
  /** First year in which any scenario ran out, or null. */
  earliestRunOutYear: number | null;
}

// ---------------------------------------------------------------------------
// Seeded randomness: sfc32 (Chris Doty-Humphrey's Small Fast Counting RNG),
// seeded through splitmix32 so that nearby seeds give unrelated streams.
// ---------------------------------------------------------------------------

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * A normal-deviate source over sfc32: fills arrays with standard normals.
 * The generator's state lives in an Int32Array and the hot loop in a plain
 * function on locals: as a class with fields and a method, workerd ran the
 * same loop about three times slower.
 */
export class NormalSource {
  /** sfc32's a, b, c and counter d. */
  private readonly state = new Int32Array(4);

  constructor(seed: number) {
    const sm = splitmix32(seed);
    this.state[0] = sm();
    this.state[1] = sm();
    this.state[2] = sm();
    this.state[3] = 1;
    for (let i = 0; i < 12; i++) nextU32(this.state);
  }

  /** Next 32-bit output as an unsigned integer. */
  next(): number {
    return nextU32(this.state);
  }

  /**
   * Fills `out` with independent standard normal deviates: Marsaglia and
   * Tsang's ziggurat (128 layers), with the layer chosen from separate bits
   * than the value (Doornik's remedy for the original's correlation).
   */
  fill(out: Float64Array): void {
    fillNormals(out, this.state);
  }
}

/** One sfc32 step on `s` (a, b, c, d); returns the output as an unsigned integer. */
function nextU32(s: Int32Array): number {
  const a = s[0]!, b = s[1]!, c = s[2]!, d = s[3]!;
  const t = (((a + b) | 0) + d) | 0;
  s[3] = (d + 1) | 0;
  s[0] = b ^ (b >>> 9);
  s[1] = (c + (c << 3)) | 0;
  s[2] = (((c << 21) | (c >>> 11)) + t) | 0;
  return t >>> 0;
}

/** A uniform deviate on (0, 1). */
const uniform = (s: Int32Array) => (nextU32(s) + 0.5) * 2.3283064365386963e-10;

function fillNormals(out: Float64Array, state: Int32Array): void {
  const n = out.length;
  const kn = KN, wn = WN;
  let a = state[0]!, b = state[1]!, c = state[2]!, d = state[3]!;
  for (let i = 0; i < n; i++) {
    const hz = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0; a = b ^ (b >>> 9); b = (c + (c << 3)) | 0; c = (c << 21) | (c >>> 11); c = (c + hz) | 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0; a = b ^ (b >>> 9); b = (c + (c << 3)) | 0; c = (c << 21) | (c >>> 11); c = (c + t) | 0;
    const iz = t & 127;
    if ((hz < 0 ? -hz : hz) < kn[iz]!) {
      out[i] = hz * wn[iz]!;
    } else {
      // The rare path (about 1 in 100) draws more: it works on the state array.
      state[0] = a; state[1] = b; state[2] = c; state[3] = d;
      out[i] = zigguratSlow(hz, iz, state);
      a = state[0]!; b = state[1]!; c = state[2]!; d = state[3]!;
    }
  }
  state[0] = a; state[1] = b; state[2] = c; state[3] = d;
}

/** The ziggurat's rare path: the wedges and the tail. */
function zigguratSlow(hz: number, iz: number, state: Int32Array): number {
  const r = ZIG_R;
  for (;;) {
    const x = hz * WN[iz]!;
    if (iz === 0) {
      let tx: number, ty: number;
      do {
        tx = -Math.log(uniform(state)) / r;
        ty = -Math.log(uniform(state));
      } while (ty + ty < tx * tx);
      return hz > 0 ? r + tx : -r - tx;
    }
    if (FN[iz]! + uniform(state) * (FN[iz - 1]! - FN[iz]!) < Math.exp(-0.5 * x * x)) return x;
    hz = nextU32(state) | 0;
    iz = nextU32(state) & 127;
    if (Math.abs(hz) < KN[iz]!) return hz * WN[iz]!;
  }
}

/** Ziggurat tables for the standard normal, 128 layers over 32-bit signed integers. */
const ZIG_R = 3.442619855899;
const KN = new Float64Array(128);
const WN = new Float64Array(128);
const FN = new Float64Array(128);
{
  const m1 = 2147483648;
  const vn = 9.91256303526217e-3;
  let dn = ZIG_R;
  let tn = dn;
  const q = vn / Math.exp(-0.5 * dn * dn);
  KN[0] = (dn / q) * m1;
  KN[1] = 0;
  WN[0] = q / m1;
  WN[127] = dn / m1;
  FN[0] = 1;
  FN[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(vn / dn + Math.exp(-0.5 * dn * dn)));
    KN[i + 1] = (dn / tn) * m1;
    tn = dn;
    FN[i] = Math.exp(-0.5 * dn * dn);
    WN[i] = dn / m1;
  }
}

// ---------------------------------------------------------------------------
// Percentiles: linear interpolation between order statistics (R's type 7),
// found by quickselect in place on a scratch copy.
// ---------------------------------------------------------------------------

/** Rearranges `x[lo..hi]` so that `x[k]` is the k-th smallest (Hoare partition, median-of-three pivot). */
function select(x: Float64Array, lo: number, hi: number, k: number): void {
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // Median of three as pivot.
    const a = x[lo]!, b = x[mid]!, c = x[hi]!;
    const p = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo, j = hi;
    while (i <= j) {
      while (x[i]! < p) i++;
      while (x[j]! > p) j--;
      if (i <= j) {
        const tmp = x[i]!; x[i] = x[j]!; x[j] = tmp;
        i++; j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

/** Minimum of x[from..to]. */
function minOf(x: Float64Array, from: number, to: number): number {
  let m = x[from]!;
  for (let i = from + 1; i <= to; i++) if (x[i]! < m) m = x[i]!;
  return m;
}

/**
 * The 10th, 50th and 90th percentiles of `values` (scratch is overwritten).
 * Selecting the median first leaves each outer percentile to one side of it.
 */
export function percentiles(values: Float64Array, scratch: Float64Array): [number, number, number] {
  const n = values.length;
  scratch.set(values);
  const at = (p: number, lo: number, hi: number) => {
    const h = (n - 1) * p;
    const k = Math.floor(h);
    select(scratch, lo, hi, k);
    const base = scratch[k]!;
    const frac = h - k;
    if (frac === 0 || k + 1 >= n) return base;
    return base + frac * (minOf(scratch, k + 1, hi) - base);
  };
  const kMed = Math.floor((n - 1) * 0.5);
  const p50 = at(0.5, 0, n - 1);
  // After selecting kMed, everything left of it is <= and right of it >=.
  const p10 = at(0.1, 0, kMed);
  const p90 = at(0.9, kMed, n - 1);
  return [p10, p50, p90];
}

// ---------------------------------------------------------------------------
// The simulation.
// ---------------------------------------------------------------------------

/** Each year's flows as a projection year shows them: `exactFlows`' when the rates allow, else the doubles' rounded once. */
type ShownFlows = { income: number[]; expenses: number[]; savings: number[]; events: number[] };

function shownFlows(input: EngineInput, f: ReturnType<typeof yearlyFlows>, exactAlready?: ReturnType<typeof exactFlows>): ShownFlows {
  const exact = exactAlready ?? (exactFlowRates(input) ? exactFlows(input) : null);
  if (exact) {
    return {
      income: exact.income.map((x) => Number(roundAway(x))),
      expenses: exact.expenses.map((x) => Number(roundAway(x))),
      savings: exact.income.map((x, i) => Number(roundAway(add(sub(x, exact.expenses[i]!), exact.events[i]!)))),
      events: [...f.events],
    };
  }
  const income = [...f.income];
  const expenses = [...f.expenses];
  return { income, expenses, savings: income.map((x, i) => x - expenses[i]! + f.events[i]!), events: [...f.events] };
}

/** Year `y`'s flows as a projection year shows them (the same in every scenario and in the exact path). */
const flowsOfYear = (f: ShownFlows, y: number) => ({
  year: y,
  income: f.income[y - 1]!,
  expenses: f.expenses[y - 1]!,
  savings: f.savings[y - 1]!,
  lifeEventAmount: f.events[y - 1]!,
});

/**
 * The flows of each year (income, spending, life event amounts) as exact fractions, the rates as the decimals they were
 * written: what `yearlyFlows` computes in doubles. Shown, a year's figure is its exact value rounded once; in doubles
 * 10000.20 grown by 2.5% (10250.205) read 10250.20 and 1.00 inflated by 3.5% (1.035) read 1.03, a tie fallen the wrong
 * way since 1.025 and 1.035 are a hair below themselves as doubles.
 */
function exactFlows(input: EngineInput): { income: Frac[]; expenses: Frac[]; events: Frac[] } {
  const one = frac(1n);
  const incomeGrowth = add(one, decimalFrac(input.incomeGrowthRate));
  const inflation = add(one, decimalFrac(input.inflationRate));
  let incomeFactor = one;
  let inflationFactor = one;
  let incomeChange = 0n;
  const income: Frac[] = [];
  const expenses: Frac[] = [];
  const events: Frac[] = [];
  for (let y = 1; y <= input.years; y++) {
    let eventAmount = 0n;
    for (const e of input.lifeEvents) {
      if (e.year !== y) continue;
      eventAmount += BigInt(e.amount);
      incomeChange += BigInt(e.incomeChange);
    }
    const retired = input.retirementYear !== null && y >= input.retirementYear;
    const salary = retired && input.retirementStopsSalary ? ZERO : mul(frac(BigInt(input.annualIncome)), incomeFactor);
    const yearIncome = add(salary, frac(incomeChange));
    income.push(cmp(yearIncome, ZERO) < 0 ? ZERO : yearIncome);
    const spendingNow = retired && input.retirementSpending !== null ? input.retirementSpending : input.annualExpenses;
    expenses.push(mul(frac(BigInt(spendingNow)), inflationFactor));
    events.push(frac(eventAmount));
    incomeFactor = mul(incomeFactor, incomeGrowth);
    inflationFactor = mul(inflationFactor, inflation);
  }
  return { income, expenses, events };
}

/** The deterministic flows of each year (income, spending, events), 1-based years at index y-1. */
export function yearlyFlows(input: EngineInput) {
  const { years } = input;
  const income = new Float64Array(years);
  const expenses = new Float64Array(years);
  const events = new Float64Array(years);
  let incomeChange = 0;
  for (let y = 1; y <= years; y++) {
    for (const e of input.lifeEvents) {
      if (e.year === y) {
        events[y - 1]! += e.amount;
        incomeChange += e.incomeChange;
      }
    }
    const retired = input.retirementYear !== null && y >= input.retirementYear;
    const salary = retired && input.retirementStopsSalary ? 0 : input.annualIncome * Math.pow(1 + input.incomeGrowthRate, y - 1);
    income[y - 1] = Math.max(0, salary + incomeChange);
    const inflate = Math.pow(1 + input.inflationRate, y - 1);
    expenses[y - 1] = retired && input.retirementSpending !== null ? input.retirementSpending * inflate : input.annualExpenses * inflate;
  }
  return { income, expenses, events };
}

/** Lognormal parameters (of log gross return per step) for a mean gross return `1+mu` and standard deviation `sigma` per year. */
export function stepLogParams(mu: number, sigma: number, stepsPerYear: number) {
  const g = 1 + mu;
  const s2 = Math.log(1 + (sigma * sigma) / (g * g));
  return { m: (Math.log(g) - s2 / 2) / stepsPerYear, s: Math.sqrt(s2 / stepsPerYear) };
}

/** Rounds to an integer, halves away from zero: the one rounding a figure gets (as the service renders them). */
export const roundMinor = (x: number) => (x < 0 ? -Math.round(-x) : Math.round(x));

const SPLIT = 2 ** 26;

/**
 * The mean of `values` each rounded once to minor units (roundMinor), exact: the rounded values summed without
 * loss, the sum divided by their count half to even. One double accumulating them lost minor units past 2^53
 * (10,000 scenarios of 10^15 minor units each): with no volatility, when every scenario is the same, the mean
 * read 107 minor units below the median. Each rounded value within 2^53 splits into a high part (at most 2^27
 * in magnitude) and a low one (below 2^26), whose sums over up to 2^26 values are exact doubles; one beyond
 * 2^53 (a double there is an integer) goes into a BigInt. The mean is an integer number of minor units (a
 * double, exact within 2^53; beyond, the service refuses it).
 */
export function exactMean(values: Float64Array): number {
  let hi = 0;
  let lo = 0;
  let big = 0n;
  for (let j = 0; j < values.length; j++) {
    const r = roundMinor(values[j]!);
    if (r <= Number.MAX_SAFE_INTEGER && r >= -Number.MAX_SAFE_INTEGER) {
      const h = Math.floor(r / SPLIT);
      hi += h;
      lo += r - h * SPLIT;
    } else if (Number.isFinite(r)) {
      big += BigInt(r);
    } else {
      return r;
    }
  }
  const sum = BigInt(hi) * BigInt(SPLIT) + BigInt(lo) + big;
  return Number(roundHalfEven(frac(sum, BigInt(values.length))));
}

/** A rate as the decimal it was written (JSON text parses to the double whose shortest form is that text): 0.07 is 7/100. */
function decimalFrac(x: number): Frac {
  const text = plainDecimal(String(x));
  const negative = text.startsWith("-");
  const [whole, fraction = ""] = (negative ? text.slice(1) : text).split(".");
  const n = BigInt(whole! + fraction);
  return frac(negative ? -n : n, 10n ** BigInt(fraction.length));
}

/** Rounds a fraction to an integer, halves away from zero (as roundMinor does a double). */
function roundAway(x: Frac): bigint {
  const m = x.n < 0n ? -x.n : x.n;
  const q = (2n * m + x.d) / (2n * x.d);
  return x.n < 0n ? -q : q;
}

/**
 * Zero volatility with yearly steps: every scenario is the same path, computed here exactly in rationals (the rates
 * as the decimals they were written, each figure rounded once at the end). In doubles the compounding drifted by a
 * minor unit at large amounts: 9 × 10^12 at 7% gave 15463675618487.29 in year 8 for the exact …487.28. The path
 * adds `exactFlows`' figures, which are also the flows shown (in every run, `shownFlows`).
 */
function simulateFlatYearly(input: EngineInput): EngineResult {
  const { years, scenarios: n } = input;
  const flows = exactFlows(input);
  const shown = shownFlows(input, yearlyFlows(input), flows);
  const growth = add(frac(1n), decimalFrac(input.portfolioReturn));
  let w = frac(BigInt(input.startingNetWorth));
  let ranOutYear: number | null = null;
  const out: EngineYear[] = [];
  for (let y = 1; y <= years; y++) {
    const flow = add(sub(flows.income[y - 1]!, flows.expenses[y - 1]!), flows.events[y - 1]!);
    const next = add(cmp(w, ZERO) > 0 ? mul(w, growth) : w, flow);
    if (ranOutYear === null && cmp(next, ZERO) < 0 && cmp(next, w) < 0) ranOutYear = y;
    w = next;
    const value = Number(roundAway(w));
    out.push({
      ...flowsOfYear(shown, y),
      median: value,
      p10: value,
      p90: value,
      mean: value,
      runOutShare: ranOutYear === null ? 0 : 1,
    });
  }
  return { seed: input.seed >>> 0, years: out, successCount: ranOutYear === null ? n : 0, runOutYear: ranOutYear, earliestRunOutYear: ranOutYear };
}

/**
 * Decimals a rate may have for the exact path: each one multiplies the fractions' denominators by 10 a year, and a
 * rate such as 5e-324 (324 decimals) made 30 years of them ten thousand digits long, about 11 s of CPU a request.
 * Six decimals (0.000001, a ten-thousandth of a percent) cover any rate a person writes; others run in doubles.
 */
const EXACT_RATE_DECIMALS = 6;
const decimalsOf = (x: number) => {
  const text = plainDecimal(String(x));
  const dot = text.indexOf(".");
  return dot < 0 ? 0 : text.length - dot - 1;
};
export const exactRates = (input: Pick<EngineInput, "portfolioReturn" | "incomeGrowthRate" | "inflationRate">) =>
  [input.portfolioReturn, input.incomeGrowthRate, input.inflationRate].every((r) => decimalsOf(r) <= EXACT_RATE_DECIMALS);
/** Whether the flows' rates (growth and inflation) can be taken exactly: the flows shown are then `exactFlows`'. */
const exactFlowRates = (input: Pick<EngineInput, "incomeGrowthRate" | "inflationRate">) =>
  [input.incomeGrowthRate, input.inflationRate].every((r) => decimalsOf(r) <= EXACT_RATE_DECIMALS);

export function simulate(input: EngineInput): EngineResult {
  if (input.portfolioVolatility === 0 && input.stepsPerYear === 1 && exactRates(input)) return simulateFlatYearly(input);
  const { years, scenarios: n, stepsPerYear } = input;
  const flows = yearlyFlows(input);
  const shown = shownFlows(input, flows);
  const { m, s } = stepLogParams(input.portfolioReturn, input.portfolioVolatility, stepsPerYear);
  // Zero volatility: the exact gross return per step, no draws.
  const fixedGrowth = s === 0 ? Math.pow(1 + input.portfolioReturn, 1 / stepsPerYear) : 0;

  const wealth = new Float64Array(n).fill(input.startingNetWorth);
  const z = new Float64Array(n);
  const scratch = new Float64Array(n);
  /** The year (1-based) each scenario first ran out, 0 if not yet. */
  const ranOut = new Uint8Array(n);
  const rng = new NormalSource(input.seed);
  const out: EngineYear[] = [];
  let runOutCount = 0;
  let runOutYear: number | null = null;
  let earliestRunOutYear: number | null = null;

  for (let y = 1; y <= years; y++) {
    const flowPerStep = (flows.income[y - 1]! - flows.expenses[y - 1]!) / stepsPerYear;
    for (let step = 1; step <= stepsPerYear; step++) {
      const flow = step === stepsPerYear ? flowPerStep + flows.events[y - 1]! : flowPerStep;
      if (s === 0) {
        for (let j = 0; j < n; j++) {
          const w = wealth[j]!;
          const next = (w > 0 ? w * fixedGrowth : w) + flow;
          wealth[j] = next;
          if (next < 0 && next < w && ranOut[j] === 0) ranOut[j] = y;
        }
      } else {
        rng.fill(z);
        for (let j = 0; j < n; j++) {
          const w = wealth[j]!;
          const next = (w > 0 ? w * Math.exp(m + s * z[j]!) : w) + flow;
          wealth[j] = next;
          if (next < 0 && next < w && ranOut[j] === 0) ranOut[j] = y;
        }
      }
    }
    let newlyOut = 0;
    for (let j = 0; j < n; j++) if (ranOut[j] === y) newlyOut++;
    if (newlyOut > 0 && earliestRunOutYear === null) earliestRunOutYear = y;
    runOutCount += newlyOut;
    if (runOutYear === null && runOutCount * 2 >= n && runOutCount > 0) runOutYear = y;
    const [p10, p50, p90] = percentiles(wealth, scratch);
    out.push({
      ...flowsOfYear(shown, y),
      median: p50,
      p10,
      p90,
      mean: exactMean(wealth),
      runOutShare: runOutCount / n,
    });
  }
  return { seed: input.seed >>> 0, years: out, successCount: n - runOutCount, runOutYear, earliestRunOutYear };
}
