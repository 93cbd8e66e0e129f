/**
 * Budget periods in the space's time zone. A budget repeats every 1, 3 or 12
 * months from its start date; "now" is read as a calendar date in the space's
 * zone, and each period's bounds become UTC instants at that zone's midnight
 * (DST included), so a purchase at 23:30 local time on the 31st counts in the
 * month it was made.
 */
export type Period = "monthly" | "quarterly" | "yearly";
export const MONTHS: Record<Period, number> = { monthly: 1, quarterly: 3, yearly: 12 };

interface Ymd {
  y: number;
  m: number; // 1-12
  d: number;
}

const pad = (n: number) => String(n).padStart(2, "0");
export const ymdString = (x: Ymd) => `${x.y}-${pad(x.m)}-${pad(x.d)}`;
export function parseYmd(s: string): Ymd {
  const [y, m, d] = s.split("-").map(Number);
  return { y: y!, m: m!, d: d! };
}
const cmp = (a: Ymd, b: Ymd) => (a.y - b.y) * 10000 + (a.m - b.m) * 100 + (a.d - b.d);
const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** The calendar date at instant `ms` in zone `tz`. */
export function zonedDate(ms: number, tz: string): Ymd {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  return { y: get("year"), m: get("month"), d: get("day") };
}

function offsetMs(ms: number, tz: string): number {
  const p = new Intl.DateTimeFormat("en-US", {
    timeZone: tz, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
  }).formatToParts(new Date(ms));
  const get = (t: string) => Number(p.find((x) => x.type === t)!.value);
  return Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second")) - Math.floor(ms / 1000) * 1000;
}

/** The UTC instant of local midnight starting `date` in `tz`. */
export function zonedMidnight(date: Ymd, tz: string): number {
  const guess = Date.UTC(date.y, date.m - 1, date.d);
  let t = guess - offsetMs(guess, tz);
  t = guess - offsetMs(t, tz); // settle across a DST change
  return t;
}

/** `date` plus `months`, keeping the anchor's day where the month allows it. */
export function addMonths(anchor: Ymd, months: number): Ymd {
  const total = anchor.y * 12 + (anchor.m - 1) + months;
  const y = Math.floor(total / 12);
  const m = (total % 12) + 1;
  return { y, m, d: Math.min(anchor.d, daysIn(y, m)) };
}

const addDays = (x: Ymd, days: number): Ymd => {
  const t = new Date(Date.UTC(x.y, x.m - 1, x.d) + days * 86_400_000);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
};

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
