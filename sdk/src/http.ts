/**
 * The request loop every resource goes through: bearer tokens with automatic
 * refresh (one refresh in flight however many calls wait on it), idempotency
 * keys that stay the same across retries, and retries with backoff.
 *
 * What is retried:
 * - 429: always, after Retry-After (the API refuses a rate-limited write before
 *   doing any of its work, so a retry cannot do anything twice);
 * - 503 and network errors: only idempotent calls, i.e. GET, PUT, DELETE and
 *   POSTs that carry an Idempotency-Key (the server replays their first answer);
 * - 401 on an authenticated call: once, after refreshing the access token.
 *
 * Read-your-writes: every /v1 response carries `X-D1-Bookmark`, the database
 * state it saw or wrote; the client keeps the latest one it received and sends
 * it on every request, so a read never misses this client's own writes on a
 * read replica (README, "Read replicas and bookmarks"). The value is sent back
 * as received; of two, the client keeps the later state (the part before the
 * first `.` sorts as the states it names), so a slow response that arrives after
 * a newer one cannot take the client back to an older state.
 * Only the standard fetch API is used (browsers, Node 18+, Workers).
 */
import { DhanamError, DhanamNetworkError, parseRetryAfter } from "./errors.js";

export type FetchLike = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  /** Epoch ms at which the access token expires, when known. */
  expiresAt?: number;
}

export interface ClientOptions {
  /** The API origin, e.g. `https://api.dhanam.app` (default `http://localhost:8787`). */
  baseUrl?: string;
  /** An access token (or API key) sent as `Authorization: Bearer`. */
  accessToken?: string;
  /** Alias of `accessToken`. */
  apiKey?: string;
  /** With a refresh token the client renews the access token itself (rotation: each refresh token is used once). */
  refreshToken?: string;
  /** Called with each new token pair (login, refresh) so an app can persist it. */
  onTokens?: (tokens: TokenSet) => void;
  /** A fetch to use instead of globalThis.fetch (tests, proxies, custom agents). */
  fetch?: FetchLike;
  /** Headers added to every request. */
  headers?: Record<string, string>;
  /**
   * How long one attempt may wait for the response's headers, and then again for its whole body, in ms (default
   * 30 000, as the Python SDK; 0: no limit). A timed-out attempt is a network error: retried when the call is
   * idempotent, else DhanamNetworkError.
   */
  timeoutMs?: number;
  /** Retries after the first attempt (default 3). */
  maxRetries?: number;
  /** First backoff step in ms for retries without Retry-After (default 250; doubles, with jitter). */
  retryBaseDelayMs?: number;
  /**
   * Longest wait honoured; a Retry-After beyond it fails at once with the 429/503 (default 60 000). Infinity: any a
   * timer can hold (2,147,483,647 ms, about 24.8 days).
   */
  maxRetryDelayMs?: number;
  /** Refresh this many seconds before the access token expires (default 30). */
  refreshSkewSeconds?: number;
  /**
   * Send back the `X-D1-Bookmark` of the latest response on every request, so reads see this client's own
   * writes (default true); `false` sends none (reads may then be served by any replica).
   */
  bookmarks?: boolean;
  /** A bookmark to start from (e.g. one persisted with `getBookmark()` by an earlier run). */
  bookmark?: string;
}

export type QueryValue = string | number | boolean | null | undefined | readonly (string | number | boolean)[];

export interface RequestOptions {
  method: string;
  /** Path with `{name}` placeholders, e.g. `/v1/transactions/{id}`. */
  path: string;
  pathParams?: Record<string, string | number> | undefined;
  query?: Record<string, QueryValue> | undefined;
  body?: unknown;
  /**
   * `true`: generate an Idempotency-Key (crypto.randomUUID) for this call and
   * reuse it on every retry; a string: use that key. Money-moving calls set it.
   */
  idempotencyKey?: boolean | string | undefined;
  /** Send the bearer token (default true). */
  auth?: boolean;
  headers?: Record<string, string> | undefined;
  signal?: AbortSignal | undefined;
}

/** The response header naming the database state a response saw or wrote; sent back as the request header of the same name. */
export const BOOKMARK_HEADER = "x-d1-bookmark";

/** The part of a bookmark that sorts as the database states it names (before its signature). */
const stateOf = (bookmark: string) => bookmark.split(".")[0]!;

const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });

/** The longest delay a timer takes: setTimeout runs a longer one at once (Node warns, browsers say nothing). */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * Refuses delays a timer cannot hold, at construction: a `timeoutMs` of 30 days would otherwise time every call
 * out at once, and a `maxRetryDelayMs` past the limit would resend a 429 at once instead of after its Retry-After.
 * Infinity is "no limit" for both (as it always was): a wait no timer holds is then never slept (send, backoff).
 */
function checkDelays(opts: ClientOptions): void {
  const delays = { timeoutMs: opts.timeoutMs, retryBaseDelayMs: opts.retryBaseDelayMs, maxRetryDelayMs: opts.maxRetryDelayMs };
  for (const [name, ms] of Object.entries(delays)) {
    if (ms === undefined || (name !== "retryBaseDelayMs" && ms === Infinity)) continue;
    if (!(typeof ms === "number" && ms >= 0 && ms <= LONGEST_TIMER_MS)) {
      throw new RangeError(`${name} must be a number of milliseconds from 0 to ${LONGEST_TIMER_MS} (about 24.8 days)${name === "retryBaseDelayMs" ? "" : "; Infinity sets no limit"}${name === "timeoutMs" ? " (as 0 does)" : ""}`);
    }
  }
  const retries = opts.maxRetries;
  if (retries !== undefined && !(Number.isInteger(retries) && retries >= 0)) throw new RangeError("maxRetries must be a whole number from 0");
}

/** Reads `exp` from a JWT without verifying it (only to know when to refresh). */
export function jwtExpiry(token: string): number | undefined {
  const part = token.split(".")[1];
  if (!part) return undefined;
  try {
    const b64 = part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "=");
    const exp = (JSON.parse(atob(b64)) as { exp?: unknown }).exp;
    return typeof exp === "number" ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a 422 is the API refusing the request's `X-D1-Bookmark` (detail code INVALID_BOOKMARK); reads a clone. */
async function refusesBookmark(res: Response, timeoutMs: number): Promise<boolean> {
  try {
    const body = JSON.parse(await readWhole(res.clone(), timeoutMs)) as { error?: { details?: { code?: unknown }[] }; errors?: { code?: unknown }[] };
    const details = body.error?.details ?? body.errors ?? [];
    return details.some((d) => d?.code === "INVALID_BOOKMARK");
  } catch {
    return false;
  }
}

export class HttpClient {
  readonly baseUrl: string;
  private readonly fetchImpl: FetchLike;
  // Native private fields (not TypeScript's `private`): `console.log(client)`, util.inspect and JSON.stringify do
  // not show them, so logging a client (or an object holding one) does not write its tokens into the log.
  readonly #opts: ClientOptions;
  #tokens: TokenSet | undefined;
  private refreshing: Promise<void> | undefined;
  private bookmark: string | undefined;
  /** How many refreshes this client has sent (observability and tests). */
  refreshCount = 0;

  constructor(opts: ClientOptions = {}) {
    this.#opts = opts;
    this.baseUrl = (opts.baseUrl ?? "http://localhost:8787").replace(/\/+$/, "");
    if (!opts.fetch && typeof globalThis.fetch !== "function") throw new Error("No fetch available: pass `fetch` in the options");
    // Call through globalThis so browsers do not complain about an unbound fetch.
    this.fetchImpl = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
    const access = opts.accessToken ?? opts.apiKey;
    if (access) this.#tokens = { accessToken: access, refreshToken: opts.refreshToken, expiresAt: jwtExpiry(access) };
    else if (opts.refreshToken) this.#tokens = { accessToken: "", refreshToken: opts.refreshToken, expiresAt: 0 };
    if (opts.bookmark) this.bookmark = opts.bookmark;
    checkDelays(opts);
  }

  /** The bookmark of the latest response that carried one (what the next request sends), to persist between runs. */
  getBookmark(): string | undefined {
    return this.bookmark;
  }

  /** Replaces the bookmark the next requests send (undefined: send none until a response brings one). */
  setBookmark(bookmark: string | undefined): void {
    this.bookmark = bookmark || undefined;
  }

  /**
   * Keeps the bookmark of a response, as received, unless the one held names a later state: responses of
   * concurrent calls arrive in any order, and a read served before a write must not replace the write's.
   */
  private noteBookmark(res: Response): void {
    const b = res.headers.get(BOOKMARK_HEADER);
    if (b && (this.bookmark === undefined || stateOf(b) >= stateOf(this.bookmark))) this.bookmark = b;
  }

  /** The current tokens (after any refresh), to persist between runs. */
  getTokens(): TokenSet | undefined {
    return this.#tokens ? { ...this.#tokens } : undefined;
  }

  /** Replaces the tokens (login, register, refresh); notifies `onTokens`. */
  setTokens(t: { accessToken: string; refreshToken?: string; expiresIn?: number } | undefined): void {
    if (!t) {
      this.#tokens = undefined;
      return;
    }
    const expiresAt = t.expiresIn !== undefined ? Date.now() + t.expiresIn * 1000 : jwtExpiry(t.accessToken);
    this.#tokens = { accessToken: t.accessToken, refreshToken: t.refreshToken ?? this.#tokens?.refreshToken, expiresAt };
    this.#opts.onTokens?.(this.getTokens()!);
  }

  /**
   * Exchanges the refresh token for a new pair. Concurrent callers share one
   * request; `stale` (the access token a caller saw rejected) skips the refresh
   * when another caller already replaced that token.
   */
  refresh(stale?: string): Promise<void> {
    if (this.refreshing) return this.refreshing;
    if (stale !== undefined && this.#tokens && this.#tokens.accessToken !== stale) return Promise.resolve();
    const refreshToken = this.#tokens?.refreshToken;
    if (!refreshToken) return Promise.reject(new DhanamError("No refresh token: log in again", 401, "UNAUTHORIZED"));
    this.refreshCount++;
    this.refreshing = (async () => {
      try {
        const res = (await this.request({ method: "POST", path: "/v1/auth/refresh", body: { refreshToken }, auth: false })) as {
          tokens: { accessToken: string; refreshToken: string; expiresIn: number };
        };
        this.setTokens(res.tokens);
      } catch (err) {
        // A refused refresh token (used, expired, session revoked) will not work again: forget it, so
        // later calls fail fast with 401 instead of presenting it once more.
        if (err instanceof DhanamError && err.status === 401 && this.#tokens?.refreshToken === refreshToken) {
          this.#tokens = { ...this.#tokens, refreshToken: undefined };
        }
        throw err;
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /** The access token to send now, refreshed first when it is (about to be) expired. */
  private async currentAccessToken(): Promise<string | undefined> {
    if (this.refreshing) await this.refreshing;
    const t = this.#tokens;
    if (!t) return undefined;
    const skewMs = (this.#opts.refreshSkewSeconds ?? 30) * 1000;
    if (t.refreshToken && t.expiresAt !== undefined && Date.now() >= t.expiresAt - skewMs) {
      await this.refresh(t.accessToken);
    }
    return this.#tokens?.accessToken || undefined;
  }

  buildUrl(path: string, pathParams?: Record<string, string | number>, query?: Record<string, QueryValue>): string {
    const filled = path.replace(/\{([^}]+)\}/g, (_, name: string) => {
      const v = pathParams?.[name];
      if (v === undefined || v === null || v === "") throw new TypeError(`Missing path parameter "${name}" for ${path}`);
      return encodeURIComponent(String(v));
    });
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v === undefined || v === null) continue;
      if (Array.isArray(v)) for (const item of v) qs.append(k, String(item));
      else qs.append(k, String(v));
    }
    const s = qs.toString();
    return `${this.baseUrl}${filled}${s ? `?${s}` : ""}`;
  }

  private backoff(attempt: number): number {
    const base = this.#opts.retryBaseDelayMs ?? 250;
    const exp = base * 2 ** attempt;
    return Math.min(this.#opts.maxRetryDelayMs ?? 60_000, LONGEST_TIMER_MS, exp / 2 + Math.random() * (exp / 2));
  }

  /**
   * The signal of one attempt: the caller's, and an abort when `timeoutMs` passes without a response (a fetch
   * that never answers would otherwise hold the call forever). Built by hand, not AbortSignal.any/timeout, which
   * Node 18 lacks.
   */
  private attemptSignal(outer: AbortSignal | undefined): { signal: AbortSignal | undefined; timedOut: () => boolean; done: () => void } {
    const ms = this.#opts.timeoutMs ?? 30_000;
    if (!(ms > 0) || ms === Infinity) return { signal: outer, timedOut: () => false, done: () => undefined };
    const ctl = new AbortController();
    let timedOut = false;
    const onOuter = () => ctl.abort(outer?.reason);
    if (outer?.aborted) ctl.abort(outer.reason);
    else outer?.addEventListener("abort", onOuter, { once: true });
    const timer = setTimeout(() => {
      timedOut = true;
      ctl.abort(new Error(`No response within ${ms} ms`));
    }, ms);
    return {
      signal: ctl.signal,
      timedOut: () => timedOut,
      done: () => {
        clearTimeout(timer);
        outer?.removeEventListener("abort", onOuter);
      },
    };
  }

  /** Sends one API call through refresh, idempotency and retry handling; resolves to the parsed JSON (undefined for 204). */
  async request<T = unknown>(o: RequestOptions): Promise<T> {
    // The key is fixed here, so a call sent again after its answer was cut short carries the same one.
    const key = o.idempotencyKey === true ? crypto.randomUUID() : o.idempotencyKey || undefined;
    const call = { ...o, idempotencyKey: key };
    const retrySafe = IDEMPOTENT_METHODS.has(o.method.toUpperCase()) || key !== undefined;
    const maxRetries = this.#opts.maxRetries ?? 3;
    for (let attempt = 0; ; attempt++) {
      const { response } = await this.send(call);
      if (response.status === 204) return undefined as T;
      let text: string;
      try {
        text = await readWhole(response, this.#opts.timeoutMs ?? 30_000, o.signal);
      } catch (err) {
        // The connection closed before the body ended: no whole answer arrived, as with a network error (the
        // fetch's own "terminated" TypeError otherwise escaped untyped, and a GET was not sent again).
        if (o.signal?.aborted) throw err;
        if (retrySafe && attempt < maxRetries) {
          await sleep(this.backoff(attempt), o.signal);
          continue;
        }
        throw new DhanamNetworkError(err);
      }
      try {
        return (text ? JSON.parse(text) : undefined) as T;
      } catch {
        // A success that is not JSON comes from something between the client and the API (a captive portal, a
        // proxy's page): typed, with the text kept, and not sent again (a create may have been done).
        throw new DhanamError(
          `The answer (HTTP ${response.status}) is not JSON: something between this client and the API answered`,
          response.status, "INVALID_RESPONSE", [], response.headers.get("x-request-id") ?? undefined, undefined, text,
        );
      }
    }
  }

  /** Like `request` but hands back the Response (body unread) and the idempotency key used. */
  async send(o: RequestOptions): Promise<{ response: Response; idempotencyKey: string | undefined }> {
    const method = o.method.toUpperCase();
    const key = o.idempotencyKey === true ? crypto.randomUUID() : typeof o.idempotencyKey === "string" ? o.idempotencyKey : undefined;
    const retrySafe = IDEMPOTENT_METHODS.has(method) || key !== undefined;
    const url = this.buildUrl(o.path, o.pathParams, o.query);
    const body = o.body === undefined ? undefined : JSON.stringify(o.body);
    const maxRetries = this.#opts.maxRetries ?? 3;
    // Infinity (no limit of the caller's) still waits no longer than a timer holds: a longer Retry-After fails at once.
    const maxDelay = Math.min(this.#opts.maxRetryDelayMs ?? 60_000, LONGEST_TIMER_MS);
    const useAuth = o.auth !== false;
    let attempt = 0;
    let refreshedAfter401 = false;
    let refusedBookmark = false;

    for (;;) {
      const headers = new Headers(this.#opts.headers);
      for (const [k, v] of Object.entries(o.headers ?? {})) headers.set(k, v);
      headers.set("accept", "application/json");
      if (body !== undefined) headers.set("content-type", "application/json");
      if (key) headers.set("idempotency-key", key);
      const token = useAuth ? await this.currentAccessToken() : undefined;
      if (token) headers.set("authorization", `Bearer ${token}`);
      // A bookmark the caller set in `headers` stands; otherwise the latest one received.
      const bookmark = this.#opts.bookmarks !== false && !headers.has(BOOKMARK_HEADER) ? this.bookmark : undefined;
      if (bookmark) headers.set(BOOKMARK_HEADER, bookmark);

      let res: Response;
      const attemptSignal = this.attemptSignal(o.signal);
      try {
        res = await this.fetchImpl(url, { method, headers, body, signal: attemptSignal.signal });
      } catch (err) {
        if (o.signal?.aborted) throw err;
        if (retrySafe && attempt < maxRetries) {
          await sleep(this.backoff(attempt++), o.signal);
          continue;
        }
        throw new DhanamNetworkError(attemptSignal.timedOut() ? new Error(`No response within ${this.#opts.timeoutMs ?? 30_000} ms`, { cause: err }) : err);
      } finally {
        attemptSignal.done();
      }
      if (this.#opts.bookmarks !== false) this.noteBookmark(res);

      // A bookmark the server no longer takes (one persisted before a deployment changed their format) is refused
      // before any work is done: forget it and send the request again without it, once.
      if (res.status === 422 && bookmark !== undefined && !refusedBookmark && (await refusesBookmark(res, this.#opts.timeoutMs ?? 30_000))) {
        refusedBookmark = true;
        if (this.bookmark === bookmark) this.bookmark = undefined;
        await res.body?.cancel().catch(() => undefined);
        continue;
      }

      if (res.ok) return { response: res, idempotencyKey: key };

      if (res.status === 401 && useAuth && token && !refreshedAfter401 && this.#tokens?.refreshToken) {
        refreshedAfter401 = true;
        await res.body?.cancel().catch(() => undefined);
        await this.refresh(token);
        continue;
      }

      const retryable = res.status === 429 || (res.status === 503 && retrySafe);
      if (retryable && attempt < maxRetries) {
        const after = parseRetryAfter(res.headers.get("retry-after"));
        const wait = after !== undefined ? after * 1000 : this.backoff(attempt);
        if (wait <= maxDelay) {
          await res.body?.cancel().catch(() => undefined);
          attempt++;
          await sleep(wait, o.signal);
          continue;
        }
      }
      // Its body within timeoutMs too: an error answer that stalls after its headers is thrown without it (and the
      // caller's abort meanwhile is the abort).
      const error = await DhanamError.fromResponse(res, (r) => readWhole(r, this.#opts.timeoutMs ?? 30_000, o.signal));
      if (o.signal?.aborted) throw o.signal.reason;
      throw error;
    }
  }
}

/**
 * A response body's text, whole within `ms` of its headers (0: no limit): a body that trickles or stalls would
 * otherwise hold the call forever after `timeoutMs` let its headers through. On expiry the stream is cancelled
 * (the connection released) and the read rejects, which the caller treats as an answer cut short. The caller's
 * `signal` ends the read at once too, with its reason: the attempt's own signal, which the fetch's body follows, no
 * longer follows the caller's once the headers are in.
 */
async function readWhole(res: Response, ms: number, signal?: AbortSignal): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const expired = new Promise<never>((_, reject) => {
    const stop = (reason: unknown) => {
      reader.cancel().catch(() => undefined);
      reject(reason);
    };
    if (signal?.aborted) return stop(signal.reason);
    if (signal) {
      onAbort = () => stop(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
    }
    if (!(ms > 0) || ms === Infinity) return;
    timer = setTimeout(() => stop(new Error(`The answer did not arrive whole within ${ms} ms`)), ms);
  });
  expired.catch(() => undefined);
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), expired]);
      if (done) break;
      chunks.push(value);
    }
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    if (onAbort) signal?.removeEventListener("abort", onAbort);
  }
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return new TextDecoder().decode(bytes);
}
