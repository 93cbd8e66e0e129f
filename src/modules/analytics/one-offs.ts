/**
 * One-off purchases, left out of the forecast's estimate of the rest. That estimate averages the space's spending
 * outside any recurring series over the last 90 days: a car bought for 12,000.00 among groceries of 80.00 became
 * 933.33 of spending projected every week.
 *
 * Spending only, and the last 90 days only. Income is left whole: a freelancer's three client payments are each
 * larger than everything else and are still the income to expect. So is the seasonal half (the same weeks last
 * year): a yearly bill too new to be a series is what it is there to anticipate.
 *
 * An expense is judged against the space's other expenses of its currency in the window, whatever their account
 * (a car is bought from checking while the groceries go on a card). It is a one-off when all of these hold:
 * - it is the only expense of its merchant there;
 * - at least MIN_OTHERS other expenses say what is usual;
 * - it is at least ONE_OFF_FACTOR times their median;
 * - it is at least GAP_FACTOR times the next largest expense still in the estimate: it stands alone, where three
 *   suppliers of 2,500.00 to 3,500.00 among cafés are each other's usual;
 * - it is at least ONE_OFF_SHARE percent of the window's whole spending.
 * At most MAX_ONE_OFFS are set aside per currency, largest first.
 */
import type { Sentence } from "../../lib/i18n";
import { formatMinor } from "../../lib/money";
import { scaleOf } from "../rates/convert";
import { dateOfDay } from "./days";
import { merchantKeyOf, type TxnRow } from "./recurring";

export const MIN_OTHERS = 10;
export const ONE_OFF_FACTOR = 10;
export const GAP_FACTOR = 3;
export const ONE_OFF_SHARE = 25;
export const MAX_ONE_OFFS = 3;

const magnitude = (r: TxnRow) => Math.abs(r.amount);

/** The one-offs among `rows`: a space's expenses of one currency in the last 90 days, none of them a series'. */
export function oneOffsOf(rows: TxnRow[]): TxnRow[] {
  if (rows.length <= MIN_OTHERS) return [];
  const perMerchant = new Map<string, number>();
  for (const r of rows) {
    const key = merchantKeyOf(r);
    if (key) perMerchant.set(key, (perMerchant.get(key) ?? 0) + 1);
  }
  const byMagnitude = [...rows].sort((a, b) => magnitude(b) - magnitude(a));
  // The whole window's spending, fixed: setting one aside does not make the next look larger.
  const total = byMagnitude.reduce((s, r) => s + BigInt(magnitude(r)), 0n);
  const out: TxnRow[] = [];
  for (let i = 0; i < MAX_ONE_OFFS && i + 1 < byMagnitude.length; i++) {
    const r = byMagnitude[i]!;
    const m = magnitude(r);
    const key = merchantKeyOf(r);
    // The others still in the estimate, descending: their median and the next largest.
    const others = byMagnitude.length - i - 1;
    const median = (magnitude(byMagnitude[i + 1 + Math.floor((others - 1) / 2)]!) + magnitude(byMagnitude[i + 1 + Math.ceil((others - 1) / 2)]!)) / 2;
    const alone = !key || perMerchant.get(key) === 1;
    if (!alone || others < MIN_OTHERS || m < ONE_OFF_FACTOR * median || m < GAP_FACTOR * magnitude(byMagnitude[i + 1]!) || BigInt(m) * 100n < BigInt(ONE_OFF_SHARE) * total) break;
    out.push(r);
  }
  return out;
}

/** How a forecast's notes name a one-off: "Toyota -12000.00 USD on 2026-11-10" (its amount written as the reader's language writes figures). */
export const oneOffNote = (r: TxnRow, dayOf: (instant: number) => number): Sentence => ({
  kind: "forecastOneOff",
  values: { name: r.merchant_name ?? r.description, amount: { figure: formatMinor(r.amount, scaleOf(r.currency)) }, currency: r.currency, date: dateOfDay(dayOf(r.date)) },
});
