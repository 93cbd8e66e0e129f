/**
 * The market price client: CoinGecko's `GET /simple/price` (Pro API shape)
 * at `PRICES_BASE_URL`, authenticated with the `x-cg-pro-api-key` header from
 * `PRICES_API_KEY`. Goes out through `outbound(env)`, so in sandbox mode the
 * deterministic simulator (src/sandbox/prices.ts) answers the same request.
 *
 * Prices are read from the response's own number text (JSON.parse source
 * access), never through a double, and kept as canonical decimal strings.
 */
import { AnswerTooLarge, isSandboxUrl, outbound } from "../../lib/outbound";
import { canonicalDecimal } from "./decimal";

export interface QuotedPrice {
  priceDecimal: string;
  /** Provider's last update of this price, epoch ms. */
  asOfMs: number;
}

export class PriceApiError extends Error {
  /** `unreadable`: the API answered, but not a price list that reads (its failure for that request, not an outage). */
  constructor(readonly status: number, message: string, readonly unreadable = false) {
    super(message);
    this.name = "PriceApiError";
  }
}

/** The error for an answer that does not read (status 502 for callers that only look at the status). */
export const unreadableAnswer = (message: string) => new PriceApiError(502, message, true);

/**
 * Whether a price request's failure is the feed's own (unreachable, our key refused, limited, 5xx), which
 * says nothing of the symbol asked, rather than about that symbol (an answer that does not read, another 4xx).
 */
export const isFeedFailure = (err: unknown) =>
  !(err instanceof PriceApiError) || (!err.unreadable && (err.status === 401 || err.status === 403 || err.status === 429 || err.status >= 500));

/**
 * One GET to a price API through outbound(), with no redirects (the key goes to the API's own address only).
 * Its answer: null for a 404 (the API has nothing of that id), else the body with its numbers as their source
 * text. PriceApiError when it could not be reached (503), failed, or does not read.
 */
export async function getFromPriceApi(env: Env, url: URL, headers: Record<string, string>, api: string, signal?: AbortSignal): Promise<unknown> {
  let res: Response;
  try {
    res = await outbound(env)(new Request(url.toString(), { headers: { accept: "application/json", ...headers }, redirect: "manual", signal }));
  } catch {
    throw new PriceApiError(503, `${api} unreachable`);
  }
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    // Past what is read (lib/outbound.ts): an answer that does not read; cut short (a deadline, the connection): unreachable.
    if (err instanceof AnswerTooLarge) throw unreadableAnswer(`${api} ${err.message}`);
    throw new PriceApiError(503, `${api} unreachable`);
  }
  if (res.status === 404) return null;
  if (!res.ok) throw new PriceApiError(res.status, `${api} answered ${res.status}`);
  try {
    return parseKeepingNumbers(text);
  } catch {
    throw unreadableAnswer(`${api} answered malformed JSON`);
  }
}

const coinGeckoKey = (env: Env) => ({ "x-cg-pro-api-key": env.PRICES_API_KEY });

/** Ids per request: keeps the query string well under URL limits. */
const IDS_PER_REQUEST = 50;

/** Where prices come from, as reported in `Price.source`. */
export const priceSource = (env: Env) => (isSandboxUrl(env, env.PRICES_BASE_URL) ? "sandbox:coingecko" : "coingecko");

/**
 * JSON.parse keeping each number's source text. Workers' V8 passes the
 * literal as `context.source` to the reviver; without it, the double's
 * shortest form is used (exact for any price a double holds).
 */
export function parseKeepingNumbers(text: string): unknown {
  return JSON.parse(text, function (this: unknown, _key: string, value: unknown, context?: { source?: string }) {
    if (typeof value === "number") return { $num: context?.source ?? String(value) };
    return value;
  } as (this: unknown, key: string, value: unknown) => unknown);
}

/** A number's source text from `parseKeepingNumbers`' output, or null when `v` is not a number. */
export const numText = (v: unknown): string | null =>
  v && typeof v === "object" && typeof (v as { $num?: unknown }).$num === "string" ? (v as { $num: string }).$num : null;

/**
 * Prices of CoinGecko coin ids in `quote` (upper-case ISO code). Ids the
 * provider does not know are absent. Throws PriceApiError on a failed call.
 */
export async function fetchSimplePrices(env: Env, ids: string[], quote: string, nowMs: number): Promise<Map<string, QuotedPrice>> {
  const out = new Map<string, QuotedPrice>();
  const vs = quote.toLowerCase();
  for (let i = 0; i < ids.length; i += IDS_PER_REQUEST) {
    const chunk = ids.slice(i, i + IDS_PER_REQUEST);
    const url = new URL(`${env.PRICES_BASE_URL.replace(/\/+$/, "")}/simple/price`);
    url.searchParams.set("ids", chunk.join(","));
    url.searchParams.set("vs_currencies", vs);
    url.searchParams.set("include_last_updated_at", "true");
    url.searchParams.set("precision", "full");
    const body = await getFromPriceApi(env, url, coinGeckoKey(env), "Price API");
    if (!body || typeof body !== "object" || Array.isArray(body)) throw unreadableAnswer("Price API answered an unexpected shape");
    for (const id of chunk) {
      const entry = (body as Record<string, unknown>)[id];
      if (!entry || typeof entry !== "object") continue;
      const raw = numText((entry as Record<string, unknown>)[vs]);
      const price = raw === null ? null : canonicalDecimal(raw);
      if (price === null || !/[1-9]/.test(price)) continue; // no price, malformed, or zero: not priced
      const updated = numText((entry as Record<string, unknown>).last_updated_at);
      const updatedSec = updated !== null && /^\d{1,12}$/.test(updated) ? Number(updated) : null;
      out.set(id, { priceDecimal: price, asOfMs: updatedSec !== null ? updatedSec * 1000 : nowMs });
    }
  }
  return out;
}

/**
 * A coin's price on a past UTC day (`YYYY-MM-DD`): CoinGecko's
 * `GET /coins/{id}/history?date=DD-MM-YYYY`, `market_data.current_price[vs]`.
 * Null when the provider has no price for that day.
 */
export async function fetchHistoricalPrice(env: Env, id: string, quote: string, day: string): Promise<string | null> {
  const [y, m, d] = day.split("-");
  const url = new URL(`${env.PRICES_BASE_URL.replace(/\/+$/, "")}/coins/${encodeURIComponent(id)}/history`);
  url.searchParams.set("date", `${d}-${m}-${y}`);
  url.searchParams.set("localization", "false");
  const body = await getFromPriceApi(env, url, coinGeckoKey(env), "Price API");
  const md = (body as { market_data?: { current_price?: Record<string, unknown> } } | null)?.market_data?.current_price;
  const raw = md ? numText(md[quote.toLowerCase()]) : null;
  const price = raw === null ? null : canonicalDecimal(raw);
  return price !== null && /[1-9]/.test(price) ? price : null;
}

/**
 * A coin's daily prices from `from` to `to` (UTC days, inclusive): CoinGecko's
 * `GET /coins/{id}/market_chart/range` with `interval=daily`, whose points are
 * `[unix ms, price]` at each day's 00:00 UTC. One price a day (the day's first
 * point), oldest first; empty when the provider does not know the coin.
 */
export async function fetchDailyPriceRange(env: Env, id: string, quote: string, from: string, to: string, signal?: AbortSignal): Promise<{ day: string; priceDecimal: string }[]> {
  const url = new URL(`${env.PRICES_BASE_URL.replace(/\/+$/, "")}/coins/${encodeURIComponent(id)}/market_chart/range`);
  url.searchParams.set("vs_currency", quote.toLowerCase());
  url.searchParams.set("from", String(Date.parse(`${from}T00:00:00Z`) / 1000));
  url.searchParams.set("to", String(Date.parse(`${to}T23:59:59Z`) / 1000));
  url.searchParams.set("interval", "daily");
  url.searchParams.set("precision", "full");
  const body = await getFromPriceApi(env, url, coinGeckoKey(env), "Price API", signal);
  if (body === null) return [];
  const points = (body as { prices?: unknown } | null)?.prices;
  if (!Array.isArray(points)) throw unreadableAnswer("Price API answered an unexpected shape");
  const byDay = new Map<string, string>();
  for (const p of points) {
    const ms = Array.isArray(p) ? numText(p[0]) : null;
    const raw = Array.isArray(p) ? numText(p[1]) : null;
    const price = raw === null ? null : canonicalDecimal(raw);
    if (ms === null || !/^\d{1,15}$/.test(ms) || price === null) throw unreadableAnswer("Price API answered a point without a time or price");
    const day = new Date(Number(ms)).toISOString().slice(0, 10);
    if (day >= from && day <= to && /[1-9]/.test(price) && !byDay.has(day)) byDay.set(day, price);
  }
  return [...byDay].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([day, priceDecimal]) => ({ day, priceDecimal }));
}
