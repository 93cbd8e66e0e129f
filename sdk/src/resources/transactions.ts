import { iterateList } from "../pagination.js";
import type { BodyOf, QueryOf, Transaction } from "../types.js";
import { Resource, type CallExtras } from "./base.js";

type ListQuery = NonNullable<QueryOf<"/v1/transactions", "get">>;

/** Transactions. Creating, transferring and voiding move money: each call carries an Idempotency-Key, reused on retry. */
export class TransactionsResource extends Resource {
  /** One page: `{ transactions, pagination }` (limit default 50, max 200). */
  list(query: ListQuery, x: CallExtras = {}) {
    return this.call("get", "/v1/transactions", { query, ...x });
  }
  /** Every matching transaction, fetching pages of `limit` as you iterate. */
  iterate(query: ListQuery, opts: { max?: number } = {}): AsyncGenerator<Transaction, void, undefined> {
    return iterateList<Transaction, ListQuery>((q) => this.list(q), query, "transactions", opts);
  }
  get(id: string, x: CallExtras = {}) {
    return this.call("get", "/v1/transactions/{id}", { path: { id }, ...x });
  }
  create(body: BodyOf<"/v1/transactions", "post">, x: CallExtras = {}) {
    return this.call("post", "/v1/transactions", { body, idempotent: true, ...x });
  }
  transfer(body: BodyOf<"/v1/transactions/transfer", "post">, x: CallExtras = {}) {
    return this.call("post", "/v1/transactions/transfer", { body, idempotent: true, ...x });
  }
  update(id: string, body: BodyOf<"/v1/transactions/{id}", "patch">, x: CallExtras = {}) {
    return this.call("patch", "/v1/transactions/{id}", { path: { id }, body, ...x });
  }
  /** Voids by reversal. */
  void(id: string, x: CallExtras = {}) {
    return this.call("delete", "/v1/transactions/{id}", { path: { id }, idempotent: true, ...x });
  }
  bulkCategorize(body: BodyOf<"/v1/transactions/bulk-categorize", "post">, x: CallExtras = {}) {
    return this.call("post", "/v1/transactions/bulk-categorize", { body, ...x });
  }
}
