/**
 * Local days of a space for analytics: the zone's midnights over a window,
 * computed once (Intl per boundary, not per row), so mapping many instants to
 * their local day is a binary search. Day numbers are days since 1970-01-01
 * of the local calendar date, so date arithmetic is integer arithmetic.
 */
import { addDays, parseYmd, utc, type Ymd, ymdString, zonedDate, zonedMidnight } from "../../lib/zoned-time";

export const dayNumber = (x: Ymd) => Math.floor(utc(x.y, x.m - 1, x.d) / 86_400_000);
export const ymdOfDay = (n: number): Ymd => {
  const t = new Date(n * 86_400_000);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
};
export const dateOfDay = (n: number) => ymdString(ymdOfDay(n));
export const dayOfDate = (s: string) => dayNumber(parseYmd(s));

export class DayIndexer {
  private starts: number[] = [];
  private firstDay: number;

  /** Covers the local days from `fromMs`'s to `toMs`'s (inclusive), plus a margin. */
  constructor(
    readonly tz: string,
    fromMs: number,
    toMs: number,
  ) {
    const first = addDays(zonedDate(fromMs, tz), -1);
    const last = addDays(zonedDate(toMs, tz), 1);
    this.firstDay = dayNumber(first);
    const lastDay = dayNumber(last);
    // One formatter for the zone, and the previous day's offset as the guess: a day's midnight costs one
    // formatting call unless the offset changed (DST), where the library's exact search takes over.
    const fmt = new Intl.DateTimeFormat("en-US", {
      timeZone: tz, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
    });
    const offsetAt = (ms: number) => {
      const p = fmt.formatToParts(new Date(ms));
      const get = (t: string) => Number(p.find((x) => x.type === t)!.value);
      return utc(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second")) - Math.floor(ms / 1000) * 1000;
    };
    let offset: number | null = null;
    for (let d = this.firstDay; d <= lastDay + 1; d++) {
      const local = d * 86_400_000;
      if (offset !== null && offsetAt(local - offset) === offset) {
        this.starts.push(local - offset);
        continue;
      }
      const start = zonedMidnight(ymdOfDay(d), tz);
      offset = local - start;
      this.starts.push(start);
    }
  }

  /** Local day number of instant `ms`. */
  day(ms: number): number {
    const s = this.starts;
    if (ms < s[0]! || ms >= s[s.length - 1]!) return dayNumber(zonedDate(ms, this.tz));
    let lo = 0;
    let hi = s.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (s[mid]! <= ms) lo = mid;
      else hi = mid;
    }
    return this.firstDay + lo;
  }

  date(ms: number): string {
    return dateOfDay(this.day(ms));
  }
}

/** The instant local day `n` starts in `tz`. */
export const startOfDay = (n: number, tz: string) => zonedMidnight(ymdOfDay(n), tz);
