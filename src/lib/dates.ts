/**
 * Dates at the API's edge. One rule everywhere: a bare date (`YYYY-MM-DD`)
 * names a day in the space's time zone and stands for that day's local
 * midnight; a date-time keeps its instant. Lists, statements, budgets and
 * trades all take their days from the space's zone, so a transaction dated
 * `2025-03-01` is on March 1st for every one of them.
 */
import { z } from "@hono/zod-openapi";
import { explained } from "./explained";
import { addDays, parseYmd, ymdString, zonedDate, zonedMidnight } from "./zoned-time";

/** Digits of a date-time's fraction past the millisecond, which an instant here (epoch milliseconds) cannot keep. */
function cutPastMillis(s: string): boolean {
  const dot = s.indexOf(".");
  if (dot < 0) return false;
  for (let i = dot + 4; i < s.length && s[i]! >= "0" && s[i]! <= "9"; i++) if (s[i] !== "0") return true;
  return false;
}

/** Years a day written for money may be in: a year 0000 or 9999 is a typo, and sorts before an opening balance or past any report. */
const FIRST_YEAR = "1800";
const LAST_YEAR = "2999";
const isYear = (y: string) => y.length === 4 && [...y].every((c) => c >= "0" && c <= "9");
const inSaneYears = (s: string) => isYear(s.slice(0, 4)) && s.slice(0, 4) >= FIRST_YEAR && s.slice(0, 4) <= LAST_YEAR;
/**
 * The instants that are in those years in every time zone (UTC−14 to UTC+14). A date-time is judged by its instant,
 * not its text: "2999-12-31T23:59:59-12:00" is 3000-01-01 in New York, and "1800-01-01T00:00:00Z" 1799-12-31, a day
 * no statement can show (QA-9). A day's own text (YYYY-MM-DD) is the day in the space's zone, so its year is its text's.
 */
const FIRST_INSTANT = Date.UTC(Number(FIRST_YEAR), 0, 1, 14);
const AFTER_LAST_INSTANT = Date.UTC(Number(LAST_YEAR), 11, 31, 10);

/** Minutes of a date-time's offset (Z, ±HH:MM, ±HHMM or ±HH), read by position: no pattern over client text. */
function offsetMinutes(s: string): number {
  if (s.endsWith("Z") || s.endsWith("z")) return 0;
  const t = s.indexOf("T") >= 0 ? s.indexOf("T") : s.indexOf("t");
  const sign = Math.max(s.lastIndexOf("+"), s.lastIndexOf("-"));
  if (sign <= t) return 0;
  const digits = s.slice(sign + 1).replace(":", "");
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || "0");
  return Number.isFinite(minutes) ? minutes : 0;
}
/** No place on Earth keeps a wider offset (Kiribati +14:00, Baker Island −12:00): a wider one is a typo. */
const MAX_OFFSET_MINUTES = 14 * 60;

const Day = z.iso.date();
const DateTime = z.iso.datetime({ offset: true });

/**
 * What each date field takes, as its one detail (code INVALID_DATE) for anything else: a wrong type, a day that
 * does not exist (2024-02-30), another order (01/02/2024), a word ("tomorrow"). zod's union of the two forms
 * only said "Invalid input".
 */
const FORMATS = {
  day: "Must be a date YYYY-MM-DD, such as 2024-01-31",
  instant: "Must be a date-time with an offset, such as 2024-01-31T09:30:00-06:00 or 2024-01-31T15:30:00Z",
  either: "Must be a date YYYY-MM-DD or a date-time with an offset, such as 2024-01-31 or 2024-01-31T09:30:00-06:00",
} as const;

/** What is wrong with `value` as a date of the `form` given, or undefined when nothing is. */
function dateProblem(value: unknown, form: keyof typeof FORMATS, years: boolean): string | undefined {
  if (typeof value !== "string") return FORMATS[form];
  const isDay = form !== "instant" && Day.safeParse(value).success;
  if (!isDay) {
    if (form === "day" || !DateTime.safeParse(value).success) return FORMATS[form];
    if (cutPastMillis(value)) return "At most millisecond precision: the digits past it would be lost";
    if (offsetMinutes(value) > MAX_OFFSET_MINUTES) return "The offset must be between -14:00 and +14:00";
  }
  if (!years) return undefined;
  const instant = isDay ? 0 : Date.parse(value);
  const inYears = isDay ? inSaneYears(value) : instant >= FIRST_INSTANT && instant < AFTER_LAST_INSTANT;
  return inYears ? undefined : `Must be in the years ${FIRST_YEAR} to ${LAST_YEAR}${isDay ? "" : " in every time zone"}`;
}

/** An ISO 8601 instant with its offset, to the millisecond at most: a finer one is refused, never cut. */
export const Instant = explained(DateTime, "INVALID_DATE", (v) => dateProblem(v, "instant", false));

/** A calendar day (YYYY-MM-DD) in the years a ledger's days may be in. */
export const CalendarDay = explained(Day, "INVALID_DATE", (v) => dateProblem(v, "day", true));

/** A date or a date-time, kept as written until the space's zone is known. */
export const DateOrDateTime = explained(z.union([Day, DateTime]), "INVALID_DATE", (v) => dateProblem(v, "either", true))
  .openapi({ type: "string", example: "2024-01-01", description: "A day in the space's time zone (YYYY-MM-DD), or an ISO 8601 instant" });

/** A list's bound: a date or a date-time, in any year (a bound far in the past means "from the start"). */
export const DateOrDateTimeBound = explained(z.union([Day, DateTime]), "INVALID_DATE", (v) => dateProblem(v, "either", false));

const isBareDate = (s: string) => s.length === 10;

/** The instant a user-written date or date-time stands for in zone `tz`. */
export const instantIn = (value: string, tz: string) => (isBareDate(value) ? zonedMidnight(parseYmd(value), tz) : Date.parse(value));

/** Exclusive end of an inclusive range: a bare date through the end of that local day. */
export const rangeEndExclusive = (value: string, tz: string) =>
  isBareDate(value) ? zonedMidnight(addDays(parseYmd(value), 1), tz) : Date.parse(value) + 1;

/** Today's date in zone `tz`. */
export const todayIn = (nowMs: number, tz: string) => ymdString(zonedDate(nowMs, tz));

/** The date (YYYY-MM-DD) of instant `ms` in zone `tz`. */
export const dateIn = (ms: number, tz: string) => ymdString(zonedDate(ms, tz));

/**
 * A query's range check: refuses a range whose end is before its start, when that does not depend on the
 * space's zone (both bare dates, or both instants); an empty answer would read as "nothing happened then".
 */
export function orderedRange(fromKey: string, toKey: string) {
  return (q: Record<string, unknown>, ctx: z.RefinementCtx) => {
    const from = q[fromKey];
    const to = q[toKey];
    if (typeof from !== "string" || typeof to !== "string" || isBareDate(from) !== isBareDate(to)) return;
    const reversed = isBareDate(from) ? to < from : Date.parse(to) < Date.parse(from);
    if (reversed) ctx.addIssue({ code: "custom", path: [toKey], message: `Must not be before ${fromKey}`, params: { code: "INVALID_RANGE" } });
  };
}
