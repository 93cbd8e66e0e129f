/**
 * Client of a Sneaks-API server (github.com/druv5319/Sneaks-API, the
 * `sneaks` provider of seed 000): sneaker search and resell prices gathered
 * from StockX, GOAT, Flight Club and Stadium Goods, in USD.
 *
 *   GET {SNEAKS_BASE_URL}/search/{query}?count={n}  → [Sneaker]
 *   GET {SNEAKS_BASE_URL}/id/{styleID}/prices       → Sneaker (with resellPrices)
 *
 * Sneaker: { shoeName, brand, styleID, thumbnail, retailPrice, lowestResellPrice: { stockX, goat, flightClub, stadiumGoods } }.
 * The market value is the lowest resell price offered. An optional
 * `SNEAKS_API_KEY` secret is sent as `X-Api-Key` for deployments behind a gateway.
 */
import { parseMajor } from "../../lib/money";
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

const str = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : null);

function lowestPrice(s: Sneaker): number | null {
  let best: number | null = null;
  for (const v of Object.values(s.lowestResellPrice ?? {})) {
    if (typeof v !== "number" || !(v > 0)) continue;
    const p = parseMajor(v, 2);
    if (!p.ok) throw providerError(SNEAKS, "a price is not a valid amount");
    if (best === null || p.minor < best) best = p.minor;
  }
  return best;
}

function item(s: Sneaker): CatalogItem | null {
  const id = str(s.styleID);
  const name = str(s.shoeName);
  if (!id || !name) return null;
  return { externalId: id, name, brand: str(s.brand), referenceNumber: id, imageUrl: str(s.thumbnail), marketValue: lowestPrice(s), currency: "USD" };
}

export class SneaksClient {
  constructor(private readonly send: Outbound, private readonly baseUrl: string, private readonly apiKey: string | null) {}

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
    const body = await getJson<unknown>(this.send, SNEAKS, `${this.baseUrl}/search/${encodeURIComponent(query)}?count=${count}`, this.headers());
    if (body === null) return [];
    if (!Array.isArray(body)) throw providerError(SNEAKS, "search did not answer a list");
    return body.map((s) => item(s as Sneaker)).filter((x): x is CatalogItem => x !== null).slice(0, count);
  }

  async product(styleId: string): Promise<CatalogItem | null> {
    const body = await getJson<Sneaker>(this.send, SNEAKS, `${this.baseUrl}/id/${encodeURIComponent(styleId)}/prices`, this.headers());
    if (body === null) return null;
    const found = item(body);
    if (!found) throw providerError(SNEAKS, "product lacks styleID or shoeName");
    if (found.externalId !== styleId) throw providerError(SNEAKS, "answered a different product");
    return found;
  }
}
