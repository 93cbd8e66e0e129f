import { iterateCursor } from "../pagination.js";
import type { BodyOf, QueryOf, ResponseOf } from "../types.js";
import { Resource, type CallExtras } from "./base.js";

type TxQuery = NonNullable<QueryOf<"/v1/spaces/{spaceId}/ledger/transactions", "get">>;
type AccQuery = NonNullable<QueryOf<"/v1/spaces/{spaceId}/ledger/accounts", "get">>;
type LogQuery = NonNullable<QueryOf<"/v1/spaces/{spaceId}/ledger/logs", "get">>;
type VerifyQuery = NonNullable<QueryOf<"/v1/spaces/{spaceId}/ledger/logs/verify", "get">>;
type DataOf<R> = R extends { cursor: { data: (infer I)[] } } ? I : never;

/** A space's double-entry ledger (integer minor units, `ASSET/SCALE`), with cursor lists. */
export class LedgerResource extends Resource {
  readonly transactions = {
    list: (spaceId: string, query: TxQuery = {}, x: CallExtras = {}) =>
      this.call("get", "/v1/spaces/{spaceId}/ledger/transactions", { path: { spaceId }, query, ...x }),
    iterate: (spaceId: string, query: Omit<TxQuery, "cursor"> = {}, opts: { max?: number } = {}) =>
      iterateCursor<DataOf<ResponseOf<"/v1/spaces/{spaceId}/ledger/transactions", "get">>>(
        (cursor) => this.ledgerTransactions(spaceId, cursor ? { cursor } : query),
        opts,
      ),
    /** Posts a transaction (`preview: true` checks it without writing); carries an Idempotency-Key. */
    create: (spaceId: string, body: BodyOf<"/v1/spaces/{spaceId}/ledger/transactions", "post">, opts: { preview?: boolean } & CallExtras = {}) => {
      const { preview, ...x } = opts;
      return this.call("post", "/v1/spaces/{spaceId}/ledger/transactions", {
        path: { spaceId },
        query: preview ? { preview: "true" } : undefined,
        body,
        idempotent: true,
        ...x,
      });
    },
    batch: (spaceId: string, body: BodyOf<"/v1/spaces/{spaceId}/ledger/transactions/batch", "post">, x: CallExtras = {}) =>
      this.call("post", "/v1/spaces/{spaceId}/ledger/transactions/batch", { path: { spaceId }, body, idempotent: true, ...x }),
    get: (spaceId: string, txid: number, x: CallExtras = {}) =>
      this.call("get", "/v1/spaces/{spaceId}/ledger/transactions/{txid}", { path: { spaceId, txid }, ...x }),
    revert: (spaceId: string, txid: number, x: CallExtras = {}) =>
      this.call("post", "/v1/spaces/{spaceId}/ledger/transactions/{txid}/revert", { path: { spaceId, txid }, idempotent: true, ...x }),
    setMetadata: (spaceId: string, txid: number, body: BodyOf<"/v1/spaces/{spaceId}/ledger/transactions/{txid}/metadata", "put">, x: CallExtras = {}) =>
      this.call("put", "/v1/spaces/{spaceId}/ledger/transactions/{txid}/metadata", { path: { spaceId, txid }, body, ...x }),
  };

  readonly accounts = {
    list: (spaceId: string, query: AccQuery = {}, x: CallExtras = {}) =>
      this.call("get", "/v1/spaces/{spaceId}/ledger/accounts", { path: { spaceId }, query, ...x }),
    iterate: (spaceId: string, query: Omit<AccQuery, "cursor"> = {}, opts: { max?: number } = {}) =>
      iterateCursor<DataOf<ResponseOf<"/v1/spaces/{spaceId}/ledger/accounts", "get">>>(
        (cursor) => this.accounts.list(spaceId, cursor ? { cursor } : query),
        opts,
      ),
    get: (spaceId: string, address: string, x: CallExtras = {}) =>
      this.call("get", "/v1/spaces/{spaceId}/ledger/accounts/{address}", { path: { spaceId, address }, ...x }),
    setMetadata: (spaceId: string, address: string, body: BodyOf<"/v1/spaces/{spaceId}/ledger/accounts/{address}/metadata", "post">, x: CallExtras = {}) =>
      this.call("post", "/v1/spaces/{spaceId}/ledger/accounts/{address}/metadata", { path: { spaceId, address }, body, ...x }),
  };

  readonly logs = {
    list: (spaceId: string, query: LogQuery = {}, x: CallExtras = {}) =>
      this.call("get", "/v1/spaces/{spaceId}/ledger/logs", { path: { spaceId }, query, ...x }),
    iterate: (spaceId: string, query: Omit<LogQuery, "cursor"> = {}, opts: { max?: number } = {}) =>
      iterateCursor<DataOf<ResponseOf<"/v1/spaces/{spaceId}/ledger/logs", "get">>>(
        (cursor) => this.logs.list(spaceId, cursor ? { cursor } : query),
        opts,
      ),
    /**
     * Rehashes the log chain, at most 100,000 logs a call: a longer chain answers `hasMore: true` and `next`;
     * pass it as `{ cursor: next }` (within 15 minutes) to go on from there, or use `verifyAll`.
     */
    verify: (spaceId: string, query: VerifyQuery = {}, x: CallExtras = {}) =>
      this.call("get", "/v1/spaces/{spaceId}/ledger/logs/verify", { path: { spaceId }, query, ...x }),
    /**
     * Verifies the whole chain, however long: follows `next` until the chain ends or a break is found, and
     * resolves to the last call's verdict (`checked` counts from the start).
     */
    verifyAll: async (spaceId: string, x: CallExtras = {}) => {
      let result = await this.logs.verify(spaceId, {}, x);
      while (result.data.valid && result.data.hasMore && result.data.next) {
        result = await this.logs.verify(spaceId, { cursor: result.data.next }, x);
      }
      return result;
    },
  };

  balances(spaceId: string, query: NonNullable<QueryOf<"/v1/spaces/{spaceId}/ledger/balances", "get">> = {}, x: CallExtras = {}) {
    return this.call("get", "/v1/spaces/{spaceId}/ledger/balances", { path: { spaceId }, query, ...x });
  }
  stats(spaceId: string, x: CallExtras = {}) {
    return this.call("get", "/v1/spaces/{spaceId}/ledger/stats", { path: { spaceId }, ...x });
  }

  private ledgerTransactions(spaceId: string, query: TxQuery) {
    return this.call("get", "/v1/spaces/{spaceId}/ledger/transactions", { path: { spaceId }, query });
  }
}
