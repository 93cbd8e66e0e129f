/**
 * The securities price client: Tiingo's end-of-day `GET /tiingo/daily/{ticker}/prices` at
 * `SECURITIES_BASE_URL`, authenticated with `Authorization: Token <SECURITIES_API_KEY>` (a header, so the
 * key never sits in a URL that could be logged). The answer is the latest trading day's bar; its `close`
 * (USD) is read from the response's own number text and kept as a canonical decimal string. Goes out
 * through `outbound(env)`, so in sandbox mode the simulator (src/sandbox/securities.ts) answers.
 */
import { isSandboxUrl, outbound } from "../../lib/outbound";
import { PriceApiError, parseKeepingNumbers } from "./client";
import { canonicalDecimal } from "./decimal";

/** The quote every close is in: the feed lists US markets. */
export const SECURITIES_QUOTE = "USD";

export interface SecurityClose {
  priceDecimal: string;
  /** The trading day of the close (YYYY-MM-DD). */
  day: string;
}

/** Where security prices come from, as reported in a price's `source`. */
export const securitiesSource = (env: Env) => (isSandboxUrl(env, env.SECURITIES_BASE_URL) ? "sandbox:tiingo" : "tiingo");

/**
 * The latest close of `ticker` in USD, or null when the feed does not list the ticker (404) or has no bar
 * for it. Throws PriceApiError when the feed fails (unreachable, refused, limited, unreadable), which is the
 * feed's failure rather than the ticker's.
 */
export async function fetchLatestClose(env: Env, ticker: string): Promise<SecurityClose | null> {
  const url = `${env.SECURITIES_BASE_URL.replace(/\/+$/, "")}/tiingo/daily/${encodeURIComponent(ticker.toLowerCase())}/prices`;
  let res: Response;
  try {
    res = await outbound(env)(new Request(url, { headers: { accept: "application/json", authorization: `Token ${env.SECURITIES_API_KEY}` } }));
  } catch {
    throw new PriceApiError(503, "Securities price API unreachable");
  }
  const text = await res.text();
  if (res.status === 404) return null;
  if (!res.ok) throw new PriceApiError(res.status, `Securities price API answered ${res.status}`);
  let body: unknown;
  try {
    body = parseKeepingNumbers(text);
  } catch {
    throw new PriceApiError(502, "Securities price API answered malformed JSON");
  }
  if (!Array.isArray(body)) throw new PriceApiError(502, "Securities price API answered an unexpected shape");
  const bar = body[body.length - 1] as { date?: unknown; close?: unknown } | undefined;
  if (!bar || typeof bar !== "object") return null;
  const day = typeof bar.date === "string" && /^\d{4}-\d{2}-\d{2}(T|$)/.test(bar.date) ? bar.date.slice(0, 10) : null;
  const raw = bar.close && typeof bar.close === "object" ? (bar.close as { $num?: unknown }).$num : null;
  const price = typeof raw === "string" ? canonicalDecimal(raw) : null;
  if (day === null || price === null) throw new PriceApiError(502, "Securities price API answered a bar without a date or close");
  // A zero close is no price (a negative one did not read as a decimal above).
  return /[1-9]/.test(price) ? { priceDecimal: price, day } : null;
}
