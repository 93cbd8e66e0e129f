/**
 * The forecast's plan: what is expensive and does not move with each write (forecast.ts caches it): the reads it is
 * computed from, the recurring series' dated occurrences (a due one still expected within its grace), the seasonal
 * estimate of the other cash flows per account and direction, and the conversions into the space's currency.
 */
import type { Services } from "../../env";
import type { Sentence } from "../../lib/i18n";
import { type SqlGuard } from "../../lib/sql";
import { priceDay } from "../prices/service";
import { Converter, type DatedAmount, daysBefore, HUB, LOOKBACK_DAYS as RATE_LOOKBACK_DAYS, RateBook, scaleOf } from "../rates/convert";
import { add, frac, type Frac, mul, ZERO } from "../rates/exact";
import { dateOfDay, DayIndexer, startOfDay } from "./days";
import { addMarketPrices, type SpaceInfo } from "./net-worth";
import { type Reads } from "../spaces/access";
import { CADENCE_DAYS, cashflowsStatement, expectedSince, LOOKBACK_DAYS, merchantKeyOf, nextAfter, type TxnRow } from "./recurring";
import { type RecurringData, recurringReads, seriesOf } from "./recurring-service";
import { type ValuationData, valuationReads } from "./valuation-reads";
import { oneOffsOf, oneOffNote } from "./one-offs";

export const HORIZON_DAYS = 60;

export const LARGE_CHANGE = 5;

export const RECENT_DAYS = 90;

export const MAY_BE_NEGATIVE = new Set(["credit", "credit_card", "loan", "mortgage"]);

export interface Bucket {
  start: number;
  end: number; // inclusive
  income: Frac;
  expenses: Frac;
  recurringWeight: number;
  restWeight: number;
}

/** Weights for confidence and seasonality only, never money (to 10^-9; safe for denominators of any size). */
export const asNumber = (f: Frac) => Number((f.n * 1_000_000_000n) / f.d) / 1e9;

export const DAY_MS = 86_400_000;

/** Days of history the seasonal estimate looks at (its window starts this many local days before today). */
export const ESTIMATE_DAYS = 400;

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
export const aheadUntil = (nowMs: number) => nowMs + (HORIZON_DAYS + 2) * DAY_MS;

/** The instant the projected balances start from (entries before it). */
export const balanceInstant = (nowMs: number) => Math.max(nowMs + 1, 0);

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
export async function loadForecastData(svc: Services, spaceId: string, nowMs: number): Promise<ForecastData> {
  const reads = forecastReads(svc.env.DB, { sql: "?", params: [spaceId] }, nowMs);
  return reads.read(await svc.env.DB.batch(reads.statements));
}

/**
 * The rate book of `currencies` and USD over [`fromDate` − the rate lookback, `toDate`], as loadRateBook
 * would hold it: USD too, since the provider's rates are all from USD and a conversion between two other
 * currencies goes through it.
 */
export function rateBookOf(data: ValuationData, currencies: string[], fromDate: string, toDate: string): RateBook {
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
export interface Occurrence {
  /** account|direction|currency|merchant of its series, as flows are keyed by `flowKey`. */
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
  /**
   * Of a series filed under a transfer category (a move between the user's own accounts): it moves its account's
   * balance and is neither income nor spending of its week (as the dashboard counts such rows: cashflow-sums.ts).
   */
  transfer?: boolean;
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
  /**
   * The conversion's report but for its notes, and the notes: sentences (the conversion's, `conversionNotes`, are
   * also the end of `notes`), said in the reader's language when served.
   */
  tail: { recurringSeriesUsed: number; conversion: Omit<ReturnType<Converter["report"]>, "notes">; conversionNotes: Sentence[]; notes: Sentence[] };
  /** How the forecast was made, said in the reader's language when served. */
  method: Sentence;
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
  /** Risk factors that do not depend on the balances, said in the reader's language when served. */
  risks: Sentence[];
}

/**
 * A sentence of the response (i18n.ts `Sentence`): the cached plan holds no language, the reader's is chosen when it
 * is served (i18n.ts `say`).
 */
export type { Sentence };

/**
 * The cached plan's layout: a cache row of another is not served (a forecast body of before plans were cached, a plan
 * of before its risks and method were sentences to say in the reader's language, 5, or of before its notes were, 6:
 * English notes served to every reader; 7, of before moves between the user's own accounts filed under a transfer
 * category were left out of the weeks' income and expenses).
 */
export const PLAN_FORMAT = 8;

/**
 * The key `Occurrence.key` matches a flow by: of its account too, as series are per account (a payment on one
 * person's account does not stand for the same bill due on another's).
 */
export const flowKey = (r: TxnRow) => `${r.account_id}|${r.amount > 0 ? "income" : "expense"}|${r.currency}|${merchantKeyOf(r)}`;

/** Whether a flow of `minor` (absolute) is of a size that may stand for occurrence `o` (a one-off at its merchant is not). */
export const inBand = (minor: number, o: { lo: number; hi: number }) => minor * 3 >= o.lo * 2 && minor * 3 <= o.hi * 4;

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
  const priceNotes: Sentence[] = [];
  await addMarketPrices(svc, book, flowCurrencies.map((c) => ({ source: "flow", id: c, name: c, currency: c, valueMinor: 1n, asOf: todayText })), space.currency, priceNotes, todayText, firstDate, {
    past: valuation.pastPrices,
    latest: valuation.latestPrices,
  });
  const converter = new Converter(book, space.currency);
  // Exact conversion of a (fractional) future amount at today's rate; rounded only where a figure is shown.
  const toSpace = (currency: string, v: Frac): Frac => converter.exactFrac(currency, v, todayText, { kind: "conversionContextForecast" });

  // A day of the horizon for an instant after now (later today counts as tomorrow, the horizon's first day).
  const horizonDay = (ms: number) => Math.max(first, days.day(ms));

  // Entries dated ahead: known. Each account entry moves its balance on its day; each cash flow counts in its week.
  const aheadMoves: Plan["ahead"] = [];
  for (const e of aheadEntries) {
    const a = accounts.get(e.account_id);
    const d = horizonDay(e.timestamp);
    if (a && e.asset === `${a.currency}/${scaleOf(a.currency)}` && d <= last) aheadMoves.push({ accountId: a.id, day: d, amount: e.amount, timestamp: e.timestamp });
  }
  // account|direction|currency|merchant: the known flows not yet matched to an occurrence.
  const booked = new Map<string, { id: string; day: number; minor: number }[]>();
  const known: Plan["known"] = [];
  for (const r of ahead) {
    const d = horizonDay(r.date);
    if (d > last || r.amount === 0 || !takesEntries(r.account_id)) continue;
    // A move between the user's own accounts is in their balances (aheadMoves), neither income nor spending.
    if (r.transfer !== 1) known.push({ bucket: Math.floor((d - first) / 7), timestamp: r.date, inSpace: toSpace(r.currency, frac(BigInt(r.amount))), income: r.amount > 0 });
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
    const key = `${s.accountId}|${s.direction}|${s.currency}|${s.merchantKey}`;
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
      occurrences.push({ key, ...band, due: d, within, accountId: s.accountId, minor: s.amountMinor, inSpace, weight: Math.abs(asNumber(inSpace)) * s.confidence, ...(s.transfer ? { transfer: true } : {}) });
    }
  }

  // The rest: seasonal estimate per account and direction.
  const recentFrom = today - RECENT_DAYS + 1;
  const hasLastYear = rows.length > 0 && days.day(rows[0]!.date) <= today - 365 + 7;
  // Per account, and apart the part of it filed under a transfer category (moves between the user's own accounts):
  // the estimate moves the account's balance by all of it, and its week's income and expenses by the rest.
  const recent = new Map<string, { currency: string; inc: bigint; exp: bigint }>();
  const recentTransfers = new Map<string, { inc: bigint; exp: bigint }>();
  const lastYear = new Map<string, bigint[]>(); // per account|currency|direction (|transfer): per bucket sum
  let recentIncomeAll = 0n;
  let recentIncomeNonRecurring = 0n;
  const monthly = new Map<string, DatedAmount[]>();
  const dateTexts = new Map<number, string>();
  const dateText = (d: number) => {
    let t = dateTexts.get(d);
    if (t === undefined) dateTexts.set(d, (t = dateOfDay(d)));
    return t;
  };
  // One-off purchases (a car) are left out of the last 90 days' average (one-offs.ts), judged per currency.
  const recentSpending = new Map<string, TxnRow[]>();
  for (const r of rows) {
    const d = days.day(r.date);
    if (members.has(r.id) || r.amount >= 0 || d < recentFrom || d > today) continue;
    const list = recentSpending.get(r.currency);
    if (list) list.push(r);
    else recentSpending.set(r.currency, [r]);
  }
  const oneOffs = [...recentSpending.values()].flatMap(oneOffsOf).sort((a, b) => a.date - b.date);
  const setAside = new Set(oneOffs.map((r) => r.id));
  const oneOffNotes: Sentence[] = oneOffs.length ? [{ kind: "forecastOneOffs", values: { purchases: oneOffs.map((r) => oneOffNote(r, (t) => days.day(t))) } }] : [];
  for (const r of rows) {
    const d = days.day(r.date);
    const moved = r.transfer === 1;
    if (r.amount < 0 && !moved) {
      const date = dateText(d);
      const ym = date.slice(0, 7);
      const list = monthly.get(ym) ?? [];
      list.push({ currency: r.currency, minor: BigInt(-r.amount), date });
      monthly.set(ym, list);
    }
    if (d >= recentFrom && d <= today && r.amount > 0 && !moved) {
      recentIncomeAll += BigInt(r.amount);
      if (!members.has(r.id)) recentIncomeNonRecurring += BigInt(r.amount);
    }
    if (members.has(r.id) || setAside.has(r.id)) continue;
    if (d >= recentFrom && d <= today) {
      const e = recent.get(r.account_id) ?? { currency: r.currency, inc: 0n, exp: 0n };
      if (r.amount > 0) e.inc += BigInt(r.amount);
      else e.exp += BigInt(r.amount);
      recent.set(r.account_id, e);
      if (moved) {
        const t = recentTransfers.get(r.account_id) ?? { inc: 0n, exp: 0n };
        if (r.amount > 0) t.inc += BigInt(r.amount);
        else t.exp += BigInt(r.amount);
        recentTransfers.set(r.account_id, t);
      }
    }
    const shifted = d + 365;
    if (hasLastYear && shifted >= first && shifted <= last) {
      const k = `${r.account_id}|${r.currency}|${r.amount > 0 ? "in" : "out"}`;
      for (const key of moved ? [k, `${k}|transfer`] : [k]) {
        const arr = lastYear.get(key) ?? buckets.map(() => 0n);
        arr[Math.floor((shifted - first) / 7)]! += BigInt(r.amount);
        lastYear.set(key, arr);
      }
    }
  }
  const restConfidence = hasLastYear ? 0.6 : 0.5;
  const estimates: Plan["estimates"] = [];
  const accountIds = new Set([...recent.keys(), ...[...lastYear.keys()].map((k) => k.split("|")[0]!)]);
  for (const accountId of [...accountIds].filter(takesEntries)) {
    const currency = recent.get(accountId)?.currency ?? accounts.get(accountId)?.currency ?? space.currency;
    for (const dir of ["in", "out"] as const) {
      const recentSum = dir === "in" ? (recent.get(accountId)?.inc ?? 0n) : (recent.get(accountId)?.exp ?? 0n);
      const recentMoved = dir === "in" ? (recentTransfers.get(accountId)?.inc ?? 0n) : (recentTransfers.get(accountId)?.exp ?? 0n);
      const ly = lastYear.get(`${accountId}|${currency}|${dir}`);
      const lyMoved = lastYear.get(`${accountId}|${currency}|${dir}|transfer`);
      const estimateOf = (sum: bigint, lastYearSum: bigint, n: bigint) => {
        const fromRecent = mul(frac(sum, BigInt(RECENT_DAYS)), frac(n));
        return hasLastYear ? mul(add(fromRecent, frac(lastYearSum)), frac(1n, 2n)) : fromRecent;
      };
      buckets.forEach((b, i) => {
        const n = BigInt(b.end - b.start + 1);
        const estimate = estimateOf(recentSum, ly?.[i] ?? 0n, n);
        if (estimate.n === 0n) return;
        estimates.push({ accountId, bucket: i, perDay: mul(estimate, frac(1n, n)) });
        // The week's income or spending: all but the moves between the user's own accounts.
        const flow = add(estimate, mul(estimateOf(recentMoved, lyMoved?.[i] ?? 0n, n), frac(-1n)));
        if (flow.n === 0n) return;
        const inSpace = toSpace(currency, flow);
        if (dir === "in") b.income = add(b.income, inSpace);
        else b.expenses = add(b.expenses, mul(inSpace, frac(-1n)));
        b.restWeight += Math.abs(asNumber(inSpace));
      });
    }
  }

  const risks: Sentence[] = [];
  // Irregular income: much of the recent income is not from a recurring series.
  if (recentIncomeAll > 0n && recentIncomeNonRecurring * 100n > recentIncomeAll * 30n) risks.push({ kind: "forecastIrregularIncome" });
  // Seasonal spikes: a month of last year's expenses well above the monthly mean, in the months the horizon covers.
  const months = [...monthly.entries()];
  const monthValues = converter.exactMany(months.map(([, amounts]) => ({ amounts, context: { kind: "conversionContextPastExpenses" } as const })));
  const monthTotals = months.map(([ym], i) => ({ ym, v: asNumber(monthValues[i]!) }));
  const full = monthTotals.filter((m) => m.ym < todayText.slice(0, 7));
  if (full.length >= 6) {
    const mean = full.reduce((s, m) => s + m.v, 0) / full.length;
    const sd = Math.sqrt(full.reduce((s, m) => s + (m.v - mean) ** 2, 0) / full.length);
    if (mean > 0 && sd / mean > 0.3) risks.push({ kind: "forecastSeasonalVariation" });
    const horizonMonths = new Set<string>();
    for (let d = first; d <= last; d += 7) horizonMonths.add(dateOfDay(d - 365).slice(0, 7));
    for (const m of full) {
      if (horizonMonths.has(m.ym) && mean > 0 && m.v > mean * 1.3) {
        risks.push({ kind: "forecastSeasonalSpike", values: { percent: Math.round((m.v / mean - 1) * 100) }, yearMonth: m.ym });
      }
    }
  }

  // The report but for its words: the plan keeps the notes as sentences, said in each reader's language when served.
  const { notes: _english, ...report } = converter.report();
  const conversionNotes = converter.notes();
  return {
    format: PLAN_FORMAT,
    head: { spaceId: space.id, currency: space.currency, asOfDate: todayText, horizon: { from: dateOfDay(first), to: dateOfDay(today + HORIZON_DAYS), days: HORIZON_DAYS } },
    tail: {
      recurringSeriesUsed: live.length,
      conversion: report,
      conversionNotes,
      notes: [...(report.ratesUsedCount > 0 ? [{ kind: "forecastFutureRates" } as const] : []), ...priceNotes, ...oneOffNotes, ...conversionNotes],
    },
    method: { kind: hasLastYear ? "forecastMethodLastYear" : "forecastMethodNoLastYear", values: { n: live.length } },
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
