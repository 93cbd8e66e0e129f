/**
 * Local days of a space for analytics: the zone's midnights over a window,
 * computed once (Intl per boundary, not per row), so mapping many instants to
 * their local day is a binary search. Day numbers are days since 1970-01-01
 * of the local calendar date, so date arithmetic is integer arithmetic.
 */
import { parseYmd, utc, wallClockMs, type Ymd, ymdString, zonedMidnight } from "../../lib/zoned-time";

export const dayNumber = (x: Ymd) => Math.floor(utc(x.y, x.m - 1, x.d) / 86_400_000);
export const ymdOfDay = (n: number): Ymd => {
  const t = new Date(n * 86_400_000);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
};
export const dateOfDay = (n: number) => ymdString(ymdOfDay(n));
export const dayOfDate = (s: string) => dayNumber(parseYmd(s));

const DAY_MS = 86_400_000;

/** Local day number of instant `ms` in `tz`. */
export const localDayOf = (ms: number, tz: string) => Math.floor(wallClockMs(ms, tz) / DAY_MS);

/** Day starts per zone, kept across requests (bounded). */
const starts = new Map<string, Map<number, number>>();
const MAX_CACHED_DAYS = 50_000;

/**
 * The instant local day `n` starts in `tz`. The usual case costs two
 * formatting calls (the offset at the guessed midnight, and an hour before
 * it, to be sure no clock change is near); near a clock change the
 * library's exact search (zonedMidnight) decides.
 */
export function startOfDay(n: number, tz: string): number {
  let cache = starts.get(tz);
  if (!cache) starts.set(tz, (cache = new Map()));
  const hit = cache.get(n);
  if (hit !== undefined) return hit;
  const local = n * DAY_MS;
  const guess = local - (wallClockMs(local, tz) - local);
  const offset = wallClockMs(guess, tz) - Math.floor(guess / 1000) * 1000;
  const before = wallClockMs(guess - 3_600_000, tz) - Math.floor((guess - 3_600_000) / 1000) * 1000;
  const start = offset === before && local - offset === guess ? guess : zonedMidnight(ymdOfDay(n), tz);
  if (cache.size >= MAX_CACHED_DAYS) cache.clear();
  cache.set(n, start);
  return start;
}

export class DayIndexer {
  private starts: number[] = [];
  private firstDay: number;

  /** Covers the local days from `fromMs`'s to `toMs`'s (inclusive), plus a margin. */
  constructor(
    readonly tz: string,
    fromMs: number,
    toMs: number,
  ) {
    this.firstDay = localDayOf(fromMs, tz) - 1;
    const lastDay = localDayOf(toMs, tz) + 1;
    for (let d = this.firstDay; d <= lastDay + 1; d++) this.starts.push(startOfDay(d, tz));
  }

  /** Local day number of instant `ms`. */
  day(ms: number): number {
    const s = this.starts;
    if (ms < s[0]! || ms >= s[s.length - 1]!) return localDayOf(ms, this.tz);
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

