/**
 * The market price client: CoinGecko's `GET /simple/price` (Pro API shape)
 * at `PRICES_BASE_URL`, authenticated with the `x-cg-pro-api-key` header from
 * `PRICES_API_KEY`. Goes out through `outbound(env)`, so in sandbox mode the
 * deterministic simulator (src/sandbox/prices.ts) answers the same request.
 *
 * Prices are read from the response's own number text (JSON.parse source
 * access), never through a double, and kept as canonical decimal strings.
 */
import { isSandboxUrl, outbound } from "../../lib/outbound";
import { canonicalDecimal } from "./decimal";

export interface QuotedPrice {
  priceDecimal: string;
  /** Provider's last update of this price, epoch ms. */
  asOfMs: number;
}

export class PriceApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = "PriceApiError";
  }
}

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

const numText = (v: unknown): string | null =>
  v && typeof v === "object" && typeof (v as { $num?: unknown }).$num === "string" ? (v as { $num: string }).$num : null;

/**
 * Prices of CoinGecko coin ids in `quote` (upper-case ISO code). Ids the
 * provider does not know are absent. Throws PriceApiError on a failed call.
 */
export async function fetchSimplePrices(env: Env, ids: string[], quote: string, nowMs: number): Promise<Map<string, QuotedPrice>> {
  const out = new Map<string, QuotedPrice>();
  const vs = quote.toLowerCase();
  const send = outbound(env);
  for (let i = 0; i < ids.length; i += IDS_PER_REQUEST) {
    const chunk = ids.slice(i, i + IDS_PER_REQUEST);
    const url = new URL(`${env.PRICES_BASE_URL.replace(/\/+$/, "")}/simple/price`);
    url.searchParams.set("ids", chunk.join(","));
    url.searchParams.set("vs_currencies", vs);
    url.searchParams.set("include_last_updated_at", "true");
    url.searchParams.set("precision", "full");
    const res = await send(
      new Request(url.toString(), { method: "GET", headers: { accept: "application/json", "x-cg-pro-api-key": env.PRICES_API_KEY } }),
    );
    const text = await res.text();
    if (!res.ok) throw new PriceApiError(res.status, `Price API answered ${res.status}`);
    let body: unknown;
    try {
      body = parseKeepingNumbers(text);
    } catch {
      throw new PriceApiError(502, "Price API answered malformed JSON");
    }
    if (!body || typeof body !== "object" || Array.isArray(body)) throw new PriceApiError(502, "Price API answered an unexpected shape");
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
