/**
 * The one conversion helper every cross-currency total goes through.
 *
 * - Each amount converts at the rate of its OWN day (a day in the space's
 *   zone); with no rate that day, the nearest earlier day within
 *   `LOOKBACK_DAYS`, and the rate used says so (`fallback`, `date`).
 * - A space's manual rate wins over the provider's for that day.
 * - A pair is found directly (MXN→USD), inverted (USD→MXN stored), or across
 *   USD (MXN→USD→EUR); every stored rate used is reported.
 * - Arithmetic is exact (BigInt fractions, rates as exact decimals) and a
 *   total is rounded ONCE at the end, half-even (see exact.ts).
 * - A missing rate is never a 0 and never mixed in: the amounts that could
 *   not be converted are listed per currency beside the (then partial) total,
 *   with a note, and `complete` is false.
 * - Notes are sentences (i18n.ts `Sentence`), said in the reader's language by `report(locale)`; what the
 *   amounts were part of (a context) is a sentence too.
 */
import type { Services } from "../../env";
import { type Locale, say, type Sentence } from "../../lib/i18n";
import { CURRENCY_SCALES, formatMinor, moneyFields } from "../../lib/money";
import { jsonList } from "../../lib/sql";
import { addDays, parseYmd, ymdString } from "../../lib/zoned-time";
import { type Frac, frac, inv, mul, parseStoredRate, pow10, roundHalfEven, sumOnCommonDenominator, ZERO } from "./exact";

/** How far back a rate may come from when its own day has none. */
export const LOOKBACK_DAYS = 31;
/** The hub currency cross rates go through. */
export const HUB = "USD";

/** Minor-unit scale of a currency or (8 decimals) a security / coin symbol. */
export const scaleOf = (code: string) => (CURRENCY_SCALES as Record<string, number>)[code] ?? 8;

export interface RateRow {
  base: string;
  quote: string;
  date: string;
  rate: string;
  /** "manual" for a space's own rate, otherwise the provider (or price feed) that supplied it. */
  source: string;
}

interface Entry extends RateRow {
  value: Frac;
}

export interface RateUsed {
  base: string;
  quote: string;
  /** The day the rate is for. */
  date: string;
  rate: string;
  source: string;
}

interface Leg {
  entry: Entry;
  inverted: boolean;
}

export interface Resolution {
  /** 1 unit of `from` = value `to` (exact). */
  value: Frac;
  legs: Leg[];
  /** Oldest day among the legs. */
  date: string;
}

export const daysBefore = (date: string, n: number) => ymdString(addDays(parseYmd(date), -n));

/** Whether rate `a` is preferred to `b`: later-dated, or of the same day and the space's own where `b` is not. */
const outranks = (a: Entry, b: Entry) => a.date > b.date || (a.date === b.date && (a.source === "manual" || b.source !== "manual"));

/** Rates of a space for a window of days, in memory: manual over provider for the same pair and day. */
export class RateBook {
  private pairs = new Map<string, Entry[]>();

  constructor(rows: RateRow[]) {
    this.add(rows);
  }

  /** Resolutions already worked out (a total resolves each currency and day once, not once per list). */
  private resolved = new Map<string, Resolution | null>();

  /** Adds rows (e.g. market prices as SYMBOL→quote rates); a manual row replaces another source's on its day. */
  add(rows: RateRow[]): void {
    this.resolved.clear();
    for (const r of rows) {
      const value = parseStoredRate(r.rate);
      if (!value) continue;
      const key = `${r.base}/${r.quote}`;
      const list = this.pairs.get(key) ?? [];
      const i = list.findIndex((e) => e.date === r.date);
      if (i >= 0) {
        if (list[i]!.source === "manual" && r.source !== "manual") continue;
        list[i] = { ...r, value };
      } else list.push({ ...r, value });
      this.pairs.set(key, list);
    }
    for (const list of this.pairs.values()) list.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  }

  /** The stored entry for base/quote on `date`, or the nearest earlier one within the lookback. */
  private entry(base: string, quote: string, date: string): Entry | null {
    const list = this.pairs.get(`${base}/${quote}`);
    if (!list) return null;
    const floor = daysBefore(date, LOOKBACK_DAYS);
    let lo = 0;
    let hi = list.length - 1;
    let found: Entry | null = null;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.date <= date) {
        found = list[mid]!;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found && found.date >= floor ? found : null;
  }

  /** The pair's rate either way round: the later-dated, and on the same day the space's own (manual) one. */
  private leg(from: string, to: string, date: string): Leg | null {
    const direct = this.entry(from, to, date);
    const inverse = this.entry(to, from, date);
    if (direct && (!inverse || outranks(direct, inverse))) return { entry: direct, inverted: false };
    if (inverse) return { entry: inverse, inverted: true };
    return null;
  }

  /**
   * How to turn `from` into `to` on `date`: the latest-dated way among direct, inverse and through USD (a
   * way is as old as its oldest leg); on the same day, a way with one of the space's own rates in it.
   */
  resolve(from: string, to: string, date: string): Resolution | null {
    if (from === to) return { value: frac(1n), legs: [], date };
    const key = `${from}|${to}|${date}`;
    const hit = this.resolved.get(key);
    if (hit !== undefined) return hit;
    const r = this.resolveUncached(from, to, date);
    this.resolved.set(key, r);
    return r;
  }

  private resolveUncached(from: string, to: string, date: string): Resolution | null {
    const candidates: Leg[][] = [];
    const one = this.leg(from, to, date);
    if (one) candidates.push([one]);
    if (from !== HUB && to !== HUB) {
      const a = this.leg(from, HUB, date);
      const b = this.leg(HUB, to, date);
      if (a && b) candidates.push([a, b]);
    }
    let best: { legs: Leg[]; date: string; manual: boolean } | null = null;
    for (const legs of candidates) {
      const way = { legs, date: legs.map((l) => l.entry.date).sort()[0]!, manual: legs.some((l) => l.entry.source === "manual") };
      if (!best || way.date > best.date || (way.date === best.date && way.manual && !best.manual)) best = way;
    }
    if (!best) return null;
    const value = best.legs.reduce((acc, l) => mul(acc, l.inverted ? inv(l.entry.value) : l.entry.value), frac(1n));
    return { value, legs: best.legs, date: best.date };
  }
}

/**
 * Loads the rates a conversion between `currencies` over [fromDate, toDate]
 * may need: the space's manual rates and the provider's, from the lookback
 * before `fromDate`. Two statements; each currency list is one JSON parameter.
 */
/**
 * The provider's rates a conversion between `currencies` over [fromDate, toDate] may need, as a statement
 * that can ride in another batch: the rates among the currencies and USD, from LOOKBACK_DAYS before `fromDate`.
 */
export function providerRatesStatement(db: D1Database, currencies: string[], fromDate: string, toDate: string): D1PreparedStatement {
  return db.prepare(
    `SELECT base, quote, date, rate, source FROM exchange_rates
      WHERE base IN (SELECT value FROM json_each(?1)) AND quote IN (SELECT value FROM json_each(?1)) AND date >= ?2 AND date <= ?3`,
  ).bind(jsonList([...new Set([...currencies, HUB])]), daysBefore(fromDate, LOOKBACK_DAYS), toDate);
}

export async function loadRateBook(svc: Services, spaceId: string | null, currencies: string[], fromDate: string, toDate: string): Promise<RateBook> {
  const stmts = [providerRatesStatement(svc.env.DB, currencies, fromDate, toDate)];
  if (spaceId) {
    stmts.push(
      svc.env.DB.prepare(
        `SELECT base, quote, date, rate, 'manual' AS source FROM space_rates
          WHERE space_id = ?4 AND base IN (SELECT value FROM json_each(?1)) AND quote IN (SELECT value FROM json_each(?1)) AND date >= ?2 AND date <= ?3`,
      ).bind(jsonList([...new Set([...currencies, HUB])]), daysBefore(fromDate, LOOKBACK_DAYS), toDate, spaceId),
    );
  }
  const results = await svc.env.DB.batch<RateRow>(stmts);
  return new RateBook([...results[0]!.results, ...(results[1]?.results ?? [])]);
}

/** An amount to convert: minor units of `currency`, on day `date` (YYYY-MM-DD in the space's zone). */
export interface DatedAmount {
  currency: string;
  minor: bigint;
  date: string;
}

/**
 * What amounts were part of, for a note on what could not be converted: a sentence (`{ kind:
 * "conversionContextNetWorthOn", values: { date } }`), said in the note's language; or text, said as it is in
 * every language. The report's `unconverted[].context` says it in English.
 */
export type ConversionContext = Sentence | string;

/** The default context: a total. */
export const TOTAL: Sentence = { kind: "conversionContextTotal" };

const contextText = (locale: Locale, c: ConversionContext) => (typeof c === "string" ? c : say(locale, c));

export interface Unconverted {
  /** What the amounts were part of ("net worth on 2024-03-01", "expenses"). */
  context: ConversionContext;
  currency: string;
  amountMinor: bigint;
  dates: string[];
}

/** At most this many days are named per missing rate; a note with this many says there were others. */
export const MAX_MISSING_DAYS = 10;

/**
 * The note on an amount not converted into `target`: its currency, its amount (an exact decimal), the days
 * without a rate (MAX_MISSING_DAYS of them: there may have been others) and what it was part of. From the
 * report's own `unconverted` entry as well (`amountDecimal`), as the dashboard says a budget's.
 */
export function missingRateNote(u: { currency: string; amountDecimal: string; dates: string[] }, target: string, context: ConversionContext): Sentence {
  return {
    kind: u.dates.length >= MAX_MISSING_DAYS ? "conversionMissingMore" : "conversionMissing",
    values: {
      pair: `${u.currency}/${target}`,
      days: u.dates.join(", "),
      lookback: LOOKBACK_DAYS,
      amount: { figure: u.amountDecimal },
      currency: u.currency,
      context,
      target,
    },
  };
}

/** A running exact total in the target currency, with the rates it used and what it could not convert. */
export class Converter {
  private used = new Map<string, RateUsed>();
  private fallbacks = new Map<string, { requested: string; used: string; pair: string }>();
  private missing = new Map<string, Unconverted>();

  constructor(
    readonly book: RateBook,
    readonly target: string,
  ) {}

  /**
   * Exact value of `amounts` in the target's minor units, as a fraction (not
   * rounded); amounts with no rate are left out and recorded as missing.
   */
  exact(amounts: DatedAmount[], context: ConversionContext = TOTAL): Frac {
    return this.exactMany([{ amounts, context }])[0]!;
  }

  /**
   * `exact` of several lists at once, the results on one shared denominator
   * (they add and compare without a gcd; see exact.ts). Amounts of the same
   * currency and day share one rate: they are summed first (integers), then
   * converted once per group.
   */
  exactMany(lists: { amounts: DatedAmount[]; context?: ConversionContext }[]): Frac[] {
    const tScale = scaleOf(this.target);
    const terms = lists.map(({ amounts, context = TOTAL }) => {
      const groups = new Map<string, DatedAmount>();
      for (const a of amounts) {
        if (a.minor === 0n) continue;
        const k = `${a.currency}|${a.date}`;
        const g = groups.get(k);
        if (g) g.minor += a.minor;
        else groups.set(k, { ...a });
      }
      const out: Frac[] = [];
      for (const g of groups.values()) {
        // A day whose amounts cancel out needs no rate (a budget's relinked rows taken out of its own: budgets/spending.ts).
        if (g.minor === 0n) continue;
        const r = this.book.resolve(g.currency, this.target, g.date);
        if (!r) {
          this.recordMissing(context, g.currency, g.minor, g.date);
          continue;
        }
        this.recordUsed(g.currency, g.date, r);
        // minor_t = minor_s × rate × 10^(scale_t − scale_s)
        const shift = tScale - scaleOf(g.currency);
        // Not reduced: a term's denominator is its rate's (a day's rate gives the same one in every list).
        out.push(shift >= 0 ? { n: g.minor * pow10(shift) * r.value.n, d: r.value.d } : { n: g.minor * r.value.n, d: r.value.d * pow10(-shift) });
      }
      return out;
    });
    return sumOnCommonDenominator(terms);
  }

  /**
   * Exact value of a fractional amount (minor units of `currency` as a
   * fraction, e.g. an estimate of a daily average times days) on `date`, not
   * rounded. With no rate it is recorded as missing (its amount shown rounded
   * to the minor unit) and contributes nothing.
   */
  exactFrac(currency: string, value: Frac, date: string, context: ConversionContext = TOTAL): Frac {
    if (value.n === 0n) return ZERO;
    const r = this.book.resolve(currency, this.target, date);
    if (!r) {
      this.recordMissing(context, currency, roundHalfEven(value), date);
      return ZERO;
    }
    this.recordUsed(currency, date, r);
    const shift = scaleOf(this.target) - scaleOf(currency);
    return mul(mul(value, shift >= 0 ? frac(pow10(shift)) : frac(1n, pow10(-shift))), r.value);
  }

  private recordMissing(context: ConversionContext, currency: string, minor: bigint, date: string) {
    // A context by what it says (in English: one language for every reader), as the report's field names it.
    const mk = `${contextText("en", context)}|${currency}`;
    const m = this.missing.get(mk) ?? { context, currency, amountMinor: 0n, dates: [] };
    m.amountMinor += minor;
    if (m.dates.length < MAX_MISSING_DAYS && !m.dates.includes(date)) m.dates.push(date);
    this.missing.set(mk, m);
  }

  private recordUsed(currency: string, date: string, r: Resolution) {
    for (const l of r.legs) {
      const e = l.entry;
      this.used.set(`${e.base}/${e.quote}@${e.date}`, { base: e.base, quote: e.quote, date: e.date, rate: e.rate, source: e.source });
    }
    if (r.date !== date) this.fallbacks.set(`${currency}|${date}`, { requested: date, used: r.date, pair: `${currency}/${this.target}` });
  }

  /** `exact(amounts)` rounded once, half-even. */
  total(amounts: DatedAmount[], context: ConversionContext = TOTAL): bigint {
    return roundHalfEven(this.exact(amounts, context));
  }

  get complete(): boolean {
    return this.missing.size === 0;
  }

  /** The notes on the conversion, as sentences: the days converted at an earlier day's rate (20 at most), then each amount with no rate. */
  notes(): Sentence[] {
    const notes: Sentence[] = [];
    for (const f of this.fallbacks.values()) {
      if (notes.length >= 20) break;
      notes.push({ kind: "conversionFallback", values: { pair: f.pair, day: f.requested, used: f.used } });
    }
    for (const m of this.missing.values()) {
      notes.push(missingRateNote({ currency: m.currency, amountDecimal: formatMinor(m.amountMinor, scaleOf(m.currency)), dates: m.dates }, this.target, m.context));
    }
    return notes;
  }

  /** What a response says about the conversion: rates used, fallbacks, missing rates; its notes in `locale`. */
  report(locale: Locale = "en") {
    const unconverted = [...this.missing.values()].map((m) => ({
      context: contextText("en", m.context),
      currency: m.currency,
      ...moneyFields("amount", m.amountMinor, scaleOf(m.currency)),
      dates: m.dates,
    }));
    const ratesUsed = [...this.used.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.base.localeCompare(b.base)));
    return {
      currency: this.target,
      complete: this.complete,
      rounding: "half-even, once per total, to the currency's minor unit",
      ratesUsed: ratesUsed.slice(0, 500),
      ratesUsedCount: ratesUsed.length,
      fallbacks: [...this.fallbacks.values()].length,
      unconverted,
      notes: this.notes().map((n) => say(locale, n)),
    };
  }
}

export type ConversionReport = ReturnType<Converter["report"]>;
