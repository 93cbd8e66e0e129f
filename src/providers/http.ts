/** Small pieces every provider client shares: JSON GETs over `outbound(env)` with a timeout and the API's error vocabulary. */
import { ApiError } from "../lib/errors";
import { AnswerTooLarge, type Outbound } from "../lib/outbound";
import { isRedirect, PROVIDER_REQUEST } from "./errors";

export const providerError = (provider: string, message: string) => new ApiError(502, "PROVIDER_ERROR", `${provider}: ${message}`);
export const providerUnavailable = (what: string) => new ApiError(503, "PROVIDER_UNAVAILABLE", what);

/**
 * GET `url` and parse JSON; 404 → null; anything else non-2xx or unparsable is a PROVIDER_ERROR. A redirect is not
 * followed (PROVIDER_REQUEST): the API key in `headers` would go wherever it points.
 */
export async function getJson<T>(send: Outbound, provider: string, url: string, headers: Record<string, string>, timeoutMs = 10_000): Promise<T | null> {
  let res: Response;
  try {
    res = await send(new Request(url, { ...PROVIDER_REQUEST, method: "GET", headers: { accept: "application/json", ...headers }, signal: AbortSignal.timeout(timeoutMs) }));
  } catch (err) {
    throw providerError(provider, `request failed (${err instanceof Error ? err.name : "error"})`);
  }
  if (res.status === 404) {
    await res.body?.cancel();
    return null;
  }
  if (isRedirect(res)) {
    await res.body?.cancel();
    throw providerError(provider, `answered with a redirect (HTTP ${res.status}), which is not followed`);
  }
  if (res.status === 401 || res.status === 403) {
    await res.body?.cancel();
    throw providerError(provider, "credentials were refused");
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw providerError(provider, `answered ${res.status}`);
  }
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    // Past what is read (lib/outbound.ts), or its deadline or the connection cut it short: not a body that is not JSON.
    throw providerError(provider, err instanceof AnswerTooLarge ? err.message : `answer cut short (${err instanceof Error ? err.name : "error"})`);
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw providerError(provider, "answered with a body that is not JSON");
  }
}
