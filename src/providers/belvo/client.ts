/**
 * The Belvo API client: HTTP Basic auth with the secret key id and password,
 * Belvo's endpoints and error shape (`[{code, message, request_id}]`), through
 * `outbound(env)` (the sandbox answers in-process in sandbox mode).
 */
import { type Outbound, outbound } from "../../lib/outbound";
import { ProviderError, readJson, retryAfterSeconds, unreachable } from "../errors";

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
  category: "CHECKING_ACCOUNT" | "SAVINGS_ACCOUNT" | "CREDIT_CARD" | "LOAN_ACCOUNT" | "INVESTMENT_ACCOUNT" | string;
  type: string;
  name: string;
  number: string | null;
  balance: { current: number | null; available: number | null };
  currency: string;
  collected_at: string;
}

export interface BelvoTransaction {
  id: string;
  account: { id: string };
  amount: number;
  currency: string;
  type: "INFLOW" | "OUTFLOW";
  status: "PENDING" | "PROCESSED" | "UNCATEGORIZED";
  value_date: string;
  accounting_date: string | null;
  description: string;
  merchant: { name: string | null; website?: string | null } | null;
  category: string | null;
  collected_at: string;
}

export interface BelvoToken {
  access: string;
  refresh: string;
}

export class BelvoClient {
  constructor(
    private readonly env: Env,
    private readonly send: Outbound = outbound(env),
  ) {}

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = `${this.env.BELVO_BASE_URL.replace(/\/+$/, "")}${path}`;
    const auth = btoa(`${this.env.BELVO_SECRET_ID}:${this.env.BELVO_SECRET_PASSWORD}`);
    let res: Response;
    try {
      res = await this.send(
        new Request(url, {
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
      throw new ProviderError("belvo", res.status, String(first?.code ?? "unknown"), String(first?.message ?? first?.detail ?? `HTTP ${res.status}`), retryAfterSeconds(res));
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
  accounts(linkId: string): Promise<BelvoAccount[]> {
    return this.request("POST", "/api/accounts/", { link: linkId, save_data: true });
  }

  /** Retrieves (fresh from the institution) the link's transactions between two days. */
  transactions(linkId: string, dateFrom: string, dateTo: string): Promise<BelvoTransaction[]> {
    return this.request("POST", "/api/transactions/", { link: linkId, date_from: dateFrom, date_to: dateTo, save_data: true });
  }
}
