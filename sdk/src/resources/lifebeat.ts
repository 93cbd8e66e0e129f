import { iterateList } from "../pagination.js";
import type { BodyOf, LifeBeatAccessLogEntry, QueryOf } from "../types.js";
import { Resource, type CallExtras } from "./base.js";

type AccessLogQuery = NonNullable<QueryOf<"/v1/life-beat/access-log", "get">>;

/** Life Beat: check-ins, escalation to the executor, and emergency read-only access with its log. */
export class LifeBeatResource extends Resource {
  get(householdId: string, x: CallExtras = {}) {
    return this.call("get", "/v1/life-beat", { query: { householdId }, ...x });
  }
  /** Turns Life Beat on or off and sets its interval, escalation days, executor and channels. */
  update(body: BodyOf<"/v1/life-beat", "put">, x: CallExtras = {}) {
    return this.call("put", "/v1/life-beat", { body, ...x });
  }
  checkIn(householdId: string, x: CallExtras = {}) {
    return this.call("post", "/v1/life-beat/check-in", { body: { householdId }, ...x });
  }
  grantEmergencyAccess(body: BodyOf<"/v1/life-beat/emergency-access", "post">, x: CallExtras = {}) {
    return this.call("post", "/v1/life-beat/emergency-access", { body, ...x });
  }

  readonly accessLog = {
    /** One page: `{ entries, pagination }`. */
    list: (query: AccessLogQuery, x: CallExtras = {}) => this.call("get", "/v1/life-beat/access-log", { query, ...x }),
    iterate: (query: AccessLogQuery, opts: { max?: number } = {}): AsyncGenerator<LifeBeatAccessLogEntry, void, undefined> =>
      iterateList<LifeBeatAccessLogEntry, AccessLogQuery>((q) => this.accessLog.list(q), query, "entries", opts),
  };
}
