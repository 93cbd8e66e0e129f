/**
 * Budgets count spending in every currency. An amount in another currency than the budget's converts at
 * its own day's rate by the rates module's rules (the space's own rate wins on its day; the nearest
 * earlier day within the lookback otherwise; a coin at the market's price of its day), exactly, and is
 * rounded half-even once per budgeted category, so a budget's spent is the sum of its categories'. An
 * amount with no rate is not counted: the budget's `conversion` report lists it, and says `complete: false`.
 */
import { type ConversionReport, Converter, RateBook, type RateRow } from "../rates/convert";
import { roundHalfEven } from "../rates/exact";
import type { Locale, Sentence } from "../../lib/i18n";
import type { BudgetRow, Spending } from "./spending";

export interface ConvertedSpending extends Spending {
  /** How the spending in other currencies was converted; null when there was none. */
  conversion: ConversionReport | null;
}

export const BUDGET_ROUNDING = "half-even, once per budgeted category, to the currency's minor unit";

/**
 * Each budget's spending (`items`) with its `foreign` amounts converted into the budget's currency and
 * counted, at the rates read with the spending, added to `book` (a caller's rates, such as today's coin
 * prices; by default none): no read of its own. What had no rate is named by its
 * budget in the report, whose notes are in `locale`.
 */
export function convertSpendings(items: { budget: Pick<BudgetRow, "currency" | "name">; spending: Spending }[], book = new RateBook([]), locale: Locale = "en"): ConvertedSpending[] {
  if (items.every((i) => i.spending.foreign.length === 0)) return items.map((i) => ({ ...i.spending, conversion: null }));
  // Budgets read together share one list of rates, and budgets read apart (the alerts) bring copies of the
  // same rows: each row goes into the book once.
  const rows = new Map<string, RateRow>();
  for (const rates of new Set(items.map((i) => i.spending.rates))) for (const r of rates) rows.set(`${r.base}|${r.quote}|${r.date}|${r.source}`, r);
  book.add([...rows.values()]);
  return items.map(({ budget, spending }) => {
    if (spending.foreign.length === 0) return { ...spending, conversion: null };
    const byKey = new Map<string, Spending["foreign"]>();
    for (const f of spending.foreign) {
      const list = byKey.get(f.key);
      if (list) list.push(f);
      else byKey.set(f.key, [f]);
    }
    const converter = new Converter(book, budget.currency);
    const keys = [...byKey.keys()];
    const context: Sentence = { kind: "conversionContextBudget", values: { name: JSON.stringify(budget.name) } };
    const exact = converter.exactMany(keys.map((key) => ({ amounts: byKey.get(key)!, context })));
    const byCategory = new Map(spending.byCategory);
    let spent = spending.spent;
    keys.forEach((key, i) => {
      const minor = roundHalfEven(exact[i]!);
      byCategory.set(key, (byCategory.get(key) ?? 0n) + minor);
      spent += minor;
    });
    return { ...spending, spent, byCategory, conversion: { ...converter.report(locale), rounding: BUDGET_ROUNDING } };
  });
}
