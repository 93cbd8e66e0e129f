/**
 * Calendar days in a time zone. A date the user writes (`2025-03-01`) is a day
 * in the space's zone; its bounds are the UTC instants of that zone's
 * midnights (daylight saving included), computed with Intl, never by hand.
 */
export interface Ymd {
  y: number;
  m: number; // 1-12
  d: number;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** Date.UTC without its quirk of reading years 0-99 as 1900-1999 (month 0-11; days and hours may overflow). */
export function utc(y: number, month0: number, d: number, h = 0, mi = 0, s = 0): number {
  const t = new Date(0);
  t.setUTCFullYear(y, month0, d);
  t.setUTCHours(h, mi, s, 0);
  return t.getTime();
}
export const ymdString = (x: Ymd) => `${String(x.y).padStart(4, "0")}-${pad(x.m)}-${pad(x.d)}`;
export function parseYmd(s: string): Ymd {
  const [y, m, d] = s.split("-").map(Number);
  return { y: y!, m: m!, d: d! };
}

/**
 * Formatters per zone, built once per isolate: constructing an Intl.DateTimeFormat costs far more
 * than formatting with one (it was a tenth of a transaction write's CPU). They hold no per-call state.
 */
const dayFormatters = new Map<string, Intl.DateTimeFormat>();
const clockFormatters = new Map<string, Intl.DateTimeFormat>();
function dayFormatter(tz: string): Intl.DateTimeFormat {
  let f = dayFormatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", { timeZone: tz, era: "short", year: "numeric", month: "2-digit", day: "2-digit" });
    dayFormatters.set(tz, f);
  }
  return f;
}
function clockFormatter(tz: string): Intl.DateTimeFormat {
  let f = clockFormatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz, hourCycle: "h23", era: "short", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
    });
    clockFormatters.set(tz, f);
  }
  return f;
}

/**
 * A formatted date's parts as numbers; the year astronomical (1 BC is year 0): Intl writes the years
 * before 1 AD as 1, 2… with the era BC, which read as AD would put such a date more than a year off.
 */
function numericParts(parts: Intl.DateTimeFormatPart[]): (type: string) => number {
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const bc = parts.some((p) => p.type === "era" && p.value === "BC");
  return (t) => (t === "year" && bc ? 1 - get(t) : get(t));
}

/** The calendar date at instant `ms` in zone `tz`. */
export function zonedDate(ms: number, tz: string): Ymd {
  const get = numericParts(dayFormatter(tz).formatToParts(new Date(ms)));
  return { y: get("year"), m: get("month"), d: get("day") };
}

/** Local wall-clock time of instant `ms` in `tz`, as if it were UTC (ms), to the second. */
export function wallClockMs(ms: number, tz: string): number {
  const get = numericParts(clockFormatter(tz).formatToParts(new Date(ms)));
  return utc(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
}

function offsetMs(ms: number, tz: string): number {
  return wallClockMs(ms, tz) - Math.floor(ms / 1000) * 1000;
}

/**
 * The UTC instant at which `date` starts in `tz`: its local midnight, or, where
 * daylight saving skips midnight (Santiago, Asunción, the Azores, Havana…),
 * the first instant that exists on that day (01:00 local); where midnight came
 * twice, the first; for a day the zone skipped, the start of the next.
 */
export function zonedMidnight(date: Ymd, tz: string): number {
  // Every write names a day, and a user's writes repeat a few: the answer never changes within an isolate.
  const key = `${tz}|${date.y}|${date.m}|${date.d}`;
  let t = midnights.get(key);
  if (t === undefined) {
    if (midnights.size >= MIDNIGHTS_CACHED_AT_MOST) midnights.clear();
    midnights.set(key, (t = computeZonedMidnight(date, tz)));
  }
  return t;
}

const midnights = new Map<string, number>();
const MIDNIGHTS_CACHED_AT_MOST = 20_000;

function computeZonedMidnight(date: Ymd, tz: string): number {
  const guess = utc(date.y, date.m - 1, date.d);
  let t = guess - offsetMs(guess, tz);
  t = guess - offsetMs(t, tz); // settle across a DST change
  // The day starts at the first instant whose local date is `date` or later. Offsets change on whole minutes.
  const reached = (ms: number) => !dayBefore(zonedDate(ms, tz), date);
  if (reached(t)) {
    // Local midnight, and the minute before it is the day before: the usual case.
    if (!reached(t - 60_000)) return t;
    // Midnight came twice (clocks went back from 01:00 to 00:00): the day began at the first.
    return firstReached(t - 4 * 3_600_000, t, reached);
  }
  // Midnight did not happen: `t` is late on the day before. The day begins at the clock change. A day the
  // zone skipped whole (Apia's 2011-12-30) has no instant: it is taken to begin, and end, where the next does.
  let hi = t + 4 * 3_600_000;
  for (let i = 0; i < 12 && !reached(hi); i++) hi += 4 * 3_600_000;
  return firstReached(t, hi, reached);
}

const dayBefore = (a: Ymd, b: Ymd) => a.y !== b.y ? a.y < b.y : a.m !== b.m ? a.m < b.m : a.d < b.d;

/** The first minute in (`lo`, `hi`] at which `reached` holds, given it fails at `lo` and holds at `hi`. */
function firstReached(lo: number, hi: number, reached: (ms: number) => boolean): number {
  if (reached(lo)) return hi;
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
    if (reached(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** `date` plus `days` calendar days. */
export const addDays = (x: Ymd, days: number): Ymd => {
  const t = new Date(utc(x.y, x.m - 1, x.d) + days * 86_400_000);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
};

/**
 * Offsets already worked out, per zone and instant. Transactions are dated by
 * day (their zone's midnight), so a page of them repeats a few instants, and
 * each formatToParts costs more than the rest of a row's rendering. Exact: an
 * instant's offset in a zone never changes within an isolate. Bounded, and
 * simply dropped when full.
 */
const offsetCache = new Map<string, Map<number, number>>();
let offsetsCached = 0;
const OFFSETS_CACHED_AT_MOST = 20_000;
function cachedOffsetMs(ms: number, tz: string): number {
  let zone = offsetCache.get(tz);
  if (!zone) offsetCache.set(tz, (zone = new Map()));
  let offset = zone.get(ms);
  if (offset === undefined) {
    offset = offsetMs(ms, tz);
    if (offsetsCached >= OFFSETS_CACHED_AT_MOST) {
      offsetCache.clear();
      offsetCache.set(tz, (zone = new Map()));
      offsetsCached = 0;
    }
    zone.set(ms, offset);
    offsetsCached++;
  }
  return offset;
}

/** Instant `ms` as ISO 8601 in zone `tz`, with its offset: `2025-03-01T00:00:00.000-06:00` (UTC keeps its `Z`). */
export function isoInZone(ms: number, tz: string): string {
  // UTC has no offset at any instant: no formatter needed.
  if (tz === "UTC") return new Date(ms).toISOString();
  const offset = cachedOffsetMs(ms, tz);
  if (offset === 0) return new Date(ms).toISOString();
  if (offset % 60_000 === 0) return withOffset(ms, offset);
  // An offset with seconds (local mean time, before standard time: Tokyo's was +09:18:59) has no ISO form.
  // It is rounded to a whole minute on the side that keeps the zone's date, and the time shown moves by
  // the rest (under a minute): the instant is exact, and the date part is the day in the zone.
  const date = new Date(ms + offset).toISOString().slice(0, -14);
  const down = Math.floor(offset / 60_000) * 60_000;
  return withOffset(ms, new Date(ms + down).toISOString().slice(0, -14) === date ? down : down + 60_000);
}

/** Instant `ms` as ISO 8601 at a whole-minute `offset`. */
function withOffset(ms: number, offset: number): string {
  if (offset === 0) return new Date(ms).toISOString();
  const local = new Date(ms + offset).toISOString().slice(0, -1);
  const abs = Math.abs(offset) / 60_000;
  return `${local}${offset < 0 ? "-" : "+"}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/**
 * The runtime's (ICU's) canonical names that IANA has since renamed: ICU keeps the old spelling as canonical
 * for stability ("Asia/Kolkata" resolves to "Asia/Calcutta"), while IANA, and so every client's zone list,
 * has the new one.
 */
const IANA_RENAMED: Record<string, string> = {
  "Africa/Asmera": "Africa/Asmara",
  "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
  "America/Catamarca": "America/Argentina/Catamarca",
  "America/Coral_Harbour": "America/Atikokan",
  "America/Cordoba": "America/Argentina/Cordoba",
  "America/Godthab": "America/Nuuk",
  "America/Indianapolis": "America/Indiana/Indianapolis",
  "America/Jujuy": "America/Argentina/Jujuy",
  "America/Louisville": "America/Kentucky/Louisville",
  "America/Mendoza": "America/Argentina/Mendoza",
  "Asia/Calcutta": "Asia/Kolkata",
  "Asia/Katmandu": "Asia/Kathmandu",
  "Asia/Rangoon": "Asia/Yangon",
  "Asia/Saigon": "Asia/Ho_Chi_Minh",
  "Atlantic/Faeroe": "Atlantic/Faroe",
  "Europe/Kiev": "Europe/Kyiv",
  "Pacific/Enderbury": "Pacific/Kanton",
  "Pacific/Ponape": "Pacific/Pohnpei",
  "Pacific/Truk": "Pacific/Chuuk",
};

/** A time zone the runtime knows, in IANA's current canonical spelling ("us/pacific" → America/Los_Angeles, Asia/Calcutta → Asia/Kolkata). */
export function canonicalTimeZone(tz: string): string {
  const resolved = new Intl.DateTimeFormat("en-US", { timeZone: tz }).resolvedOptions().timeZone;
  return IANA_RENAMED[resolved] ?? resolved;
}
