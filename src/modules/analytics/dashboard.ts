/**
 * `GET /v1/analytics/dashboard`: net worth now and its change over the
 * period, cash flow, account counts by kind, budget compliance and top
 * expense categories, in the space's currency and its days.
 *
 * - Period: the last N local days including today (7d, 30d, 90d, 1y = 365).
 * - Cash flow counts income, expenses and fees; transfers between the
 *   space's own accounts, trades, opening balances and voided rows are none of
 *   them. Income is money in (amount > 0), expenses money out (amount < 0).
 * - Every amount converts at its own day's rate, exactly; each total is
 *   rounded once (half-even); a missing rate is reported, never a 0.
 * - Category percentages are shares of the period's expenses in tenths of a
 *   percent by the largest-remainder method, so the listed ones (top five
 *   and "Other") sum to exactly 100.0.
 */
import type { Services } from "../../env";
import { budgetCategories, budgets } from "../../db/schema";
import { eq, inArray } from "drizzle-orm";
import { dateOfDay, localDayOf, startOfDay } from "./days";
import { spendingOf } from "../budgets/spending";
import { Converter, type DatedAmount } from "../rates/convert";
import { priceDay } from "../prices/service";
import type { SqlGuard } from "../../lib/sql";
import { type Frac, frac, add, cmp, formatMinorBig, onCommonDenominator, roundHalfEven, sub, ZERO, floorFrac } from "../rates/exact";
import { DayIndexer } from "./days";
import { accountsOf } from "./ledger-holdings";
import { holdingsAt, loadValuation, money, type SpaceInfo, valuationBook, valuePoints } from "./net-worth";
import { CASHFLOW_FILTER } from "./recurring";

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

interface FlowRow {
  currency: string;
  date: number;
  category_id: string | null;
  income: string;
  expenses: string;
}

/** Exact (unrounded) ratio `a / b` as a percentage with 2 decimals, half-even; null when b is 0. */
function percentOf(a: bigint, b: bigint): { n: number; d: string } | null {
  if (b === 0n) return null;
  const hundredths = roundHalfEven(frac(a * 10000n, b < 0n ? -b : b));
  const text = formatMinorBig(hundredths, 2);
  return { n: Number(text), d: text };
}

/** The currencies of the cash flow between two instants, as codes a valuation reads rates of (see valuation-reads' codesCte). */
const flowCodes = (startMs: number, endMs: number): SqlGuard => ({
  sql: "SELECT currency FROM transactions WHERE space_id = (SELECT id FROM sp) AND date >= ? AND date < ?",
  params: [startMs, endMs],
});

export async function dashboard(svc: Services, space: SpaceInfo, period: DashboardPeriod) {
  const now = svc.clock.now();
  const tz = space.timezone;
  const today = localDayOf(now, tz);
  const startDay = today - (PERIODS[period] - 1);
  const startMs = startOfDay(startDay, tz);
  const endMs = startOfDay(today + 1, tz);
  const todayText = dateOfDay(today);
  const startText = dateOfDay(startDay);
  const previousText = dateOfDay(startDay - 1);
  const db = svc.env.DB;

  // Net worth at the end of today and at the end of the day before the period.
  const points = [
    { date: previousText, atMs: startMs },
    { date: todayText, atMs: Math.min(endMs, Math.max(now + 1, startMs)) },
  ];
  // The reads are independent: cash flow and categories, accounts, holdings and budgets at once.
  const [[flowsRes, catsRes], accounts, data, compliance] = await Promise.all([
    db.batch([
      db.prepare(
        `SELECT currency, date, category_id, CAST(SUM(CASE WHEN amount > 0 THEN amount ELSE 0 END) AS TEXT) AS income,
                CAST(SUM(CASE WHEN amount < 0 THEN -amount ELSE 0 END) AS TEXT) AS expenses
           FROM transactions WHERE space_id = ? AND date >= ? AND date < ? AND ${CASHFLOW_FILTER}
          GROUP BY currency, date, category_id`,
      ).bind(space.id, startMs, endMs),
      db.prepare("SELECT id, name, parent_id FROM categories WHERE space_id = ?").bind(space.id),
    ]),
    accountsOf(svc, space.id),
    loadValuation(svc, space.id, { ranges: points.map((p) => ({ lo: p.atMs, hi: p.atMs })), fromDate: previousText, toDate: todayText, priceDay: priceDay(now) }, flowCodes(startMs, endMs)),
    budgetCompliance(svc, space),
  ]);
  const flows = flowsRes!.results as unknown as FlowRow[];
  const categories = new Map((catsRes!.results as { id: string; name: string; parent_id: string | null }[]).map((c) => [c.id, c]));

  const holdings = holdingsAt(data, points);
  const notes: string[] = [];
  const book = await valuationBook(svc, data, holdings.flat(), space.currency, notes, todayText, previousText);
  const converter = new Converter(book, space.currency);
  const [previous, current] = valuePoints(converter, holdings, [previousText, todayText]);

  // Cash flow and categories, each amount at its own day's rate.
  const days = new DayIndexer(tz, startMs, endMs);
  const incomeAmounts: DatedAmount[] = [];
  const byCategory = new Map<string, DatedAmount[]>();
  for (const f of flows) {
    const date = days.date(f.date);
    const inc = BigInt(f.income);
    const exp = BigInt(f.expenses);
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
    { amounts: incomeAmounts, context: "income" },
    ...catIds.map((id) => ({ amounts: byCategory.get(id)!, context: "expenses" })),
  ]);
  const catExact = catIds.map((id, i) => ({ id, exact: catValues[i]! }));
  const expensesExact = catExact.reduce((s, c) => add(s, c.exact), ZERO);
  const income = roundHalfEven(incomeExact!);
  const expenses = roundHalfEven(expensesExact);
  const net = roundHalfEven(sub(incomeExact!, expensesExact));

  // Top categories (and the rest as "Other"), percentages by largest remainder.
  catExact.sort((a, b) => cmp(b.exact, a.exact) || a.id.localeCompare(b.id));
  const shown = catExact.slice(0, TOP_CATEGORIES);
  const rest = catExact.slice(TOP_CATEGORIES);
  const buckets = [...shown.map((c) => ({ id: c.id, name: c.id ? (categories.get(c.id)?.name ?? "Unknown") : "Uncategorized", exact: c.exact }))];
  if (rest.length) buckets.push({ id: "other", name: "Other", exact: rest.reduce((s, c) => add(s, c.exact), ZERO) });
  const tenths = largestRemainder(buckets.map((b) => b.exact), 1000n);
  const topCategories = buckets.map((b, i) => {
    const m = money(roundHalfEven(b.exact), space.currency);
    return {
      categoryId: b.id === "" || b.id === "other" ? null : b.id,
      category: b.name,
      amount: m.n,
      amountDecimal: m.d,
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
  const unpriced = new Set(
    holdings.flatMap((hs, i) => hs.filter((h) => h.valueMinor !== 0n && !book.resolve(h.currency, space.currency, points[i]!.date)).map((h) => h.currency)),
  );
  let change = current!.minor - previous!.minor;
  let base = previous!.minor;
  if (unpriced.size) {
    const probe = new Converter(book, space.currency);
    const comparable = (i: number) => roundHalfEven(probe.exact(holdings[i]!.filter((h) => !unpriced.has(h.currency)).map((h) => ({ currency: h.currency, minor: h.valueMinor, date: points[i]!.date }))));
    base = comparable(0);
    change = comparable(1) - base;
    notes.push(`The change leaves out ${[...unpriced].sort().join(", ")} on both days: no rate or price for them on ${previousText} or ${todayText}`);
  }
  const pct = percentOf(change, base);
  const m = (x: bigint) => money(x, space.currency);
  const report = converter.report();
  return {
    spaceId: space.id,
    currency: space.currency,
    period,
    from: startText,
    to: todayText,
    asOf: new Date(now).toISOString(),
    netWorth: {
      current: m(current!.minor).n,
      currentDecimal: m(current!.minor).d,
      previous: m(previous!.minor).n,
      previousDecimal: m(previous!.minor).d,
      previousDate: previousText,
      change: m(change).n,
      changeDecimal: m(change).d,
      changePercent: pct?.n ?? null,
      changePercentDecimal: pct?.d ?? null,
      trend: change > 0n ? ("up" as const) : change < 0n ? ("down" as const) : ("flat" as const),
      complete: current!.complete && previous!.complete,
      holdings: holdings[1]!.map((h) => {
        const own = money(h.valueMinor, h.currency);
        return { source: h.source, id: h.id, name: h.name, currency: h.currency, value: own.n, valueDecimal: own.d, asOf: h.asOf, stale: h.stale ?? false };
      }),
    },
    cashFlow: {
      income: m(income).n,
      incomeDecimal: m(income).d,
      expenses: m(expenses).n,
      expensesDecimal: m(expenses).d,
      net: m(net).n,
      netDecimal: m(net).d,
      period,
    },
    accounts: counts,
    budgetCompliance: compliance,
    topCategories,
    conversion: report,
    notes: [...notes, ...report.notes],
  };
}

/**
 * Budgets by status in their current period, from the budgets module's own
 * spending computation: exceeded (spent over the amount), at risk (spent at
 * or past the alert threshold, 80% when none is set) or on track. Budgets
 * whose end date has passed are not counted.
 */
export async function budgetCompliance(svc: Services, space: SpaceInfo) {
  const rows = await svc.db.select().from(budgets).where(eq(budgets.spaceId, space.id));
  const out = { onTrack: 0, atRisk: 0, exceeded: 0, total: 0 };
  if (rows.length === 0) return out;
  const links = await svc.db
    .select()
    .from(budgetCategories)
    .where(inArray(budgetCategories.budgetId, svc.db.select({ id: budgets.id }).from(budgets).where(eq(budgets.spaceId, space.id))));
  const spent = await Promise.all(rows.map((b) => spendingOf(svc, b, links.filter((l) => l.budgetId === b.id).map((l) => l.categoryId), space.timezone)));
  rows.forEach((b, i) => {
    const s = spent[i]!;
    if (s.window.finished) return;
    out.total++;
    const threshold = BigInt(b.alertThreshold ?? 80);
    if (BigInt(s.spent) > BigInt(b.amount)) out.exceeded++;
    else if (BigInt(s.spent) * 100n >= BigInt(b.amount) * threshold) out.atRisk++;
    else out.onTrack++;
  });
  return out;
}
