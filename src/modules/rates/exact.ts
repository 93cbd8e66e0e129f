/**
 * Exact rational arithmetic for currency conversion. Rates are exact decimal
 * strings ("17.0512"); an amount times a rate, an inverse rate or a cross
 * rate through USD stays an exact fraction of BigInts, and a converted total
 * is rounded ONCE, at the end, to the target's minor unit.
 *
 * Rounding rule: half-even (banker's rounding): a total exactly halfway
 * between two minor units goes to the even one (0.125 -> 0.12, 0.135 -> 0.14).
 */
import { formatMinor } from "../../lib/money";

/** n/d with d > 0, in lowest terms. */
export interface Frac {
  n: bigint;
  d: bigint;
}

const abs = (x: bigint) => (x < 0n ? -x : x);
function gcd(a: bigint, b: bigint): bigint {
  a = abs(a);
  b = abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}

export function frac(n: bigint, d: bigint = 1n): Frac {
  if (d === 0n) throw new Error("zero denominator");
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const g = gcd(n, d) || 1n;
  return { n: n / g, d: d / g };
}

export const ZERO: Frac = { n: 0n, d: 1n };

/*
 * Sums of many converted amounts have denominators of thousands of digits
 * (one factor per day's rate), where a gcd per step costs milliseconds. So a
 * fraction here need not be in lowest terms: every function accepts any
 * d > 0, and fractions on one shared denominator (see `sumOnCommonDenominator`)
 * add and compare as integers. Values are exact either way.
 */

/** a + b: no gcd when a denominator is shared or a term is 0. */
export const add = (a: Frac, b: Frac): Frac => {
  if (a.n === 0n) return b;
  if (b.n === 0n) return a;
  if (a.d === b.d) return { n: a.n + b.n, d: a.d };
  return frac(a.n * b.d + b.n * a.d, a.d * b.d);
};
export const neg = (a: Frac): Frac => ({ n: -a.n, d: a.d });
export const sub = (a: Frac, b: Frac): Frac => add(a, neg(b));
/** Sign of a − b. */
export const cmp = (a: Frac, b: Frac): number => {
  const x = a.d === b.d ? a.n - b.n : a.n * b.d - b.n * a.d;
  return x > 0n ? 1 : x < 0n ? -1 : 0;
};

/** Product of many integers, pairwise (a balanced tree keeps each multiplication's operands alike in size). */
function product(xs: bigint[]): bigint {
  if (xs.length === 0) return 1n;
  let level = xs;
  while (level.length > 1) {
    const next: bigint[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? level[i]! * level[i + 1]! : level[i]!);
    level = next;
  }
  return level[0]!;
}

/** Numerators of `xs` over one denominator D (the product of their distinct denominators): x_i = nums[i] / D. */
export function onCommonDenominator(xs: Frac[]): { nums: bigint[]; d: bigint } {
  const ds = [...new Set(xs.map((x) => x.d))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const D = product(ds);
  return { nums: xs.map((x) => (x.d === D ? x.n : x.n * (D / x.d))), d: D };
}

/**
 * Exact sums of several lists of fractions, all on ONE denominator D (the
 * product of the distinct denominators of all terms): Σ n_i·(D/d_i) / D. No
 * gcd anywhere, so the cost grows linearly with the number of distinct
 * denominators instead of quadratically; the sums add and compare as
 * integers. A single distinct denominator gives reduced results as before.
 */
export function sumOnCommonDenominator(lists: Frac[][]): Frac[] {
  const perList = lists.map((terms) => {
    const byD = new Map<bigint, bigint>();
    for (const t of terms) if (t.n !== 0n) byD.set(t.d, (byD.get(t.d) ?? 0n) + t.n);
    return byD;
  });
  const distinct = new Set<bigint>();
  for (const m of perList) for (const d of m.keys()) distinct.add(d);
  if (distinct.size <= 1) {
    return perList.map((m) => {
      const [e] = [...m.entries()];
      return e ? frac(e[1], e[0]) : ZERO;
    });
  }
  const ds = [...distinct].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const D = product(ds);
  const factor = new Map(ds.map((d) => [d, D / d]));
  return perList.map((m) => {
    let n = 0n;
    for (const [d, x] of m) n += x * factor.get(d)!;
    return { n, d: D };
  });
}
export const mul = (a: Frac, b: Frac) => frac(a.n * b.n, a.d * b.d);
export const inv = (a: Frac) => frac(a.d, a.n);
export const pow10 = (k: number) => 10n ** BigInt(k);

/** Most digits a rate may carry on either side of the point. */
export const MAX_RATE_DIGITS = 12;

/** A positive exact decimal ("17.0512", "0.000058") as a fraction; null if it is not one (a rate as written: 12 digits either side at most). */
export function parseRate(text: string): Frac | null {
  return parseDecimalFrac(/^(\d{1,12})(?:\.(\d{1,12}))?$/.exec(text));
}

/**
 * A positive exact decimal of any stored rate or price as a fraction, or null: what the rate book reads. Wider than
 * `parseRate` (what a rate may be written with): a market price is stored with up to 24 decimals (prices/decimal.ts),
 * and one with 13 or more was dropped from the book, its coin's holdings left unconverted as if no price were known.
 */
export function parseStoredRate(text: string): Frac | null {
  return text.length <= 64 ? parseDecimalFrac(/^(\d{1,40})(?:\.(\d{1,24}))?$/.exec(text)) : null;
}

function parseDecimalFrac(m: RegExpExecArray | null): Frac | null {
  if (!m) return null;
  const fracPart = m[2] ?? "";
  const f = frac(BigInt(m[1]! + fracPart), pow10(fracPart.length));
  return f.n > 0n ? f : null;
}

/**
 * The canonical text of a rate: no leading zeros, no trailing fractional zeros ("017.50" -> "17.5"). `parse` says
 * which rates are taken: as a space writes one (the default), or as a provider may send one (`parseStoredRate`).
 */
export function canonicalRate(text: string, parse: (text: string) => Frac | null = parseRate): string | null {
  if (!parse(text)) return null;
  let [whole, part = ""] = text.split(".");
  whole = whole!.replace(/^0+(?=\d)/, "");
  let end = part.length;
  while (end > 0 && part[end - 1] === "0") end--;
  part = part.slice(0, end);
  return part ? `${whole}.${part}` : whole;
}

/** Rounds to the nearest integer, ties to even. */
export function roundHalfEven(x: Frac): bigint {
  const q = x.n >= 0n ? x.n / x.d : -((-x.n + x.d - 1n) / x.d); // floor
  const r = x.n - q * x.d; // 0 <= r < d
  const twice = 2n * r;
  if (twice < x.d) return q;
  if (twice > x.d) return q + 1n;
  return q % 2n === 0n ? q : q + 1n;
}

/** Integer part toward minus infinity. */
export const floorFrac = (x: Frac) => (x.n >= 0n ? x.n / x.d : -((-x.n + x.d - 1n) / x.d));

/**
 * A derived rate (`x` > 0) as a decimal string: `places` decimals, or as many more as keep `places` significant digits
 * when the rate is below 0.1 (COP→BTC, 1 / 393209773, is 0.00000000254317178429, not a 4-digit 0.000000002543),
 * rounded half-even.
 */
export function rateToDecimal(x: Frac, places = 12): string {
  let leadingZeros = 0;
  // Digits between the point and the first significant one: 0.0587 has one, 0.0000000025 has eight.
  while (x.n > 0n && x.n * pow10(leadingZeros + 1) < x.d) leadingZeros++;
  return fracToDecimal(x, places + leadingZeros);
}

/** `x` as a decimal string with `places` decimals, rounded half-even (for derived rates only; totals use roundHalfEven). */
export const fracToDecimal = (x: Frac, places: number) => formatMinor(roundHalfEven(mul(x, frac(pow10(places)))), places);
