/**
 * Sums on one common denominator (the dashboard's fast path) equal the
 * step-by-step reduced fraction sums, and the largest-remainder split on
 * integers equals the split on fractions, for random rates and amounts.
 */
import { describe, expect, it } from "vitest";
import { largestRemainder } from "../../src/modules/analytics/dashboard";
import { Converter, type DatedAmount, RateBook, type RateRow } from "../../src/modules/rates/convert";
import { cmp, frac, type Frac, inv, mul, onCommonDenominator, roundHalfEven, sub, sumOnCommonDenominator } from "../../src/modules/rates/exact";
import { mulberry32 } from "./fixture";

const slowAdd = (a: Frac, b: Frac) => frac(a.n * b.d + b.n * a.d, a.d * b.d);
const eq = (a: Frac, b: Frac) => a.n * b.d === b.n * a.d;

describe("exact sums", () => {
  it("on a common denominator equal the reduced step-by-step sums", () => {
    const rnd = mulberry32(14);
    const lists: Frac[][] = [];
    for (let l = 0; l < 6; l++) {
      const terms: Frac[] = [];
      for (let i = 0; i < 80; i++) terms.push(mul(frac(BigInt(Math.floor(rnd() * 2_000_000) - 1_000_000)), inv(frac(BigInt(160_000 + Math.floor(rnd() * 20_000)), 10_000n))));
      lists.push(terms);
    }
    const fast = sumOnCommonDenominator(lists);
    const slow = lists.map((t) => t.reduce(slowAdd, frac(0n)));
    fast.forEach((f, i) => {
      expect(eq(f, slow[i]!)).toBe(true);
      expect(roundHalfEven(f)).toBe(roundHalfEven(slow[i]!));
      expect(f.d).toBe(fast[0]!.d);
    });
    expect(cmp(fast[0]!, fast[1]!)).toBe(Math.sign(Number(sub(slow[0]!, slow[1]!).n)));
    const { nums, d } = onCommonDenominator(slow);
    nums.forEach((n, i) => expect(eq({ n, d }, slow[i]!)).toBe(true));
  });

  it("through the converter: a year of daily rates, one rounding, the same as summing fractions", () => {
    const rows: RateRow[] = [];
    const amounts: DatedAmount[] = [];
    for (let i = 0; i < 365; i++) {
      const date = new Date(Date.UTC(2025, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
      rows.push({ base: "USD", quote: "MXN", date, rate: `17.${String(1000 + ((i * 7919) % 9000)).padStart(4, "0")}`, source: "test" });
      amounts.push({ currency: "MXN", minor: BigInt(1000 + i * 37), date }, { currency: "USD", minor: BigInt(i), date });
    }
    const c = new Converter(new RateBook(rows), "USD");
    const got = c.exact(amounts, "t");
    const want = amounts.reduce((s, a) => {
      if (a.currency === "USD") return slowAdd(s, frac(a.minor));
      const r = rows.find((x) => x.date === a.date)!.rate;
      const [w, f] = r.split(".");
      return slowAdd(s, frac(a.minor * 10n ** BigInt(f!.length), BigInt(w! + f!)));
    }, frac(0n));
    expect(eq(got, want)).toBe(true);
    expect(c.total(amounts, "t")).toBe(roundHalfEven(want));
  });

  it("largest remainder on integers matches the fraction method", () => {
    const rnd = mulberry32(7);
    for (let k = 0; k < 50; k++) {
      const ws = Array.from({ length: 1 + Math.floor(rnd() * 7) }, () => frac(BigInt(Math.floor(rnd() * 100_000)), BigInt(1 + Math.floor(rnd() * 999))));
      const parts = largestRemainder(ws, 1000n);
      const sum = ws.reduce(slowAdd, frac(0n));
      if (sum.n === 0n) {
        expect(parts.every((p) => p === 0n)).toBe(true);
        continue;
      }
      expect(parts.reduce((a, b) => a + b, 0n)).toBe(1000n);
      // Each part is the floor or the ceiling of its exact quota.
      ws.forEach((w, i) => {
        const q = mul(mul(w, frac(1000n)), frac(sum.d, sum.n));
        const fl = q.n / q.d;
        expect(parts[i] === fl || parts[i] === fl + 1n).toBe(true);
      });
    }
  });
});
