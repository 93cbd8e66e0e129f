/**
 * What a provider's API answered when it refused a request: its own error
 * code and message, kept for the connection's status reason and turned into a
 * `PROVIDER_ERROR` for the client (never a 5xx for the provider's "no").
 */
import { ApiError } from "../lib/errors";

export type ProviderName = "plaid" | "belvo" | "bitso";

export class ProviderError extends Error {
  constructor(
    readonly provider: ProviderName,
    /** HTTP status the provider answered (0 when it could not be reached). */
    readonly status: number,
    /** The provider's error code, e.g. ITEM_LOGIN_REQUIRED, invalid_credentials, 0201. */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ProviderError";
  }

  /** Worth retrying later: the provider was down, slow or rate limiting. */
  get transient(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
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

/** Reads a JSON body defensively: a provider answering garbage is a ProviderError, not a crash. */
export async function readJson(provider: ProviderName, res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return text.length ? JSON.parse(text) : {};
  } catch {
    throw new ProviderError(provider, res.status || 0, "INVALID_RESPONSE", `Unparseable response (HTTP ${res.status})`);
  }
}
