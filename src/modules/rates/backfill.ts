/**
 * The provider's rates of past days. The daily cron records each day's rates from the day it first runs, and
 * `GET /v1/rates` fetches a day on first use; everything that converts (budgets, the dashboard, net worth,
 * projections, the forecast) reads only stored rates, and never asks the provider per read. So a space whose
 * history began before the deployment, or was imported later, would have amounts in other currencies left
 * unconverted on every older day. This hourly task fills, a bounded number of provider requests a run:
 *
 * 1. the last RATE_HISTORY_DAYS day by day, most recent first (first priority);
 * 2. then, with what the run has left, the older history the stored data reaches back to (the earliest ledger
 *    entry or asset valuation of a live space holding more than one currency): each month's 15th and last day,
 *    newest first. Conversion takes a day's rate or the nearest earlier within LOOKBACK_DAYS (31), and these
 *    days are at most 16 days apart, so every day of the old history converts: a month-end point at its own
 *    day's rate, any other day at one up to 15 days older (a few more after a weekend). When the provider has
 *    no rates for such a day (a weekend, a holiday), the days before it are asked, up to OLD_DAY_WALK days, so
 *    it is still covered by the nearest earlier day; when none of them has rates, the provider's history is
 *    taken to end there, and older days wait until those attempts are asked again (BACKFILL_RETRY_MS).
 *
 * A day counts as filled once any USD rate of it is stored (a partial answer is not completed); a day the
 * provider had none for, refused, or answered unreadably is recorded and asked again after BACKFILL_RETRY_MS.
 * The days are picked from what is stored and recorded, so a run goes on where the last one stopped.
 */
import type { Services } from "../../env";
import { FIAT_CURRENCIES } from "../../lib/money";
import { jsonList } from "../../lib/sql";
import { addDays, parseYmd, utc, ymdString } from "../../lib/zoned-time";
import { RatesProviderError } from "./client";
import { daysBefore, HUB, type RateRow } from "./convert";
import { fetchDailyRates, storeStatements, utcDate } from "./service";
import { BACKFILL_RETRY_MS, countingAttempt, recordAttempt } from "./attempts";

export { BACKFILL_RETRY_MS };

/** How far back the backfill fills: a yearly budget's period, with the rate lookback before it. */
export const RATE_HISTORY_DAYS = 400;
/** Provider requests a run (the hourly cron): the last RATE_HISTORY_DAYS fill in under a day. */
export const BACKFILL_DAYS_PER_RUN = 24;
/** Days tried for one old-history day (it and the days before it) when the provider has no rates for it. */
export const OLD_DAY_WALK = 5;

/**
 * The old-history days before `before` (exclusive), newest first: each month's last day and 15th, down to the
 * first one on or before `earliest` (which conversion on `earliest` falls back to). Consecutive ones are 13 to
 * 16 days apart, well within LOOKBACK_DAYS even when one falls back OLD_DAY_WALK - 1 days.
 */
export function oldHistoryDays(before: string, earliest: string): string[] {
  const out: string[] = [];
  let { y, m } = parseYmd(before);
  for (;;) {
    // The month's last day (the day before the next month's first), then its 15th.
    const last = ymdString(addDays({ y: m === 12 ? y + 1 : y, m: m === 12 ? 1 : m + 1, d: 1 }, -1));
    for (const day of [last, ymdString({ y, m, d: 15 })]) {
      if (day >= before) continue;
      out.push(day);
      if (day <= earliest) return out;
    }
    if (m === 1) (y -= 1), (m = 12);
    else m -= 1;
  }
}

/**
 * An opening balance is dated at 0001-01-02 (the space's midnight; 0001-01-01 before) unless a date is given
 * (accounts/service.ts): "before anything recorded", not a day whose rates anyone reads. Ledger entries from this
 * instant on (later than that midnight in any zone, whose offsets are within a day) are the data.
 */
const AFTER_OPENING_OF_TIME = utc(1, 0, 3);

/**
 * The first UTC day of the data of live spaces that convert between currencies: the earliest ledger transaction
 * (but an opening balance at the start of time) or asset valuation of a space with an account or manual asset
 * in another currency than its own (a coin in a USD space is priced in USD, needing no rate), a day early as a
 * space's day may begin the UTC day before. It reads each live space's row and, for one in several currencies,
 * the first entry of two indexes ((space_id, timestamp), (space_id, valued_at)): no scan of the big tables.
 */
function earliestDataStatement(db: D1Database): D1PreparedStatement {
  const other = (table: string) =>
    `EXISTS (SELECT 1 FROM ${table} x WHERE x.space_id = s.id AND x.currency <> s.currency AND (s.currency <> 'USD' OR x.currency IN (SELECT value FROM json_each(?1))))`;
  // MATERIALIZED: each space's two seeks run once (the query flattened would repeat them for each use).
  return db.prepare(
    `WITH firsts(a, b) AS MATERIALIZED (
       SELECT (SELECT l.timestamp FROM ledger_transactions l WHERE l.space_id = s.id AND l.timestamp >= ?2 ORDER BY l.timestamp LIMIT 1),
              (SELECT v.valued_at FROM asset_valuations v WHERE v.space_id = s.id ORDER BY v.valued_at LIMIT 1)
         FROM spaces s WHERE s.deleted_at IS NULL AND (${other("accounts")} OR ${other("manual_assets")}))
     SELECT date(MIN(MIN(COALESCE(a, b), COALESCE(b, a))) / 1000, 'unixepoch', '-1 day') AS day FROM firsts`,
  ).bind(jsonList(FIAT_CURRENCIES), AFTER_OPENING_OF_TIME);
}

/**
 * Fetches and stores the rates of the most recent past days that have none, then of the old history's days
 * (see above) with what the run has left; returns the days asked, in the order asked.
 */
export async function backfillRates(svc: Services, scheduledTime: number): Promise<string[]> {
  const db = svc.env.DB;
  const yesterday = daysBefore(utcDate(scheduledTime), 1);
  const first = daysBefore(yesterday, RATE_HISTORY_DAYS - 1);
  // Every stored day and counting attempt (the index holds USD's rows by quote, so a range of days would read
  // them all the same; a few hundred days to a few thousand rows), and how far back the data goes.
  const [storedRes, triedRes, earliestRes] = await db.batch<{ date: string; day: string | null }>([
    db.prepare("SELECT DISTINCT date FROM exchange_rates WHERE base = ? AND date <= ?").bind(HUB, yesterday),
    db.prepare(`SELECT date FROM rate_backfill_attempts WHERE ${countingAttempt("?1", BACKFILL_RETRY_MS)}`).bind(svc.clock.now()),
    earliestDataStatement(db),
  ]);
  const stored = new Set(storedRes!.results.map((r) => r.date));
  const tried = new Set(triedRes!.results.map((r) => r.date));
  const asked: string[] = [];
  const ask = async (date: string) => {
    asked.push(date);
    const got = await fetchAndStore(svc, date);
    (got > 0 ? stored : tried).add(date);
    return got;
  };
  for (let d = yesterday; d >= first && asked.length < BACKFILL_DAYS_PER_RUN; d = daysBefore(d, 1)) {
    if (!stored.has(d) && !tried.has(d)) await ask(d);
  }
  const earliest = earliestRes!.results[0]?.day;
  if (!earliest || earliest >= first) return asked;
  old: for (const day of oldHistoryDays(first, earliest)) {
    const walk = Array.from({ length: OLD_DAY_WALK }, (_, i) => daysBefore(day, i));
    if (walk.some((d) => stored.has(d))) continue;
    for (const d of walk) {
      if (tried.has(d)) continue;
      if (asked.length >= BACKFILL_DAYS_PER_RUN) break old;
      if ((await ask(d)) > 0) continue old;
    }
    // No day of the walk has rates: the provider's history ends here, until those days are asked again.
    break;
  }
  return asked;
}

/** Asks the provider for `date` and stores its rates with the attempt; returns how many were stored. */
async function fetchAndStore(svc: Services, date: string): Promise<number> {
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
  await svc.env.DB.batch([...storeStatements(svc, rows), recordAttempt(svc.env.DB, date, svc.clock.now(), rows.length)]);
  return rows.length;
}
