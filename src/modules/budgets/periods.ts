/**
 * Budget periods in the space's time zone. A budget repeats every 1, 3 or 12
 * months from its start date; "now" is read as a calendar date in the space's
 * zone, and each period's bounds become UTC instants at that zone's midnight
 * (DST included), so a purchase at 23:30 local time on the 31st counts in the
 * month it was made.
 */
import { addDays, parseYmd, utc, type Ymd, ymdString, zonedDate, zonedMidnight } from "../../lib/zoned-time";

export type Period = "monthly" | "quarterly" | "yearly";
export const MONTHS: Record<Period, number> = { monthly: 1, quarterly: 3, yearly: 12 };

const cmp = (a: Ymd, b: Ymd) => (a.y - b.y) * 10000 + (a.m - b.m) * 100 + (a.d - b.d);
const daysIn = (y: number, m: number) => new Date(utc(y, m, 0)).getUTCDate();

/** `date` plus `months`, keeping the anchor's day where the month allows it. */
export function addMonths(anchor: Ymd, months: number): Ymd {
  const total = anchor.y * 12 + (anchor.m - 1) + months;
  const y = Math.floor(total / 12);
  const m = (total % 12) + 1;
  return { y, m, d: Math.min(anchor.d, daysIn(y, m)) };
}

export interface PeriodWindow {
  startDate: string;
  /** Inclusive last day. */
  endDate: string;
  startMs: number;
  endMsExclusive: number;
  /** The budget's own end date has passed. */
  finished: boolean;
}

export function currentPeriod(b: { period: Period; startDate: string; endDate: string | null }, nowMs: number, tz: string): PeriodWindow {
  const start = parseYmd(b.startDate);
  const last = b.endDate ? parseYmd(b.endDate) : null;
  let today = zonedDate(nowMs, tz);
  const finished = last !== null && cmp(today, last) > 0;
  if (finished) today = last!;
  const step = MONTHS[b.period];
  let k = 0;
  if (cmp(today, start) > 0) {
    k = Math.max(0, Math.floor(((today.y - start.y) * 12 + (today.m - start.m)) / step));
    while (k > 0 && cmp(addMonths(start, k * step), today) > 0) k--;
    while (cmp(addMonths(start, (k + 1) * step), today) <= 0) k++;
  }
  const pStart = addMonths(start, k * step);
  let pEndExclusive = addMonths(start, (k + 1) * step);
  if (last && cmp(pEndExclusive, addDays(last, 1)) > 0) pEndExclusive = addDays(last, 1);
  return {
    startDate: ymdString(pStart),
    endDate: ymdString(addDays(pEndExclusive, -1)),
    startMs: zonedMidnight(pStart, tz),
    endMsExclusive: zonedMidnight(pEndExclusive, tz),
    finished,
  };
}
