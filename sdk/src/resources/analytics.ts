import type { BodyOf, QueryOf } from "../types.js";
import { Resource, type CallExtras } from "./base.js";

type SeriesChanges = Omit<BodyOf<"/v1/analytics/recurring/{seriesId}", "patch">, "spaceId" | "action">;

/** Dashboard, net worth history, recurring series and the cash-flow forecast of a space (in its currency). */
export class AnalyticsResource extends Resource {
  dashboard(query: NonNullable<QueryOf<"/v1/analytics/dashboard", "get">>, x: CallExtras = {}) {
    return this.call("get", "/v1/analytics/dashboard", { query, ...x });
  }
  netWorth(query: NonNullable<QueryOf<"/v1/analytics/net-worth", "get">>, x: CallExtras = {}) {
    return this.call("get", "/v1/analytics/net-worth", { query, ...x });
  }
  /** Weekly income, expenses and per-account balances ahead, from the recurring series. */
  forecast(spaceId: string, x: CallExtras = {}) {
    return this.call("get", "/v1/analytics/forecast", { query: { spaceId }, ...x });
  }

  readonly recurring = {
    /** Detected (and confirmed or edited) recurring series: `{ spaceId, series, dismissedCount }`. */
    list: (query: NonNullable<QueryOf<"/v1/analytics/recurring", "get">>, x: CallExtras = {}) =>
      this.call("get", "/v1/analytics/recurring", { query, ...x }),
    confirm: (spaceId: string, seriesId: string, x: CallExtras = {}) => this.series(spaceId, seriesId, { action: "confirm" }, x),
    /** Corrects a series' name, amount or cadence (it is kept as edited). */
    edit: (spaceId: string, seriesId: string, changes: SeriesChanges, x: CallExtras = {}) =>
      this.series(spaceId, seriesId, { action: "edit", ...changes }, x),
    dismiss: (spaceId: string, seriesId: string, x: CallExtras = {}) => this.series(spaceId, seriesId, { action: "dismiss" }, x),
    restore: (spaceId: string, seriesId: string, x: CallExtras = {}) => this.series(spaceId, seriesId, { action: "restore" }, x),
  };

  private series(spaceId: string, seriesId: string, change: Omit<BodyOf<"/v1/analytics/recurring/{seriesId}", "patch">, "spaceId">, x: CallExtras) {
    return this.call("patch", "/v1/analytics/recurring/{seriesId}", { path: { seriesId }, body: { spaceId, ...change }, ...x });
  }
}
