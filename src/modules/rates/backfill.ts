/**
 * The provider's rates of past days. The daily cron records each day's rates from the day it first runs, and
 * `GET /v1/rates` fetches a day on first use; everything that converts (budgets, the dashboard, net worth,
 * projections, the forecast) reads only stored rates. So a space whose history began before the deployment,
 * or was imported later, would have amounts in other currencies left unconverted on every older day. This
 * hourly task fills the last RATE_HISTORY_DAYS, most recent first, a bounded number of days a run. A day counts
 * as filled once any USD rate of it is stored (a partial answer is not completed); a day the provider had none
 * for, refused, or answered unreadably is recorded and asked again after BACKFILL_RETRY_MS.
 */
import type { Services } from "../../env";
import { RatesProviderError } from "./client";
import { daysBefore, HUB, type RateRow } from "./convert";
import { fetchDailyRates, storeStatements, utcDate } from "./service";
import { BACKFILL_RETRY_MS, countingAttempt, recordAttempt } from "./attempts";

export { BACKFILL_RETRY_MS };

/** How far back the backfill fills: a yearly budget's period, with the rate lookback before it. */
export const RATE_HISTORY_DAYS = 400;
/** Provider requests a run (the hourly cron): the whole history fills in under a day. */
export const BACKFILL_DAYS_PER_RUN = 24;

/** Fetches and stores the rates of the most recent past days that have none; returns the days asked. */
export async function backfillRates(svc: Services, scheduledTime: number): Promise<string[]> {
  const db = svc.env.DB;
  const yesterday = daysBefore(utcDate(scheduledTime), 1);
  const first = daysBefore(yesterday, RATE_HISTORY_DAYS - 1);
  const [stored, asked] = await db.batch<{ date: string }>([
    db.prepare("SELECT DISTINCT date FROM exchange_rates WHERE base = ? AND date >= ? AND date <= ?").bind(HUB, first, yesterday),
    db.prepare(`SELECT date FROM rate_backfill_attempts WHERE date >= ?1 AND ${countingAttempt("?2", BACKFILL_RETRY_MS)}`).bind(first, svc.clock.now()),
  ]);
  const skip = new Set([...stored!.results, ...asked!.results].map((r) => r.date));
  const days: string[] = [];
  for (let d = yesterday; d >= first && days.length < BACKFILL_DAYS_PER_RUN; d = daysBefore(d, 1)) {
    if (!skip.has(d)) days.push(d);
  }
  for (const date of days) {
    let rows: RateRow[];
    try {
      rows = await fetchDailyRates(svc, date);
    } catch (err) {
      // A failure of the provider's (down, limiting, our credentials refused) ends the run: the next one asks
      // again. A failure of this day alone (a 403, as a plan's history limit answers, or an answer that does not
      // read) is recorded as a day without rates, so it is asked again only after BACKFILL_RETRY_MS and older
      // days go on.
      if (!(err instanceof RatesProviderError) || err.providerWide) throw err;
      rows = [];
    }
    await db.batch([
      ...storeStatements(svc, rows),
      recordAttempt(db, date, svc.clock.now(), rows.length),
    ]);
  }
  return days;
}
