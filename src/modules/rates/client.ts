/**
 * The exchange-rate provider's HTTP API, reached through `outbound(env)`:
 * `GET {RATES_BASE_URL}/v1/rates/{date}?base=USD&symbols=...` with the key as
 * a bearer token. In sandbox mode the base URL points at this Worker's own
 * simulator (src/sandbox/rates.ts); production points it at the provider.
 * Rates come back as exact decimal strings (numbers are accepted and read
 * digit for digit); anything malformed is a PROVIDER_ERROR, never a guess.
 */
import { ApiError } from "../../lib/errors";
import { plainDecimal } from "../../lib/money";
import { AnswerTooLarge, outbound, type Outbound } from "../../lib/outbound";
import { canonicalRate, parseStoredRate } from "./exact";

export interface ProviderRates {
  base: string;
  date: string;
  source: string;
  rates: Record<string, string>;
}

/**
 * The provider failed. `providerWide`: the failure is not the day's but the provider's or ours (unreachable,
 * limiting, 5xx, our credentials refused), so asking for another day now would fail the same way.
 */
export class RatesProviderError extends ApiError {
  constructor(
    message: string,
    readonly providerWide: boolean,
    /** The provider refused this day (a 403, as a plan limited in history answers): asking again soon gets the same. */
    readonly dayRefused = false,
  ) {
    super(502, "PROVIDER_ERROR", message);
  }
}

const providerError = (message: string, providerWide = false, dayRefused = false) => new RatesProviderError(message, providerWide, dayRefused);

export class RatesClient {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
    private readonly send: Outbound,
  ) {}

  static fromEnv(env: Env): RatesClient {
    return new RatesClient(env.RATES_BASE_URL, env.RATES_API_KEY, outbound(env));
  }

  /** Rates of 1 `base` in each of `symbols` on `date`; null when the provider has none for that day. */
  async daily(date: string, base: string, symbols: string[]): Promise<ProviderRates | null> {
    const url = new URL(`${this.baseUrl.replace(/\/$/, "")}/v1/rates/${encodeURIComponent(date)}`);
    url.searchParams.set("base", base);
    url.searchParams.set("symbols", symbols.join(","));
    let res: Response;
    try {
      res = await this.send(
        new Request(url, { headers: { authorization: `Bearer ${this.apiKey}`, accept: "application/json" }, signal: AbortSignal.timeout(10_000) }),
      );
    } catch {
      throw providerError("The exchange-rate provider could not be reached", true);
    }
    if (res.status === 404) return null;
    if (res.status === 401) throw providerError("The exchange-rate provider refused our credentials", true);
    // A refusal of this request: what a plan limited in history answers for older days.
    if (res.status === 403) throw providerError("The exchange-rate provider refused this request (403)", false, true);
    if (!res.ok) throw providerError(`The exchange-rate provider answered ${res.status}`, res.status === 429 || res.status >= 500);
    let body: unknown;
    try {
      body = await res.json();
    } catch (err) {
      throw providerError(err instanceof AnswerTooLarge ? `The exchange-rate provider ${err.message}` : "The exchange-rate provider sent malformed JSON");
    }
    const b = body as { base?: unknown; date?: unknown; source?: unknown; rates?: unknown };
    if (b.base !== base || b.date !== date || typeof b.rates !== "object" || b.rates === null) throw providerError("The exchange-rate provider sent an unexpected body");
    const rates: Record<string, string> = {};
    for (const [symbol, raw] of Object.entries(b.rates as Record<string, unknown>)) {
      if (!symbols.includes(symbol)) continue;
      const text = typeof raw === "string" ? raw : typeof raw === "number" && Number.isFinite(raw) ? plainDecimal(String(raw)) : null;
      // Any exact decimal the rate book reads: a JSON number of 16 decimals (0.9212345678901234) is a rate, not a broken day.
      const rate = text === null ? null : canonicalRate(text, parseStoredRate);
      if (rate === null) throw providerError(`The exchange-rate provider sent an invalid rate for ${symbol}`);
      rates[symbol] = rate;
    }
    const source = typeof b.source === "string" && /^[\w.-]{1,40}$/.test(b.source) ? b.source : "provider";
    return { base, date, source, rates };
  }
}
