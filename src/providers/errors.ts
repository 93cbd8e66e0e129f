/**
 * What a provider's API answered when it refused a request: its own error
 * code and message, kept for the connection's status reason and turned into a
 * `PROVIDER_ERROR` for the client (never a 5xx for the provider's "no").
 */
import { ApiError } from "../lib/errors";
import { truncateText } from "../lib/exact-json";
import { AnswerTooLarge, inSeconds, isTimeout, timeoutOf } from "../lib/outbound";

export type ProviderName = "plaid" | "belvo" | "bitso";

const NAMES: Record<ProviderName, string> = { plaid: "Plaid", belvo: "Belvo", bitso: "Bitso" };

/** The longest a provider's Retry-After is honoured: a later date or a larger number waits this long. */
// 20 minutes: the sync's attempts (MAX_SYNC_ATTEMPTS) each waiting this long stay well inside the bound after which a
// queued job counts as lost (STALE_QUEUED_MS, 2 hours from its creation).
export const MAX_RETRY_AFTER_SECONDS = 1200;

/**
 * The codes a provider answers with a 4xx that mean "not now" rather than "no": the institution behind it down or not
 * answering, data not ready yet, a change feed that moved while it was paged (Plaid restarts it a few times first), a
 * server-side timeout. A sync that meets one is retried (the connection is not in error for it); any other 4xx is a
 * refusal, which retrying cannot help.
 */
const TRANSIENT_CODES: Record<ProviderName, ReadonlySet<string>> = {
  plaid: new Set(["INSTITUTION_DOWN", "INSTITUTION_NOT_RESPONDING", "PRODUCT_NOT_READY", "TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION", "RATE_LIMIT_EXCEEDED"]),
  belvo: new Set(["institution_down", "institution_unavailable", "too_many_sessions", "request_timeout"]),
  bitso: new Set(),
};

export class ProviderError extends Error {
  constructor(
    readonly provider: ProviderName,
    /** HTTP status the provider answered (0 when it could not be reached). */
    readonly status: number,
    /** The provider's error code, e.g. ITEM_LOGIN_REQUIRED, invalid_credentials, 0201. */
    readonly code: string,
    message: string,
    /** The wait the provider asked for (its Retry-After, in seconds, at most MAX_RETRY_AFTER_SECONDS), when it named one. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "ProviderError";
  }

  /**
   * Worth retrying later: the provider was down, slow or rate limiting, by its status (none, 408, 429, 5xx) or by
   * its code when it says so with a 400 (TRANSIENT_CODES).
   */
  get transient(): boolean {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500 || TRANSIENT_CODES[this.provider].has(this.code);
  }
}

/**
 * The API error a route answers for a provider's refusal: 422 when the provider said no to what the client sent
 * (bad credentials, a public token it does not know, an institution it does not serve: whatever its 4xx), 502 when
 * it failed. Never the provider's own 400, which the API keeps for a body it could not read; the provider's code is
 * in the detail.
 */
export function asApiError(e: ProviderError): ApiError {
  const status = !e.transient && e.status >= 400 && e.status < 500 ? 422 : 502;
  return new ApiError(status, "PROVIDER_ERROR", `${e.provider}: ${e.message}`, [{ field: e.provider, message: e.message, code: e.code }]);
}

/**
 * The seconds an answer's Retry-After asks for (RFC 9110: a number of seconds or an HTTP-date), from 0 to
 * MAX_RETRY_AFTER_SECONDS; undefined when it names none that can be read.
 */
export function retryAfterSeconds(res: Response, now = Date.now()): number | undefined {
  const value = res.headers.get("retry-after")?.trim();
  if (!value || value.length > 64) return undefined;
  let seconds: number;
  if (/^\d+$/.test(value)) seconds = Number(value);
  else {
    const at = Date.parse(value);
    if (!Number.isFinite(at)) return undefined;
    seconds = Math.ceil((at - now) / 1000);
  }
  return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(0, seconds));
}

/**
 * The most text of a provider's own a ProviderError message carries (its error message, an amount it sent): the
 * message goes into the job's error, the connection's reason and the account.sync.failed webhook.
 */
export const MAX_PROVIDER_TEXT = 200;

/**
 * A provider's own text (its error code or message) as a message carries it: at most MAX_PROVIDER_TEXT characters. A
 * value that is not a string is written as its JSON: String() of one (`{"toString": 1}`) may throw, a 500.
 */
export const providerText = (value: unknown) =>
  typeof value === "string" ? truncateText(value, MAX_PROVIDER_TEXT) : truncateText(JSON.stringify(value ?? null) ?? String(value), MAX_PROVIDER_TEXT);

/** A value a provider sent, as a message shows it: its JSON (a string quoted, cut to MAX_PROVIDER_TEXT first; null for none). */
export const shownValue = (value: unknown) =>
  typeof value === "string" ? JSON.stringify(truncateText(value, MAX_PROVIDER_TEXT)) : truncateText(JSON.stringify(value ?? null) ?? "null", MAX_PROVIDER_TEXT);

/**
 * The most pages one list is read in (a Belvo list, Bitso's trades, Plaid's changes): a provider that names page
 * after page without end would hold the sync for ever. Past it the list is an answer that cannot be read
 * (transient, INVALID_RESPONSE), never a shorter list.
 */
export const MAX_PAGES = 10_000;

export const tooManyPages = (provider: ProviderName, what: string, maxPages: number) =>
  new ProviderError(provider, 0, "INVALID_RESPONSE", `${NAMES[provider]}'s ${what} went on past ${maxPages} pages: it is not read whole`);

/**
 * What every request carrying a credential to a third party is made with (the providers', Zapper's, the gaming
 * API's): a redirect comes back as the answer, which the caller refuses (isRedirect; readJson does), never followed
 * to wherever it points with the credential.
 */
export const PROVIDER_REQUEST = { redirect: "manual" } as const satisfies RequestInit;

/** An answer that is a redirect (3xx), which a request made with PROVIDER_REQUEST does not follow. */
export const isRedirect = (res: Response) => res.status >= 300 && res.status < 400;

/**
 * A request that got no answer (`err` thrown by the send or while its body was read): TIMEOUT when its deadline
 * passed, else a network error. Both transient (status 0): a sync retries them.
 */
export function unreachable(provider: ProviderName, err: unknown, networkCode = "network_error"): ProviderError {
  // An answer that went on past what is read (lib/outbound.ts) came, but cannot be read: as one malformed.
  if (err instanceof AnswerTooLarge) return new ProviderError(provider, 0, "INVALID_RESPONSE", `${NAMES[provider]} ${err.message}`);
  if (isTimeout(err)) {
    const ms = timeoutOf(err);
    return new ProviderError(provider, 0, "TIMEOUT", ms === undefined ? `${NAMES[provider]} timed out` : `${NAMES[provider]} timed out after ${inSeconds(ms)}`);
  }
  return new ProviderError(provider, 0, networkCode, `${NAMES[provider]} unreachable: ${(err as Error)?.message ?? String(err)}`);
}

/**
 * Reads a JSON body defensively: a provider answering garbage is a ProviderError, not a crash. An error answer
 * whose body is not JSON (a proxy's HTML page) is reported as its HTTP status, so a 5xx or 429 stays transient;
 * a success whose body cannot be read (malformed, cut short) is transient too (status 0, INVALID_RESPONSE): the
 * next attempt may well read it whole. A body that stops coming (its deadline) is a TIMEOUT.
 */
export async function readJson(provider: ProviderName, res: Response): Promise<unknown> {
  if (isRedirect(res)) {
    // Sent with `redirect: "manual"` (PROVIDER_REQUEST): a redirect is not followed, since the request's credentials
    // (Plaid's secret headers and access token, Belvo's Basic key, a Bitso signature) would go wherever it points.
    await res.body?.cancel();
    throw new ProviderError(provider, res.status, "REDIRECT", `${NAMES[provider]} answered with a redirect (HTTP ${res.status}), which is not followed`);
  }
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    throw unreachable(provider, err);
  }
  try {
    return text.length ? JSON.parse(text) : {};
  } catch {
    if (!res.ok) throw new ProviderError(provider, res.status, "HTTP_ERROR", `HTTP ${res.status} (a body that is not JSON)`, retryAfterSeconds(res));
    throw new ProviderError(provider, 0, "INVALID_RESPONSE", `Unparseable response (HTTP ${res.status})`);
  }
}
