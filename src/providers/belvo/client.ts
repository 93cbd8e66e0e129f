/**
 * The Belvo API client: HTTP Basic auth with the secret key id and password,
 * Belvo's endpoints and error shape (`[{code, message, request_id}]`), through
 * `outbound(env)` (the sandbox answers in-process in sandbox mode).
 */
import { type Outbound, outbound } from "../../lib/outbound";
import { truncateText } from "../../lib/exact-json";
import { MAX_PAGES, PROVIDER_REQUEST, ProviderError, providerText, readJson, retryAfterSeconds, tooManyPages, unreachable } from "../errors";

export interface BelvoLink {
  id: string;
  institution: string;
  access_mode: "single" | "recurrent";
  status: "valid" | "invalid" | "unconfirmed" | "token_required";
  created_at: string;
  external_id: string | null;
}

export interface BelvoAccount {
  id: string;
  link: string;
  institution: { name: string; type: string };
  /** Belvo's enum (CHECKING_ACCOUNT, CREDIT_CARD, LOAN_ACCOUNT, SAVINGS_ACCOUNT, ..., UNCATEGORIZED), or null. */
  category: "CHECKING_ACCOUNT" | "SAVINGS_ACCOUNT" | "CREDIT_CARD" | "LOAN_ACCOUNT" | "INVESTMENT_ACCOUNT" | string | null;
  /** ASSET or LIABILITY (a liability's balance is money owed), or null. */
  balance_type?: "ASSET" | "LIABILITY" | string | null;
  type: string | null;
  name: string | null;
  number: string | null;
  /** Numbers (floats in Belvo's schema): on a card `current` is what is owed, positive. */
  balance: { current: number | null; available?: number | null };
  /** Null when the institution gave none (Belvo's schema: "other currencies ... may be returned"). */
  currency: string | null;
  collected_at: string;
}

export interface BelvoTransaction {
  id: string;
  account: { id: string };
  /**
   * Always positive, the direction in `type`. A JSON number in Belvo's schema written to 2 to 4 decimals
   * (`^\d{1,15}\.\d{2,4}$`), so finer than a peso's cent at times; a decimal string is read alike.
   */
  amount: number | string;
  /** Null when the institution gave none. */
  currency: string | null;
  type: "INFLOW" | "OUTFLOW";
  /** PENDING, PROCESSED, UNCATEGORIZED or null. */
  status: "PENDING" | "PROCESSED" | "UNCATEGORIZED" | null;
  /** The day it occurred (YYYY-MM-DD); null when the institution gave none. */
  value_date: string | null;
  /** When the institution accounted for it: an ISO 8601 instant ("2019-10-23T13:01:41.941Z"), or null. */
  accounting_date: string | null;
  description: string | null;
  /** Belvo's merchant data: its name is `merchant_name` (with `logo` and `website`). */
  merchant: { merchant_name?: string | null; logo?: string | null; website?: string | null } | null;
  category: string | null;
  collected_at: string | null;
}

const isDay = (v: unknown) => typeof v === "string" && /^\d{4}-\d{2}-\d{2}/.test(v);

/**
 * What the sync reads of a transaction, as Belvo types it (an amount as a number or a decimal string). Belvo's schema
 * lets `currency` and `value_date` be null: a currency it does not give is left out by the adapter as any other it
 * cannot book, and a day it does not give is the day of its `accounting_date`; one with neither day is no transaction.
 */
function isBelvoTransaction(t: unknown): t is BelvoTransaction {
  const x = t as Partial<Record<keyof BelvoTransaction, unknown>> | null;
  return isIdentified(t) && isReadable(x!) && (typeof x!.currency === "string" || x!.currency === null || x!.currency === undefined) && (isDay(x!.value_date) || isDay(x!.accounting_date));
}

/** One with its id and account: what a listed transaction needs to be kept (left out) even when it cannot be read. */
const isIdentified = (t: unknown): t is { id: string; account: { id: string } } => {
  const x = t as { id?: unknown; account?: { id?: unknown } } | null;
  return !!x && typeof x === "object" && typeof x.id === "string" && !!x.account && typeof x.account === "object" && typeof x.account.id === "string";
};

/** An amount and a direction, which Belvo's schema lets be null. */
const isReadable = (x: Partial<Record<keyof BelvoTransaction, unknown>>) =>
  (typeof x.amount === "number" || typeof x.amount === "string") && (x.type === "INFLOW" || x.type === "OUTFLOW");

/**
 * A listed transaction the sync cannot read (its `type` or `amount` null, as Belvo's schema allows): left out and
 * counted as an error, still listed (not removed at Belvo), not a list that cannot be read.
 */
export interface UnreadableBelvoTransaction {
  id: string;
  account: { id: string };
  unreadable: true;
}

export interface BelvoToken {
  access: string;
  refresh: string;
}

/** How a list is paged: `onPage` after each page read (the sync's heartbeat), at most `maxPages` pages (MAX_PAGES). */
export interface BelvoPaging {
  onPage?: () => Promise<void>;
  maxPages?: number;
}

export class BelvoClient {
  constructor(
    private readonly env: Env,
    private readonly send: Outbound = outbound(env),
  ) {}

  private get base(): string {
    return this.env.BELVO_BASE_URL.replace(/\/+$/, "");
  }

  private request<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.requestUrl<T>(method, `${this.base}${path}`, body);
  }

  /** One request to `url`, which is Belvo's (its base URL's origin): the secret key goes to no other host. */
  private async requestUrl<T>(method: string, url: string, body?: unknown): Promise<T> {
    const auth = btoa(`${this.env.BELVO_SECRET_ID}:${this.env.BELVO_SECRET_PASSWORD}`);
    let res: Response;
    try {
      res = await this.send(
        new Request(url, {
          ...PROVIDER_REQUEST,
          method,
          headers: { Authorization: `Basic ${auth}`, Accept: "application/json", ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      );
    } catch (e) {
      throw unreachable("belvo", e);
    }
    if (res.status === 204) return undefined as T;
    const json = await readJson("belvo", res);
    if (!res.ok) {
      const first = (Array.isArray(json) ? json[0] : json) as { code?: unknown; message?: unknown; detail?: unknown } | undefined;
      throw new ProviderError("belvo", res.status, providerText(first?.code ?? "unknown"), providerText(first?.message ?? first?.detail ?? `HTTP ${res.status}`), retryAfterSeconds(res));
    }
    return json as T;
  }

  /** A short-lived access token for Belvo's connect widget (the "link session"). */
  widgetToken(): Promise<BelvoToken> {
    return this.request("POST", "/api/token/", { id: this.env.BELVO_SECRET_ID, password: this.env.BELVO_SECRET_PASSWORD, scopes: "read_institutions,write_links,read_links" });
  }

  createLink(input: { institution: string; username: string; password: string; externalId?: string }): Promise<BelvoLink> {
    return this.request("POST", "/api/links/", {
      institution: input.institution, username: input.username, password: input.password, access_mode: "recurrent", ...(input.externalId ? { external_id: input.externalId } : {}),
    });
  }

  /**
   * Gives a link the end user's new password (Belvo's "update a link's credentials"): the link keeps its id and
   * accounts, and is valid again if the institution takes the password.
   */
  updateLinkPassword(linkId: string, password: string): Promise<BelvoLink> {
    return this.request("PUT", `/api/links/${encodeURIComponent(linkId)}/`, { password, save_data: true });
  }

  /** The links made with `external_id` (the first page of Belvo's list, which one connect's id never exceeds). */
  async linksByExternalId(externalId: string): Promise<BelvoLink[]> {
    const page = await this.request<{ results?: BelvoLink[] }>("GET", `/api/links/?external_id=${encodeURIComponent(externalId)}`);
    return Array.isArray(page?.results) ? page.results : [];
  }

  /** The link's detail as Belvo has it now (its `status`: `valid`, `invalid`, `token_required`, ...). */
  getLink(linkId: string): Promise<BelvoLink> {
    return this.request("GET", `/api/links/${encodeURIComponent(linkId)}/`);
  }

  deleteLink(linkId: string): Promise<void> {
    return this.request("DELETE", `/api/links/${encodeURIComponent(linkId)}/`);
  }

  /** Retrieves (fresh from the institution) the link's accounts. */
  async accounts(linkId: string, paging: BelvoPaging = {}): Promise<BelvoAccount[]> {
    const first = await this.request<unknown>("POST", "/api/accounts/", { link: linkId, save_data: true });
    return (await this.allPages(first, "accounts", paging)).map((a) => {
      const x = a as Partial<BelvoAccount> | null;
      // A null currency (Belvo's schema allows one) is an account the adapter leaves out and tells, not an unreadable list.
      const currencyOk = typeof x?.currency === "string" || x?.currency === null || x?.currency === undefined;
      if (!x || typeof x !== "object" || typeof x.id !== "string" || !currencyOk || !x.balance || typeof x.balance !== "object") {
        throw new ProviderError("belvo", 0, "INVALID_RESPONSE", "Belvo listed accounts with one that is not an account");
      }
      return x as BelvoAccount;
    });
  }

  /** Retrieves (fresh from the institution) the link's transactions between two days. */
  async transactions(linkId: string, dateFrom: string, dateTo: string, paging: BelvoPaging = {}): Promise<(BelvoTransaction | UnreadableBelvoTransaction)[]> {
    const first = await this.request<unknown>("POST", "/api/transactions/", { link: linkId, date_from: dateFrom, date_to: dateTo, save_data: true });
    return (await this.allPages(first, "transactions", paging)).map((t) => {
      if (isIdentified(t) && !isReadable(t)) return { id: t.id, account: { id: t.account.id }, unreadable: true as const };
      if (!isBelvoTransaction(t)) throw new ProviderError("belvo", 0, "INVALID_RESPONSE", "Belvo listed transactions with one that is not a transaction");
      return t;
    });
  }

  /**
   * Every result of a list: the array Belvo answers, or its paginated list (`{count, next, previous, results}`) read
   * page by page through `next`. A `next` outside Belvo's base URL (another host, or another path of its host) is
   * not followed (the secret key would go with it), nor one already read, nor one an empty page names: the list
   * cannot be read whole, which is an answer that cannot be read (transient, INVALID_RESPONSE), never a shorter list,
   * which a sync would take for transactions the bank removed. So is an answer that is neither (a 2xx whose body is
   * an error, say), and a list that goes on past `maxPages` pages (each new, each full: one that never ends). After
   * each page read, `onPage` (the sync's heartbeat: a long list is progress, not a stalled job).
   */
  private async allPages(first: unknown, what: string, { onPage, maxPages = MAX_PAGES }: BelvoPaging): Promise<unknown[]> {
    const unreadable = (why: string) => new ProviderError("belvo", 0, "INVALID_RESPONSE", `Belvo's list of ${what} ${why}`);
    if (Array.isArray(first)) {
      await onPage?.();
      return first;
    }
    const api = new URL(`${this.base}/`);
    const apiPath = api.pathname;
    const out: unknown[] = [];
    const read = new Set<string>();
    let page = first;
    for (let pages = 1; ; pages++) {
      const p = page as { results?: unknown; next?: unknown } | null;
      if (!p || typeof p !== "object" || !Array.isArray(p.results)) throw unreadable("is neither a list nor a page of one");
      for (const r of p.results) out.push(r);
      await onPage?.();
      if (p.next === null || p.next === undefined) return out;
      if (pages >= maxPages) throw tooManyPages("belvo", `list of ${what}`, maxPages);
      // Belvo fills its pages: an empty one that names another is a list that may never end.
      if (p.results.length === 0) throw unreadable("gave an empty page naming a next one");
      let next: URL;
      try {
        next = new URL(String(p.next), `${this.base}/`);
      } catch {
        throw unreadable("names a next page that is not a URL");
      }
      if (next.origin !== api.origin || !next.pathname.startsWith(apiPath)) {
        throw unreadable(`names a next page outside Belvo's API (on ${truncateText(next.host, 100)}), which is not followed`);
      }
      if (read.has(next.href)) throw unreadable("names a next page it already gave");
      read.add(next.href);
      page = await this.requestUrl<unknown>("GET", next.href);
    }
  }
}
