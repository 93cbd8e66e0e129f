/**
 * The securities price client: Tiingo's end-of-day `GET /tiingo/daily/{ticker}/prices` at
 * `SECURITIES_BASE_URL`, authenticated with `Authorization: Token <SECURITIES_API_KEY>` (a header, so the
 * key never sits in a URL that could be logged). The answer is the latest trading day's bar, or with
 * `startDate`/`endDate` each trading day's of a range; each `close` (USD) is read from the response's own
 * number text and kept as a canonical decimal string. Goes out
 * through `outbound(env)`, so in sandbox mode the simulator (src/sandbox/securities.ts) answers.
 */
import { isSandboxUrl } from "../../lib/outbound";
import { getFromPriceApi, numText, unreadableAnswer } from "./client";
import { canonicalDecimal } from "./decimal";

/** The quote every close is in: the feed lists US markets. */
export const SECURITIES_QUOTE = "USD";

export interface SecurityClose {
  priceDecimal: string;
  /** The trading day of the close (YYYY-MM-DD). */
  day: string;
}

const SOURCE = "tiingo";
const SANDBOX_SOURCE = `sandbox:${SOURCE}`;
/** Where security prices come from, as reported in a price's `source`. */
export const securitiesSource = (env: Env) => (isSandboxUrl(env, env.SECURITIES_BASE_URL) ? SANDBOX_SOURCE : SOURCE);
/** Whether a cached price came from the securities feed (either source `securitiesSource` names). */
export const isSecuritiesSource = (source: string) => source === SOURCE || source === SANDBOX_SOURCE;

/**
 * The latest close of `ticker` in USD, or null when the feed does not list the ticker (404) or has no bar
 * for it. Throws PriceApiError when the feed fails (unreachable, refused, limited, unreadable), which is the
 * feed's failure rather than the ticker's.
 */
export async function fetchLatestClose(env: Env, ticker: string, signal?: AbortSignal): Promise<SecurityClose | null> {
  const bars = await fetchBars(env, ticker, undefined, signal);
  return bars === null ? null : (bars[bars.length - 1] ?? null);
}

/**
 * The closes of `ticker` in USD on the trading days from `from` to `to` (YYYY-MM-DD, inclusive), oldest first,
 * or null when the feed does not list the ticker. Throws PriceApiError as fetchLatestClose does.
 */
export function fetchCloseHistory(env: Env, ticker: string, from: string, to: string, signal?: AbortSignal): Promise<SecurityClose[] | null> {
  return fetchBars(env, ticker, { startDate: from, endDate: to }, signal);
}

/** A real calendar day (2026-02-30 is not one). */
const isCalendarDay = (day: string) => {
  const ms = Date.parse(`${day}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === day;
};

/** The feed's bars of `ticker` (the latest, or a range's): each with a close, zero closes left out; null for a 404. */
async function fetchBars(env: Env, ticker: string, range?: { startDate: string; endDate: string }, signal?: AbortSignal): Promise<SecurityClose[] | null> {
  const url = new URL(`${env.SECURITIES_BASE_URL.replace(/\/+$/, "")}/tiingo/daily/${encodeURIComponent(ticker.toLowerCase())}/prices`);
  if (range) {
    url.searchParams.set("startDate", range.startDate);
    url.searchParams.set("endDate", range.endDate);
  }
  const body = await getFromPriceApi(env, url, { authorization: `Token ${env.SECURITIES_API_KEY}` }, "Securities price API", signal);
  if (body === null) return null;
  if (!Array.isArray(body)) throw unreadableAnswer("Securities price API answered an unexpected shape");
  const out: SecurityClose[] = [];
  for (const bar of body as { date?: unknown; close?: unknown }[]) {
    const day = bar && typeof bar.date === "string" && /^\d{4}-\d{2}-\d{2}(T|$)/.test(bar.date) && isCalendarDay(bar.date.slice(0, 10)) ? bar.date.slice(0, 10) : null;
    const raw = bar ? numText(bar.close) : null;
    const price = raw === null ? null : canonicalDecimal(raw);
    if (day === null || price === null) throw unreadableAnswer("Securities price API answered a bar without a date or close");
    // A zero close is no price (a negative one did not read as a decimal above).
    if (/[1-9]/.test(price)) out.push({ priceDecimal: price, day });
  }
  return out.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
}
