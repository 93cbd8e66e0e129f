/**
 * Net worth at instants, from every registered source of holdings, converted
 * to the space's currency at the rate of the valuation day (one rounding per
 * total). History points read the ledger in two statements for all points.
 */
import type { Services } from "../../env";
import { ApiError, validationFailed } from "../../lib/errors";
import { FIAT_CURRENCIES } from "../../lib/money";
import { addDays, parseYmd, ymdString } from "../../lib/zoned-time";
import { addMonths } from "../budgets/periods";
import { Converter, type DatedAmount, daysBefore, loadRateBook, LOOKBACK_DAYS, type RateBook, scaleOf } from "../rates/convert";
import { IN_JSON_LIST, jsonList } from "../../lib/sql";
import { formatMinorBig, roundHalfEven, toNumberBig } from "../rates/exact";
import { accountBalancesAt, accountsOf, holdingsFromBalances } from "./ledger-holdings";
import { type Holding, holdingsSources, marketPrices } from "./net-worth-sources";
import { dateOfDay, dayOfDate, localDayOf, startOfDay } from "./days";

export const money = (minor: bigint, currency: string) => ({ n: toNumberBig(minor, scaleOf(currency)), d: formatMinorBig(minor, scaleOf(currency)) });

export interface SpaceInfo {
  id: string;
  currency: string;
  timezone: string;
}

/**
 * Holdings of every source at each point. The ledger's come from one read for
 * all points; other sources are asked per point, a few at a time.
 */
export async function holdingsAt(svc: Services, space: SpaceInfo, points: { atMs: number; date: string }[]): Promise<Holding[][]> {
  const [accounts, balances] = await Promise.all([accountsOf(svc, space.id), accountBalancesAt(svc, space.id, points.map((p) => p.atMs))]);
  const out = points.map((p, i) => holdingsFromBalances(balances[i]!, accounts, p.date, points.length === 1));
  const others = holdingsSources.filter((s) => s.name !== "ledger");
  // Each source at the latest point first: what a source holds earlier is among what it holds by then
  // (assets with a valuation by then, positions first seen by then), so a source with nothing at the
  // latest point is not asked about the others (a space without assets costs one read, not one per point).
  const lastIndex = points.length - 1;
  const got: Holding[][][] = others.map(() => points.map(() => []));
  // Points are exclusive instants (the ledger counts entries before them); sources take inclusive ones, hence − 1 ms.
  const latest = await Promise.all(others.map((source) => source.load(svc, space.id, points[lastIndex]!.atMs - 1)));
  latest.forEach((hs, si) => (got[si]![lastIndex] = hs));
  // The other (source, point) reads, eight at a time; each point's holdings stay in source order.
  const tasks = others.flatMap((source, si) =>
    latest[si]!.length === 0 ? [] : points.slice(0, lastIndex).map((p, pi) => ({ si, pi, load: () => source.load(svc, space.id, p.atMs - 1) })),
  );
  for (let i = 0; i < tasks.length; i += 8) {
    const chunk = tasks.slice(i, i + 8);
    const res = await Promise.all(chunk.map((t) => t.load()));
    chunk.forEach((t, j) => (got[t.si]![t.pi] = res[j]!));
  }
  for (const perPoint of got) perPoint.forEach((hs, pi) => out[pi]!.push(...hs));
  return out;
}

/** Adds market prices (coins, securities) to the rate book as SYMBOL→currency rates, when a prices module is wired. */
export async function addMarketPrices(svc: Services, book: RateBook, holdings: Holding[], quote: string, notes: string[], asOfDate: string, fromDate = asOfDate): Promise<void> {
  const fiat = new Set<string>(FIAT_CURRENCIES);
  const symbols = [...new Set(holdings.filter((h) => h.valueMinor !== 0n && !fiat.has(h.currency)).map((h) => h.currency))].sort();
  if (symbols.length === 0) return;
  if (fromDate < asOfDate) {
    // Earlier days: the prices the market feed cached on those days (its market_prices table), when it has them.
    try {
      const past = await svc.env.DB.prepare(
        `SELECT symbol, day, price_decimal, source FROM market_prices WHERE quote = ? AND symbol ${IN_JSON_LIST} AND day >= ? AND day < ?`,
      )
        .bind(quote, jsonList(symbols), daysBefore(fromDate, LOOKBACK_DAYS), asOfDate)
        .all<{ symbol: string; day: string; price_decimal: string; source: string }>();
      book.add(past.results.map((r) => ({ base: r.symbol, quote, date: r.day, rate: r.price_decimal, source: `market:${r.source}` })));
    } catch {
      // No price history table (prices module absent): earlier days stay unpriced, as reported.
    }
  }
  if (!marketPrices.lookup) {
    notes.push(`No market prices available for ${symbols.join(", ")}: these holdings are listed as unconverted, not counted as 0`);
    return;
  }
  try {
    const prices = await marketPrices.lookup(svc, symbols, quote);
    // Today's prices (by UTC day) value today's holdings in the space's day; earlier days have no price of their own.
    book.add(prices.map((p) => ({ base: p.symbol, quote, date: p.date < asOfDate ? p.date : asOfDate, rate: p.price, source: `market:${p.source}` })));
    for (const p of prices) if (p.stale) notes.push(`The ${p.symbol} price is from ${p.date}: the market feed has nothing newer`);
    const priced = new Set(prices.map((p) => p.symbol));
    const unpriced = symbols.filter((s) => !priced.has(s));
    if (unpriced.length) notes.push(`No market price for ${unpriced.join(", ")}: these holdings are listed as unconverted, not counted as 0`);
  } catch {
    notes.push(`Market prices could not be fetched for ${symbols.join(", ")}`);
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
    const minor = roundHalfEven(converter.exact(amounts, `net worth on ${dates[i]}`));
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
  const estimate = interval === "day" ? b - a + 1 : interval === "week" ? Math.floor((b - a) / 7) + 1 : Math.floor((b - a) / 28) + 2;
  if (estimate > MAX_POINTS + 2) {
    throw new ApiError(422, "VALIDATION_FAILED", `At most ${MAX_POINTS} points per request: widen the interval or narrow the range`, [
      { field: "interval", message: `This range has about ${estimate} ${interval} points; the limit is ${MAX_POINTS}`, code: "TOO_MANY_POINTS" },
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
  if (out.length > MAX_POINTS) {
    throw new ApiError(422, "VALIDATION_FAILED", `At most ${MAX_POINTS} points per request`, [{ field: "interval", message: `${out.length} points requested`, code: "TOO_MANY_POINTS" }]);
  }
  return out;
}

/** The instant just after local day `date` ends (the valuation instant of that day). */
export const endOfDate = (date: string, tz: string) => startOfDay(dayOfDate(date) + 1, tz);

export async function netWorthHistory(svc: Services, space: SpaceInfo, q: { from: string; to: string; interval: Interval }) {
  const dates = historyDates(q.from, q.to, q.interval);
  const points = dates.map((date) => ({ date, atMs: endOfDate(date, space.timezone) }));
  const holdings = await holdingsAt(svc, space, points);
  const currencies = [...new Set(holdings.flat().map((h) => h.currency).concat(space.currency))];
  const book = await loadRateBook(svc, space.id, currencies, dates[0]!, dates[dates.length - 1]!);
  const notes: string[] = [];
  await addMarketPrices(svc, book, holdings.flat(), space.currency, notes, dates[dates.length - 1]!, dates[0]!);
  const converter = new Converter(book, space.currency);
  const values = valuePoints(converter, holdings, dates);
  const report = converter.report();
  return {
    spaceId: space.id,
    currency: space.currency,
    from: q.from,
    to: q.to,
    interval: q.interval,
    points: values.map((p) => {
      const m = money(p.minor, space.currency);
      return { date: p.date, netWorth: m.n, netWorthDecimal: m.d, complete: p.complete };
    }),
    conversion: report,
    notes: [...notes, ...report.notes],
  };
}

/**
 * The space's net worth at `atMs` in its currency (every registered source, coins at market price,
 * converted at that day's rates, rounded once), for other modules (e.g. projections' starting net worth).
 * Call it after the caller's role in the space has been checked.
 */
export async function netWorthAt(svc: Services, space: SpaceInfo, atMs: number) {
  const date = dateOfDay(localDayOf(atMs - 1, space.timezone));
  const [holdings] = await holdingsAt(svc, space, [{ atMs, date }]);
  const book = await loadRateBook(svc, space.id, [...new Set(holdings!.map((h) => h.currency).concat(space.currency))], date, date);
  const notes: string[] = [];
  await addMarketPrices(svc, book, holdings!, space.currency, notes, date);
  const converter = new Converter(book, space.currency);
  const [point] = valuePoints(converter, [holdings!], [date]);
  const report = converter.report();
  return { date, minor: point!.minor, decimal: money(point!.minor, space.currency).d, complete: point!.complete, conversion: report, notes: [...notes, ...report.notes] };
}
