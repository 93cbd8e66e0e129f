/**
 * `GET /v1/analytics/dashboard`: net worth now and its change over the
 * period, cash flow, account counts by kind, budget compliance and top
 * expense categories, in the space's currency and its days.
 *
 * - Period: the last N local days including today (7d, 30d, 90d, 1y = 365).
 * - Cash flow counts income, expenses and fees, a trade's fee included;
 *   transfers between the space's own accounts, a trade's cash for units,
 *   opening balances and voided rows are none of them. Income is money in
 *   (amount > 0), expenses money out (amount < 0), but for a refund (money in
 *   under an expense category): it reduces that category's spending, as a
 *   budget counts it; see cashflow-sums.ts.
 * - Every amount converts at its own day's rate, exactly; each total is
 *   rounded once (half-even); a missing rate is reported, never a 0.
 * - Category percentages are shares of the period's expenses in tenths of a
 *   percent by the largest-remainder method, so the listed ones (top five
 *   and the rest) sum to exactly 100.0; their amounts are shares of the
 *   expenses shown the same way, so they sum to exactly that total (when a
 *   category's refunds exceed its spending it is not listed, and the listed
 *   ones share the spending of the others).
 */
import type { Services } from "../../env";
import { dateOfDay, localDayOf, startOfDay } from "./days";
import { type BudgetData, budgetReads, spendingFrom } from "../budgets/spending";
import { convertSpendings } from "../budgets/conversion";
import { type ConversionReport, Converter, type DatedAmount, missingRateNote, type RateBook, scaleOf } from "../rates/convert";
import { priceDay } from "../prices/service";
import { formatMinor, moneyFields } from "../../lib/money";
import type { SqlGuard } from "../../lib/sql";
import { type Frac, frac, add, cmp, onCommonDenominator, roundHalfEven, sub, ZERO, floorFrac } from "../rates/exact";
import { DayIndexer } from "./days";
import { holdingsAt, type SpaceInfo, valuationBook, valuePoints } from "./net-worth";
import { type Holding, holdingsSources } from "./net-worth-sources";
import type { Reads } from "../spaces/access";
import { type ValuationData, valuationReads, type ValuationWindow, windowCovers } from "./valuation-reads";
import { type CashflowSum, cashflowSumsFrom, cashflowSumsStatements } from "./cashflow-sums";
import { alertThresholdOf } from "../budgets/alerts";
import { type Locale, responseText, say, type Sentence } from "../../lib/i18n";
import { systemCategoryName } from "../categories/system";

export const PERIODS = { "7d": 7, "30d": 30, "90d": 90, "1y": 365 } as const;
export type DashboardPeriod = keyof typeof PERIODS;

/** Account kinds of the summary. */
const KIND: Record<string, "banking" | "credit" | "loan" | "crypto" | "investment"> = {
  checking: "banking", savings: "banking", money_market: "banking", cd: "banking",
  credit: "credit", credit_card: "credit", loan: "loan", mortgage: "loan", crypto: "crypto",
  investment: "investment", brokerage: "investment", ira: "investment", roth_ira: "investment", sep_ira: "investment",
  simple_ira: "investment", "401k": "investment", "403b": "investment", hsa: "investment", education: "investment", trust: "investment",
};

export const TOP_CATEGORIES = 5;

/**
 * Largest remainder: integer parts of `total` (e.g. 1000 tenths of a percent)
 * proportional to `weights` (exact fractions), summing exactly to `total`.
 */
export function largestRemainder(weights: Frac[], total: bigint): bigint[] {
  // On one denominator the quotas are integer ratios: w_i·total / Σw, compared by their remainders.
  let { nums } = onCommonDenominator(weights);
  let sum = nums.reduce((a, b) => a + b, 0n);
  if (sum === 0n) return weights.map(() => 0n);
  if (sum < 0n) {
    nums = nums.map((x) => -x);
    sum = -sum;
  }
  const floors = nums.map((x) => floorFrac({ n: x * total, d: sum }));
  const rems = nums.map((x, i) => x * total - floors[i]! * sum);
  let left = total - floors.reduce((a, b) => a + b, 0n);
  const order = rems.map((rem, i) => ({ i, rem })).sort((a, b) => (a.rem > b.rem ? -1 : a.rem < b.rem ? 1 : a.i - b.i));
  const out = [...floors];
  for (const { i } of order) {
    if (left <= 0n) break;
    out[i]! += 1n;
    left -= 1n;
  }
  return out;
}

const tenthsText = (t: bigint) => `${t / 10n}.${t % 10n}`;

/**
 * "The change leaves out BTC, ETH on both days: no rate or price for BTC on 2026-11-28; for ETH on 2026-11-28 and
 * 2026-12-05": the days each one lacked (of the change's two), and only those.
 */
function unpricedNote(unpricedOn: Map<string, Set<string>>): Sentence {
  const byDays = new Map<string, { days: string[]; codes: string[] }>();
  for (const [code, days] of [...unpricedOn].sort(([a], [b]) => a.localeCompare(b))) {
    const sorted = [...days].sort();
    const key = sorted.join("|");
    byDays.set(key, { days: sorted, codes: [...(byDays.get(key)?.codes ?? []), code] });
  }
  const groups = [...byDays.values()].map(({ days, codes }): Sentence =>
    days.length === 1
      ? { kind: "changeUnpricedOn", values: { codes: codes.join(", "), day: days[0]! } }
      : { kind: "changeUnpricedOnBoth", values: { codes: codes.join(", "), day: days[0]!, other: days[1]! } });
  return { kind: "changeUnpriced", values: { codes: [...unpricedOn.keys()].sort().join(", "), days: groups } };
}

/** Exact (unrounded) ratio `a / b` as a percentage with 2 decimals, half-even; null when b is 0. */
function percentOf(a: bigint, b: bigint): { n: number; d: string } | null {
  if (b === 0n) return null;
  const hundredths = roundHalfEven(frac(a * 10000n, b < 0n ? -b : b));
  const text = formatMinor(hundredths, 2);
  return { n: Number(text), d: text };
}

/** The currencies of the cash flow between two instants, as codes a valuation reads rates of (see valuation-reads' codesCte). */
const flowCodes = (startMs: number, endMs: number): SqlGuard => ({
  sql: "SELECT currency FROM transactions WHERE space_id = (SELECT id FROM sp) AND date >= ? AND date < ?",
  params: [startMs, endMs],
});

const DAY_MS = 86_400_000;

/** Everything the dashboard reads, read in one batch (`dashboardReads`). */
export interface DashboardData {
  nowMs: number;
  /** The instants the cash flow was read over: a span that holds the period's in any zone. */
  flowSpan: { lo: number; hi: number };
  flows: CashflowSum[];
  categories: { id: string; name: string; parent_id: string | null }[];
  valuation: ValuationData;
  budgets: BudgetData;
}

/**
 * The dashboard's reads of the space `space` names over `period` at `nowMs`, for the batch of the role
 * check (`space` is NULL for a caller who may not see the space), and the reader of their results.
 * The space's zone is not known yet: the zone's today is within a day of UTC's, and its days start
 * within a day of UTC midnight, so the cash flow is read by instant over a span that holds the period
 * in any zone (trimmed to the exact one afterwards) and the valuation over a window that holds both
 * of its instants; the budgets read theirs the same way (budgetReads).
 */
export function dashboardReads(db: D1Database, space: SqlGuard, period: DashboardPeriod, nowMs: number): Reads<DashboardData> {
  const utcDay = Math.floor(nowMs / DAY_MS);
  const n = PERIODS[period];
  // The period's first day is between utcDay − n and utcDay − n + 2; it starts within a day of its UTC midnight.
  const flowSpan = { lo: (utcDay - n - 1) * DAY_MS, hi: (utcDay + 3) * DAY_MS };
  const window: ValuationWindow = {
    ranges: [{ lo: flowSpan.lo, hi: (utcDay - n + 3) * DAY_MS }, { lo: nowMs + 1, hi: nowMs + 1 }],
    fromDate: dateOfDay(utcDay - n - 1),
    toDate: dateOfDay(utcDay + 1),
    priceDay: priceDay(nowMs),
  };
  const valuation = valuationReads(db, space, window, flowCodes(flowSpan.lo, flowSpan.hi));
  const budgets = budgetReads(db, space, nowMs);
  const statements = [
    ...cashflowSumsStatements(db, space, flowSpan.lo, flowSpan.hi, true),
    db.prepare(`SELECT id, name, parent_id FROM categories WHERE space_id = ${space.sql}`).bind(...space.params),
  ];
  const counts = [statements.length, valuation.statements.length];
  return {
    statements: [...statements, ...valuation.statements, ...budgets.statements],
    read: (results) => ({
      nowMs,
      flowSpan,
      flows: cashflowSumsFrom(results.slice(0, 2)),
      categories: results[2]!.results as DashboardData["categories"],
      valuation: valuation.read(results.slice(counts[0], counts[0]! + counts[1]!)),
      budgets: budgets.read(results.slice(counts[0]! + counts[1]!)),
    }),
  };
}

/** The dashboard's reads in a batch of their own, for a caller whose batch did not carry them (after the role check). */
async function loadDashboard(svc: Services, spaceId: string, period: DashboardPeriod): Promise<DashboardData> {
  const reads = dashboardReads(svc.env.DB, { sql: "?", params: [spaceId] }, period, svc.clock.now());
  return reads.read(await svc.env.DB.batch(reads.statements));
}

/**
 * The dashboard of `space` over `period`. `data`: the reads of `dashboardReads` from the caller's batch
 * (call it after the caller's role in the space has been checked); without them it reads them itself.
 */
export async function dashboard(svc: Services, space: SpaceInfo, period: DashboardPeriod, read?: DashboardData | null, locale: Locale = "en") {
  const loaded = read ?? (await loadDashboard(svc, space.id, period));
  const now = loaded.nowMs;
  const tz = space.timezone;
  const today = localDayOf(now, tz);
  const startDay = today - (PERIODS[period] - 1);
  const startMs = startOfDay(startDay, tz);
  const endMs = startOfDay(today + 1, tz);
  const todayText = dateOfDay(today);
  const startText = dateOfDay(startDay);
  const previousText = dateOfDay(startDay - 1);

  // Net worth at the end of today and at the end of the day before the period.
  const points = [
    { date: previousText, atMs: startMs },
    { date: todayText, atMs: Math.min(endMs, Math.max(now + 1, startMs)) },
  ];
  // The batch's spans hold the period in any zone (dashboardReads); a zone they did not would be a bug, not a slower read.
  if (!windowCovers(loaded.valuation.window, points) || startMs < loaded.flowSpan.lo || endMs > loaded.flowSpan.hi) {
    throw new Error(`The dashboard's reads do not hold ${startText}..${todayText} in ${tz}`);
  }
  const data = loaded.valuation;
  const flows = loaded.flows.filter((f) => f.date >= startMs && f.date < endMs);
  const accounts = data.accounts;
  const categories = new Map(loaded.categories.map((c) => [c.id, c]));

  const holdings = holdingsAt(data, points);
  const notes: Sentence[] = [];
  const book = await valuationBook(svc, data, holdings.flat(), space.currency, notes, todayText, previousText);
  const converter = new Converter(book, space.currency);
  const [previous, current] = valuePoints(converter, holdings, [previousText, todayText]);

  // Cash flow and categories, each amount at its own day's rate.
  const days = new DayIndexer(tz, startMs, endMs);
  const incomeAmounts: DatedAmount[] = [];
  const byCategory = new Map<string, DatedAmount[]>();
  for (const f of flows) {
    const date = days.date(f.date);
    const inc = f.income;
    const exp = f.expenses;
    if (inc) incomeAmounts.push({ currency: f.currency, minor: inc, date });
    if (exp) {
      const cat = f.category_id ? categories.get(f.category_id) : undefined;
      const key = cat ? (cat.parent_id && categories.has(cat.parent_id) ? cat.parent_id : cat.id) : "";
      const list = byCategory.get(key) ?? [];
      list.push({ currency: f.currency, minor: exp, date });
      byCategory.set(key, list);
    }
  }
  // One conversion for income and every category: the results share one denominator, so they add and compare as integers.
  const catIds = [...byCategory.keys()];
  const [incomeExact, ...catValues] = converter.exactMany([
    { amounts: incomeAmounts, context: { kind: "conversionContextIncome" } },
    ...catIds.map((id) => ({ amounts: byCategory.get(id)!, context: { kind: "conversionContextExpenses" } as const })),
  ]);
  const catExact = catIds.map((id, i) => ({ id, exact: catValues[i]! }));
  const expensesExact = catExact.reduce((s, c) => add(s, c.exact), ZERO);
  const income = roundHalfEven(incomeExact!);
  const expenses = roundHalfEven(expensesExact);
  const net = roundHalfEven(sub(incomeExact!, expensesExact));

  // Top categories (and the rest as "Other"), percentages by largest remainder: of the categories with spending left
  // after their refunds (one whose refunds exceed its spending has none to share; it lowers `expenses` all the same).
  catExact.sort((a, b) => cmp(b.exact, a.exact) || a.id.localeCompare(b.id));
  const spentIn = catExact.filter((c) => cmp(c.exact, ZERO) > 0);
  const shown = spentIn.slice(0, TOP_CATEGORIES);
  const rest = spentIn.slice(TOP_CATEGORIES);
  // Its own labels in the reader's language, beside the space's category names; the rest past the top ones is named as
  // the system category "Other" is, but "Everything else" when a category of that name is among the top ones (two rows
  // read "Other", one a category and one the rest).
  const label = (id: string | null) => (id ? (categories.get(id)?.name ?? responseText(locale, "unknownCategory")) : responseText(locale, "uncategorized"));
  const buckets = [...shown.map((c) => ({ id: c.id, name: label(c.id), exact: c.exact }))];
  if (rest.length) {
    const other = systemCategoryName("other", locale)!;
    const same = (name: string) => name.trim().toLocaleLowerCase(locale) === other.toLocaleLowerCase(locale);
    const name = buckets.some((b) => same(b.name)) ? responseText(locale, "restOfCategories") : other;
    buckets.push({ id: "other", name, exact: rest.reduce((s, c) => add(s, c.exact), ZERO) });
  }
  const tenths = largestRemainder(buckets.map((b) => b.exact), 1000n);
  // The amounts too, out of the expenses shown: each rounded on its own, three of 69.345 came to 69.34 × 3 = 208.02 of 208.04.
  const amounts = largestRemainder(buckets.map((b) => b.exact),
    spentIn.length === catExact.length ? expenses : roundHalfEven(spentIn.reduce((s, c) => add(s, c.exact), ZERO)));
  const topCategories = buckets.map((b, i) => {
    return {
      categoryId: b.id === "" || b.id === "other" ? null : b.id,
      category: b.name,
      ...moneyFields("amount", amounts[i]!, scaleOf(space.currency)),
      percentage: Number(tenthsText(tenths[i]!)),
      percentageDecimal: tenthsText(tenths[i]!),
    };
  });

  // Accounts by kind.
  const counts = { total: 0, active: 0, banking: 0, credit: 0, loan: 0, crypto: 0, investment: 0, other: 0 };
  for (const a of accounts.values()) {
    counts.total++;
    if (a.isActive) counts.active++;
    counts[KIND[a.type] ?? "other"]++;
  }

  // The change compares like with like: holdings in a currency or symbol without a rate on either day are left out of both sides.
  const unpricedOn = new Map<string, Set<string>>();
  holdings.forEach((hs, i) => {
    for (const h of hs) {
      if (h.valueMinor === 0n || book.resolve(h.currency, space.currency, points[i]!.date)) continue;
      unpricedOn.set(h.currency, (unpricedOn.get(h.currency) ?? new Set()).add(points[i]!.date));
    }
  });
  const unpriced = new Set(unpricedOn.keys());
  // And a holding that appears during the period without being new money (see RegisteredSource.newInPeriod):
  // a holding of a wallet first known during the period by a source that cannot know its past (a DeFi wallet
  // linked today), judged by the wallet, not the position (a new position of a wallet known before the period
  // is money that moved into it from a counted account, and leaving it out would report that move as a loss);
  // and a manual asset entered during the period with its value as of then (`knownSince`: a house entered today
  // was owned before; one entered with an earlier valuation date has a past, and buying it is no loss). Each was
  // held before too, so it is no gain; it counts in net worth now all the same.
  const newKind = new Map(holdingsSources.filter((s) => s.newInPeriod).map((s) => [s.name, s.newInPeriod!]));
  const heldBefore = new Set(holdings[0]!.map((h) => `${h.source}|${h.id}`));
  const isNew = (h: Holding) => {
    const kind = newKind.get(h.source);
    if (!kind) return false;
    if (h.knownSince !== undefined) return h.knownSince >= points[0]!.atMs;
    // A wallet's holding known by no instant is new when not held at the start; an asset's is one with a past.
    return kind === "wallet" && !heldBefore.has(`${h.source}|${h.id}`);
  };
  const newOnes = holdings[1]!.filter((h) => h.valueMinor !== 0n && isNew(h));
  const newNames = (kind: "wallet" | "first-value") => newOnes.filter((h) => newKind.get(h.source) === kind).map((h) => h.name).sort();
  let change = current!.minor - previous!.minor;
  let base = previous!.minor;
  if (unpriced.size || newOnes.length) {
    const probe = new Converter(book, space.currency);
    const comparable = (i: number) => roundHalfEven(probe.exact(holdings[i]!.filter((h) => !unpriced.has(h.currency) && !isNew(h)).map((h) => ({ currency: h.currency, minor: h.valueMinor, date: points[i]!.date }))));
    base = comparable(0);
    change = comparable(1) - base;
    if (unpriced.size) notes.push(unpricedNote(unpricedOn));
    const seen = newNames("wallet");
    if (seen.length) notes.push({ kind: "changeNewWallets", values: { names: seen.join(", "), from: startText } });
    const valued = newNames("first-value");
    if (valued.length) notes.push({ kind: "changeNewValues", values: { names: valued.join(", "), from: startText } });
  }
  const pct = percentOf(change, base);
  const scale = scaleOf(space.currency);
  const own = converter.report(locale);
  // Last, as it adds the budgets' rates to the book: the figures above were converted with the book as it was.
  const compliance = await budgetCompliance(svc, loaded.budgets, space, book);
  // The budgets' own gaps too: their compliance left those amounts out.
  const report = compliance.gaps.unconverted.length === 0 ? own
    : { ...own, complete: false, unconverted: [...own.unconverted, ...compliance.gaps.unconverted], notes: [...own.notes, ...compliance.gaps.notes.map((n) => say(locale, n))] };
  return {
    spaceId: space.id,
    currency: space.currency,
    period,
    from: startText,
    to: todayText,
    asOf: new Date(now).toISOString(),
    netWorth: {
      ...moneyFields("current", current!.minor, scale),
      ...moneyFields("previous", previous!.minor, scale),
      previousDate: previousText,
      ...moneyFields("change", change, scale),
      changePercent: pct?.n ?? null,
      changePercentDecimal: pct?.d ?? null,
      trend: change > 0n ? ("up" as const) : change < 0n ? ("down" as const) : ("flat" as const),
      complete: current!.complete && previous!.complete,
      currentComplete: current!.complete,
      previousComplete: previous!.complete,
      holdings: holdings[1]!.map((h) => {
        return { source: h.source, id: h.id, name: h.name, currency: h.currency, ...moneyFields("value", h.valueMinor, scaleOf(h.currency)), asOf: h.asOf, stale: h.stale ?? false };
      }),
    },
    cashFlow: {
      ...moneyFields("income", income, scale),
      ...moneyFields("expenses", expenses, scale),
      ...moneyFields("net", net, scale),
      period,
    },
    accounts: counts,
    budgetCompliance: compliance.counts,
    topCategories,
    conversion: report,
    notes: [...notes.map((n) => say(locale, n)), ...report.notes],
  };
}

/**
 * Budgets by status in their current period, from the budgets module's own
 * spending computation: exceeded (spent over the amount), at risk (spent at
 * or past the alert threshold, 80% when none is set) or on track. Budgets
 * whose end date has passed are not counted. Spending in other currencies is
 * converted with the dashboard's `book` (today's coin prices included) and the
 * rates read with it; `gaps`: what had no rate (not counted), for the
 * dashboard's conversion report: the amounts, and a note on each as a sentence,
 * made from the amount itself (the budget's own report also tells its fallbacks, which are not the dashboard's).
 */
export async function budgetCompliance(svc: Services, data: BudgetData, space: SpaceInfo, book: RateBook) {
  const out = { onTrack: 0, atRisk: 0, exceeded: 0, total: 0 };
  const gaps: { unconverted: ConversionReport["unconverted"]; notes: Sentence[] } = { unconverted: [], notes: [] };
  const spending = await Promise.all(data.budgets.map((b) => spendingFrom(svc, data, b, space.timezone)));
  const spent = convertSpendings(data.budgets.map((b, i) => ({ budget: b, spending: spending[i]! })), book);
  data.budgets.forEach((b, i) => {
    const s = spent[i]!;
    if (s.window.finished) return;
    if (s.conversion && !s.conversion.complete) {
      gaps.unconverted.push(...s.conversion.unconverted);
      // The budget's missing rates (its fallbacks are not the dashboard's to tell), each from its amount: the same
      // note the budget's report has, what it was part of said in the reader's language.
      const context: Sentence = { kind: "conversionContextBudget", values: { name: JSON.stringify(b.name) } };
      gaps.notes.push(...s.conversion.unconverted.map((u) => missingRateNote(u, s.conversion!.currency, context)));
    }
    out.total++;
    const threshold = BigInt(alertThresholdOf(b));
    if (s.spent > BigInt(b.amount)) out.exceeded++;
    else if (s.spent * 100n >= BigInt(b.amount) * threshold) out.atRisk++;
    else out.onTrack++;
  });
  return { counts: out, gaps };
}
