/**
 * Which threshold alert a budget's period is due, by the bars already alerted in it. A budget's bar is
 * its amount times its threshold (the spending, ×100, at which it alerts). The period's first alert has
 * the period's key (`periodKey`), whatever its bar; a later one only when the budget's bar was raised
 * above every bar alerted in the period (a larger amount, a higher threshold), under the period's key with
 * that bar. So a budget raised after its alert, and then spent past the new bar, alerts again; one
 * lowered, or raised back to a bar already alerted, does not; and each key is written once, however many
 * writes or crons check it at once (the outbox's unique dedupe key).
 *
 * An alert stands for the days of its period (`periodStart` to `periodEnd`), whatever edit moves the bounds
 * of the budget's period since (a start date a day later, another period length): an alert of the budget
 * whose days overlap the current period's counts as alerted in it, so the same spending does not alert
 * again because its period is now counted from another day. Periods of one budget as it stays never
 * overlap, so the next period alerts anew; an alert stands for the one current period holding most of its days (mostlyWithin).
 */
import { parseMajor, type Currency, CURRENCY_SCALES } from "../../lib/money";
import { addMonths, type PeriodWindow } from "./periods";
import { parseYmd, ymdString } from "../../lib/zoned-time";
import type { BudgetRow } from "./spending";
// Used at call time only: alerts.ts imports this module.
import { alertThresholdOf as threshold, THRESHOLD_EVENT } from "./alerts";

/** The key of `b`'s first alert in period `window` (the only key there was before bars were told apart). */
export const periodKey = (b: Pick<BudgetRow, "id">, window: Pick<PeriodWindow, "startDate">) => `${THRESHOLD_EVENT}:${b.id}:${window.startDate}`;

/** What every key of `b`'s alerts starts with: the period's start date follows. */
const budgetPrefix = (b: Pick<BudgetRow, "id">) => `${THRESHOLD_EVENT}:${b.id}:`;

/**
 * The keys of `b`'s alerts whose period may overlap `window`: those of periods that start from 13 months
 * before it (a period is a year at most) to its last day, bars included (`;` is the character after `:`).
 */
export function alertRange(b: Pick<BudgetRow, "id">, window: Pick<PeriodWindow, "startDate" | "endDate">): [string, string] {
  const from = ymdString(addMonths(parseYmd(window.startDate), -13));
  return [`${budgetPrefix(b)}${from}`, `${budgetPrefix(b)}${window.endDate};`];
}

/**
 * The alerts out in any of `ranges` (of `alertRange`) (`dedupe_key`, `payload`): one range of the outbox's
 * unique index per budget, the ranges one JSON parameter.
 */
export function alertsOutStatement(db: D1Database, ranges: [string, string][]): D1PreparedStatement {
  return db
    .prepare(
      `SELECT o.dedupe_key, o.payload FROM json_each(?) j
         JOIN event_outbox o ON o.dedupe_key >= json_extract(j.value, '$[0]') AND o.dedupe_key < json_extract(j.value, '$[1]')`,
    )
    .bind(JSON.stringify(ranges));
}

/** `b`'s bar: its amount in minor units times its threshold. */
const barOf = (amount: bigint, percent: number) => amount * BigInt(percent);

type AlertRow = { dedupe_key: string; payload: string };

const payloadOf = (row: AlertRow): { budgetAmountDecimal?: unknown; threshold?: unknown; periodEnd?: unknown } | null => {
  try {
    const p = JSON.parse(row.payload) as unknown;
    return p && typeof p === "object" ? p : null;
  } catch {
    return null;
  }
};

/**
 * Whether alert `row` of `b` (its key after `budgetPrefix`: `rest`) stands for `window`: one whose days (its key's
 * start, its payload's `periodEnd`) are mostly `window`'s, even of the same start (a quarter's is not its first month's).
 */
function overlaps(rest: string, row: AlertRow, window: Pick<PeriodWindow, "startDate" | "endDate">): boolean {
  const start = rest.slice(0, 10);
  const end = payloadOf(row)?.periodEnd;
  // One without its period's end (written before it was in the payload) stands for its own start's period only.
  return typeof end === "string" ? mostlyWithin(start, end, window) : start === window.startDate;
}

/**
 * Whether an alert of the period `start`..`end` can stand for `window`: when most of its days are the window's. So it
 * stands for one window at most of the budget's periods as they are now: a period whose start moved (the same spending,
 * counted again), or a month's alert in the quarter the budget became; not a longer one (a quarter's alert for a month
 * the budget became monthly in: that month's spending against its own amount is news), nor the next period that shares
 * a day or two with it (a start moved a day earlier: 2 January to 1 February's alert is not February's).
 */
function mostlyWithin(start: string, end: string, window: Pick<PeriodWindow, "startDate" | "endDate">): boolean {
  const days = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
  const shared = days(start > window.startDate ? start : window.startDate, end < window.endDate ? end : window.endDate);
  return 2 * shared > days(start, end);
}

/**
 * The bar an alert of budget `b` went out at (its key after `budgetPrefix`: `rest`): from its key's bar, or
 * for a period's first, from its payload (its amount in the budget's currency, which never changes, and its
 * threshold). One that cannot be read counts as the highest bar: better no alert than a second one for a bar
 * already alerted.
 */
function alertedBar(b: Pick<BudgetRow, "currency">, rest: string, row: AlertRow): bigint | null {
  if (rest.length === 10) {
    const p = payloadOf(row);
    const amount = parseMajor(String(p?.budgetAmountDecimal), CURRENCY_SCALES[b.currency as Currency]);
    return amount.ok && Number.isInteger(p?.threshold) ? barOf(BigInt(amount.minor), p!.threshold as number) : null;
  }
  const [amount, percent] = rest.slice(11).split(":");
  return /^\d+$/.test(amount ?? "") && /^\d+$/.test(percent ?? "") ? barOf(BigInt(amount!), Number(percent)) : null;
}

/**
 * The dedupe key of the alert `b` is due in `window`, given `alerted` (rows of `alertsOutStatement`, of any
 * budgets): the period's key if none of `b`'s alerts overlapping it went out yet, the key of `b`'s bar if that
 * is above every bar alerted in them, and null when an alert at this bar or a higher one is out already.
 */
export function alertKey(
  b: Pick<BudgetRow, "id" | "amount" | "alertThreshold" | "currency">, window: Pick<PeriodWindow, "startDate" | "endDate">, alerted: AlertRow[],
): string | null {
  const base = periodKey(b, window);
  const prefix = budgetPrefix(b);
  const mine = alerted
    .filter((r) => r.dedupe_key.startsWith(prefix))
    .map((r) => ({ r, rest: r.dedupe_key.slice(prefix.length) }))
    .filter(({ r, rest }) => overlaps(rest, r, window));
  // The period's key taken by an alert that does not stand for it (a quarter's, of the same start): its bar's key.
  if (mine.length === 0) return alerted.some((r) => r.dedupe_key === base) ? `${base}:${b.amount}:${threshold(b)}` : base;
  const bar = barOf(BigInt(b.amount), threshold(b));
  for (const { r, rest } of mine) {
    const at = alertedBar(b, rest, r);
    if (at === null || at >= bar) return null;
  }
  return `${base}:${b.amount}:${threshold(b)}`;
}
