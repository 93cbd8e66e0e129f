/**
 * The Plaid API client: real endpoints, real auth headers (`PLAID-CLIENT-ID`,
 * `PLAID-SECRET`), Plaid's own wire types (type-only import of the `plaid`
 * package: nothing of it reaches the bundle). It talks through `outbound(env)`,
 * so in sandbox mode src/sandbox/plaid.ts answers the very same requests.
 */
import type {
  AccountsGetRequest,
  AccountsGetResponse,
  ItemGetRequest,
  ItemGetResponse,
  ItemPublicTokenExchangeRequest,
  ItemPublicTokenExchangeResponse,
  ItemRemoveRequest,
  ItemRemoveResponse,
  LinkTokenCreateRequest,
  LinkTokenCreateResponse,
  PlaidError,
  RemovedTransaction,
  Transaction as PlaidTransaction,
  TransactionsSyncRequest,
  TransactionsSyncResponse,
  WebhookVerificationKeyGetRequest,
  WebhookVerificationKeyGetResponse,
} from "plaid";
import { type Outbound, outbound } from "../../lib/outbound";
import { MAX_PAGES, PROVIDER_REQUEST, ProviderError, providerText, readJson, retryAfterSeconds, tooManyPages, unreachable } from "../errors";

export type { PlaidTransaction, RemovedTransaction };

export const MUTATION_DURING_PAGINATION = "TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION";

/**
 * A /transactions/sync answer as the loop reads it: its three lists arrays, `has_more` a boolean and `next_cursor` a
 * string. Anything else (a 200 whose body is an error, or cut to another shape) is an answer that cannot be read, as
 * a malformed body is (status 0, INVALID_RESPONSE: the next attempt may read it whole), not a page of nothing.
 */
function syncPage(page: TransactionsSyncResponse): TransactionsSyncResponse {
  const p = page as Partial<Record<keyof TransactionsSyncResponse, unknown>> | null;
  if (
    !p || typeof p !== "object" || !Array.isArray(p.added) || !Array.isArray(p.modified) || !Array.isArray(p.removed)
    || typeof p.has_more !== "boolean" || typeof p.next_cursor !== "string" || (p.accounts !== undefined && !Array.isArray(p.accounts))
  ) {
    throw new ProviderError("plaid", 0, "INVALID_RESPONSE", "Plaid's /transactions/sync answered without its lists of changes and cursor");
  }
  return page;
}

export class PlaidClient {
  constructor(
    private readonly env: Env,
    private readonly send: Outbound = outbound(env),
  ) {}

  private async post<Req extends object, Res>(path: string, body: Req): Promise<Res> {
    const url = `${this.env.PLAID_BASE_URL.replace(/\/+$/, "")}${path}`;
    let res: Response;
    try {
      res = await this.send(
        new Request(url, {
          ...PROVIDER_REQUEST,
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            "PLAID-CLIENT-ID": this.env.PLAID_CLIENT_ID,
            "PLAID-SECRET": this.env.PLAID_SECRET,
            "Plaid-Version": "2020-09-14",
          },
          body: JSON.stringify(body),
        }),
      );
    } catch (e) {
      throw unreachable("plaid", e, "NETWORK_ERROR");
    }
    const json = await readJson("plaid", res);
    if (!res.ok) {
      // Plaid's error is an object; anything else (null, a list) is read as none, not a TypeError (a 500).
      const err = (json !== null && typeof json === "object" && !Array.isArray(json) ? json : {}) as Partial<PlaidError>;
      throw new ProviderError("plaid", res.status, providerText(err.error_code ?? "UNKNOWN"), providerText(err.error_message ?? `HTTP ${res.status}`), retryAfterSeconds(res));
    }
    return json as Res;
  }

  /** A Link token; with `accessToken`, Link opens in update mode to repair the item's login. */
  linkTokenCreate(input: { userId: string; webhook?: string; accessToken?: string }): Promise<LinkTokenCreateResponse> {
    const req: Partial<LinkTokenCreateRequest> = {
      client_name: "Dhanam Ledger",
      language: "en",
      country_codes: ["US" as never],
      user: { client_user_id: input.userId },
      ...(input.accessToken ? { access_token: input.accessToken } : { products: ["transactions" as never] }),
      ...(input.webhook ? { webhook: input.webhook } : {}),
    };
    return this.post("/link/token/create", req);
  }

  exchangePublicToken(publicToken: string): Promise<ItemPublicTokenExchangeResponse> {
    return this.post<ItemPublicTokenExchangeRequest, ItemPublicTokenExchangeResponse>("/item/public_token/exchange", { public_token: publicToken });
  }

  async accountsGet(accessToken: string): Promise<AccountsGetResponse> {
    const res = await this.post<AccountsGetRequest, AccountsGetResponse | null>("/accounts/get", { access_token: accessToken });
    if (!res || typeof res !== "object" || !Array.isArray(res.accounts) || !res.item || typeof res.item !== "object"
      || res.accounts.some((a) => !a || typeof a !== "object" || typeof a.account_id !== "string" || !a.balances || typeof a.balances !== "object")) {
      throw new ProviderError("plaid", 0, "INVALID_RESPONSE", "Plaid's /accounts/get answered without its item and accounts");
    }
    return res;
  }

  transactionsSync(accessToken: string, cursor: string | undefined, count = 500): Promise<TransactionsSyncResponse> {
    return this.post<TransactionsSyncRequest, TransactionsSyncResponse>("/transactions/sync", { access_token: accessToken, count, ...(cursor ? { cursor } : {}) });
  }

  /** The item as Plaid holds it now; its `error` (null while healthy) is the error that stops it, e.g. ITEM_LOGIN_REQUIRED. */
  itemGet(accessToken: string): Promise<ItemGetResponse> {
    return this.post<ItemGetRequest, ItemGetResponse>("/item/get", { access_token: accessToken });
  }

  itemRemove(accessToken: string): Promise<ItemRemoveResponse> {
    return this.post<ItemRemoveRequest, ItemRemoveResponse>("/item/remove", { access_token: accessToken });
  }

  webhookVerificationKeyGet(kid: string): Promise<WebhookVerificationKeyGetResponse> {
    return this.post<WebhookVerificationKeyGetRequest, WebhookVerificationKeyGetResponse>("/webhook_verification_key/get", { key_id: kid });
  }

  /**
   * Every change since `cursor`, paged until `has_more` is false, each transaction once as the last page naming it
   * left it. The new cursor is returned only then; if Plaid reports a mutation during
   * pagination, the pages read so far are discarded and the loop restarts
   * from the cursor held before it (Plaid's documented recovery).
   */
  async syncAll(accessToken: string, cursor: string | null, opts: { maxRestarts?: number; count?: number; onPage?: () => Promise<void>; maxPages?: number } = {}) {
    const maxRestarts = opts.maxRestarts ?? 3;
    const maxPages = opts.maxPages ?? MAX_PAGES;
    for (let restart = 0; ; restart++) {
      // Each transaction's last word in the pages, in their order: what it is now (one the pages add and then modify
      // is added as modified; one they add or modify and then remove is removed; one twice is once).
      const last = new Map<string, { kind: "added" | "modified"; t: PlaidTransaction } | { kind: "removed"; r: RemovedTransaction }>();
      let next = cursor ?? undefined;
      let accounts: TransactionsSyncResponse["accounts"] = [];
      let pages = 0;
      // The cursors this loop has sent: a page with more to come whose next cursor is one of them would read the same
      // pages again, for ever.
      const sent = new Set<string>([next ?? ""]);
      try {
        for (;;) {
          const page = syncPage(await this.transactionsSync(accessToken, next, opts.count));
          pages++;
          await opts.onPage?.();
          for (const t of page.added) last.set(t.transaction_id, { kind: "added", t });
          for (const t of page.modified) last.set(t.transaction_id, { kind: last.get(t.transaction_id)?.kind === "added" ? "added" : "modified", t });
          for (const r of page.removed) last.set(r.transaction_id, { kind: "removed", r });
          if (page.accounts?.length) accounts = page.accounts;
          next = page.next_cursor;
          if (!page.has_more) break;
          // Each page with a cursor never sent can still go on for ever: past `maxPages` the changes are not read whole.
          if (pages >= maxPages) throw tooManyPages("plaid", "/transactions/sync", maxPages);
          if (sent.has(next)) throw new ProviderError("plaid", 0, "INVALID_RESPONSE", "Plaid answered has_more with a cursor it had already given: the pages would repeat");
          sent.add(next);
        }
        const added: PlaidTransaction[] = [];
        const modified: PlaidTransaction[] = [];
        const removed: RemovedTransaction[] = [];
        for (const x of last.values()) {
          if (x.kind === "removed") removed.push(x.r);
          else (x.kind === "added" ? added : modified).push(x.t);
        }
        return { added, modified, removed, accounts, nextCursor: next ?? "", pages, restarts: restart };
      } catch (e) {
        if (e instanceof ProviderError && e.code === MUTATION_DURING_PAGINATION && restart < maxRestarts) continue;
        throw e;
      }
    }
  }
}
