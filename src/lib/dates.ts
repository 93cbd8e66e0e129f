/**
 * Dates at the API's edge. One rule everywhere: a bare date (`YYYY-MM-DD`)
 * names a day in the space's time zone and stands for that day's local
 * midnight; a date-time keeps its instant. Lists, statements, budgets and
 * trades all take their days from the space's zone, so a transaction dated
 * `2025-03-01` is on March 1st for every one of them.
 */
import { z } from "@hono/zod-openapi";
import { addDays, parseYmd, ymdString, zonedDate, zonedMidnight } from "./zoned-time";

/** A date or a date-time, kept as written until the space's zone is known. */
export const DateOrDateTime = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })])
  .openapi({ type: "string", example: "2024-01-01", description: "A day in the space's time zone (YYYY-MM-DD), or an ISO 8601 instant" });

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
