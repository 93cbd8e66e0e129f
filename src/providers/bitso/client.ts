/**
 * The Bitso API v3 client. Private endpoints are signed:
 * `Authorization: Bitso <key>:<nonce>:<signature>`, the signature being the
 * hex HMAC-SHA256, under the API secret, of nonce + HTTP method + request path
 * (with its query string) + JSON body. Bitso refuses a nonce not greater than
 * the key's last one, so nonces come from one atomic counter per connection
 * in D1 (`UPDATE ... RETURNING`: strictly increasing however many requests run
 * at once), calls from one client go out in nonce order, and a request that
 * lost a race to a concurrent one elsewhere is re-signed with a fresh nonce.
 */
import { hmacSha256Hex } from "../../lib/crypto";
import { type Outbound, outbound } from "../../lib/outbound";
import { MAX_PAGES, PROVIDER_REQUEST, ProviderError, providerText, readJson, retryAfterSeconds, tooManyPages, unreachable } from "../errors";

export interface BitsoBalance {
  currency: string;
  total: string;
  locked: string;
  available: string;
}

export interface BitsoTrade {
  book: string;
  major: string;
  minor: string;
  price: string;
  fees_amount: string;
  fees_currency: string;
  side: "buy" | "sell";
  tid: number;
  oid: string;
  created_at: string;
  maker_side: string;
}

/**
 * What `GET /v3/account_status/` says of the account behind a key (the fields read here; Bitso sends more:
 * limits, documents). `client_id` is the account's own id: every key the user issues answers the same one.
 */
export interface BitsoAccountStatus {
  client_id: string;
  status?: string;
}

/** Bitso's code for a nonce not above the last one (or a bad signature). */
export const INVALID_NONCE = "0201";

export async function bitsoSignature(secret: string, nonce: string, method: string, path: string, body: string): Promise<string> {
  return hmacSha256Hex(secret, `${nonce}${method.toUpperCase()}${path}${body}`);
}

export async function bitsoAuthorization(key: string, secret: string, nonce: string, method: string, path: string, body = ""): Promise<string> {
  return `Bitso ${key}:${nonce}:${await bitsoSignature(secret, nonce, method, path, body)}`;
}

/** Hands out the next nonce of a key: strictly greater than every one before it. */
export type NonceSource = () => Promise<number>;

/** Nonces from the connection's row: at least the current time in ms, and always above the last. */
export function d1Nonces(db: D1Database, connectionId: string, now: () => number): NonceSource {
  return async () => {
    const row = await db
      .prepare("UPDATE provider_connections SET nonce = MAX(nonce + 1, ?) WHERE id = ? RETURNING nonce")
      .bind(now(), connectionId)
      .first<{ nonce: number }>();
    if (!row) throw new ProviderError("bitso", 0, "no_connection", "Connection not found for nonce");
    return row.nonce;
  };
}

export class BitsoClient {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly env: Env,
    private readonly key: string,
    private readonly secret: string,
    private readonly nonces: NonceSource,
    private readonly send: Outbound = outbound(env),
  ) {}

  /** One signed request; this client's requests are sent one at a time, in nonce order. */
  request<T>(method: "GET" | "POST" | "DELETE", pathWithQuery: string, body?: unknown): Promise<T> {
    const run = this.chain.then(() => this.signedWithRetry<T>(method, pathWithQuery, body));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async signedWithRetry<T>(method: string, pathWithQuery: string, body?: unknown): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.signed<T>(method, pathWithQuery, body);
      } catch (e) {
        if (e instanceof ProviderError && e.code === INVALID_NONCE && attempt < 5) continue;
        throw e;
      }
    }
  }

  private async signed<T>(method: string, pathWithQuery: string, body?: unknown): Promise<T> {
    const base = new URL(this.env.BITSO_BASE_URL);
    const url = new URL(base.toString().replace(/\/+$/, "") + pathWithQuery);
    // The signed path is the one the server sees, including any base path prefix and the query.
    const signedPath = url.pathname + url.search;
    const payload = body === undefined ? "" : JSON.stringify(body);
    const nonce = String(await this.nonces());
    const authorization = await bitsoAuthorization(this.key, this.secret, nonce, method, signedPath, payload);
    let res: Response;
    try {
      res = await this.send(
        new Request(url.toString(), {
          ...PROVIDER_REQUEST,
          method,
          headers: { Authorization: authorization, ...(payload ? { "Content-Type": "application/json" } : {}) },
          body: payload || undefined,
        }),
      );
    } catch (e) {
      throw unreachable("bitso", e);
    }
    const read = await readJson("bitso", res);
    // Bitso's answer is an object; anything else (null, a list) is read as one without `success`, not a TypeError (a 500).
    const json = (read !== null && typeof read === "object" && !Array.isArray(read) ? read : {}) as { success?: boolean; payload?: T; error?: { code?: unknown; message?: unknown } | null };
    if (!res.ok || json.success !== true) {
      const error = json.error !== null && typeof json.error === "object" ? json.error : {};
      throw new ProviderError("bitso", res.ok ? 400 : res.status, providerText(error.code ?? "unknown"), providerText(error.message ?? `HTTP ${res.status}`), retryAfterSeconds(res));
    }
    return json.payload as T;
  }

  async accountStatus(): Promise<BitsoAccountStatus> {
    return this.request<BitsoAccountStatus>("GET", "/v3/account_status/");
  }

  async balances(): Promise<BitsoBalance[]> {
    const balances = (await this.request<{ balances?: unknown } | null>("GET", "/v3/balance/"))?.balances;
    if (!Array.isArray(balances) || balances.some((b) => !b || typeof b !== "object" || typeof b.currency !== "string" || typeof b.total !== "string")) {
      throw new ProviderError("bitso", 0, "INVALID_RESPONSE", "Bitso's balance answered without a list of balances");
    }
    return balances as BitsoBalance[];
  }

  /**
   * Every trade, newest first, paged with Bitso's `marker` (the last trade's id: the next page holds the trades older
   * than it). A page that does not go past its marker (a marker Bitso did not honour: the same trades again) would
   * page for ever, and a trade twice is no second trade: such a page is an answer that cannot be read (transient,
   * INVALID_RESPONSE), never a history cut short. A trade a page repeats from the one before (a trade made while
   * paging shifts nothing with a marker, but a provider may) is kept once. Pages that each go past their marker can
   * still go on for ever (a full page of new trades whose last is marker - 1, 2^53 times): past `maxPages` pages the
   * history is not read whole (INVALID_RESPONSE, transient), never cut short.
   */
  async allTrades(limit = 100, onPage?: () => Promise<void>, maxPages = MAX_PAGES): Promise<BitsoTrade[]> {
    const out: BitsoTrade[] = [];
    const seen = new Set<number>();
    let marker: number | null = null;
    for (let pages = 1; ; pages++) {
      const q = new URLSearchParams({ limit: String(limit), sort: "desc" });
      if (marker !== null) q.set("marker", String(marker));
      const trades = await this.request<BitsoTrade[]>("GET", `/v3/user_trades/?${q}`);
      if (!Array.isArray(trades) || trades.some((t) => !t || typeof t !== "object" || !Number.isSafeInteger(t.tid))) {
        throw new ProviderError("bitso", 0, "INVALID_RESPONSE", "Bitso's user_trades answered without a list of trades");
      }
      await onPage?.();
      for (const t of trades) {
        if (seen.has(t.tid)) continue;
        seen.add(t.tid);
        out.push(t);
      }
      if (trades.length < limit) break;
      if (pages >= maxPages) throw tooManyPages("bitso", "user_trades", maxPages);
      const last = trades[trades.length - 1]!.tid;
      if (marker !== null && last >= marker) {
        throw new ProviderError("bitso", 0, "INVALID_RESPONSE", `Bitso's user_trades did not page past marker ${marker}: the pages would repeat`);
      }
      marker = last;
    }
    return out;
  }
}
