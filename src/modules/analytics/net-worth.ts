/**
 * Net worth at instants, from every registered source of holdings, converted
 * to the space's currency at the rate of the valuation day (one rounding per
 * total). Whatever the number of points, the reads are one batch
 * (valuation-reads.ts), which a route puts in the batch of its role check.
 */
import type { Services } from "../../env";
import { todayIn } from "../../lib/dates";
import { ApiError, validationFailed } from "../../lib/errors";
import { type Locale, say, type Sentence } from "../../lib/i18n";
import { FIAT_CURRENCIES, formatMinor, moneyFields } from "../../lib/money";
import { addDays, parseYmd, ymdString } from "../../lib/zoned-time";
import { addMonths } from "../budgets/periods";
import { Converter, type DatedAmount, daysBefore, HUB, LOOKBACK_DAYS, RateBook, scaleOf } from "../rates/convert";
import { IN_JSON_LIST, jsonList, type SqlGuard } from "../../lib/sql";
import { priceDay, type PriceRow } from "../prices/service";
import { isSecuritySymbol, securityDay } from "../prices/securities";
import { SECURITIES_QUOTE } from "../prices/securities-client";
import { roundHalfEven } from "../rates/exact";
import { balancesAt, holdingsFromBalances } from "./ledger-holdings";
import { type PastPriceRow, type ValuationData, valuationReads, type ValuationWindow, windowCovers } from "./valuation-reads";
import { type Holding, holdingsSources, marketPrices } from "./net-worth-sources";
import { dateOfDay, dayOfDate, localDayOf, startOfDay } from "./days";

export interface SpaceInfo {
  id: string;
  currency: string;
  timezone: string;
}

/**
 * Holdings of every source at each point (ascending), from a valuation's reads: the ledger's accounts
 * by their balances before the point, the other sources by what they held at it.
 */
export function holdingsAt(data: ValuationData, points: { atMs: number; date: string }[]): Holding[][] {
  const balances = balancesAt(data.balances, points.map((p) => p.atMs));
  const out = points.map((p, i) => holdingsFromBalances(balances[i]!, data.accounts, p, points.length === 1));
  // Points are exclusive instants (the ledger counts entries before them); sources take inclusive ones, hence − 1 ms.
  const instants = points.map((p) => p.atMs - 1);
  holdingsSources.forEach((source, si) => source.at(data.sources[si]!, instants).forEach((hs, pi) => out[pi]!.push(...hs)));
  return out;
}

/**
 * A valuation's reads of the space over `w` in a batch of their own, for a caller whose batch did not
 * carry them (call it after the caller's role in the space has been checked).
 */
export async function loadValuation(svc: Services, spaceId: string, w: ValuationWindow, extraCodes?: SqlGuard): Promise<ValuationData> {
  const reads = valuationReads(svc.env.DB, { sql: "?", params: [spaceId] }, w, extraCodes);
  return reads.read(await svc.env.DB.batch(reads.statements));
}

/** The rate book of a valuation: the space's and the provider's rates, and market prices of what `holdings` hold in coins and securities. */
export async function valuationBook(svc: Services, data: ValuationData, holdings: Holding[], quote: string, notes: Sentence[], asOfDate: string, fromDate = asOfDate, live = true): Promise<RateBook> {
  const book = new RateBook(data.rates);
  await addMarketPrices(svc, book, holdings, quote, notes, asOfDate, fromDate, { past: data.pastPrices, latest: data.latestPrices }, live);
  return book;
}

/**
 * Adds market prices (coins, securities) to the rate book as SYMBOL→currency rates, when a prices module is
 * wired. Coins are priced in the space's currency; a security the feed prices only in USD goes in as
 * SYMBOL→USD, and the book converts it on through the day's USD rate like any other amount, as it does a
 * coin on a past day whose price was cached in USD only. What it could not price goes in `notes`, as sentences
 * (said in the reader's language where the answer is written).
 */
export async function addMarketPrices(
  svc: Services,
  book: RateBook,
  holdings: Holding[],
  quote: string,
  notes: Sentence[],
  asOfDate: string,
  fromDate = asOfDate,
  cached?: { past: PastPriceRow[]; latest: PriceRow[] },
  live = true,
): Promise<void> {
  const fiat = new Set<string>(FIAT_CURRENCIES);
  const symbols = [...new Set(holdings.filter((h) => h.valueMinor !== 0n && !fiat.has(h.currency)).map((h) => h.currency))].sort();
  if (symbols.length === 0) return;
  // The quotes cached prices count in: the space's, and USD (a security's only quote; a coin's price in USD
  // values it across USD on a day the space's quote has none, as every pair converts: a COP space's past
  // BTC was dropped though BTC/USD and USD/COP were known).
  const counts = (r: { symbol: string; quote: string }) => r.quote === quote || r.quote === HUB;
  if (fromDate < asOfDate || !live) {
    // Earlier days (and the last one, unless today's price values it): the prices the market feed cached on
    // those days (its market_prices table), when it has them.
    try {
      const floor = daysBefore(fromDate, LOOKBACK_DAYS);
      const wanted = new Set(symbols);
      const past = cached
        ? cached.past.filter((r) => wanted.has(r.symbol) && r.day >= floor && r.day <= asOfDate)
        : (await svc.env.DB.prepare(`SELECT symbol, quote, day, price_decimal, source, as_of FROM market_prices WHERE quote IN (?, '${SECURITIES_QUOTE}') AND symbol ${IN_JSON_LIST} AND day >= ? AND day <= ?`)
            .bind(quote, jsonList(symbols), floor, asOfDate)
            .all<PastPriceRow>()).results;
      // A security's row is dated by its close's trading day (a Tuesday read before the close cached Monday's).
      const dated = (r: PastPriceRow) => (r.quote === SECURITIES_QUOTE && isSecuritySymbol(r.symbol) ? securityDay(r) : r.day);
      book.add(past.filter(counts).map((r) => ({ base: r.symbol, quote: r.quote, date: dated(r), rate: r.price_decimal, source: `market:${r.source}` })));
    } catch {
      // No price history table (prices module absent): earlier days stay unpriced, as reported.
    }
  }
  if (!marketPrices.lookup) {
    notes.push({ kind: "pricesUnavailable", values: { symbols: symbols.join(", ") } });
    return;
  }
  // A valuation that ends before the space's today has only past days: the prices cached on them value it,
  // and no feed is asked (today's price would otherwise stand for its last day).
  if (!live) return;
  try {
    const prices = (await marketPrices.lookup(svc, symbols, quote, cached?.latest)).map((p) => ({ ...p, quote }));
    const securities = symbols.filter((s) => quote !== SECURITIES_QUOTE && isSecuritySymbol(s) && !prices.some((p) => p.symbol === s));
    if (securities.length) prices.push(...(await marketPrices.lookup(svc, securities, SECURITIES_QUOTE, cached?.latest)).map((p) => ({ ...p, quote: SECURITIES_QUOTE })));
    // Today's prices (by UTC day) value today's holdings in the space's day; earlier days have the prices cached
    // on them. A security's latest close stands for today while it is fresh (markets close for nights and
    // weekends); a stale price, of either kind, is dated by its own day, and the book's lookback decides.
    const dated = (p: (typeof prices)[number]) => (p.date < asOfDate && (p.stale || !isSecuritySymbol(p.symbol)) ? p.date : asOfDate);
    book.add(prices.map((p) => ({ base: p.symbol, quote: p.quote, date: dated(p), rate: p.price, source: `market:${p.source}` })));
    for (const p of prices) if (p.stale) notes.push({ kind: "priceStale", values: { symbol: p.symbol, date: p.date } });
    const priced = new Set(prices.map((p) => p.symbol));
    const unpriced = symbols.filter((s) => !priced.has(s));
    if (unpriced.length) notes.push({ kind: "priceMissing", values: { symbols: unpriced.join(", ") } });
  } catch {
    notes.push({ kind: "pricesFailed", values: { symbols: symbols.join(", ") } });
  }
}

export interface NetWorthPoint {
  date: string;
  minor: bigint;
  complete: boolean;
}

/** Converts each point's holdings at its own day's rate; returns each total, rounded once. */
export function valuePoints(converter: Converter, holdings: Holding[][], dates: string[]): NetWorthPoint[] {
  return holdings.map((hs, i) => {
    const amounts: DatedAmount[] = hs.map((h) => ({ currency: h.currency, minor: h.valueMinor, date: dates[i]! }));
    // A point is complete when none of its own amounts lacked a rate.
    const probe = new Converter(converter.book, converter.target);
    probe.exact(amounts);
    const minor = roundHalfEven(converter.exact(amounts, { kind: "conversionContextNetWorthOn", values: { date: dates[i]! } }));
    return { date: dates[i]!, minor, complete: probe.complete };
  });
}

export const MAX_POINTS = 400;
export type Interval = "day" | "week" | "month";

/** The days (inclusive ends) of a history: every day, every 7th day ending at `to`, or each month's end. */
export function historyDates(from: string, to: string, interval: Interval): string[] {
  const a = dayOfDate(from);
  const b = dayOfDate(to);
  if (b < a) throw validationFailed([{ field: "to", message: "Must not be before from", code: "INVALID_RANGE" }]);
  // Counted before any is built: a month's end is a point for every month from from's to to's (to's own day last).
  const monthIndex = (ymd: string) => Number(ymd.slice(0, 4)) * 12 + Number(ymd.slice(5, 7));
  const count = interval === "day" ? b - a + 1 : interval === "week" ? Math.floor((b - a) / 7) + 1 : monthIndex(to) - monthIndex(from) + 1;
  if (count > MAX_POINTS) {
    throw new ApiError(422, "VALIDATION_FAILED", `At most ${MAX_POINTS} points per request: widen the interval or narrow the range`, [
      { field: "interval", message: `This range has ${count} ${interval} points; the limit is ${MAX_POINTS}`, code: "TOO_MANY_POINTS" },
    ]);
  }
  const out: string[] = [];
  if (interval === "day") for (let d = a; d <= b; d++) out.push(dateOfDay(d));
  else if (interval === "week") for (let d = b; d >= a; d -= 7) out.unshift(dateOfDay(d));
  else {
    const start = parseYmd(from);
    for (let k = 0; ; k++) {
      const firstNext = addMonths({ y: start.y, m: start.m, d: 1 }, k + 1);
      const end = ymdString(addDays(firstNext, -1));
      if (end >= to) {
        out.push(to);
        break;
      }
      out.push(end);
    }
  }
  return out;
}

/** The instant just after local day `date` ends (the valuation instant of that day). */
export const endOfDate = (date: string, tz: string) => startOfDay(dayOfDate(date) + 1, tz);

const DAY_MS = 86_400_000;
const utcDayOf = (ms: number) => Math.floor(ms / DAY_MS);

export interface HistoryQuery {
  from?: string;
  to?: string;
  interval: Interval;
}

/** The history's days: `to` defaults to the space's today, `from` to 90 days before `to`. */
export function historyRange(q: HistoryQuery, today: string) {
  const to = q.to ?? today;
  return { from: q.from ?? ymdString(addDays(parseYmd(to), -90)), to, interval: q.interval };
}

/** The history's days, as `historyRange`, refusing a `to` after the space's `today`: the days ahead are the forecast's. */
export function pastHistoryRange(q: HistoryQuery, today: string) {
  const range = historyRange(q, today);
  // A day ahead would be today's holdings at today's rates presented as history.
  if (range.to > today) {
    throw validationFailed([{ field: "to", message: `History ends today (${today} in the space's time zone); the days ahead are the forecast's (GET /v1/analytics/forecast)`, code: "FUTURE_DATE" }]);
  }
  return range;
}

/**
 * A window that holds the history's points whatever the space's zone (its today is within a day of
 * UTC's; a day ends within a day of UTC midnight), or null when even that window is not a valid
 * history (the real range is checked once the zone is known).
 */
export function historyWindow(q: HistoryQuery, nowMs: number): ValuationWindow | null {
  const today = utcDayOf(nowMs);
  const widest = { from: historyRange(q, dateOfDay(today - 1)).from, to: historyRange(q, dateOfDay(today + 1)).to };
  try {
    historyDates(widest.from, widest.to, q.interval);
  } catch {
    return null;
  }
  return {
    ranges: [{ lo: dayOfDate(widest.from) * DAY_MS, hi: (dayOfDate(widest.to) + 2) * DAY_MS }],
    fromDate: widest.from,
    toDate: widest.to,
    priceDay: priceDay(nowMs),
  };
}

/** A window that holds instant `atMs` exactly and its local day whatever the zone. */
export function instantWindow(atMs: number, nowMs: number): ValuationWindow {
  const day = utcDayOf(atMs - 1);
  return { ranges: [{ lo: atMs, hi: atMs }], fromDate: dateOfDay(day - 1), toDate: dateOfDay(day + 1), priceDay: priceDay(nowMs) };
}

/** `data` when its window holds `points`, else the reads of exactly their window (a second round trip, for a range the first window could not hold). */
async function valuationFor(svc: Services, space: SpaceInfo, points: { atMs: number; date: string }[], data?: ValuationData | null): Promise<ValuationData> {
  if (data && windowCovers(data.window, points)) return data;
  const w: ValuationWindow = {
    ranges: points.length === 1 ? [{ lo: points[0]!.atMs, hi: points[0]!.atMs }] : [{ lo: points[0]!.atMs, hi: points[points.length - 1]!.atMs }],
    fromDate: points[0]!.date,
    toDate: points[points.length - 1]!.date,
    priceDay: priceDay(svc.clock.now()),
  };
  return loadValuation(svc, space.id, w);
}

/**
 * The net-worth history of `q` (defaults resolved by `historyRange`). `data`: the reads of
 * `historyWindow(q)` from the caller's batch (call it after the caller's role in the space has been
 * checked); without them, or when they do not hold the range, it reads them itself. Its notes are in `locale`.
 */
export async function netWorthHistory(svc: Services, space: SpaceInfo, q: { from: string; to: string; interval: Interval }, data?: ValuationData | null, locale: Locale = "en") {
  const dates = historyDates(q.from, q.to, q.interval);
  const points = dates.map((date) => ({ date, atMs: endOfDate(date, space.timezone) }));
  const loaded = await valuationFor(svc, space, points, data);
  const holdings = holdingsAt(loaded, points);
  const notes: Sentence[] = [];
  const last = dates[dates.length - 1]!;
  const book = await valuationBook(svc, loaded, holdings.flat(), space.currency, notes, last, dates[0]!, last >= todayIn(svc.clock.now(), space.timezone));
  const converter = new Converter(book, space.currency);
  const values = valuePoints(converter, holdings, dates);
  const report = converter.report(locale);
  return {
    spaceId: space.id,
    currency: space.currency,
    from: q.from,
    to: q.to,
    interval: q.interval,
    points: values.map((p) => ({ date: p.date, ...moneyFields("netWorth", p.minor, scaleOf(space.currency)), complete: p.complete })),
    conversion: report,
    notes: [...notes.map((n) => say(locale, n)), ...report.notes],
  };
}

/**
 * The space's net worth at `atMs` in its currency (every registered source, coins at market price,
 * converted at that day's rates, rounded once), for other modules (e.g. projections' starting net worth).
 * Call it after the caller's role in the space has been checked. `data`: the reads of
 * `instantWindow(atMs)` from the caller's batch; without them it reads them itself. Its notes are in `locale`.
 */
export async function netWorthAt(svc: Services, space: SpaceInfo, atMs: number, data?: ValuationData | null, locale: Locale = "en") {
  const date = dateOfDay(localDayOf(atMs - 1, space.timezone));
  const points = [{ atMs, date }];
  const loaded = await valuationFor(svc, space, points, data);
  const [holdings] = holdingsAt(loaded, points);
  const notes: Sentence[] = [];
  const book = await valuationBook(svc, loaded, holdings!, space.currency, notes, date, date, date >= todayIn(svc.clock.now(), space.timezone));
  const converter = new Converter(book, space.currency);
  const [point] = valuePoints(converter, [holdings!], [date]);
  const report = converter.report(locale);
  return {
    date, minor: point!.minor, decimal: formatMinor(point!.minor, scaleOf(space.currency)), complete: point!.complete, conversion: report,
    notes: [...notes.map((n) => say(locale, n)), ...report.notes],
  };
}
