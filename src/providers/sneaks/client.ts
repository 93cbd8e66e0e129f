/**
 * Client of a Sneaks-API server (github.com/druv5319/Sneaks-API, the
 * `sneaks` provider of seed 000): sneaker search and resell prices gathered
 * from StockX, GOAT, Flight Club and Stadium Goods, in USD.
 *
 *   GET {SNEAKS_BASE_URL}/search/{query}?count={n}  → [Sneaker]
 *   GET {SNEAKS_BASE_URL}/id/{styleID}/prices       → Sneaker (with resellPrices)
 *
 * Sneaker: { shoeName, brand, styleID, thumbnail, retailPrice, lowestResellPrice: { stockX, goat, flightClub, stadiumGoods } }.
 * The market value is the lowest resell price offered (JSON numbers of dollars; GOAT's and Flight Club's are cents /
 * 100, so a value with more places than cents is rounded once, half-even). An optional `SNEAKS_API_KEY` secret is sent
 * as `X-Api-Key` for deployments behind a gateway.
 *
 * The server answers a miss, a search with no results or an unknown style id alike, with Express's
 * `res.send("Product Not Found")`: HTTP 200 and a text/html body, which is read as a 404. `/id/{styleID}/prices`
 * upper-cases the id it is given, so the product answered is matched without regard to case.
 */
import { parseMajorHalfEven } from "../../lib/money";
import { type Outbound, outbound } from "../../lib/outbound";
import { getJson, providerError, providerUnavailable } from "../http";

export const SNEAKS = "sneaks";

export interface CatalogItem {
  externalId: string;
  name: string;
  brand: string | null;
  referenceNumber: string;
  imageUrl: string | null;
  /** Minor units of `currency`, or null when no seller offers it. */
  marketValue: number | null;
  currency: "USD";
}

interface Sneaker {
  shoeName?: unknown; brand?: unknown; styleID?: unknown; thumbnail?: unknown;
  lowestResellPrice?: Record<string, unknown>;
}

/** A non-empty text of at most `max` characters, or null: a provider's longer "name" is no name (a D1 row holds 2 MB). */
const str = (v: unknown, max: number) => (typeof v === "string" && v.length > 0 && v.length <= max ? v : null);

/** The longest style id, name and brand read: a style id as a link takes it (collectibles/routes.ts), names as assets have them, with room. */
const MAX_ID = 100;
const MAX_NAME = 500;
const MAX_URL = 2048;

/**
 * The thumbnail as clients may use it, or null: an absolute https URL only. The provider's text goes to clients as
 * `imageUrl`, which they put in an <img> or a link; a `javascript:` or `data:` URL there runs script, and an `http:`
 * one is mixed content and a tracker in the clear.
 */
function imageUrl(v: unknown): string | null {
  const text = str(v, MAX_URL);
  if (text === null || !/^https:\/\//i.test(text)) return null;
  try {
    const url = new URL(text);
    return url.protocol === "https:" && url.hostname !== "" && url.href.length <= MAX_URL ? url.href : null;
  } catch {
    return null;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function lowestPrice(s: Sneaker): number | null {
  let best: number | null = null;
  const offers = isObject(s.lowestResellPrice) ? s.lowestResellPrice : {};
  for (const v of Object.values(offers)) {
    if (typeof v !== "number" || !(v > 0)) continue;
    const p = parseMajorHalfEven(v, 2);
    if (!p.ok) throw providerError(SNEAKS, "a price is not a valid amount");
    if (p.minor > 0 && (best === null || p.minor < best)) best = p.minor;
  }
  return best;
}

/** A sneaker of the answer, or null when it lacks its style id or name. `lenient`: an unreadable price leaves it unpriced. */
function item(s: unknown, lenient: boolean): CatalogItem | null {
  if (!isObject(s)) return null;
  const sneaker = s as Sneaker;
  const id = str(sneaker.styleID, MAX_ID);
  const name = str(sneaker.shoeName, MAX_NAME);
  if (!id || !name) return null;
  let marketValue: number | null;
  try {
    marketValue = lowestPrice(sneaker);
  } catch (err) {
    if (!lenient) throw err;
    marketValue = null;
  }
  return { externalId: id, name, brand: str(sneaker.brand, MAX_NAME), referenceNumber: id, imageUrl: imageUrl(sneaker.thumbnail), marketValue, currency: "USD" };
}

const MISS = "Product Not Found";

/**
 * "." and "..": a URL's path steps however encoded (the URL parser reads %2E as a dot), so `/search/..` would ask the
 * server's root and `/id/../prices` its `/prices`. No sneaker is called that: nothing is found, and nothing is asked.
 */
const isDotStep = (s: string) => s === "." || s === "..";

/** `send`, with the server's miss (HTTP 200, text "Product Not Found") turned into the 404 it means. */
const missAs404 = (send: Outbound): Outbound => async (request) => {
  const res = await send(request);
  if (res.status !== 200 || /json/i.test(res.headers.get("content-type") ?? "")) return res;
  const text = await res.text();
  if (text.trim() === MISS) return new Response(null, { status: 404 });
  return new Response(text, { status: res.status, headers: res.headers });
};

export class SneaksClient {
  private readonly send: Outbound;

  constructor(send: Outbound, private readonly baseUrl: string, private readonly apiKey: string | null) {
    this.send = missAs404(send);
  }

  static configured(env: Env): boolean {
    return Boolean((env.SNEAKS_BASE_URL ?? "").trim());
  }

  static fromEnv(env: Env): SneaksClient {
    const base = (env.SNEAKS_BASE_URL ?? "").trim().replace(/\/+$/, "");
    if (!base) throw providerUnavailable("The sneaks provider is not configured (SNEAKS_BASE_URL)");
    const key = (env as unknown as Record<string, unknown>).SNEAKS_API_KEY;
    return new SneaksClient(outbound(env), base, typeof key === "string" && key ? key : null);
  }

  private headers(): Record<string, string> {
    return this.apiKey ? { "x-api-key": this.apiKey } : {};
  }

  async search(query: string, count: number): Promise<CatalogItem[]> {
    if (isDotStep(query)) return [];
    const body = await getJson<unknown>(this.send, SNEAKS, `${this.baseUrl}/search/${encodeURIComponent(query)}?count=${count}`, this.headers());
    if (body === null) return [];
    if (!Array.isArray(body)) throw providerError(SNEAKS, "search did not answer a list");
    return body.map((s) => item(s, true)).filter((x): x is CatalogItem => x !== null).slice(0, count);
  }

  async product(styleId: string): Promise<CatalogItem | null> {
    if (isDotStep(styleId)) return null;
    const body = await getJson<unknown>(this.send, SNEAKS, `${this.baseUrl}/id/${encodeURIComponent(styleId)}/prices`, this.headers());
    if (body === null) return null;
    if (!isObject(body)) throw providerError(SNEAKS, "product is not an object");
    const found = item(body, false);
    if (!found) throw providerError(SNEAKS, "product lacks styleID or shoeName");
    if (found.externalId.toUpperCase() !== styleId.toUpperCase()) throw providerError(SNEAKS, "answered a different product");
    return found;
  }
}
