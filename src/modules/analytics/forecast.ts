/**
 * The 60-day cash-flow forecast of a space.
 *
 * - Recurring series (detected, not dismissed, still active; edited amounts
 *   and cadences as the user set them) give dated occurrences.
 * - The rest (cash flows not in a series) is a seasonal estimate per account
 *   and direction: half the daily average of the last 90 days, half what the
 *   same week did last year (when the ledger goes back that far), else the
 *   90-day average alone.
 * - Weeks start tomorrow (local); the ninth is the four days left of the 60.
 *   Confidence mixes the series' confidence with 0.6 (0.5 without last year)
 *   for the estimate, and decays 2% a week.
 * - Future amounts convert to the space's currency at today's rate (or the
 *   nearest earlier day's), exactly, rounded once per figure.
 * - Entries already in the ledger for a day in the horizon (dated ahead) are
 *   known: their cash flows count in their weeks, a recurring occurrence one
 *   of them stands for (its series' merchant, within half a period) is not
 *   predicted again, and every account entry moves its projected balance.
 * - An occurrence due and not posted yet is still expected within its
 *   series' grace (GRACE_DAYS, recurring.ts), on the horizon's first day.
 * - Projected balances per account (in its own currency) start from the
 *   ledger's balance now; the first day an account that may not go negative
 *   would, is a risk factor.
 *
 * All but the balances (the plan: detection, the estimate, conversions) is cached per space in D1
 * (forecast_cache) with the ledger sequence and the space's forecast epoch (forecast-epoch.ts) it was
 * computed from: served while it is the same local day, the epoch is the space's, and fewer than
 * `LARGE_CHANGE` ledger transactions (none dated ahead, none a revert) have been committed since;
 * recomputed otherwise on the next read, and nightly by cron. Every read projects the plan from the
 * balances now (a row per account and asset), and a cash flow committed since the plan stands for the
 * occurrence it pays (`project`): served from cache, the forecast never starts from an older balance.
 */
import type { AuthContext, Services } from "../../env";
import { parseExactJson } from "../../lib/exact-json";
import { exactSumSql, readExactSum, type SqlGuard } from "../../lib/sql";
import { priceDay } from "../prices/service";
import { Converter, type DatedAmount, daysBefore, HUB, LOOKBACK_DAYS as RATE_LOOKBACK_DAYS, RateBook, scaleOf } from "../rates/convert";
import { add, frac, type Frac, mul, roundHalfEven, ZERO } from "../rates/exact";
import { dateOfDay, DayIndexer, localDayOf, startOfDay } from "./days";
import { addMarketPrices, money, type SpaceInfo } from "./net-worth";
import { forecastEpochSql } from "./forecast-epoch";
import { type Reads, readSpaceWith } from "../spaces/access";
import { CADENCE_DAYS, CASHFLOW_FILTER, cashflowsStatement, expectedSince, LOOKBACK_DAYS, merchantKeyOf, nextAfter, type TxnRow } from "./recurring";
import { type RecurringData, recurringReads, seriesOf } from "./recurring-service";
import { type ValuationData, valuationReads } from "./valuation-reads";

export const HORIZON_DAYS = 60;
export const LARGE_CHANGE = 5;
const RECENT_DAYS = 90;
const MAY_BE_NEGATIVE = new Set(["credit", "credit_card", "loan", "mortgage"]);

interface Bucket {
  start: number;
  end: number; // inclusive
  income: Frac;
  expenses: Frac;
  recurringWeight: number;
  restWeight: number;
}

/** Weights for confidence and seasonality only, never money (to 10^-9; safe for denominators of any size). */
const asNumber = (f: Frac) => Number((f.n * 1_000_000_000n) / f.d) / 1e9;

const DAY_MS = 86_400_000;
/** Days of history the seasonal estimate looks at (its window starts this many local days before today). */
const ESTIMATE_DAYS = 400;

/** Everything the forecast's plan at an instant reads: detection's cash flows and decisions, the accounts, rates and cached prices (not the balances: see balancesStatement). */
export interface ForecastData {
  recurring: RecurringData;
  valuation: ValuationData;
  /** Cash flows dated in the horizon (after now). */
  ahead: TxnRow[];
  /** The space's account entries dated in the horizon, of every asset. */
  aheadEntries: { account_id: string; asset: string; amount: number; timestamp: number }[];
}

/** The end of the window of entries dated ahead: past the horizon's last local day in any zone. */
const aheadUntil = (nowMs: number) => nowMs + (HORIZON_DAYS + 2) * DAY_MS;

/** The instant the projected balances start from (entries before it). */
const balanceInstant = (nowMs: number) => Math.max(nowMs + 1, 0);

/**
 * The forecast's reads at `nowMs` as one batch's statements, before the space's zone is known: the
 * rates and prices over a window of days that holds the estimate's in any zone (its first local day is
 * within a day of UTC's), of the currencies of the space's holdings and of its transactions in the
 * detection window (a superset of the flows' currencies); `computePlan` trims them to exactly what
 * it converts. `space` names the space (a guarded value, for a role check's batch).
 */
export function forecastReads(db: D1Database, space: SqlGuard, nowMs: number): Reads<ForecastData> {
  const utcToday = Math.floor(nowMs / DAY_MS);
  const at = balanceInstant(nowMs);
  const recurring = recurringReads(db, space, nowMs);
  const valuation = valuationReads(
    db,
    space,
    { ranges: [{ lo: at, hi: at }], fromDate: dateOfDay(utcToday - ESTIMATE_DAYS - 2), toDate: dateOfDay(utcToday + 1), priceDay: priceDay(nowMs) },
    {
      sql: "SELECT currency FROM transactions WHERE space_id = (SELECT id FROM sp) AND date >= ? AND date < ?",
      params: [nowMs - LOOKBACK_DAYS * DAY_MS, aheadUntil(nowMs)],
    },
    // The balances now are read with the cache (balancesStatement), a plan or not.
    false,
  );
  // Entries dated ahead: the cash flows, and each account's entries (an index seek per account).
  const ahead = [
    cashflowsStatement(db, space, at, aheadUntil(nowMs)),
    db.prepare(
      `SELECT a.id AS account_id, e.asset, e.amount, e.timestamp FROM accounts a
         JOIN ledger_entries e ON e.space_id = a.space_id AND e.address = 'accounts:' || a.id AND e.timestamp >= ? AND e.timestamp < ?
        WHERE a.space_id = ${space.sql}`,
    ).bind(at, aheadUntil(nowMs), ...space.params),
  ];
  const split = recurring.statements.length;
  const split2 = split + valuation.statements.length;
  return {
    statements: [...recurring.statements, ...valuation.statements, ...ahead],
    read: (results) => ({
      recurring: recurring.read(results.slice(0, split)),
      valuation: valuation.read(results.slice(split, split2)),
      ahead: results[split2]!.results as unknown as TxnRow[],
      aheadEntries: results[split2 + 1]!.results as unknown as ForecastData["aheadEntries"],
    }),
  };
}

/** The forecast's reads in a batch of their own (after the caller's role in the space has been checked). */
async function loadForecastData(svc: Services, spaceId: string, nowMs: number): Promise<ForecastData> {
  const reads = forecastReads(svc.env.DB, { sql: "?", params: [spaceId] }, nowMs);
  return reads.read(await svc.env.DB.batch(reads.statements));
}

/**
 * The rate book of `currencies` and USD over [`fromDate` − the rate lookback, `toDate`], as loadRateBook
 * would hold it: USD too, since the provider's rates are all from USD and a conversion between two other
 * currencies goes through it.
 */
function rateBookOf(data: ValuationData, currencies: string[], fromDate: string, toDate: string): RateBook {
  const codes = new Set([...currencies, HUB]);
  const floor = daysBefore(fromDate, RATE_LOOKBACK_DAYS);
  return new RateBook(data.rates.filter((r) => codes.has(r.base) && codes.has(r.quote) && r.date >= floor && r.date <= toDate));
}

/**
 * A predicted occurrence of a recurring series. The plan keeps each apart (not summed into its week and its
 * account's days), so that a payment posted after the plan was computed can stand for it, as a flow dated ahead
 * does when the plan is computed: the ledger's balance then counts the payment, and the occurrence is not
 * projected a second time.
 */
interface Occurrence {
  /** direction|currency|merchant of its series, as flows are keyed by `flowKey`. */
  key: string;
  /** The amounts (absolute, minor units) a payment standing for it may have: a third either side of the series' own. */
  lo: number;
  hi: number;
  /** The day it is due (before the horizon's first for one late, within its grace), and how far from it a payment standing for it may be. */
  due: number;
  within: number;
  accountId: string;
  /** Signed minor units of the series' currency (its account's). */
  minor: number;
  /** Its amount in the space's currency, exact. */
  inSpace: Frac;
  /** Its weight in its week's confidence. */
  weight: number;
}

/**
 * The forecast of a space at an instant but for its balances: what is costly to compute (detection, the
 * estimate of the rest, conversions), cached per space. `project` turns it into the forecast from the
 * balances now and the payments posted since it was computed.
 */
export interface Plan {
  format: typeof PLAN_FORMAT;
  /** The response's parts that depend on neither the balances nor what was posted since. */
  head: { spaceId: string; currency: string; asOfDate: string; horizon: { from: string; to: string; days: number } };
  tail: { recurringSeriesUsed: number; method: string; conversion: ReturnType<Converter["report"]>; notes: string[] };
  today: number;
  first: number;
  last: number;
  restConfidence: number;
  /** The weeks' estimate of the rest; the known flows and the occurrences are added by `project`. */
  buckets: Bucket[];
  /**
   * The cash flows dated ahead of the plan's instant, each in its week (later today: the first), kept apart: one whose
   * instant has passed when the plan is served is in the balance then, no flow of the weeks ahead.
   */
  known: { bucket: number; timestamp: number; inSpace: Frac; income: boolean }[];
  occurrences: Occurrence[];
  /** The estimate of the rest per account and week: each of the week's days moves the account's balance by `perDay` (its own currency). */
  estimates: { accountId: string; bucket: number; perDay: Frac }[];
  /** Entries dated ahead of the plan's instant in an account's own currency, by day of the horizon (its first for later that day). */
  ahead: { accountId: string; day: number; amount: number; timestamp: number }[];
  /** The accounts projected (those that take entries). */
  accounts: { id: string; name: string; type: string; currency: string }[];
  /** Risk factors that do not depend on the balances. */
  risks: string[];
}

/** The cached plan's layout: a cache row of another (a forecast body of before plans were cached) is not served. */
const PLAN_FORMAT = 3;

/** The key `Occurrence.key` matches a flow by. */
const flowKey = (r: TxnRow) => `${r.amount > 0 ? "income" : "expense"}|${r.currency}|${merchantKeyOf(r)}`;

/** Whether a flow of `minor` (absolute) is of a size that may stand for occurrence `o` (a one-off at its merchant is not). */
const inBand = (minor: number, o: { lo: number; hi: number }) => minor * 3 >= o.lo * 2 && minor * 3 <= o.hi * 4;

/** `data`: `forecastReads(nowMs)`'s results, when the caller read them in its batch; without them it reads them itself. */
export async function computePlan(svc: Services, space: SpaceInfo, nowMs: number, data?: ForecastData): Promise<Plan> {
  const tz = space.timezone;
  const days = new DayIndexer(tz, nowMs - (LOOKBACK_DAYS + 2) * 86_400_000, nowMs + (HORIZON_DAYS + 2) * 86_400_000);
  const today = days.day(nowMs);
  const todayText = dateOfDay(today);
  const first = today + 1;
  const last = today + HORIZON_DAYS;

  // One read of the cash flows: detection's window (it contains the estimate's last 400 days).
  const { recurring, valuation, ahead, aheadEntries } = data ?? (await loadForecastData(svc, space.id, nowMs));
  const allRows = recurring.rows;
  const accounts = valuation.accounts;
  const series = await seriesOf(svc, space, nowMs, undefined, recurring);
  const fromMs = startOfDay(today - ESTIMATE_DAYS, tz);
  const toMs = startOfDay(today + 1, tz);
  const rows = allRows.filter((r) => r.date >= fromMs && r.date < toMs);
  // An inactive account (deactivated or disconnected) takes no more entries: nothing of its own is projected.
  const takesEntries = (accountId: string) => accounts.get(accountId)?.isActive !== false;
  const live = series.filter((s) => s.status !== "dismissed" && s.active && takesEntries(s.accountId));
  const members = new Set(series.flatMap((s) => s.memberIds));

  const buckets: Bucket[] = [];
  for (let s = first; s <= last; s += 7) buckets.push({ start: s, end: Math.min(s + 6, last), income: ZERO, expenses: ZERO, recurringWeight: 0, restWeight: 0 });

  const flowCurrencies = [...new Set([...rows.map((r) => r.currency), ...ahead.map((r) => r.currency), ...live.map((s) => s.currency), space.currency])];
  const firstDate = rows.length ? days.date(rows[0]!.date) : todayText;
  const book = rateBookOf(valuation, flowCurrencies, firstDate, todayText);
  // Coin and security flows (a crypto account's) convert at market prices, as net worth does.
  const priceNotes: string[] = [];
  await addMarketPrices(svc, book, flowCurrencies.map((c) => ({ source: "flow", id: c, name: c, currency: c, valueMinor: 1n, asOf: todayText })), space.currency, priceNotes, todayText, firstDate, {
    past: valuation.pastPrices,
    latest: valuation.latestPrices,
  });
  const converter = new Converter(book, space.currency);
  // Exact conversion of a (fractional) future amount at today's rate; rounded only where a figure is shown.
  const toSpace = (currency: string, v: Frac): Frac => converter.exactFrac(currency, v, todayText, "forecast");

  // A day of the horizon for an instant after now (later today counts as tomorrow, the horizon's first day).
  const horizonDay = (ms: number) => Math.max(first, days.day(ms));

  // Entries dated ahead: known. Each account entry moves its balance on its day; each cash flow counts in its week.
  const aheadMoves: Plan["ahead"] = [];
  for (const e of aheadEntries) {
    const a = accounts.get(e.account_id);
    const d = horizonDay(e.timestamp);
    if (a && e.asset === `${a.currency}/${scaleOf(a.currency)}` && d <= last) aheadMoves.push({ accountId: a.id, day: d, amount: e.amount, timestamp: e.timestamp });
  }
  // direction|currency|merchant: the known flows not yet matched to an occurrence.
  const booked = new Map<string, { id: string; day: number; minor: number }[]>();
  const known: Plan["known"] = [];
  for (const r of ahead) {
    const d = horizonDay(r.date);
    if (d > last || r.amount === 0 || !takesEntries(r.account_id)) continue;
    known.push({ bucket: Math.floor((d - first) / 7), timestamp: r.date, inSpace: toSpace(r.currency, frac(BigInt(r.amount))), income: r.amount > 0 });
    const key = flowKey(r);
    booked.set(key, [...(booked.get(key) ?? []), { id: r.id, day: d, minor: Math.abs(r.amount) }]);
  }

  // Recurring occurrences, but for those a known flow stands for: of the series' merchant, an amount within
  // its band (a third either side of what it has been), not one of its own members, the nearest within half a period.
  // One due and not posted yet is still expected within its grace (GRACE_DAYS): on the horizon's first day.
  const occurrences: Occurrence[] = [];
  for (const s of live) {
    const members = new Set(s.memberIds);
    // The amounts it has had, and the one it is predicted at (a user's edit may have set it outside them).
    const seen = [s.minMinor, s.maxMinor, s.amountMinor].map(Math.abs);
    const band = { lo: Math.min(...seen), hi: Math.max(...seen) };
    const key = `${s.direction}|${s.currency}|${s.merchantKey}`;
    const known = (booked.get(key) ?? []).filter((k) => !members.has(k.id) && inBand(k.minor, band));
    const within = Math.max(3, Math.floor(CADENCE_DAYS[s.cadence] / 2));
    const since = expectedSince(s.cadence, today);
    let d = s.nextDay;
    while (d < since) d = nextAfter(s.cadence, d, since, s.anchors);
    for (; d <= last; d = nextAfter(s.cadence, d, d + 1, s.anchors)) {
      let stands = -1;
      for (const [i, k] of known.entries()) {
        if (Math.abs(k.day - d) <= within && (stands < 0 || Math.abs(k.day - d) < Math.abs(known[stands]!.day - d))) stands = i;
      }
      if (stands >= 0) {
        known.splice(stands, 1);
        continue;
      }
      const inSpace = toSpace(s.currency, frac(BigInt(s.amountMinor)));
      occurrences.push({ key, ...band, due: d, within, accountId: s.accountId, minor: s.amountMinor, inSpace, weight: Math.abs(asNumber(inSpace)) * s.confidence });
    }
  }

  // The rest: seasonal estimate per account and direction.
  const recentFrom = today - RECENT_DAYS + 1;
  const hasLastYear = rows.length > 0 && days.day(rows[0]!.date) <= today - 365 + 7;
  const recent = new Map<string, { currency: string; inc: bigint; exp: bigint }>();
  const lastYear = new Map<string, bigint[]>(); // per account|direction: per bucket sum
  let recentIncomeAll = 0n;
  let recentIncomeNonRecurring = 0n;
  const monthly = new Map<string, DatedAmount[]>();
  const dateTexts = new Map<number, string>();
  const dateText = (d: number) => {
    let t = dateTexts.get(d);
    if (t === undefined) dateTexts.set(d, (t = dateOfDay(d)));
    return t;
  };
  for (const r of rows) {
    const d = days.day(r.date);
    if (r.amount < 0) {
      const date = dateText(d);
      const ym = date.slice(0, 7);
      const list = monthly.get(ym) ?? [];
      list.push({ currency: r.currency, minor: BigInt(-r.amount), date });
      monthly.set(ym, list);
    }
    if (d >= recentFrom && d <= today && r.amount > 0) {
      recentIncomeAll += BigInt(r.amount);
      if (!members.has(r.id)) recentIncomeNonRecurring += BigInt(r.amount);
    }
    if (members.has(r.id)) continue;
    if (d >= recentFrom && d <= today) {
      const e = recent.get(r.account_id) ?? { currency: r.currency, inc: 0n, exp: 0n };
      if (r.amount > 0) e.inc += BigInt(r.amount);
      else e.exp += BigInt(r.amount);
      recent.set(r.account_id, e);
    }
    const shifted = d + 365;
    if (hasLastYear && shifted >= first && shifted <= last) {
      const k = `${r.account_id}|${r.currency}|${r.amount > 0 ? "in" : "out"}`;
      const arr = lastYear.get(k) ?? buckets.map(() => 0n);
      arr[Math.floor((shifted - first) / 7)]! += BigInt(r.amount);
      lastYear.set(k, arr);
    }
  }
  const restConfidence = hasLastYear ? 0.6 : 0.5;
  const estimates: Plan["estimates"] = [];
  const accountIds = new Set([...recent.keys(), ...[...lastYear.keys()].map((k) => k.split("|")[0]!)]);
  for (const accountId of [...accountIds].filter(takesEntries)) {
    const currency = recent.get(accountId)?.currency ?? accounts.get(accountId)?.currency ?? space.currency;
    for (const dir of ["in", "out"] as const) {
      const recentSum = dir === "in" ? (recent.get(accountId)?.inc ?? 0n) : (recent.get(accountId)?.exp ?? 0n);
      const daily = frac(recentSum, BigInt(RECENT_DAYS));
      const ly = lastYear.get(`${accountId}|${currency}|${dir}`);
      buckets.forEach((b, i) => {
        const n = BigInt(b.end - b.start + 1);
        const fromRecent = mul(daily, frac(n));
        const estimate = hasLastYear ? mul(add(fromRecent, frac(ly?.[i] ?? 0n)), frac(1n, 2n)) : fromRecent;
        if (estimate.n === 0n) return;
        estimates.push({ accountId, bucket: i, perDay: mul(estimate, frac(1n, n)) });
        const inSpace = toSpace(currency, estimate);
        if (dir === "in") b.income = add(b.income, inSpace);
        else b.expenses = add(b.expenses, mul(inSpace, frac(-1n)));
        b.restWeight += Math.abs(asNumber(inSpace));
      });
    }
  }

  const risks: string[] = [];
  // Irregular income: much of the recent income is not from a recurring series.
  if (recentIncomeAll > 0n && recentIncomeNonRecurring * 100n > recentIncomeAll * 30n) risks.push("Irregular income patterns");
  // Seasonal spikes: a month of last year's expenses well above the monthly mean, in the months the horizon covers.
  const months = [...monthly.entries()];
  const monthValues = converter.exactMany(months.map(([, amounts]) => ({ amounts, context: "past expenses" })));
  const monthTotals = months.map(([ym], i) => ({ ym, v: asNumber(monthValues[i]!) }));
  const full = monthTotals.filter((m) => m.ym < todayText.slice(0, 7));
  if (full.length >= 6) {
    const mean = full.reduce((s, m) => s + m.v, 0) / full.length;
    const sd = Math.sqrt(full.reduce((s, m) => s + (m.v - mean) ** 2, 0) / full.length);
    if (mean > 0 && sd / mean > 0.3) risks.push("High seasonal spending variation");
    const horizonMonths = new Set<string>();
    for (let d = first; d <= last; d += 7) horizonMonths.add(dateOfDay(d - 365).slice(0, 7));
    for (const m of full) {
      if (horizonMonths.has(m.ym) && mean > 0 && m.v > mean * 1.3) {
        const monthName = new Date(`${m.ym}-01T00:00:00Z`).toLocaleString("en-US", { month: "long", timeZone: "UTC" });
        risks.push(`Seasonal spending spike expected in ${monthName} (last year ${Math.round((m.v / mean - 1) * 100)}% above the monthly mean)`);
      }
    }
  }

  const report = converter.report();
  return {
    format: PLAN_FORMAT,
    head: { spaceId: space.id, currency: space.currency, asOfDate: todayText, horizon: { from: dateOfDay(first), to: dateOfDay(today + HORIZON_DAYS), days: HORIZON_DAYS } },
    tail: {
      recurringSeriesUsed: live.length,
      method: `Recurring series (${live.length}) plus a seasonal estimate of the rest: ${hasLastYear ? "half the last 90 days' daily average, half the same weeks last year" : "the last 90 days' daily average (less than a year of history)"}`,
      conversion: report,
      notes: [
        ...(report.ratesUsedCount > 0 ? ["Future amounts in other currencies convert at today's rate (or the nearest earlier day's)"] : []),
        ...priceNotes,
        ...report.notes,
      ],
    },
    today,
    first,
    last,
    restConfidence,
    buckets,
    known,
    occurrences,
    estimates,
    ahead: aheadMoves,
    accounts: [...accounts.values()].filter((a) => takesEntries(a.id)).map(({ id, name, type, currency }) => ({ id, name, type, currency })),
    risks,
  };
}

/**
 * The forecast of `plan` at `nowMs` (the plan's local day): projected balances per account from `balances`,
 * the ledger's at `nowMs` (balanceInstant), and entries dated ahead of the plan still ahead now (one dated
 * before now since the plan was computed is in the balance now). `posted`: the cash flows posted since the plan
 * was computed (none for a plan computed now); each stands for the nearest occurrence of its series'
 * merchant and band within half a period of its due day, which is then not projected (the balance counts it).
 */
export function project(plan: Plan, balances: Map<string, bigint>, posted: TxnRow[], nowMs: number, timezone: string) {
  const { first, last, today } = plan;
  const taken = new Set<number>();
  for (const r of posted) {
    if (r.amount === 0) continue;
    const key = flowKey(r);
    const day = localDayOf(r.date, timezone);
    const minor = Math.abs(r.amount);
    let stands = -1;
    plan.occurrences.forEach((o, i) => {
      if (taken.has(i) || o.key !== key || !inBand(minor, o) || Math.abs(day - o.due) > o.within) return;
      if (stands < 0 || Math.abs(day - o.due) < Math.abs(day - plan.occurrences[stands]!.due)) stands = i;
    });
    if (stands >= 0) taken.add(stands);
  }

  // Per account and day in the horizon: exact deltas in the account's currency.
  const perAccountDay = new Map<string, Map<number, Frac>>();
  const bump = (accountId: string, day: number, v: Frac) => {
    const m = perAccountDay.get(accountId) ?? new Map<number, Frac>();
    m.set(day, add(m.get(day) ?? ZERO, v));
    perAccountDay.set(accountId, m);
  };
  const buckets = plan.buckets.map((b) => ({ ...b }));
  const at = balanceInstant(nowMs);
  for (const e of plan.ahead) if (e.timestamp >= at) bump(e.accountId, e.day, frac(BigInt(e.amount)));
  // A known flow still ahead counts in its week; one whose instant has passed since the plan is in the balance now.
  for (const k of plan.known) {
    if (k.timestamp < at) continue;
    const b = buckets[k.bucket]!;
    if (k.income) b.income = add(b.income, k.inSpace);
    else b.expenses = add(b.expenses, mul(k.inSpace, frac(-1n)));
    b.recurringWeight += Math.abs(asNumber(k.inSpace));
  }
  plan.occurrences.forEach((o, i) => {
    if (taken.has(i)) return;
    // One late (due before the horizon) is expected any day now: on the horizon's first.
    const day = Math.max(first, o.due);
    bump(o.accountId, day, frac(BigInt(o.minor)));
    const b = buckets[Math.floor((day - first) / 7)]!;
    if (o.minor > 0) b.income = add(b.income, o.inSpace);
    else b.expenses = add(b.expenses, mul(o.inSpace, frac(-1n)));
    b.recurringWeight += o.weight;
  });
  for (const e of plan.estimates) {
    const b = buckets[e.bucket]!;
    for (let d = b.start; d <= b.end; d++) bump(e.accountId, d, e.perDay);
  }

  const weeks = buckets.map((b, i) => {
    const income = roundHalfEven(b.income);
    const expenses = roundHalfEven(b.expenses);
    const net = roundHalfEven(add(b.income, mul(b.expenses, frac(-1n))));
    const total = b.recurringWeight + b.restWeight;
    const base = total === 0 ? 0.5 : (b.recurringWeight + b.restWeight * plan.restConfidence) / total;
    const confidence = Math.round(100 * base * (1 - 0.02 * i)) / 100;
    const m = (x: bigint) => money(x, plan.head.currency);
    return {
      week: dateOfDay(b.start),
      weekEnd: dateOfDay(b.end),
      projectedIncome: m(income).n,
      projectedIncomeDecimal: m(income).d,
      projectedExpenses: m(expenses).n,
      projectedExpensesDecimal: m(expenses).d,
      netFlow: m(net).n,
      netFlowDecimal: m(net).d,
      confidence,
    };
  });
  const totalIncome = roundHalfEven(buckets.reduce((s, b) => add(s, b.income), ZERO));
  const totalExpenses = roundHalfEven(buckets.reduce((s, b) => add(s, b.expenses), ZERO));
  const netAll = roundHalfEven(buckets.reduce((s, b) => add(s, add(b.income, mul(b.expenses, frac(-1n)))), ZERO));

  // Projected balances per account, day by day.
  const riskFactors: string[] = [];
  const projected = plan.accounts.map((a) => {
    const asset = `${a.currency}/${scaleOf(a.currency)}`;
    const start = balances.get(`${a.id}|${asset}`) ?? 0n;
    const deltas = perAccountDay.get(a.id) ?? new Map<number, Frac>();
    let bal: Frac = frac(start);
    let lowest = start;
    let lowestDay = today;
    let negativeOn: string | null = null;
    for (let d = first; d <= last; d++) {
      const delta = deltas.get(d);
      if (delta) bal = add(bal, delta);
      const rounded = roundHalfEven(bal);
      if (rounded < lowest) {
        lowest = rounded;
        lowestDay = d;
      }
      if (negativeOn === null && rounded < 0n && start >= 0n && !MAY_BE_NEGATIVE.has(a.type)) negativeOn = dateOfDay(d);
    }
    if (negativeOn) riskFactors.push(`Projected negative balance in ${a.name} on ${negativeOn}`);
    const m = (x: bigint) => money(x, a.currency);
    const end = roundHalfEven(bal);
    return {
      accountId: a.id,
      name: a.name,
      type: a.type,
      currency: a.currency,
      currentBalance: m(start).n,
      currentBalanceDecimal: m(start).d,
      projectedBalance: m(end).n,
      projectedBalanceDecimal: m(end).d,
      lowestBalance: m(lowest).n,
      lowestBalanceDecimal: m(lowest).d,
      lowestBalanceDate: dateOfDay(lowestDay),
      negativeOn,
    };
  });

  const m = (x: bigint) => money(x, plan.head.currency);
  return {
    ...plan.head,
    forecast: weeks,
    summary: {
      totalProjectedIncome: m(totalIncome).n,
      totalProjectedIncomeDecimal: m(totalIncome).d,
      totalProjectedExpenses: m(totalExpenses).n,
      totalProjectedExpensesDecimal: m(totalExpenses).d,
      netCashFlow: m(netAll).n,
      netCashFlowDecimal: m(netAll).d,
      riskFactors: [...riskFactors, ...plan.risks],
    },
    accounts: projected,
    ...plan.tail,
  };
}

export type Forecast = ReturnType<typeof project>;

/** The plan as the cache keeps it: JSON, each exact fraction as "n/d". */
const planText = (plan: Plan) =>
  JSON.stringify(plan, (_k, v: unknown) => (v !== null && typeof v === "object" && typeof (v as Frac).n === "bigint" ? `${(v as Frac).n}/${(v as Frac).d}` : v));

const fracOf = (text: string): Frac => {
  const slash = text.indexOf("/");
  return frac(BigInt(text.slice(0, slash)), BigInt(text.slice(slash + 1)));
};

/** The plan a cache row keeps, or null for a row of another layout. */
function planOf(payload: string): Plan | null {
  const p = parseExactJson(payload) as Plan | null;
  if (p === null || typeof p !== "object" || p.format !== PLAN_FORMAT) return null;
  const f = (x: unknown) => fracOf(x as string);
  return {
    ...p,
    buckets: p.buckets.map((b) => ({ ...b, income: f(b.income), expenses: f(b.expenses) })),
    known: p.known.map((k) => ({ ...k, inSpace: f(k.inSpace) })),
    occurrences: p.occurrences.map((o) => ({ ...o, inSpace: f(o.inSpace) })),
    estimates: p.estimates.map((e) => ({ ...e, perDay: f(e.perDay) })),
  };
}

/**
 * The state of the space the cache is keyed by: its ledger's, and its forecast epoch (forecast-epoch.ts). The
 * cron keys by the epoch it read with the space's currency and zone, not by the one `ledgerState` reads.
 */
interface LedgerState {
  seq: number;
  count: number;
  epoch: number;
}

interface CacheRow {
  ledger_seq: number;
  as_of_date: string;
  payload: string;
  computed_at: number;
  valid_until: number;
  epoch: number | null;
}

/** The ledger's state and the forecast epoch of the space `space` names (a guarded value, for a role check's batch). */
const stateStatement = (db: D1Database, space: SqlGuard) =>
  db.prepare(
    `SELECT (SELECT MAX(seq) FROM ledger_transactions WHERE space_id = ${space.sql}) AS seq, (SELECT transaction_count FROM spaces WHERE id = ${space.sql}) AS count,
            ${forecastEpochSql(space.sql)} AS epoch`,
  ).bind(...space.params, ...space.params, ...space.params);

const stateFrom = (result: D1Result): LedgerState => {
  const s = result.results[0] as { seq: number | null; count: number | null; epoch: number | null } | undefined;
  return { seq: s?.seq ?? 0, count: s?.count ?? 0, epoch: s?.epoch ?? 0 };
};

/**
 * The balances of the space's accounts at `nowMs` (their entries before balanceInstant), without summing their
 * history: each account's balance as the ledger keeps it (its volumes: every entry, as GET /v1/accounts/{id}
 * shows it) less its entries dated from then on (an index seek per account and asset). A row per account and
 * asset, however long the history, so it is read on every forecast, a cached one too.
 */
const balancesStatement = (db: D1Database, space: SqlGuard, nowMs: number) =>
  db.prepare(
    `SELECT v.address, v.asset, CAST(v.input - v.output AS TEXT) AS held,
            (SELECT ${exactSumSql("e.amount")} FROM ledger_entries e
              WHERE e.space_id = v.space_id AND e.address = v.address AND e.asset = v.asset AND e.timestamp >= ?) AS ahead
       FROM ledger_volumes v WHERE v.space_id = ${space.sql} AND v.address >= 'accounts:' AND v.address < 'accounts;'`,
  ).bind(balanceInstant(nowMs), ...space.params);

/** `balancesStatement`'s balances by account|asset. */
const balancesFrom = (result: D1Result): Map<string, bigint> =>
  new Map(
    (result.results as { address: string; asset: string; held: string; ahead: string | null }[]).map((r) => [
      `${r.address.slice("accounts:".length)}|${r.asset}`,
      BigInt(r.held) - readExactSum(r.ahead),
    ]),
  );

/**
 * The cash flows of the ledger transactions committed since the cached plan of the space `space` names (the
 * next LARGE_CHANGE − 1 at most: past those the cache is stale), for `project` to match to the plan's
 * occurrences. An index seek; nothing when there is no cache.
 */
const postedSinceStatement = (db: D1Database, space: SqlGuard) =>
  db.prepare(
    `SELECT t.id, t.account_id, t.amount, t.currency, t.date, t.merchant_name, t.normalized_merchant, t.description, t.category_id
       FROM forecast_cache c JOIN transactions t ON t.space_id = c.space_id AND t.ledger_seq > c.ledger_seq AND t.ledger_seq < c.ledger_seq + ?
      WHERE c.space_id = ${space.sql} AND ${CASHFLOW_FILTER}
      ORDER BY t.date, t.id`,
  ).bind(LARGE_CHANGE, ...space.params);

interface CacheLook {
  state: LedgerState;
  cached: CacheRow | null;
  superseded: boolean;
  /** The balances now (`balancesStatement`). */
  balances: Map<string, bigint>;
  /** The cash flows posted since the cached plan. */
  posted: TxnRow[];
}

/** The ledger's state, the cached plan, the balances now and what was posted since the plan, of the space `space` names, for the role check's batch. */
function cacheReads(db: D1Database, space: SqlGuard, nowMs: number): Reads<CacheLook> {
  return {
    statements: [
      stateStatement(db, space),
      db.prepare(`SELECT ledger_seq, as_of_date, payload, computed_at, valid_until, epoch FROM forecast_cache WHERE space_id = ${space.sql}`).bind(...space.params),
      db.prepare(`SELECT EXISTS (SELECT 1 FROM forecast_cache c WHERE c.space_id = ${space.sql} AND ${SUPERSEDED_SINCE}) AS superseded`).bind(...space.params, LARGE_CHANGE, nowMs),
      balancesStatement(db, space, nowMs),
      postedSinceStatement(db, space),
    ],
    read: ([state, cached, superseded, balances, posted]) => ({
      state: stateFrom(state!),
      cached: (cached!.results[0] as CacheRow | undefined) ?? null,
      superseded: (superseded!.results[0] as { superseded: number } | undefined)?.superseded === 1,
      balances: balancesFrom(balances!),
      posted: posted!.results as unknown as TxnRow[],
    }),
  };
}

/**
 * A ledger transaction committed since cache row `c` was computed (among the next LARGE_CHANGE: past those the
 * cache is stale anyway) that the cached forecast cannot stand for as a change not seen yet (binds LARGE_CHANGE,
 * now), so it is not served however few the changes:
 * - one dated after now: the cached forecast did not place it in the horizon;
 * - a revert (a void), whatever its date: the cached forecast counts the reverted entry, money the ledger now
 *   says never moved (a balance and an estimate off by its amount), where a new entry is only one more change.
 */
const SUPERSEDED_SINCE = `EXISTS (SELECT 1 FROM ledger_transactions t
  WHERE t.space_id = c.space_id AND t.seq > c.ledger_seq AND t.seq <= c.ledger_seq + ?
    AND (t.timestamp > ? OR t.reverts_seq IS NOT NULL))`;

/** Current state of the space's ledger for the cache key, read on its own. */
async function ledgerState(svc: Services, spaceId: string): Promise<LedgerState> {
  return stateFrom(await stateStatement(svc.env.DB, { sql: "?", params: [spaceId] }).all());
}

/**
 * How long a forecast that left an amount unconverted (no rate or price for it) is served. Rates and prices
 * arrive later without touching the space (the hourly backfills, the daily rates), so no epoch is bumped for
 * them: such a forecast is computed again within the hour rather than kept, unconverted, until the next day.
 */
const INCOMPLETE_VALID_MS = 3_600_000;

/**
 * Computes the forecast's plan of `space` and caches it under `key`: the space's state, whose epoch was read with
 * `space` (its currency and zone) and with or before the forecast's data (`data`, or read now), so that a
 * change between them can only make the cache look older than it is, never newer.
 */
export async function storeForecast(svc: Services, space: SpaceInfo, nowMs: number, key: LedgerState, data?: ForecastData) {
  const plan = await computePlan(svc, space, nowMs, data);
  const nextDay = startOfDay(localDayOf(nowMs, space.timezone) + 1, space.timezone);
  const validUntil = plan.tail.conversion.complete ? nextDay : Math.min(nextDay, nowMs + INCOMPLETE_VALID_MS);
  await svc.env.DB.prepare(
    `INSERT INTO forecast_cache (space_id, ledger_seq, transaction_count, as_of_date, payload, computed_at, valid_until, epoch)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(space_id) DO UPDATE SET ledger_seq = excluded.ledger_seq, transaction_count = excluded.transaction_count,
       as_of_date = excluded.as_of_date, payload = excluded.payload, computed_at = excluded.computed_at, valid_until = excluded.valid_until,
       epoch = excluded.epoch`,
  )
    .bind(space.id, key.seq, key.count, plan.head.asOfDate, planText(plan), nowMs, validUntil, key.epoch)
    .run();
  return plan;
}

/**
 * `space`, or NULL while the space's cached forecast may still be fresh: a cache row of the space's current
 * forecast epoch, whose space's next day had not begun by `nowMs`, with fewer than LARGE_CHANGE ledger
 * transactions since. Reads that name the space through it run only when the cache is stale for certain (no
 * cache, one of an older epoch, of an earlier day, or with too many changes since). `isFresh` still decides.
 */
function whenStale(space: SqlGuard, nowMs: number): SqlGuard {
  const seq = `(SELECT COALESCE(MAX(seq), 0) FROM ledger_transactions WHERE space_id = ${space.sql})`;
  return {
    sql: `(SELECT ${space.sql} WHERE NOT EXISTS (SELECT 1 FROM forecast_cache c
             WHERE c.space_id = ${space.sql} AND c.valid_until > ? AND c.epoch = ${forecastEpochSql("c.space_id")}
               AND ${seq} - c.ledger_seq BETWEEN 0 AND ? AND NOT ${SUPERSEDED_SINCE}))`,
    params: [...space.params, ...space.params, nowMs, ...space.params, LARGE_CHANGE - 1, LARGE_CHANGE, nowMs],
  };
}

/**
 * The role check's batch of the forecast at `nowMs`: the ledger's state and the cache, and the
 * forecast's reads when the cache is stale for certain (`data`; null when they were not read).
 */
function forecastLook(db: D1Database, space: SqlGuard, nowMs: number): Reads<CacheLook & { data: ForecastData | null }> {
  const cache = cacheReads(db, space, nowMs);
  const stale = whenStale(space, nowMs);
  const compute = forecastReads(db, stale, nowMs);
  const n = cache.statements.length;
  return {
    statements: [...cache.statements, db.prepare(`SELECT ${stale.sql} AS id`).bind(...stale.params), ...compute.statements],
    read: (results) => {
      const read = (results[n]!.results[0] as { id: string | null } | undefined)?.id != null;
      return { ...cache.read(results.slice(0, n)), data: read ? compute.read(results.slice(n + 1)) : null };
    },
  };
}

/**
 * True when the cached plan may be served: still valid (an unconverted one for an hour), of the space's current forecast epoch, the same local day,
 * fewer than LARGE_CHANGE ledger transactions since, and none of them superseding it (SUPERSEDED_SINCE).
 */
const isFresh = (cached: CacheRow | null, state: LedgerState, today: string, superseded: boolean, nowMs: number): cached is CacheRow =>
  !!cached && !superseded && cached.valid_until > nowMs && cached.epoch === state.epoch && cached.as_of_date === today && state.seq >= cached.ledger_seq && state.seq - cached.ledger_seq < LARGE_CHANGE;

/**
 * GET /v1/analytics/forecast: the plan from cache when fresh, else computed now (and cached), projected from
 * the balances now: a change since the plan (fewer than LARGE_CHANGE, none dated ahead nor a revert) is in
 * them, and a payment it posted stands for the occurrence it pays. The session, the caller's role, the ledger's
 * state, the cache, the balances and what was posted since are one round trip, with the forecast's reads when the
 * cache is stale for certain; then a stale cache costs the cache's write (a write of what was computed, so
 * after it). The forecast's reads (with the balances) are read on their own only should `isFresh` and
 * `whenStale` disagree (they judge the same things; `whenStale` in SQL), or the cached row be of another layout.
 */
export async function getForecast(svc: Services, auth: AuthContext, spaceId: string) {
  const now = svc.clock.now();
  const db = svc.env.DB;
  const { membership, data: look } = await readSpaceWith(svc, auth, spaceId, "viewer", (g) => forecastLook(db, g, now));
  const space: SpaceInfo = { id: membership.space.id, currency: membership.space.currency, timezone: membership.space.timezone };
  const { state, cached, superseded, balances, posted, data } = look!;
  const today = dateOfDay(localDayOf(now, space.timezone));
  const plan = isFresh(cached, state, today, superseded, now) ? planOf(cached.payload) : null;
  if (plan) {
    const cache = { hit: true, computedAt: new Date(cached!.computed_at).toISOString(), ledgerSeq: cached!.ledger_seq, changesSince: state.seq - cached!.ledger_seq };
    return { ...project(plan, balances, posted, now, space.timezone), cache };
  }
  const cache = { hit: false, computedAt: new Date(now).toISOString(), ledgerSeq: state.seq, changesSince: 0 };
  if (data) return { ...project(await storeForecast(svc, space, now, state, data), balances, [], now, space.timezone), cache };
  const own = { sql: "?", params: [space.id] };
  const reads = forecastReads(db, own, now);
  const [read, ...results] = await db.batch([balancesStatement(db, own, now), ...reads.statements]);
  return { ...project(await storeForecast(svc, space, now, state, reads.read(results)), balancesFrom(read!), [], now, space.timezone), cache };
}

/** Cron (03:00 UTC): recompute the forecasts of spaces with transactions, oldest cache first. */
export async function refreshForecasts(svc: Services, scheduledTime: number, limit = 200): Promise<number> {
  // Each space's epoch is read with its currency and zone: one bumped after this read makes the cache stale.
  const res = await svc.env.DB.prepare(
    `SELECT s.id, s.currency, s.timezone, ${forecastEpochSql("s.id")} AS epoch FROM spaces s LEFT JOIN forecast_cache f ON f.space_id = s.id
      WHERE s.deleted_at IS NULL AND s.transaction_count > 0 ORDER BY COALESCE(f.computed_at, 0) LIMIT ?`,
  )
    .bind(limit)
    .all<SpaceInfo & { epoch: number }>();
  let done = 0;
  for (const { epoch, ...space } of res.results) {
    await storeForecast(svc, space, scheduledTime, { ...(await ledgerState(svc, space.id)), epoch });
    done++;
  }
  return done;
}

/** The nightly cron task. */
export async function forecastCronTask(svc: Services, scheduledTime: number): Promise<void> {
  await refreshForecasts(svc, scheduledTime);
}

export { CADENCE_DAYS };
