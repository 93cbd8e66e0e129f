/**
 * Exchange rates: the provider's rates stored per day with their source
 * (recorded by the daily cron, or on first use of a past day), and the manual
 * rates a space's members set, which win for that space and day.
 */
import type { AuthContext, Services } from "../../env";
import { validationFailed, type ErrorDetail } from "../../lib/errors";
import { type Locale, say } from "../../lib/i18n";
import { FIAT_CURRENCIES, CURRENCIES, plainDecimal } from "../../lib/money";
import { insertRows } from "../../lib/sql";
import { batchAsMember, readSpace, requireSpaceRole, withSessionCheck } from "../spaces/access";
import { bumpForecastEpoch } from "../analytics/forecast-epoch";
import { checkSpaceBudgetAlerts } from "../budgets/alerts";
import { coinIdOf } from "../prices/assets";
import { getPricesOn } from "../prices/service";
import { RatesClient, RatesProviderError } from "./client";
import { BACKFILL_RETRY_MS, countingAttempt, recordAttempt, TODAY_RETRY_MS } from "./attempts";
import { HUB, providerRatesStatement, RateBook, type RateRow, type RateUsed } from "./convert";
import { canonicalRate, rateToDecimal } from "./exact";

/** Currencies the provider is asked for each day (fiat; coin prices come from the prices module). */
export const PROVIDER_SYMBOLS = FIAT_CURRENCIES.filter((c) => c !== HUB);

export const utcDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The statements that store a provider's rates for a day (a later fetch of the same day replaces it). */
export function storeStatements(svc: Services, rows: RateRow[]): D1PreparedStatement[] {
  const now = svc.clock.now();
  return insertRows(svc.env.DB, "exchange_rates", ["base", "quote", "date", "rate", "source", "fetched_at"],
    rows.map((r) => [r.base, r.quote, r.date, r.rate, r.source, now]),
    "ON CONFLICT(base, quote, date) DO UPDATE SET rate = excluded.rate, source = excluded.source, fetched_at = excluded.fetched_at");
}

/** Stores a provider's rates for a day (a later fetch of the same day replaces it). */
export async function storeProviderRates(svc: Services, rows: RateRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  await svc.env.DB.batch(storeStatements(svc, rows));
  return rows.length;
}

/** The provider's USD rates of `date` (none: no rates for that day). */
export async function fetchDailyRates(svc: Services, date: string): Promise<RateRow[]> {
  const got = await RatesClient.fromEnv(svc.env).daily(date, HUB, PROVIDER_SYMBOLS);
  if (!got) return [];
  return Object.entries(got.rates).map(([quote, rate]) => ({ base: HUB, quote, date, rate, source: got.source }));
}

/** Fetches and stores the provider's USD rates of `date`; returns how many were stored (0: none for that day). */
export async function recordDailyRates(svc: Services, date: string): Promise<number> {
  return storeProviderRates(svc, await fetchDailyRates(svc, date));
}


/** Cron: today's (UTC) rates. */
export async function recordTodaysRates(svc: Services, scheduledTime: number): Promise<void> {
  await recordDailyRates(svc, utcDate(scheduledTime));
}

const isCurrency = (c: string) => (CURRENCIES as readonly string[]).includes(c);

/**
 * `GET /v1/rates`: the rate of `base` in `quote` on `date` (default today,
 * UTC) from the provider's stored rates, fetching and storing that day's
 * rates first when none are stored and the day is not in the future. The
 * stored rates are read once, with the caller's session check when `auth` is
 * given; whether the day is stored is seen in them. A fetch stores the day and
 * reads the rates again in one batch. Its notes are in `locale`.
 */
export async function getRate(svc: Services, q: { base: string; quote: string; date?: string }, auth?: AuthContext, locale: Locale = "en") {
  const today = utcDate(svc.clock.now());
  const date = q.date ?? today;
  const details: ErrorDetail[] = [];
  if (!isCurrency(q.base) && !isPricedCoin(q.base)) details.push({ field: "base", message: "Unknown currency or coin", code: "INVALID_CURRENCY" });
  if (!isCurrency(q.quote)) details.push({ field: "quote", message: "Unknown currency", code: "INVALID_CURRENCY" });
  if (q.base === q.quote) details.push({ field: "quote", message: "Must differ from base", code: "SAME_CURRENCY" });
  if (date > today) details.push({ field: "date", message: "Rates exist for past days and today only", code: "FUTURE_DATE" });
  if (details.length) throw validationFailed(details);
  const needed = [q.base, q.quote].filter((c) => c !== HUB && (PROVIDER_SYMBOLS as readonly string[]).includes(c));
  const db = svc.env.DB;
  const read = providerRatesStatement(db, [q.base, q.quote], date, date);
  const now = svc.clock.now();
  // A day the provider was lately asked for and had no (or not all) rates of is not asked again: each repeat of the
  // request would cost a provider call (attempts.ts).
  const asked = db.prepare(`SELECT 1 AS asked FROM rate_backfill_attempts WHERE date = ?1 AND ${countingAttempt("?2", date === today ? TODAY_RETRY_MS : BACKFILL_RETRY_MS, date === today)}`)
    .bind(date, now);
  const [first, attempt] = auth ? await withSessionCheck<RateRow>(svc, auth, [read, asked]) : await db.batch<RateRow>([read, asked]);
  let rows = first!.results;
  const stored = rows.filter((r) => r.base === HUB && r.date === date && needed.includes(r.quote)).length;
  if (stored < needed.length && attempt!.results.length === 0) {
    let fetched: RateRow[];
    try {
      fetched = await fetchDailyRates(svc, date);
    } catch (err) {
      // The provider's refusal of this day is remembered like a day without rates. An unreadable answer or a failure
      // of the provider's is not: one bad answer would otherwise hide the day's rates from everyone for a week.
      if (err instanceof RatesProviderError && err.dayRefused) await recordAttempt(db, date, now, 0).run();
      throw err;
    }
    const gotAll = needed.every((c) => fetched.some((r) => r.quote === c));
    const writes = [...storeStatements(svc, fetched), ...(gotAll ? [] : [recordAttempt(db, date, now, fetched.length)])];
    if (writes.length) rows = (await db.batch<RateRow>([...writes, read])).at(-1)!.results;
  }
  const book = new RateBook(rows);
  const notes: string[] = [];
  let r = book.resolve(q.base, q.quote, date);
  // A coin is valued by the market feed's price, as analytics values it; the provider's rates have none.
  if (!r) {
    const market = await coinPriceRow(svc, q.base, q.quote, date);
    if (market) (book.add([market]), (r = book.resolve(q.base, q.quote, date)));
  }
  if (!r) notes.push(say(locale, { kind: "rateNone", values: { pair: `${q.base}/${q.quote}`, date } }));
  else if (r.date !== date) notes.push(say(locale, { kind: "rateEarlierDay", values: { date, used: r.date } }));
  const direct = r?.legs.length === 1 && !r.legs[0]!.inverted;
  return {
    base: q.base,
    quote: q.quote,
    date,
    rate: r ? (direct ? r.legs[0]!.entry.rate : rateToDecimal(r.value)) : null,
    rateDate: r?.date ?? null,
    exact: r ? direct : false,
    derivation: r ? (direct ? "direct" : r.legs.length === 1 ? "inverse" : `cross via ${HUB}`) : null,
    ratesUsed: (r?.legs ?? []).map((l) => ({ base: l.entry.base, quote: l.entry.quote, date: l.entry.date, rate: l.entry.rate, source: l.entry.source }) satisfies RateUsed),
    notes,
  };
}

/** A coin the market feed prices (BTC and ETH are currencies too; SOL and the rest are coins only). */
const isPricedCoin = (symbol: string) => coinIdOf(symbol) !== undefined;

/**
 * The market feed's price of the coin side of a pair on `date` (its cached row, else the feed's history), as a
 * rate row: `BTC/MXN`, or for `MXN/BTC` the coin's price to be inverted. Null for a pair without one coin and
 * one fiat currency, or when the feed has no price.
 */
async function coinPriceRow(svc: Services, base: string, quote: string, date: string): Promise<RateRow | null> {
  const fiat = new Set<string>(FIAT_CURRENCIES);
  const [coin, money] = isPricedCoin(base) && fiat.has(quote) ? [base, quote] : isPricedCoin(quote) && fiat.has(base) ? [quote, base] : [null, null];
  if (!coin || !money) return null;
  const price = (await getPricesOn(svc, [coin], money, date)).get(coin);
  return price ? { base: coin, quote: money, date: price.day, rate: price.priceDecimal, source: `market:${price.source}` } : null;
}

const MAX_LISTED = 1000;

export async function listSpaceRates(svc: Services, auth: AuthContext, spaceId: string, q: { from?: string; to?: string }) {
  const { results: [res] } = await readSpace(svc, auth, spaceId, "viewer", (space) => [
    svc.env.DB.prepare(
      `SELECT base, quote, date, rate, set_by, updated_at FROM space_rates WHERE space_id = ${space.sql} AND date >= ? AND date <= ? ORDER BY date DESC, base, quote LIMIT ${MAX_LISTED + 1}`,
    ).bind(...space.params, q.from ?? "0000-01-01", q.to ?? "9999-12-31"),
  ]);
  const rows = res!.results as { base: string; quote: string; date: string; rate: string; set_by: string; updated_at: number }[];
  return {
    spaceId,
    rates: rows.slice(0, MAX_LISTED).map((r) => ({ base: r.base, quote: r.quote, date: r.date, rate: r.rate, source: "manual" as const, setBy: r.set_by, updatedAt: new Date(r.updated_at).toISOString() })),
    hasMore: rows.length > MAX_LISTED,
  };
}

export interface ManualRateInput {
  base: string;
  quote: string;
  date: string;
  rate: string | number | null;
}

/** Sets (or, with `rate: null`, removes) manual rates of a space; each wins over the provider's for its day. */
export async function putSpaceRates(svc: Services, auth: AuthContext, spaceId: string, input: { rates: ManualRateInput[] }) {
  await requireSpaceRole(svc, auth, spaceId, "member");
  const details: ErrorDetail[] = [];
  const upserts: [string, string, string, string][] = [];
  const deletes: [string, string, string][] = [];
  const seen = new Set<string>();
  input.rates.forEach((r, i) => {
    const f = (name: string) => `rates.${i}.${name}`;
    if (!isCurrency(r.base)) details.push({ field: f("base"), message: "Unknown currency", code: "INVALID_CURRENCY" });
    if (!isCurrency(r.quote)) details.push({ field: f("quote"), message: "Unknown currency", code: "INVALID_CURRENCY" });
    if (r.base === r.quote) details.push({ field: f("quote"), message: "Must differ from base", code: "SAME_CURRENCY" });
    // One rate a pair and day, whichever way round it is written (USD/MXN and MXN/USD are one pair).
    const key = `${[r.base, r.quote].sort().join("/")}@${r.date}`;
    if (seen.has(key)) details.push({ field: f("date"), message: "The same pair (either way round) and day appears twice", code: "DUPLICATE" });
    seen.add(key);
    if (r.rate === null) {
      deletes.push([r.base, r.quote, r.date]);
      return;
    }
    const text = typeof r.rate === "number" ? plainDecimal(String(r.rate)) : r.rate.trim();
    const rate = canonicalRate(text);
    if (!rate) details.push({ field: f("rate"), message: "Must be a positive decimal with at most 12 digits before and after the point", code: "INVALID_RATE" });
    else upserts.push([r.base, r.quote, r.date, rate]);
  });
  if (details.length) throw validationFailed(details);
  const now = svc.clock.now();
  const db = svc.env.DB;
  const removal = ([b, q, d]: [string, string, string, ...unknown[]]) =>
    db.prepare("DELETE FROM space_rates WHERE space_id = ? AND base = ? AND quote = ? AND date = ?").bind(spaceId, b, q, d);
  const stmts = [
    // A removal takes the pair's rate that day whichever way round it was set.
    ...deletes.map(removal),
    ...deletes.map(([b, q, d]) => removal([q, b, d])),
    // A rate set one way replaces one set the other way that day: two could disagree (17.5 and 0.5).
    ...upserts.map(([b, q, d]) => removal([q, b, d])),
    ...insertRows(db, "space_rates", ["space_id", "base", "quote", "date", "rate", "set_by", "created_at", "updated_at"],
      upserts.map(([b, q, d, r]) => [spaceId, b, q, d, r, auth.userId, now, now]),
      "ON CONFLICT(space_id, base, quote, date) DO UPDATE SET rate = excluded.rate, set_by = excluded.set_by, updated_at = excluded.updated_at"),
    // A forecast converted at the old rates is no longer served (forecast-epoch.ts).
    bumpForecastEpoch(db, spaceId),
  ];
  // Only while the caller may still write in the live space: one deleted meanwhile keeps no rate.
  const results = await batchAsMember(svc, auth, spaceId, "member", stmts);
  // Budgets count spending in other currencies at these rates: a changed rate can carry one past its threshold.
  await checkSpaceBudgetAlerts(svc, spaceId);
  // What was there to remove, not what was asked.
  const removed = results.slice(0, 2 * deletes.length).reduce((n, r) => n + (r.meta.changes ?? 0), 0);
  return { spaceId, updated: upserts.length, removed };
}
