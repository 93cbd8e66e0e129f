/**
 * Exact decimal strings for market prices and the one multiplication that
 * turns a quantity and a price into money: integer arithmetic on BigInt,
 * rounded once (half away from zero) to the target scale. No float touches a
 * price or a value.
 */
import { plainDecimal } from "../../lib/money";

/** Most fractional digits a stored price may carry (tiny-cap tokens quote 1e-12 and below). */
export const MAX_PRICE_DECIMALS = 24;

const isDigits = (s: string) => s.length > 0 && [...s].every((ch) => ch >= "0" && ch <= "9");

/**
 * The canonical form of a non-negative decimal (`"67187.330"` -> `"67187.33"`,
 * `"1e-8"` -> `"0.00000001"`), or null when `text` is not one or has more than
 * MAX_PRICE_DECIMALS fractional digits. String work only.
 */
export function canonicalDecimal(text: string): string | null {
  const t = plainDecimal(text.trim().toLowerCase());
  if (t.length === 0 || t.length > 64) return null;
  const dot = t.indexOf(".");
  const whole = dot < 0 ? t : t.slice(0, dot);
  let frac = dot < 0 ? "" : t.slice(dot + 1);
  if (!isDigits(whole) || (dot >= 0 && !isDigits(frac))) return null;
  let end = frac.length;
  while (end > 0 && frac[end - 1] === "0") end--;
  frac = frac.slice(0, end);
  if (frac.length > MAX_PRICE_DECIMALS) return null;
  let w = 0;
  while (w < whole.length - 1 && whole[w] === "0") w++;
  const wholeTrim = whole.slice(w);
  return frac ? `${wholeTrim}.${frac}` : wholeTrim;
}

/** A canonical decimal as (integer digits, scale): "12.345" -> [12345n, 3]. */
export function decimalParts(decimal: string): [bigint, number] {
  const c = canonicalDecimal(decimal.startsWith("-") ? decimal.slice(1) : decimal);
  if (c === null) throw new Error(`Not a decimal: ${decimal}`);
  const dot = c.indexOf(".");
  const scale = dot < 0 ? 0 : c.length - dot - 1;
  const digits = BigInt(c.replace(".", ""));
  return [decimal.startsWith("-") ? -digits : digits, scale];
}

/** n / d rounded half away from zero (d > 0). */
export function divRound(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  if (r === 0n) return q;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice >= d) return n < 0n ? q - 1n : q + 1n;
  return q;
}

const pow10 = (n: number) => 10n ** BigInt(n);

/**
 * quantity (minor units at `quantityScale`) × price (decimal string) in minor
 * units at `targetScale`, rounded once: 2_500_000 (0.025 BTC, scale 8) ×
 * "50000.00" at scale 2 -> 125000n (1250.00).
 */
export function valueMinor(quantityMinor: bigint | number, quantityScale: number, priceDecimal: string, targetScale: number): bigint {
  const [p, ps] = decimalParts(priceDecimal);
  const num = BigInt(quantityMinor) * p * pow10(targetScale);
  return divRound(num, pow10(quantityScale + ps));
}

/** A decimal times an integer ratio, rounded to `scale` places: used by the price simulator and FX quotes. */
export function scaleDecimal(decimal: string, numerator: bigint, denominator: bigint, scale: number): string {
  const [d, ds] = decimalParts(decimal);
  const out = divRound(d * numerator * pow10(scale), denominator * pow10(ds));
  return minorToDecimal(out, scale);
}

/** Exact decimal string of a BigInt minor amount at `scale`, trailing zeros kept: (125000n, 2) -> "1250.00". */
export function minorToDecimal(minor: bigint, scale: number): string {
  const neg = minor < 0n;
  const digits = (neg ? -minor : minor).toString().padStart(scale + 1, "0");
  const body = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return neg ? `-${body}` : body;
}

/** Decimal string -> minor units at `scale`, rounded once half away from zero. */
export function decimalToMinor(decimal: string, scale: number): bigint {
  const [d, ds] = decimalParts(decimal);
  return ds <= scale ? d * pow10(scale - ds) : divRound(d, pow10(ds - scale));
}
