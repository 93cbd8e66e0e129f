/**
 * Recurring income and bills found in the ledger's transactions.
 *
 * 1. Cash flows (income, expenses, fees; not transfers, trades, opening
 *    balances or voided rows) of the last ~26 months are grouped by account
 *    (a bank linked again counts as the account it took over: `lineage`),
 *    normalized merchant (or normalized description), direction and currency.
 *    Two people's accounts that each pay the same streaming plan on the same
 *    day are two series: merged, one account's payments were dropped as
 *    same-day copies of the other's, and the forecast projected them on one.
 * 2. Within a group, amounts far from the median of the payments about them
 *    (beyond ±35%) are one-offs at the same merchant and set aside; a price
 *    change moves the median along (`localTypicals`).
 * 3. The dates (local days of the space) are tested against each cadence:
 *    weekly and biweekly as fixed periods (each gap within tolerance, and no
 *    drift over the whole span); semi-monthly, monthly and yearly against
 *    calendar anchors (the typical day(s) of the month, or day of the year),
 *    so a payment moved to the next business day still matches. At most one
 *    missed occurrence is allowed. One payment off the schedule (made late),
 *    or the days before the schedule changed, are set aside (`fitSeries`).
 * 4. A series has a stable id (a hash of space, direction, currency,
 *    merchant and the account's lineage), so a user's decision (confirm, edit,
 *    dismiss) sticks to it across runs and across a relink: a dismissed series
 *    never comes back. A decision stored before series were per account is
 *    keyed without the account (`legacyId`) and still applies to each.
 */
import type { Services } from "../../env";
import type { SqlGuard } from "../../lib/sql";
import { sha256Hex } from "../../lib/crypto";
import { normalizeMerchant } from "../ml/normalize";
import { addMonths } from "../budgets/periods";
import { frac, roundHalfEven } from "../rates/exact";
import { dateOfDay, DayIndexer, dayNumber, ymdOfDay } from "./days";
import type { Ymd } from "../../lib/zoned-time";
import { utc } from "../../lib/zoned-time";
import { heldAgain, relinkedAccountsSql, takesOver } from "../../lib/relinks";

export const CADENCES = ["weekly", "biweekly", "semi-monthly", "monthly", "yearly"] as const;
export type Cadence = (typeof CADENCES)[number];

/** Days between occurrences, on average (for forecasts and staleness). */
export const CADENCE_DAYS: Record<Cadence, number> = { weekly: 7, biweekly: 14, "semi-monthly": 15.2, monthly: 30.4, yearly: 365.25 };

/**
 * How many days after its due day an occurrence that has not posted is still expected: the tolerance detection
 * itself accepts as on schedule (fitCadence's), so a payment posted that late is taken as that occurrence (it
 * becomes a member and the schedule moves on), as banks post a day or a few late (a weekend, a holiday). Later
 * than that, a payment would no longer fit the schedule: the occurrence is not expected any more.
 */
export const GRACE_DAYS: Record<Cadence, number> = { weekly: 2, biweekly: 3, "semi-monthly": 3, monthly: 4, yearly: 7 };

/** The first day an occurrence not posted yet may be due on and still be expected on `todayDay`. */
export const expectedSince = (cadence: Cadence, todayDay: number) => todayDay - GRACE_DAYS[cadence];

/** How far back detection looks. */
export const LOOKBACK_DAYS = 800;

export interface TxnRow {
  id: string;
  account_id: string;
  amount: number;
  currency: string;
  date: number;
  merchant_name: string | null;
  normalized_merchant: string | null;
  description: string;
  category_id: string | null;
  /**
   * The first account of the row's bank history: the oldest one its account took over (a bank linked again,
   * relinks.ts), else its own. Detection groups by it (cashflowsStatement reads it; a row without it is its account's).
   */
  lineage?: string | null;
  /**
   * 1 when the row is a move between the user's own accounts: a transfer made here (type transfer), or a row filed
   * under one of the space's transfer categories (a bank's copy of one, cashflow-sums.ts): it moves its account's
   * balance but is neither income nor spending.
   */
  transfer?: number | null;
}

/**
 * The rows that are cash flow: not cancelled, and not a balance put in place (an account's opening balance, or a
 * provider sync's adjustment to the balance the provider reports), which moves no money in or out.
 */
export const CASHFLOW_FILTER =
  "status != 'cancelled' AND type IN ('income', 'expense', 'fee', 'other') AND (subtype IS NULL OR subtype NOT IN ('opening_balance', 'adjustment'))";

/**
 * What moves an account's projected balance: the cash flows, and the transfers between the space's accounts (a
 * monthly move to savings is a recurring series of each account, and one dated ahead lowers checking on its day:
 * left out, an overdraft it would cause was not foreseen). Never income or spending (`TxnRow.transfer`).
 */
export const BALANCE_FLOW_FILTER = `((${CASHFLOW_FILTER}) OR (type = 'transfer' AND status != 'cancelled'))`;

/**
 * The cash flows between two instants of the space `space` names (a guarded value, for a role check's batch),
 * in date order down the space's date index. A bank disconnected and linked again holds its history twice
 * (relinks.ts): an old account's rows from where its successor's history begins are left out, or detection
 * builds a series from the old, inactive account's copies (the forecast then projects none of it) and counts
 * the successor's as irregular flows. The rows are read from the table anyway, so each is checked against the
 * space's relinked accounts (a handful at most, none in most spaces) as it is read, with no second pass.
 * Each row names its lineage (`TxnRow.lineage`): the oldest account its account took over, so detection keeps a
 * relinked bank's old rows (before the new history) and new ones in one series, on the id it had. Down a chain
 * A → B → C, C takes over A as well as B (relinks.ts: the same account, created after each was disconnected), so
 * the oldest taken over directly is the first. In a space with no inactive provider account it reads nothing more.
 */
export const cashflowsStatement = (db: D1Database, space: SqlGuard, fromMs: number, toMs: number) =>
  db.prepare(
    `WITH sp(id) AS MATERIALIZED (SELECT ${space.sql}),
     relinked(id, since) AS MATERIALIZED (${relinkedAccountsSql("(SELECT id FROM sp)")}),
     lineage(id, root, first) AS MATERIALIZED (
       -- SQLite: with MIN, the bare column x.id is the oldest one's.
       SELECT b.id, x.id, MIN(x.created_at) FROM relinked r JOIN accounts x ON x.id = r.id JOIN accounts b ON ${takesOver("x", "b")}
        GROUP BY b.id)
     SELECT id, account_id, amount, currency, date, merchant_name, normalized_merchant, description, category_id,
            COALESCE((SELECT l.root FROM lineage l WHERE l.id = t.account_id), account_id) AS lineage,
            (type = 'transfer' OR (category_id IS NOT NULL AND category_id IN (SELECT c.id FROM categories c WHERE c.space_id = (SELECT id FROM sp) AND c.type = 'transfer'))) AS transfer
       FROM transactions t WHERE space_id = (SELECT id FROM sp) AND date >= ? AND date < ? AND ${BALANCE_FLOW_FILTER}
        AND NOT EXISTS (SELECT 1 FROM relinked r WHERE r.id = t.account_id AND ${heldAgain("t", "r.since")})
      ORDER BY date, id`,
  ).bind(...space.params, fromMs, toMs);

export async function loadCashflows(svc: Services, spaceId: string, fromMs: number, toMs: number): Promise<TxnRow[]> {
  return (await cashflowsStatement(svc.env.DB, { sql: "?", params: [spaceId] }, fromMs, toMs).all<TxnRow>()).results;
}

export interface DetectedSeries {
  id: string;
  /** The id the series had when series were not per account (a decision stored then is keyed by it). */
  legacyId: string;
  name: string;
  merchantKey: string;
  direction: "income" | "expense";
  cadence: Cadence;
  currency: string;
  accountId: string;
  categoryId: string | null;
  /** Typical (median) signed amount, minor units. */
  amountMinor: number;
  minMinor: number;
  maxMinor: number;
  occurrences: number;
  firstDay: number;
  lastDay: number;
  /** The next occurrence expected: not posted yet, and due today or later or at most GRACE_DAYS ago (late). */
  nextDay: number;
  /** Typical days of the month of a monthly or semi-monthly series. */
  anchors?: number[];
  active: boolean;
  confidence: number;
  transactionIds: string[];
  /** Every transaction the series was built from (not shown; the forecast leaves them out of its "rest"). */
  memberIds: string[];
  /** Its last payment is filed under a transfer category: a move between the user's own accounts (`TxnRow.transfer`). */
  transfer: boolean;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : Math.round((s[mid - 1]! + s[mid]!) / 2);
};

/**
 * The median of amounts in minor units, a middle half-cent rounded half to even as every money figure is (exact, in
 * BigInt): `median`'s Math.round rounds a half up, so a 9.99/10.00 series was a typical −9.99 spent and 10.00 earned.
 */
const medianAmount = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : Number(roundHalfEven(frac(BigInt(s[mid - 1]!) + BigInt(s[mid]!), 2n)));
};

/** How far from its typical amount a payment is still the series' (beyond it, a one-off at the same merchant). */
const BAND = 0.35;
/** Payments on each side of one (in date order) whose median is its typical amount. */
const TYPICAL_WINDOW = 5;

/**
 * Each payment's typical amount: the median of its neighbours' (TYPICAL_WINDOW on each side, in date order), not of
 * the whole history's. Bills change price: against one median, a subscription that went from 9.99 to 15.49 kept its
 * old payments and dropped every new one (more than 35% off), so it showed as cancelled while still being paid, and a
 * utility bill rising 5% a month lost its latest payments. A one-off among a series' payments is still far from
 * the median of its neighbours.
 */
function localTypicals(amounts: number[]): number[] {
  return amounts.map((_, i) => medianAmount(amounts.slice(Math.max(0, i - TYPICAL_WINDOW), i + TYPICAL_WINDOW + 1)));
}

const daysInMonth = (y: number, m: number) => new Date(utc(y, m, 0)).getUTCDate();
const monthIndex = (y: number, m: number) => y * 12 + (m - 1);
const anchorDay = (mi: number, dom: number) => {
  const y = Math.floor(mi / 12);
  const m = (mi % 12) + 1;
  return dayNumber({ y, m, d: Math.min(dom, daysInMonth(y, m)) });
};

/**
 * The days of the month a schedule keeps when it was set by hand from its last occurrence: that day (and for
 * semi-monthly the one half a month from it), so a month-end schedule stays at each month's end.
 */
export function anchorsFrom(cadence: Cadence, lastDay: number): number[] | undefined {
  const dom = ymdOfDay(lastDay).d;
  if (cadence === "monthly") return [dom];
  if (cadence === "semi-monthly") return [dom, dom <= 15 ? dom + 15 : dom - 15].sort((a, b) => a - b);
  return undefined;
}

/** Whether a series whose last occurrence was `lastDay` is still going on `todayDay`, at `cadence`. */
export const isActive = (cadence: Cadence, lastDay: number, todayDay: number) => todayDay - lastDay <= CADENCE_DAYS[cadence] * 1.5 + 7;

/** Slots must advance by 1 (at most one skip of 2); returns the deviations or null. */
function slotsOk(slots: number[]): boolean {
  let skips = 0;
  for (let i = 1; i < slots.length; i++) {
    const d = slots[i]! - slots[i - 1]!;
    if (d === 2) skips++;
    else if (d !== 1) return false;
  }
  return skips <= 1;
}

interface Fit {
  cadence: Cadence;
  /** Typical days of the month (monthly: one, semi-monthly: two), for stepping to later occurrences. */
  anchors?: number[];
  /** Mean absolute deviation from the schedule, in days. */
  deviation: number;
  next: number;
}

function fitFixed(days: number[], period: number, tol: number, cadence: Cadence, minCount: number): Fit | null {
  if (days.length < minCount) return null;
  let units = 0;
  let skips = 0;
  for (let i = 1; i < days.length; i++) {
    const g = days[i]! - days[i - 1]!;
    const k = Math.round(g / period);
    if (k < 1 || k > 2 || Math.abs(g - k * period) > tol) return null;
    if (k === 2) skips++;
    units += k;
  }
  if (skips > 1) return null;
  const span = days[days.length - 1]! - days[0]!;
  if (Math.abs(span - units * period) > tol) return null; // drift: not this period (e.g. semi-monthly is not biweekly)
  // Deviation from the best schedule x0 + k·P (anchored at the mean phase).
  let acc = 0;
  let k = 0;
  const expected: number[] = [0];
  for (let i = 1; i < days.length; i++) {
    k += Math.round((days[i]! - days[i - 1]!) / period);
    expected.push(k * period);
  }
  const offset = days.reduce((s, d, i) => s + (d - expected[i]!), 0) / days.length;
  for (let i = 0; i < days.length; i++) acc += Math.abs(days[i]! - (offset + expected[i]!));
  const next = Math.round(offset + (k + 1) * period);
  return { cadence, deviation: acc / days.length, next };
}

/** Monthly against the typical day of the month; each occurrence matched to the nearest anchor date (previous, same or next month). */
function fitMonthly(days: number[], stepMonths: number, tol: number, cadence: Cadence, minCount: number): Fit | null {
  if (days.length < minCount) return null;
  const ymds = days.map(ymdOfDay);
  let best: Fit | null = null;
  for (const dom of typicalDoms(ymds)) {
    const fit = fitMonthlyOn(days, ymds, dom, stepMonths, tol, cadence);
    if (fit && (!best || fit.deviation < best.deviation)) best = fit;
  }
  return best && stepMonths === 1 ? movedTo(days, best) : best;
}

/** Payments at the end of a monthly series that show the day it is paid on now. */
const RECENT_PAYMENTS = 4;

/**
 * A monthly fit whose recent payments all moved to another day of the month, within the fit's tolerance: the
 * schedule as it is now. Rent paid on the 1st for eight months and on the 5th for the last seven fits the 1st
 * (every payment within four days of it, the earlier ones more of them), and the forecast then put the next rent
 * on the 1st, four days before it is due. When the last RECENT_PAYMENTS payments are each within a day of one
 * day of the month and at least two days from the fit's, the next occurrences are on that day. One payment
 * moved to the next business day, or two, is not a move: the earlier payments still sit on the fit's day.
 */
function movedTo(days: number[], fit: Fit): Fit {
  if (days.length <= RECENT_PAYMENTS || !fit.anchors) return fit;
  const recent = days.slice(-RECENT_PAYMENTS);
  const ymds = recent.map(ymdOfDay);
  const distance = (i: number, dom: number) => {
    const mi = monthIndex(ymds[i]!.y, ymds[i]!.m);
    return Math.min(...[mi - 1, mi, mi + 1].map((c) => Math.abs(recent[i]! - anchorDay(c, dom))));
  };
  const was = fit.anchors[0]!;
  for (const dom of typicalDoms(ymds)) {
    if (dom === was || !recent.every((_, i) => distance(i, dom) <= 1 && distance(i, was) >= 2)) continue;
    const lastDay = recent[recent.length - 1]!;
    return { ...fit, anchors: [dom], next: nextAfter("monthly", lastDay, lastDay + 1, [dom]) };
  }
  return fit;
}

/**
 * The typical day of the month of `ymds`: the median day, and the median read across the month's turn. A bill due at
 * the month's end and paid on the 1st when the end falls on a weekend has days 31, 1, 30, 1...: their plain median
 * is the 16th, a fortnight from every payment, and the bill was no series. Counted from the month's end (the last
 * day 0, the day before it -1) the late days sit beside the 1st.
 */
function typicalDoms(ymds: Ymd[]): number[] {
  const plain = median(ymds.map((x) => x.d));
  const turned = median(ymds.map((x) => (x.d > 15 ? x.d - daysInMonth(x.y, x.m) : x.d)));
  const wrapped = turned <= 0 ? 31 + turned : turned;
  return wrapped === plain ? [plain] : [plain, wrapped];
}

function fitMonthlyOn(days: number[], ymds: Ymd[], dom: number, stepMonths: number, tol: number, cadence: Cadence): Fit | null {
  const slots: number[] = [];
  let acc = 0;
  for (let i = 0; i < days.length; i++) {
    const mi = monthIndex(ymds[i]!.y, ymds[i]!.m);
    let best = { dist: Infinity, mi };
    for (const c of [mi - 1, mi, mi + 1]) {
      const dist = Math.abs(days[i]! - anchorDay(c, dom));
      if (dist < best.dist) best = { dist, mi: c };
    }
    if (best.dist > tol) return null;
    acc += best.dist;
    slots.push(best.mi);
  }
  if (stepMonths !== 1) {
    // Yearly: same month each time.
    if (slots.some((s) => (s - slots[0]!) % stepMonths !== 0)) return null;
    if (!slotsOk(slots.map((s) => (s - slots[0]!) / stepMonths))) return null;
  } else if (!slotsOk(slots)) return null;
  const lastSlot = slots[slots.length - 1]!;
  return { cadence, deviation: acc / days.length, next: anchorDay(lastSlot + stepMonths, dom), anchors: stepMonths === 1 ? [dom] : undefined };
}

/** Twice a month on two typical days (one in each half of the month). */
function fitSemiMonthly(days: number[], tol: number, minCount = 5): Fit | null {
  if (days.length < minCount) return null;
  const ymds = days.map(ymdOfDay);
  // The two typical days: the days of the month split at their widest gap (1 and 15, 15 and 30...).
  const doms = ymds.map((x) => x.d).sort((a, b) => a - b);
  let cut = 0;
  for (let i = 1; i < doms.length - 1; i++) if (doms[i + 1]! - doms[i]! > doms[cut + 1]! - doms[cut]!) cut = i;
  if (doms[cut + 1]! - doms[cut]! < 7) return null;
  const early = doms.slice(0, cut + 1);
  const late = doms.slice(cut + 1);
  if (early.length < 2 || late.length < 2) return null;
  // The late day as the month's end too (typicalDoms): paydays on the 31st and the 28th are the month's last day,
  // not the 30th (their plain median), which put the next one a day early in every 31-day month.
  let fit: Fit | null = null;
  for (const lateDom of typicalDoms(ymds.filter((x) => x.d >= late[0]!))) {
    const onThem = fitSemiMonthlyOn(days, ymds, [median(early), lateDom], tol);
    if (onThem && (!fit || onThem.deviation < fit.deviation)) fit = onThem;
  }
  return fit;
}

function fitSemiMonthlyOn(days: number[], ymds: Ymd[], anchors: number[], tol: number): Fit | null {
  const slots: number[] = [];
  let acc = 0;
  for (let i = 0; i < days.length; i++) {
    const mi = monthIndex(ymds[i]!.y, ymds[i]!.m);
    let best = { dist: Infinity, slot: 0 };
    for (const c of [mi - 1, mi, mi + 1]) {
      for (let a = 0; a < 2; a++) {
        const dist = Math.abs(days[i]! - anchorDay(c, anchors[a]!));
        if (dist < best.dist) best = { dist, slot: c * 2 + a };
      }
    }
    if (best.dist > tol) return null;
    acc += best.dist;
    slots.push(best.slot);
  }
  if (!slotsOk(slots)) return null;
  const nextSlot = slots[slots.length - 1]! + 1;
  return { cadence: "semi-monthly", deviation: acc / days.length, next: anchorDay(Math.floor(nextSlot / 2), anchors[nextSlot % 2]!), anchors };
}

/**
 * A short history of twice-monthly paydays (the 15th and the month's last day: gaps of 13 to 16 days) also fits a
 * fortnight within its tolerance: a new job's first paychecks from Jan 15 to Mar 15 were taken for biweekly ones,
 * and the forecast put each payday three to six days early (Mar 28, Apr 11...: before the rent, when it comes after).
 * Where both fit, the one the days keep closer to is taken (the biweekly one on equal terms: fortnightly days that
 * fit two days of the month as well as a fortnight are a fortnight's). The twice-monthly days need two in each half
 * of the month, so four paydays can be told apart too.
 */
function fitFortnightOrHalfMonth(days: number[]): Fit | null {
  const biweekly = fitFixed(days, 14, GRACE_DAYS.biweekly, "biweekly", 4);
  if (!biweekly) return null;
  const semi = fitSemiMonthly(days, GRACE_DAYS["semi-monthly"], 4);
  return semi && semi.deviation < biweekly.deviation ? semi : biweekly;
}

export function fitCadence(days: number[]): Fit | null {
  return (
    fitFixed(days, 7, GRACE_DAYS.weekly, "weekly", 4) ??
    fitFortnightOrHalfMonth(days) ??
    fitSemiMonthly(days, GRACE_DAYS["semi-monthly"]) ??
    fitMonthly(days, 1, GRACE_DAYS.monthly, "monthly", 3) ??
    fitMonthly(days, 12, GRACE_DAYS.yearly, "yearly", 2)
  );
}

/** A fit of a merchant's payment days, and how many of them it set aside as off the schedule. */
export interface SeriesFit extends Fit {
  setAside: number;
  /** The last payment is the one set aside (made late or early): `next` is the occurrence it may have paid. */
  lastSetAside: boolean;
}

/**
 * Where consecutive payment days stand apart unlike the typical (median) gap: around a payment made late or an
 * extra one, at a missed occurrence, where the schedule changed. Each is the index of the day after the gap.
 */
function unusualGaps(days: number[]): number[] {
  const gaps = days.slice(1).map((d, i) => d - days[i]!);
  const typical = median(gaps);
  const slack = Math.max(2, typical * 0.15);
  const out: number[] = [];
  for (let i = 0; i < gaps.length; i++) if (Math.abs(gaps[i]! - typical) > slack) out.push(i + 1);
  return out;
}

/**
 * The schedule of a merchant's payment days, tolerating what real bills do: one payment made late (rent paid on the
 * 11th for once), or a schedule that changed (a payday moved from the 1st to the 15th). Without that, one rent paid
 * a week late in two years hid the rent from detection, and the forecast guessed it as irregular spending instead.
 * - All the days on one schedule, as `fitCadence` takes them.
 * - Else all but one (at least four left), one beside an unusual gap: it is set aside. Its removal leaves a gap,
 *   which uses the one missed occurrence a schedule may have. With more than four unusual gaps, no one payment
 *   explains them (a removal mends at most the two beside it).
 * - Else the days after one of the last three unusual gaps: the schedule as it is now. A change is two schedules,
 *   so the days before it must keep one of their own (unless there are three or fewer), and at least six days must
 *   keep the new one: a few regular gaps at the end of irregular shopping are chance, not a bill (a review found
 *   one market in ten shopped every 3 to 14 days taken for one).
 * Only days beside unusual gaps are tried, so a merchant paid on hundreds of irregular days costs a few fits, not
 * hundreds. The days set aside are still the series' payments (same merchant, amount in the typical band): they
 * count as its occurrences and are not guessed as irregular spending. A series with days set aside is less certain.
 */
export function fitSeries(days: number[]): SeriesFit | null {
  const whole = fitCadence(days);
  if (whole) return { ...whole, setAside: 0, lastSetAside: false };
  if (days.length < 5) return null;
  const unusual = unusualGaps(days);
  if (unusual.length <= 4) {
    let best: (Fit & { without: number }) | null = null;
    for (const i of new Set(unusual.flatMap((at) => [at - 1, at]))) {
      const fit = fitCadence([...days.slice(0, i), ...days.slice(i + 1)]);
      if (fit && (!best || fit.deviation < best.deviation)) best = { ...fit, without: i };
    }
    if (best) {
      const { without, ...fit } = best;
      return { ...fit, setAside: 1, lastSetAside: without === days.length - 1 };
    }
  }
  for (const from of unusual.slice(-3)) {
    if (days.length - from < 6) break;
    const before = days.slice(0, from);
    if (before.length > 3 && !fitCadence(before)) continue;
    const fit = fitCadence(days.slice(from));
    if (fit) return { ...fit, setAside: from, lastSetAside: false };
  }
  return null;
}

/**
 * The first occurrence of a schedule after `lastDay` that is not before
 * `todayDay`. With `anchors` (typical days of the month), monthly and
 * semi-monthly series step to those days, not by a fixed number of days.
 */
export function nextAfter(cadence: Cadence, lastDay: number, todayDay: number, anchors?: number[]): number {
  let next = lastDay;
  const step = (d: number) => {
    if (cadence === "weekly") return d + 7;
    if (cadence === "biweekly") return d + 14;
    const x = ymdOfDay(d);
    if (anchors?.length && (cadence === "monthly" || cadence === "semi-monthly")) {
      const mi = monthIndex(x.y, x.m);
      // The earliest anchor date far enough after d (so a late-paid occurrence does not count its own anchor again).
      let best = Infinity;
      for (const c of [mi - 1, mi, mi + 1, mi + 2]) for (const a of anchors) {
        const day = anchorDay(c, a);
        if (day > d + (cadence === "monthly" ? 20 : 7) && day < best) best = day;
      }
      if (best !== Infinity) return best;
    }
    if (cadence === "semi-monthly") return d + 15;
    return dayNumber(addMonths(x, cadence === "monthly" ? 1 : 12));
  };
  do next = step(next);
  while (next < todayDay);
  return next;
}

/** The merchant a cash flow is grouped by: its normalized merchant, else its merchant's or description's. */
export const merchantKeyOf = (r: TxnRow) => r.normalized_merchant ?? normalizeMerchant(r.merchant_name) ?? normalizeMerchant(r.description);

/** A series' id; without `lineage` (its rows' `TxnRow.lineage`), the id of before series were per account. */
export const seriesIdOf = async (spaceId: string, direction: string, currency: string, merchantKey: string, lineage?: string) =>
  `rec_${(await sha256Hex(`${spaceId}|${direction}|${currency}|${merchantKey}${lineage === undefined ? "" : `|${lineage}`}`)).slice(0, 24)}`;

/**
 * Detects series in `rows` (sorted by date). `todayDay` is the space's local
 * day number of now: a series whose next expected date is well past is
 * reported inactive.
 */
export async function detectSeries(spaceId: string, rows: TxnRow[], tz: string, nowMs: number): Promise<DetectedSeries[]> {
  if (rows.length === 0) return [];
  const days = new DayIndexer(tz, rows[0]!.date, Math.max(rows[rows.length - 1]!.date, nowMs));
  const todayDay = days.day(nowMs);
  const groups = new Map<string, { merchantKey: string; direction: "income" | "expense"; currency: string; lineage: string; rows: TxnRow[] }>();
  for (const r of rows) {
    const merchantKey = merchantKeyOf(r);
    if (!merchantKey || r.amount === 0) continue;
    const direction = r.amount > 0 ? "income" : "expense";
    // Per account: two accounts paying the same bill are two bills. A relinked bank's old and new accounts are one
    // (the old one's copies the new one holds again are left out before: cashflowsStatement).
    const lineage = r.lineage ?? r.account_id;
    const k = `${lineage}|${direction}|${r.currency}|${merchantKey}`;
    const g = groups.get(k) ?? { merchantKey, direction, currency: r.currency, lineage, rows: [] };
    g.rows.push(r);
    groups.set(k, g);
  }
  const out: DetectedSeries[] = [];
  for (const g of groups.values()) {
    if (g.rows.length < 2) continue;
    const typicals = localTypicals(g.rows.map((r) => r.amount));
    // One per day (the one nearest its typical amount), within the typical band: a schedule has at most one
    // occurrence a day (the fits take distinct days), and a charge an account lists twice on a day (a pending copy
    // beside its posted one, held for review as a possible duplicate: sync-commits.ts) is one occurrence.
    const byDay = new Map<number, { r: TxnRow; off: number }>();
    for (const [i, r] of g.rows.entries()) {
      const typical = typicals[i]!;
      const a = Math.abs(r.amount);
      if (a < Math.abs(typical) * (1 - BAND) || a > Math.abs(typical) * (1 + BAND)) continue;
      const d = days.day(r.date);
      const off = Math.abs(r.amount - typical);
      const prev = byDay.get(d);
      if (!prev || off < prev.off) byDay.set(d, { r, off });
    }
    const kept = [...byDay.entries()].map(([d, { r }]) => [d, r] as const).sort((a, b) => a[0] - b[0]);
    if (kept.length < 2) continue;
    const dayList = kept.map(([d]) => d);
    const fit = fitSeries(dayList);
    if (!fit) continue;
    const amounts = kept.map(([, r]) => r.amount);
    const last = kept[kept.length - 1]![1];
    const lastDay = dayList[dayList.length - 1]!;
    // The first occurrence after the last one kept, unless it is past its grace (then the first one not past it):
    // one due that has not posted yet is still expected while a payment that late would still be it. A last payment
    // set aside within half a period of the schedule's next (made late, or early) paid that occurrence: the one after
    // it is next, on the schedule (not a period after the payment: the schedule does not move with one late payment).
    const paidNext = fit.lastSetAside && Math.abs(lastDay - fit.next) <= CADENCE_DAYS[fit.cadence] / 2;
    let next = paidNext ? nextAfter(fit.cadence, fit.next, fit.next + 1, fit.anchors) : fit.next;
    const since = expectedSince(fit.cadence, todayDay);
    if (next < since) next = nextAfter(fit.cadence, next, since, fit.anchors);
    const active = isActive(fit.cadence, lastDay, todayDay);
    const tol = fit.cadence === "yearly" ? 7 : fit.cadence === "weekly" ? 2 : 4;
    const regularity = Math.max(0, 1 - fit.deviation / (tol + 1));
    // What it is now: the typical amount about its last payment (after a price change, the new price).
    const typical = medianAmount(amounts.slice(-(TYPICAL_WINDOW + 1)));
    const amountSpread = Math.abs(typical) === 0 ? 0 : (Math.max(...amounts) - Math.min(...amounts)) / Math.abs(typical);
    const confidence = Math.round(100 * Math.min(0.99, 0.5 + 0.3 * regularity + 0.2 * Math.max(0, 1 - amountSpread) - (kept.length < 4 ? 0.1 : 0) - (fit.setAside ? 0.1 : 0))) / 100;
    out.push({
      id: await seriesIdOf(spaceId, g.direction, g.currency, g.merchantKey, g.lineage),
      legacyId: await seriesIdOf(spaceId, g.direction, g.currency, g.merchantKey),
      name: last.merchant_name ?? last.description,
      merchantKey: g.merchantKey,
      direction: g.direction,
      cadence: fit.cadence,
      currency: g.currency,
      accountId: last.account_id,
      categoryId: last.category_id,
      amountMinor: typical,
      minMinor: Math.min(...amounts),
      maxMinor: Math.max(...amounts),
      occurrences: kept.length,
      firstDay: dayList[0]!,
      lastDay,
      nextDay: next,
      anchors: fit.anchors,
      active,
      confidence,
      transactionIds: kept.slice(-12).map(([, r]) => r.id),
      memberIds: kept.map(([, r]) => r.id),
      transfer: last.transfer === 1,
    });
  }
  return out.sort((a, b) => a.nextDay - b.nextDay || a.id.localeCompare(b.id));
}

export { dateOfDay };
