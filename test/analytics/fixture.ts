/** Helpers for analytics tests: a user's API, local days of a zone, and a deterministic PRNG. */
import { userApi } from "../helpers";

export const api = userApi;

export async function ok<T = any>(p: Promise<{ status: number; body: T }>): Promise<T> {
  const r = await p;
  if (r.status >= 300) throw new Error(`request failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/**
 * Today's date in `tz`, the date `n` days from it, and `monthDay(n)`: the date `n` calendar months from today, on
 * today's day of the month (the month's last day when it has fewer), plus `days`. A monthly bill's days are these,
 * not steps of 30 days: four payments 30 days apart (day -120, -90, -60, -30) are no monthly series on about six days
 * a year (on Mar 1 they fall on Nov 1, Dec 1, Dec 31 and Jan 30, two in December).
 */
export function localDays(tz: string, nowMs = Date.now()) {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(new Date(nowMs));
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const base = Date.UTC(get("year"), get("month") - 1, get("day"));
  const day = (n: number) => new Date(base + n * 86_400_000).toISOString().slice(0, 10);
  const monthDay = (n: number, days = 0) => {
    const lastOfMonth = new Date(Date.UTC(get("year"), get("month") + n, 0)).getUTCDate();
    const at = Date.UTC(get("year"), get("month") - 1 + n, Math.min(get("day"), lastOfMonth));
    return new Date(at + days * 86_400_000).toISOString().slice(0, 10);
  };
  return { today: day(0), day, monthDay, baseUtc: base };
}

export function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs `fn` over `items`, `width` at a time. */
export async function inBatches<T>(items: T[], width: number, fn: (item: T) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(fn));
}
