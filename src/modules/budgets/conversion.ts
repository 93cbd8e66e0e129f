/**
 * Budgets count spending in every currency. An amount in another currency than the budget's converts at
 * its own day's rate by the rates module's rules (the space's own rate wins on its day; the nearest
 * earlier day within the lookback otherwise), exactly, and is rounded half-even once per budgeted
 * category, so a budget's spent is the sum of its categories'. An amount with no rate is not counted: the
 * budget's `conversion` report lists it, and says `complete: false`.
 */
import type { Services } from "../../env";
import { type ConversionReport, Converter, loadRateBook, RateBook, type RateRow } from "../rates/convert";
import { roundHalfEven } from "../rates/exact";
import type { Spending } from "./spending";

export interface ConvertedSpending extends Spending {
  /** How the spending in other currencies was converted; null when there was none. */
  conversion: ConversionReport | null;
}

/**
 * Each budget's spending (`items`, of one space) with its `foreign` amounts converted into the budget's
 * currency and counted. The rates are `rates` when the caller read them with the spending (`budgetReads`);
 * otherwise they are read here, once for all the budgets, and only when one has such amounts.
 */
export async function convertSpendings(
  svc: Services, spaceId: string, items: { currency: string; spending: Spending }[], rates?: RateRow[],
): Promise<ConvertedSpending[]> {
  const foreign = items.flatMap((i) => i.spending.foreign);
  if (foreign.length === 0) return items.map((i) => ({ ...i.spending, conversion: null }));
  const book = rates ? new RateBook(rates) : await readRates(svc, spaceId, items, foreign);
  return items.map(({ currency, spending }) => {
    if (spending.foreign.length === 0) return { ...spending, conversion: null };
    const byKey = new Map<string, Spending["foreign"]>();
    for (const f of spending.foreign) {
      const list = byKey.get(f.key);
      if (list) list.push(f);
      else byKey.set(f.key, [f]);
    }
    const converter = new Converter(book, currency);
    const keys = [...byKey.keys()];
    const exact = converter.exactMany(keys.map((key) => ({ amounts: byKey.get(key)!, context: "budget spending" })));
    const byCategory = new Map(spending.byCategory);
    let spent = spending.spent;
    keys.forEach((key, i) => {
      const minor = roundHalfEven(exact[i]!);
      byCategory.set(key, (byCategory.get(key) ?? 0n) + minor);
      spent += minor;
    });
    const report = { ...converter.report(), rounding: "half-even, once per budgeted category, to the currency's minor unit" };
    return { ...spending, spent, byCategory, conversion: report };
  });
}

/** The rates converting `foreign` into `items`' currencies may need, from the rate lookback before its first day to its last. */
function readRates(svc: Services, spaceId: string, items: { currency: string }[], foreign: Spending["foreign"]): Promise<RateBook> {
  let first = foreign[0]!.date;
  let last = first;
  for (const f of foreign) {
    if (f.date < first) first = f.date;
    if (f.date > last) last = f.date;
  }
  const currencies = [...new Set([...foreign.map((f) => f.currency), ...items.map((i) => i.currency)])];
  return loadRateBook(svc, spaceId, currencies, first, last);
}
