import type { BodyOf, QueryOf } from "../types.js";
import { Resource, type CallExtras } from "./base.js";

/** Exchange rates as the provider published them per day (exact decimal strings). */
export class RatesResource extends Resource {
  /** The rate of `base`/`quote` on `date` (default today), with how it was derived. */
  get(query: NonNullable<QueryOf<"/v1/rates", "get">>, x: CallExtras = {}) {
    return this.call("get", "/v1/rates", { query, ...x });
  }

  /** A space's manual rates, which win over the provider's for that space and day. */
  readonly manual = {
    /** Newest day first, optionally between `from` and `to`. */
    list: (spaceId: string, query: NonNullable<QueryOf<"/v1/spaces/{spaceId}/rates", "get">> = {}, x: CallExtras = {}) =>
      this.call("get", "/v1/spaces/{spaceId}/rates", { path: { spaceId }, query, ...x }),
    /** Sets rates (exact decimal strings) or removes them (`rate: null`). */
    set: (spaceId: string, body: BodyOf<"/v1/spaces/{spaceId}/rates", "put">, x: CallExtras = {}) =>
      this.call("put", "/v1/spaces/{spaceId}/rates", { path: { spaceId }, body, ...x }),
  };
}
