import type { BodyOf, QueryOf } from "../types.js";
import { Resource, type CallExtras } from "./base.js";

/**
 * Bank and exchange connections (Plaid, Belvo, Bitso), account syncs and their jobs.
 * Admins manage connections; provider credentials pass through once and are stored sealed.
 */
export class ProvidersResource extends Resource {
  readonly connections = {
    list: (spaceId: string, x: CallExtras = {}) => this.call("get", "/v1/providers/connections", { query: { spaceId }, ...x }),
    /** Disconnects (the provider's item is removed too when it can be); the accounts and their history stay. */
    delete: (connectionId: string, x: CallExtras = {}) =>
      this.call("delete", "/v1/providers/connections/{connectionId}", { path: { connectionId }, ...x }),
  };

  /** Posted transactions that might be a pending one's settlement, left for a person to decide (never merged by guess). */
  readonly reviewFlags = {
    list: (query: NonNullable<QueryOf<"/v1/providers/review-flags", "get">>, x: CallExtras = {}) =>
      this.call("get", "/v1/providers/review-flags", { query, ...x }),
    /** `merge` (the posted transaction supersedes the chosen pending one, its edits kept) or `keep_both`. */
    resolve: (flagId: string, body: BodyOf<"/v1/providers/review-flags/{flagId}/resolve", "post">, x: CallExtras = {}) =>
      this.call("post", "/v1/providers/review-flags/{flagId}/resolve", { path: { flagId }, body, ...x }),
  };

  readonly plaid = {
    /** A Link token to open Plaid Link (`connectionId` for update mode). */
    linkToken: (body: BodyOf<"/v1/providers/plaid/link-token", "post">, x: CallExtras = {}) =>
      this.call("post", "/v1/providers/plaid/link-token", { body, ...x }),
    /** Exchanges Link's public token for a connection and queues its first sync. */
    exchangeToken: (body: BodyOf<"/v1/providers/plaid/exchange-token", "post">, x: CallExtras = {}) =>
      this.call("post", "/v1/providers/plaid/exchange-token", { body, ...x }),
  };

  readonly belvo = {
    /** A widget access token for an institution. */
    link: (body: BodyOf<"/v1/providers/belvo/link", "post">, x: CallExtras = {}) => this.call("post", "/v1/providers/belvo/link", { body, ...x }),
    connect: (body: BodyOf<"/v1/providers/belvo/connect", "post">, x: CallExtras = {}) =>
      this.call("post", "/v1/providers/belvo/connect", { body, ...x }),
    /** A connection whose bank wants its login again: the new password goes to the same link (only its connecting member). */
    repair: (body: BodyOf<"/v1/providers/belvo/repair", "post">, x: CallExtras = {}) => this.call("post", "/v1/providers/belvo/repair", { body, ...x }),
  };

  readonly bitso = {
    connect: (body: BodyOf<"/v1/providers/bitso/connect", "post">, x: CallExtras = {}) =>
      this.call("post", "/v1/providers/bitso/connect", { body, ...x }),
    sync: (spaceId: string, x: CallExtras = {}) => this.call("post", "/v1/providers/bitso/sync", { body: { spaceId }, ...x }),
  };

  /** Queues a sync of the space's provider accounts (all of them unless `accountIds`); answers with job ids. */
  sync(body: BodyOf<"/v1/accounts/sync", "post">, x: CallExtras = {}) {
    return this.call("post", "/v1/accounts/sync", { body, ...x });
  }
  /** A sync job's status and counts. */
  job(jobId: string, x: CallExtras = {}) {
    return this.call("get", "/v1/sync-jobs/{jobId}", { path: { jobId }, ...x });
  }
}
