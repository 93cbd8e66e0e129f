import { iterateList } from "../pagination.js";
import type { Account, BodyOf, QueryOf, Transaction } from "../types.js";
import { Resource, type CallExtras } from "./base.js";

type ListQuery = NonNullable<QueryOf<"/v1/accounts", "get">>;
type TxQuery = NonNullable<QueryOf<"/v1/accounts/{accountId}/transactions", "get">>;

/** Accounts: manual ones are created here; provider-linked ones arrive through connections. */
export class AccountsResource extends Resource {
  /** One page: `{ accounts, pagination }`. */
  list(query: ListQuery, x: CallExtras = {}) {
    return this.call("get", "/v1/accounts", { query, ...x });
  }
  /** Every account matching the filters, fetching pages of `limit` as you iterate. */
  iterate(query: ListQuery, opts: { max?: number } = {}): AsyncGenerator<Account, void, undefined> {
    return iterateList<Account, ListQuery>((q) => this.list(q), query, "accounts", opts);
  }
  /** Creates a manual account; the opening balance moves money, so the call carries an Idempotency-Key. */
  create(body: BodyOf<"/v1/accounts", "post">, x: CallExtras = {}) {
    return this.call("post", "/v1/accounts", { body, idempotent: true, ...x });
  }
  summary(spaceId: string, x: CallExtras = {}) {
    return this.call("get", "/v1/accounts/summary", { query: { spaceId }, ...x });
  }
  get(accountId: string, x: CallExtras = {}) {
    return this.call("get", "/v1/accounts/{accountId}", { path: { accountId }, ...x });
  }
  update(accountId: string, body: BodyOf<"/v1/accounts/{accountId}", "patch">, x: CallExtras = {}) {
    return this.call("patch", "/v1/accounts/{accountId}", { path: { accountId }, body, ...x });
  }
  delete(accountId: string, x: CallExtras = {}) {
    return this.call("delete", "/v1/accounts/{accountId}", { path: { accountId }, ...x });
  }
  /** One page of an account's transactions. */
  transactions(accountId: string, query: TxQuery = {}, x: CallExtras = {}) {
    return this.call("get", "/v1/accounts/{accountId}/transactions", { path: { accountId }, query, ...x });
  }
  iterateTransactions(accountId: string, query: TxQuery = {}, opts: { max?: number } = {}): AsyncGenerator<Transaction, void, undefined> {
    return iterateList<Transaction, TxQuery>((q) => this.transactions(accountId, q), query, "transactions", opts);
  }
  /** Debit/credit statement with running balance. */
  ledger(accountId: string, query: NonNullable<QueryOf<"/v1/accounts/{accountId}/ledger", "get">> = {}, x: CallExtras = {}) {
    return this.call("get", "/v1/accounts/{accountId}/ledger", { path: { accountId }, query, ...x });
  }
}
