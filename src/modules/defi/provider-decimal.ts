/**
 * A provider's figure (a JSON number's source text, or a decimal string) as an exact canonical decimal, for the
 * DeFi and gaming clients. Two things canonicalDecimal alone does not do:
 * - the exponent is bounded before the text is expanded: "1e999999999" would otherwise be expanded to a
 *   billion-character string (a RangeError, or the isolate's memory) and fail the wallet's whole sync;
 * - digits past MAX_PRICE_DECIMALS are rounded (half up) instead of making the figure unreadable: a dust
 *   balance or a USD figure written with 28 decimals is still that amount, and was dropped (a token's balance
 *   shown as 0, a position not stored at all).
 * Signs are the caller's: a leading "-" is refused here.
 */
import { plainDecimal } from "../../lib/money";
import { canonicalDecimal, MAX_PRICE_DECIMALS } from "../prices/decimal";

/** Figures beyond 10^40 are no balance or value anyone holds: unreadable. */
const MAX_EXPONENT = 40;
const MAX_TEXT = 64;

export function providerDecimal(text: string): string | null {
  const t = text.trim().toLowerCase();
  if (t.length === 0 || t.length > MAX_TEXT || t.startsWith("-")) return null;
  const e = t.indexOf("e");
  if (e >= 0) {
    const exponentText = t.slice(e + 1);
    if (!/^[+-]?\d{1,6}$/.test(exponentText)) return null;
    const exponent = Number(exponentText);
    if (exponent > MAX_EXPONENT) return null;
    // Below 10^-(MAX_PRICE_DECIMALS + 1) a figure rounds to zero at any scale this app keeps. Its mantissa has fewer
    // than MAX_TEXT digits before any point, so only an exponent below -(MAX_TEXT + MAX_PRICE_DECIMALS) says so alone
    // ("1" and 57 zeros, e-65, is 10^-8).
    if (exponent < -(MAX_TEXT + MAX_PRICE_DECIMALS)) return /^[0-9.]+$/.test(t.slice(0, e)) ? "0" : null;
  }
  const plain = plainDecimal(t);
  const dot = plain.indexOf(".");
  if (dot < 0 || plain.length - dot - 1 <= MAX_PRICE_DECIMALS) return canonicalDecimal(plain);
  const whole = plain.slice(0, dot);
  const frac = plain.slice(dot + 1);
  if (!/^\d+$/.test(whole) || !/^\d+$/.test(frac)) return null;
  let digits = BigInt(whole + frac.slice(0, MAX_PRICE_DECIMALS));
  if (frac[MAX_PRICE_DECIMALS]! >= "5") digits += 1n;
  const s = digits.toString().padStart(MAX_PRICE_DECIMALS + 1, "0");
  return canonicalDecimal(`${s.slice(0, -MAX_PRICE_DECIMALS)}.${s.slice(-MAX_PRICE_DECIMALS)}`);
}
