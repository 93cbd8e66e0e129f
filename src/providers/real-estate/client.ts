/**
 * Zillow-style property valuation API client (Zestimate, rent Zestimate,
 * valuation range, property details), reached through `outbound(env)`.
 *
 *   GET {REAL_ESTATE_BASE_URL}/properties/search?address=&city=&state=&postalCode=
 *       → { bundle: [{ zpid, address: {streetAddress, city, state, zipcode}, bedrooms, bathrooms, livingArea, yearBuilt }] }
 *   GET {REAL_ESTATE_BASE_URL}/properties/{zpid}/zestimate
 *       → { zpid, zestimate, rentZestimate, currency, valuationRange: {low, high}, lastUpdated }
 *
 * Authenticated with `Authorization: Bearer <REAL_ESTATE_API_KEY>`. Values
 * arrive as JSON numbers of dollars (whole dollars as a rule, as Bridge
 * Interactive's Zillow Zestimates API sends them) and are read exactly into
 * cents; a value written to more places than cents is rounded once, half-even.
 * A home Zillow has no Zestimate for answers `zestimate: null` (a zero is no
 * estimate either): that is the property's 404, never a value of 0.
 */
import { ApiError } from "../../lib/errors";
import { parseMajorHalfEven } from "../../lib/money";
import { isSandboxUrl, type Outbound, outbound } from "../../lib/outbound";
import { getJson, providerError, providerUnavailable } from "../http";

export const REAL_ESTATE_PROVIDER = "Zillow";
export const ZESTIMATE_SOURCE = "Zillow Zestimate";
/** The key the sandbox simulator accepts; used only when the base URL is the sandbox's. */
export const SANDBOX_REAL_ESTATE_KEY = "sandbox-real-estate-key";

export interface PropertyAddress {
  address: string;
  city: string;
  state: string;
  zipCode: string;
}

export interface PropertyDetails {
  bedrooms: number | null;
  bathrooms: number | null;
  sqft: number | null;
  yearBuilt: number | null;
}

export interface Property {
  propertyId: string;
  address: PropertyAddress;
  details: PropertyDetails;
}

export interface Zestimate {
  propertyId: string;
  currency: string;
  /** Minor units (cents). */
  zestimate: number;
  rentZestimate: number | null;
  low: number | null;
  high: number | null;
  lastUpdated: string;
}

interface SearchResponse {
  bundle?: Array<{
    zpid?: unknown;
    address?: { streetAddress?: unknown; city?: unknown; state?: unknown; zipcode?: unknown };
    bedrooms?: unknown; bathrooms?: unknown; livingArea?: unknown; yearBuilt?: unknown;
  }>;
}

interface ZestimateResponse {
  zpid?: unknown; zestimate?: unknown; rentZestimate?: unknown; currency?: unknown;
  valuationRange?: { low?: unknown; high?: unknown }; lastUpdated?: unknown;
}

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
const str = (v: unknown) => (typeof v === "string" || typeof v === "number" ? String(v) : null);

/**
 * A property id as Zillow's are (a zpid: a JSON number or its digits), or null. What is stored and put in the next
 * request's path is only an id's letters, at most 64 of them: a hostile answer's "../x", 1.5 or 3 MB of digits (a D1
 * write's 500) is no id.
 */
function zpidOf(v: unknown): string | null {
  if (typeof v === "number") return Number.isSafeInteger(v) && v > 0 ? String(v) : null;
  return typeof v === "string" && /^[A-Za-z0-9_-]{1,64}$/.test(v) ? v : null;
}

function cents(field: string, v: unknown, required: true): number;
function cents(field: string, v: unknown, required: false): number | null;
function cents(field: string, v: unknown, required: boolean): number | null {
  if (v === null || v === undefined) {
    if (required) throw providerError(REAL_ESTATE_PROVIDER, `response lacks ${field}`);
    return null;
  }
  if (typeof v !== "number" && typeof v !== "string") throw providerError(REAL_ESTATE_PROVIDER, `${field} is not a number`);
  const p = parseMajorHalfEven(v, 2);
  if (!p.ok || p.minor < 0) throw providerError(REAL_ESTATE_PROVIDER, `${field} is not a valid amount`);
  return p.minor;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The home has no Zestimate (Zillow publishes none for it): the property's 404, not the provider's failure. */
export const noZestimate = () => new ApiError(404, "RESOURCE_NOT_FOUND", "Zillow has no Zestimate for this property");

export class RealEstateClient {
  constructor(private readonly send: Outbound, private readonly baseUrl: string, private readonly apiKey: string) {}

  /** The configured client, or a 503 PROVIDER_UNAVAILABLE when no base URL or key is configured. */
  static fromEnv(env: Env): RealEstateClient {
    const base = (env.REAL_ESTATE_BASE_URL ?? "").replace(/\/+$/, "");
    if (!base) throw providerUnavailable("Real-estate valuations are not configured (REAL_ESTATE_BASE_URL)");
    const secret = (env as unknown as Record<string, unknown>).REAL_ESTATE_API_KEY;
    const key = typeof secret === "string" && secret ? secret : isSandboxUrl(env, base) ? SANDBOX_REAL_ESTATE_KEY : "";
    if (!key) throw providerUnavailable("Real-estate valuations are not configured (REAL_ESTATE_API_KEY)");
    return new RealEstateClient(outbound(env), base, key);
  }

  private headers() {
    return { authorization: `Bearer ${this.apiKey}` };
  }

  async findProperty(a: PropertyAddress): Promise<Property | null> {
    const q = new URLSearchParams({ address: a.address, city: a.city, state: a.state, postalCode: a.zipCode });
    const body = await getJson<SearchResponse>(this.send, REAL_ESTATE_PROVIDER, `${this.baseUrl}/properties/search?${q}`, this.headers());
    if (body === null) return null;
    // Anything but an object with a list of results is the provider's fault, not "no such address".
    if (!isObject(body as unknown) || !Array.isArray(body.bundle)) throw providerError(REAL_ESTATE_PROVIDER, "search did not answer a list of results");
    const hit = body.bundle[0];
    if (hit === undefined) return null;
    if (!isObject(hit as unknown)) throw providerError(REAL_ESTATE_PROVIDER, "search result is not an object");
    const zpid = zpidOf(hit.zpid);
    if (!zpid) throw providerError(REAL_ESTATE_PROVIDER, "search result lacks a valid zpid");
    return {
      propertyId: zpid,
      address: {
        address: str(hit.address?.streetAddress) ?? a.address, city: str(hit.address?.city) ?? a.city,
        state: str(hit.address?.state) ?? a.state, zipCode: str(hit.address?.zipcode) ?? a.zipCode,
      },
      details: { bedrooms: num(hit.bedrooms), bathrooms: num(hit.bathrooms), sqft: num(hit.livingArea), yearBuilt: num(hit.yearBuilt) },
    };
  }

  async zestimate(propertyId: string): Promise<Zestimate | null> {
    const body = await getJson<ZestimateResponse>(this.send, REAL_ESTATE_PROVIDER, `${this.baseUrl}/properties/${encodeURIComponent(propertyId)}/zestimate`, this.headers());
    if (body === null) return null;
    if (!isObject(body as unknown)) throw providerError(REAL_ESTATE_PROVIDER, "answered with a body that is not an object");
    if (body.zestimate === null || body.zestimate === undefined) throw noZestimate();
    const currency = str(body.currency) ?? "USD";
    if (currency !== "USD") throw providerError(REAL_ESTATE_PROVIDER, `unexpected currency ${currency.slice(0, 8)}`);
    const zestimate = cents("zestimate", body.zestimate, true);
    if (zestimate === 0) throw noZestimate();
    return {
      propertyId,
      currency,
      zestimate,
      rentZestimate: cents("rentZestimate", body.rentZestimate, false),
      low: cents("valuationRange.low", body.valuationRange?.low, false),
      high: cents("valuationRange.high", body.valuationRange?.high, false),
      lastUpdated: typeof body.lastUpdated === "string" && !Number.isNaN(Date.parse(body.lastUpdated)) ? new Date(body.lastUpdated).toISOString() : new Date(0).toISOString(),
    };
  }
}
