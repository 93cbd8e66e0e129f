import type { QueryOf } from "../types.js";
import { Resource, type CallExtras } from "./base.js";

/** Exchange rates as the provider published them per day (exact decimal strings). */
export class RatesResource extends Resource {
  /** The rate of `base`/`quote` on `date` (default today), with how it was derived. */
  get(query: NonNullable<QueryOf<"/v1/rates", "get">>, x: CallExtras = {}) {
    return this.call("get", "/v1/rates", { query, ...x });
  }
}
