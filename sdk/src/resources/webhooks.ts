import { iterateList } from "../pagination.js";
import type { BodyOf, QueryOf, Webhook, WebhookDelivery } from "../types.js";
import { Resource, type CallExtras } from "./base.js";

type ListQuery = NonNullable<QueryOf<"/v1/webhooks", "get">>;
type DeliveryQuery = NonNullable<QueryOf<"/v1/webhooks/{id}/deliveries", "get">>;

/** Signed webhook subscriptions of a space (admins) and their delivery log. */
export class WebhooksResource extends Resource {
  /** One page: `{ webhooks, pagination }`. */
  list(query: ListQuery, x: CallExtras = {}) {
    return this.call("get", "/v1/webhooks", { query, ...x });
  }
  iterate(query: ListQuery, opts: { max?: number } = {}): AsyncGenerator<Webhook, void, undefined> {
    return iterateList<Webhook, ListQuery>((q) => this.list(q), query, "webhooks", opts);
  }
  /** Creates a subscription; the answer carries its signing `secret`, shown this once. */
  create(body: BodyOf<"/v1/webhooks", "post">, x: CallExtras = {}) {
    return this.call("post", "/v1/webhooks", { body, ...x });
  }
  get(id: string, x: CallExtras = {}) {
    return this.call("get", "/v1/webhooks/{id}", { path: { id }, ...x });
  }
  update(id: string, body: BodyOf<"/v1/webhooks/{id}", "patch">, x: CallExtras = {}) {
    return this.call("patch", "/v1/webhooks/{id}", { path: { id }, body, ...x });
  }
  /** Re-enables a subscription (after a manual disable, or after repeated failures disabled it). */
  enable(id: string, x: CallExtras = {}) {
    return this.update(id, { enabled: true }, x);
  }
  disable(id: string, x: CallExtras = {}) {
    return this.update(id, { enabled: false }, x);
  }
  /** Deletes the subscription and its delivery log. */
  delete(id: string, x: CallExtras = {}) {
    return this.call("delete", "/v1/webhooks/{id}", { path: { id }, ...x });
  }
  /** Sends a signed test ping now and answers with its delivery. */
  test(id: string, x: CallExtras = {}) {
    return this.call("post", "/v1/webhooks/{id}/test", { path: { id }, ...x });
  }

  readonly deliveries = {
    /** One page: `{ deliveries, pagination }`, newest first. */
    list: (id: string, query: DeliveryQuery = {}, x: CallExtras = {}) =>
      this.call("get", "/v1/webhooks/{id}/deliveries", { path: { id }, query, ...x }),
    iterate: (id: string, query: DeliveryQuery = {}, opts: { max?: number } = {}): AsyncGenerator<WebhookDelivery, void, undefined> =>
      iterateList<WebhookDelivery, DeliveryQuery>((q) => this.deliveries.list(id, q), query, "deliveries", opts),
  };
}
