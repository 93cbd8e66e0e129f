/**
 * One-off flows, left out of the forecast's estimate of the rest. That estimate averages an account's flows
 * outside any recurring series over the last 90 days (and the same weeks last year): a car bought for 12,000.00
 * among groceries of 80.00 became 933.33 of spending projected every week, and its sale 700.00 of income.
 *
 * A flow is judged against the space's other flows of its currency and direction in its window, whatever their
 * account (a car is bought from checking while the groceries go on a card). It is a one-off when it is the only
 * one of its merchant there, at least ONE_OFF_FACTOR times the median of at least MIN_OTHERS other flows, and at
 * least ONE_OFF_SHARE percent of what they add up to with it. The last keeps a large but ordinary purchase of a
 * busy household in the average; with fewer flows to compare with, nothing says what is usual, and nothing is
 * set aside. At most MAX_ONE_OFFS are set aside per currency, direction and window, largest first.
 */
import { formatMinor } from "../../lib/money";
import { scaleOf } from "../rates/convert";
import { dateOfDay } from "./days";
import { merchantKeyOf, type TxnRow } from "./recurring";

export const ONE_OFF_FACTOR = 10;
export const ONE_OFF_SHARE = 25;
export const MAX_ONE_OFFS = 3;
export const MIN_OTHERS = 3;

const magnitude = (r: TxnRow) => Math.abs(r.amount);

function median(sorted: number[]): number {
  if (sorted.length === 0) return 0;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The one-offs among `rows`: a space's flows of one currency and direction in one window, none of them a series'. */
export function oneOffsOf(rows: TxnRow[]): TxnRow[] {
  const perMerchant = new Map<string, number>();
  for (const r of rows) {
    const key = merchantKeyOf(r);
    if (key) perMerchant.set(key, (perMerchant.get(key) ?? 0) + 1);
  }
  // Ascending magnitudes of the flows still in the estimate; sums as bigints (minor units past 2^53 in total).
  const kept = rows.map(magnitude).sort((a, b) => a - b);
  let total = kept.reduce((s, m) => s + BigInt(m), 0n);
  const out: TxnRow[] = [];
  for (const r of [...rows].sort((a, b) => magnitude(b) - magnitude(a))) {
    if (out.length === MAX_ONE_OFFS) break;
    const key = merchantKeyOf(r);
    if (key && perMerchant.get(key)! > 1) continue;
    const m = magnitude(r);
    const others = kept.slice();
    others.splice(others.lastIndexOf(m), 1);
    if (others.length < MIN_OTHERS || m < ONE_OFF_FACTOR * median(others) || BigInt(m) * 100n < BigInt(ONE_OFF_SHARE) * total) break;
    out.push(r);
    kept.splice(kept.lastIndexOf(m), 1);
    total -= BigInt(m);
  }
  return out;
}

/** How a forecast's notes name a one-off: "Toyota -12000.00 USD on 2026-11-10". */
export const oneOffText = (r: TxnRow, dayOf: (instant: number) => number) =>
  `${r.merchant_name ?? r.description} ${formatMinor(r.amount, scaleOf(r.currency))} ${r.currency} on ${dateOfDay(dayOf(r.date))}`;
