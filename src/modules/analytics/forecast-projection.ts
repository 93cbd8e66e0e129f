/**
 * The forecast as served: the plan (forecast-plan.ts) projected from the balances now over the weeks of the horizon.
 * A cash flow committed since the plan, or dated ahead, stands for the predicted occurrence it pays (not projected a
 * second time once the balance counts it); the first day an account that may not go negative would, is a risk factor,
 * and one that already is (overdrawn now) is flagged from the horizon's first day.
 */
import { scaleOf } from "../rates/convert";
import { add, frac, type Frac, mul, roundHalfEven, ZERO } from "../rates/exact";
import { dateOfDay, localDayOf } from "./days";
import { formatMinor, moneyFields } from "../../lib/money";
import type { TxnRow } from "./recurring";
import { MAY_BE_NEGATIVE, asNumber, balanceInstant, type Plan, flowKey, inBand, type Sentence } from "./forecast-plan";
import { type Locale, say as sayIn } from "../../lib/i18n";

/**
 * The forecast of `plan` at `nowMs` (the plan's local day): projected balances per account from `balances`,
 * the ledger's at `nowMs` (balanceInstant), and entries dated ahead of the plan still ahead now (one dated
 * before now since the plan was computed is in the balance now). `posted`: the cash flows posted since the plan
 * was computed (none for a plan computed now); each stands for the nearest occurrence of its series'
 * merchant and band within half a period of its due day, which is then not projected (the balance counts it).
 */
export function project(plan: Plan, balances: Map<string, bigint>, posted: TxnRow[], nowMs: number, timezone: string, locale: Locale = "en") {
  const say = (s: Sentence) => sayIn(locale, s);
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
    // A move between the user's own accounts (a transfer category's series) is in the balances only.
    if (o.transfer) return;
    const b = buckets[Math.floor((day - first) / 7)]!;
    if (o.minor > 0) b.income = add(b.income, o.inSpace);
    else b.expenses = add(b.expenses, mul(o.inSpace, frac(-1n)));
    b.recurringWeight += o.weight;
  });
  for (const e of plan.estimates) {
    const b = buckets[e.bucket]!;
    for (let d = b.start; d <= b.end; d++) bump(e.accountId, d, e.perDay);
  }

  // Each week's figure is the rounded running total less the rounded total before it: the weeks add up to the
  // summary's totals to the cent, each within a cent of its exact value, and a week's net is its income less its
  // expenses as shown (each rounded alone, the three could disagree by a cent, and the weeks' sum with the total).
  let incomeSoFar: Frac = ZERO;
  let expensesSoFar: Frac = ZERO;
  const weeks = buckets.map((b, i) => {
    const incomeBefore = roundHalfEven(incomeSoFar);
    const expensesBefore = roundHalfEven(expensesSoFar);
    incomeSoFar = add(incomeSoFar, b.income);
    expensesSoFar = add(expensesSoFar, b.expenses);
    const income = roundHalfEven(incomeSoFar) - incomeBefore;
    const expenses = roundHalfEven(expensesSoFar) - expensesBefore;
    const net = income - expenses;
    const total = b.recurringWeight + b.restWeight;
    const base = total === 0 ? 0.5 : (b.recurringWeight + b.restWeight * plan.restConfidence) / total;
    const confidence = Math.round(100 * base * (1 - 0.02 * i)) / 100;
    const scale = scaleOf(plan.head.currency);
    return {
      week: dateOfDay(b.start),
      weekEnd: dateOfDay(b.end),
      ...moneyFields("projectedIncome", income, scale),
      ...moneyFields("projectedExpenses", expenses, scale),
      ...moneyFields("netFlow", net, scale),
      confidence,
    };
  });
  const totalIncome = roundHalfEven(incomeSoFar);
  const totalExpenses = roundHalfEven(expensesSoFar);
  const netAll = totalIncome - totalExpenses;

  // Projected balances per account, day by day.
  const riskFactors: string[] = [];
  const projected = plan.accounts.map((a) => {
    const asset = `${a.currency}/${scaleOf(a.currency)}`;
    const start = balances.get(`${a.id}|${asset}`) ?? 0n;
    const deltas = perAccountDay.get(a.id) ?? new Map<number, Frac>();
    let bal: Frac = frac(start);
    let lowest = start;
    let lowestDay = today;
    // An account that may not go negative and already has is flagged from the horizon's first day, whatever
    // follows (it was never flagged: only a fall below zero from at or above it was).
    const overdrawn = start < 0n && !MAY_BE_NEGATIVE.has(a.type);
    let negativeOn: string | null = overdrawn ? dateOfDay(first) : null;
    for (let d = first; d <= last; d++) {
      const delta = deltas.get(d);
      if (delta) bal = add(bal, delta);
      const rounded = roundHalfEven(bal);
      if (rounded < lowest) {
        lowest = rounded;
        lowestDay = d;
      }
      if (negativeOn === null && rounded < 0n && !MAY_BE_NEGATIVE.has(a.type)) negativeOn = dateOfDay(d);
    }
    const scale = scaleOf(a.currency);
    // The balance as the reader's language writes figures, as the notes write theirs.
    if (overdrawn) riskFactors.push(say({ kind: "forecastOverdrawn", values: { account: a.name, balance: { figure: formatMinor(start, scale) }, currency: a.currency } }));
    else if (negativeOn) riskFactors.push(say({ kind: "forecastNegative", values: { account: a.name, date: negativeOn } }));
    const end = roundHalfEven(bal);
    return {
      accountId: a.id,
      name: a.name,
      type: a.type,
      currency: a.currency,
      ...moneyFields("currentBalance", start, scale),
      ...moneyFields("projectedBalance", end, scale),
      ...moneyFields("lowestBalance", lowest, scale),
      lowestBalanceDate: dateOfDay(lowestDay),
      negativeOn,
    };
  });

  const scale = scaleOf(plan.head.currency);
  return {
    ...plan.head,
    forecast: weeks,
    summary: {
      ...moneyFields("totalProjectedIncome", totalIncome, scale),
      ...moneyFields("totalProjectedExpenses", totalExpenses, scale),
      ...moneyFields("netCashFlow", netAll, scale),
      riskFactors: [...riskFactors, ...plan.risks.map(say)],
    },
    accounts: projected,
    recurringSeriesUsed: plan.tail.recurringSeriesUsed,
    method: say(plan.method),
    conversion: { ...plan.tail.conversion, notes: plan.tail.conversionNotes.map(say) },
    notes: plan.tail.notes.map(say),
  };
}

export type Forecast = ReturnType<typeof project>;
