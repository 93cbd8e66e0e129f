/**
 * Which threshold alert a budget's period is due, by the bars already alerted in it. A budget's bar is
 * its amount times its threshold (the spending, ×100, at which it alerts). The period's first alert has
 * the period's key (`periodKey`), whatever its bar; a later one only when the budget's bar was raised
 * above every bar alerted in the period (a larger amount, a higher threshold), under the period's key with
 * that bar. So a budget raised after its alert, and then spent past the new bar, alerts again; one
 * lowered, or raised back to a bar already alerted, does not; and each key is written once, however many
 * writes or crons check it at once (the outbox's unique dedupe key).
 */
import { parseMajor, type Currency, CURRENCY_SCALES } from "../../lib/money";
import { jsonList } from "../../lib/sql";
import type { PeriodWindow } from "./periods";
import type { BudgetRow } from "./spending";
// Used at call time only: alerts.ts imports this module.
import { alertThresholdOf as threshold, THRESHOLD_EVENT } from "./alerts";

/** The key of `b`'s first alert in period `window` (the only key there was before bars were told apart). */
export const periodKey = (b: Pick<BudgetRow, "id">, window: Pick<PeriodWindow, "startDate">) => `${THRESHOLD_EVENT}:${b.id}:${window.startDate}`;

/**
 * The alerts out under any of `periodKeys`, bars included (`dedupe_key`, `payload`): one range of the
 * outbox's unique index per key, the keys one JSON parameter. A period key is followed by `:` and a bar,
 * and `;` is the character after `:`.
 */
export function alertsOutStatement(db: D1Database, periodKeys: string[]): D1PreparedStatement {
  return db
    .prepare("SELECT o.dedupe_key, o.payload FROM json_each(?) j JOIN event_outbox o ON o.dedupe_key >= j.value AND o.dedupe_key < j.value || ';'")
    .bind(jsonList(periodKeys));
}

/** `b`'s bar: its amount in minor units times its threshold. */
const barOf = (amount: bigint, percent: number) => amount * BigInt(percent);

/**
 * The bar an alert of budget `b` went out at: from its key's bar, or for the period's first, from its
 * payload (its amount in the budget's currency, which never changes, and its threshold). One that cannot
 * be read counts as the highest bar: better no alert than a second one for a bar already alerted.
 */
function alertedBar(b: Pick<BudgetRow, "currency">, base: string, row: { dedupe_key: string; payload: string }): bigint | null {
  if (row.dedupe_key === base) {
    try {
      const p = JSON.parse(row.payload) as { budgetAmountDecimal?: string; threshold?: number };
      const amount = parseMajor(String(p.budgetAmountDecimal), CURRENCY_SCALES[b.currency as Currency]);
      if (amount.ok && Number.isInteger(p.threshold)) return barOf(BigInt(amount.minor), p.threshold!);
    } catch {
      // Read below as the highest bar.
    }
    return null;
  }
  const [amount, percent] = row.dedupe_key.slice(base.length + 1).split(":");
  return /^\d+$/.test(amount ?? "") && /^\d+$/.test(percent ?? "") ? barOf(BigInt(amount!), Number(percent)) : null;
}

/**
 * The dedupe key of the alert `b` is due in `window`, given `alerted` (rows of `alertsOutStatement`, of any
 * budgets): the period's key if none went out yet, the key of `b`'s bar if that is above every bar alerted,
 * and null when an alert at this bar or a higher one is out already.
 */
export function alertKey(b: Pick<BudgetRow, "id" | "amount" | "alertThreshold" | "currency">, window: Pick<PeriodWindow, "startDate">, alerted: { dedupe_key: string; payload: string }[]): string | null {
  const base = periodKey(b, window);
  const mine = alerted.filter((r) => r.dedupe_key === base || r.dedupe_key.startsWith(`${base}:`));
  if (mine.length === 0) return base;
  const bar = barOf(BigInt(b.amount), threshold(b));
  for (const r of mine) {
    const at = alertedBar(b, base, r);
    if (at === null || at >= bar) return null;
  }
  return `${base}:${b.amount}:${threshold(b)}`;
}
