/**
 * Where a projection starts when the request does not say: the space's net
 * worth and its recent savings, read from the ledger.
 *
 * - Net worth is the analytics module's: every source of holdings (accounts
 *   in every currency, manual assets, DeFi, gaming), each counted once,
 *   converted to the space's currency at the day's rates, rounded once.
 * - The contribution is the last 12 months' income minus expenses, each
 *   amount converted at the rate of its own local day, exactly; income and
 *   expenses are each rounded once (half-even), and the contribution is
 *   their difference (the engine's own identity).
 * - A missing rate is never a 0: the amounts it leaves out are named in a note.
 *
 * All figures are exact integers of the space currency's minor units.
 */
import type { Services } from "../../env";
import { type Locale, responseText, say, type Sentence } from "../../lib/i18n";
import { addDays, parseYmd, ymdString, zonedDate, zonedMidnight } from "../../lib/zoned-time";
import type { SqlGuard } from "../../lib/sql";
import type { Reads } from "../spaces/access";
import { dateOfDay, dayOfDate } from "../analytics/days";
import { type ValuationData, valuationReads } from "../analytics/valuation-reads";
import { addMonths } from "../budgets/periods";
import { DayIndexer } from "../analytics/days";
import { addMarketPrices, instantWindow, netWorthAt } from "../analytics/net-worth";
import { type CashflowSum, cashflowSumsFrom, cashflowSumsStatements } from "../analytics/cashflow-sums";
import { Converter, type DatedAmount, loadRateBook, RateBook } from "../rates/convert";

export interface SpaceRef {
  id: string;
  currency: string;
  timezone: string;
}

export interface NetWorthDefault {
  /** Minor units of the space currency (exact: a projection checks its range before taking it). */
  minor: bigint;
  /** The local day it is valued on. */
  date: string;
  /** Every holding had a rate or price. */
  complete: boolean;
  notes: string[];
}

/**
 * Net worth now, as the dashboard computes it (analytics' `netWorthAt`).
 * Holdings with no rate or price are left out and named in the notes.
 */
export async function spaceNetWorth(svc: Services, space: SpaceRef, data?: DefaultsData | null, locale: Locale = "en"): Promise<NetWorthDefault> {
  const nw = await netWorthAt(svc, space, data?.atMs ?? svc.clock.now() + 1, data?.valuation, locale);
  const notes = nw.notes.map((n) => `startingNetWorth: ${n}`);
  if (!nw.complete) notes.push(responseText(locale, "projectionNetWorthIncomplete", { date: nw.date }));
  return { minor: nw.minor, date: nw.date, complete: nw.complete, notes };
}

// Summed per currency and instant in SQL (rows of one day share their date in practice), converted per local day.
const flowStatements = (db: D1Database, space: SqlGuard, startMs: number, endMs: number) => cashflowSumsStatements(db, space, startMs, endMs, false);

/** What the defaults read, from the batch of the caller's role check (`defaultsReads`). */
export interface DefaultsData {
  nowMs: number;
  atMs: number;
  valuation: ValuationData;
  /** The cash flow between `flowsFrom` and `flowsTo`, a window holding the last 12 months in any zone. */
  flows: CashflowSum[];
  flowsFrom: number;
  flowsTo: number;
}

const DAY_MS = 86_400_000;

/**
 * The defaults' reads, for the role check's batch: the net worth now and the last 12 months' cash flow
 * with their rates and prices, over windows that hold the space's days whatever its zone (its today is
 * within a day of UTC's), trimmed to its own days afterwards.
 */
export function defaultsReads(db: D1Database, space: SqlGuard, nowMs: number): Reads<DefaultsData> {
  const atMs = nowMs + 1;
  const day = Math.floor(nowMs / DAY_MS);
  const firstFrom = addDays(addMonths(parseYmd(dateOfDay(day - 1)), -12), 1);
  const flowsFrom = (dayOfDate(ymdString(firstFrom)) - 1) * DAY_MS;
  const flowsTo = (day + 3) * DAY_MS;
  const w = { ...instantWindow(atMs, nowMs), fromDate: ymdString(firstFrom) };
  const valuation = valuationReads(db, space, w, { sql: "SELECT currency FROM transactions WHERE space_id = (SELECT id FROM sp) AND date >= ? AND date < ?", params: [flowsFrom, flowsTo] });
  return {
    statements: [...valuation.statements, ...flowStatements(db, space, flowsFrom, flowsTo)],
    read: (results) => ({
      nowMs, atMs, flowsFrom, flowsTo,
      valuation: valuation.read(results.slice(0, valuation.statements.length)),
      flows: cashflowSumsFrom(results.slice(valuation.statements.length)),
    }),
  };
}

export interface ContributionDefault {
  /** Minor units of the space currency, per year (exact: a projection checks their range before taking them). */
  income: bigint;
  expenses: bigint;
  /** First and last day (inclusive) of the window in the space's time zone. */
  from: string;
  to: string;
  notes: string[];
}

/**
 * The last 12 months of income and expenses: from the day a year before today
 * (space time zone) through today, as the dashboard counts cash flow (no
 * transfers, trades but their fees, opening balances or voided rows). Income is money in,
 * expenses money out, but a refund (money in under an expense category) reduces spending, as the
 * dashboard and budgets count it; refunds beyond the year's whole spending (expenses below zero,
 * which a projection does not take) count as income, so the contribution is the same.
 * Every amount converts to the space's currency at its own day's rate.
 */
export async function recentContribution(svc: Services, space: SpaceRef, data?: DefaultsData | null, locale: Locale = "en"): Promise<ContributionDefault> {
  const today = zonedDate(data?.nowMs ?? svc.clock.now(), space.timezone);
  const from = addDays(addMonths(today, -12), 1);
  const startMs = zonedMidnight(from, space.timezone);
  const endMs = zonedMidnight(addDays(today, 1), space.timezone);
  const covered = data && data.flowsFrom <= startMs && endMs <= data.flowsTo;
  const rows = (covered ? data.flows : cashflowSumsFrom(await svc.env.DB.batch(flowStatements(svc.env.DB, { sql: "?", params: [space.id] }, startMs, endMs))))
    .filter((r) => r.date >= startMs && r.date < endMs);
  const days = new DayIndexer(space.timezone, startMs, endMs);
  const incomeAmounts: DatedAmount[] = [];
  const expenseAmounts: DatedAmount[] = [];
  for (const r of rows) {
    const date = days.date(r.date);
    if (r.income !== 0n) incomeAmounts.push({ currency: r.currency, minor: r.income, date });
    if (r.expenses !== 0n) expenseAmounts.push({ currency: r.currency, minor: r.expenses, date });
  }
  const fromText = ymdString(from);
  const toText = ymdString(today);
  const currencies = [...new Set([...rows.map((r) => r.currency), space.currency])];
  const useData = covered && data.valuation.window.fromDate <= fromText && toText <= data.valuation.window.toDate;
  // The batch's rates are a superset (of days and currencies): a rate nothing converts is never used.
  const book = useData ? new RateBook(data.valuation.rates) : currencies.length > 1 ? await loadRateBook(svc, space.id, currencies, fromText, toText) : new RateBook([]);
  // Coin and security flows (a crypto account's) convert at market prices, as net worth does.
  const priceNotes: Sentence[] = [];
  const flowHoldings = currencies.map((c) => ({ source: "flow", id: c, name: c, currency: c, valueMinor: 1n, asOf: toText }));
  await addMarketPrices(svc, book, flowHoldings, space.currency, priceNotes, toText, fromText, useData ? { past: data.valuation.pastPrices, latest: data.valuation.latestPrices } : undefined);
  const converter = new Converter(book, space.currency);
  let income = converter.total(incomeAmounts, { kind: "conversionContextAnnualIncome" });
  let expenses = converter.total(expenseAmounts, { kind: "conversionContextAnnualExpenses" });
  if (expenses < 0n) {
    income -= expenses;
    expenses = 0n;
  }
  const notes = [...priceNotes, ...converter.notes()].map((n) => `annualContribution: ${say(locale, n)}`);
  return { income, expenses, from: fromText, to: toText, notes };
}
