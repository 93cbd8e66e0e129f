import { iterateList } from "../pagination.js";
import type { BodyOf, ProjectionScenario, QueryOf } from "../types.js";
import { Resource, type CallExtras } from "./base.js";

type ScenarioQuery = NonNullable<QueryOf<"/v1/projections/scenarios", "get">>;

/** Monte Carlo projections of a space's net worth, saved scenarios and their comparison. */
export class ProjectionsResource extends Resource {
  /** A projection from the ledger with default assumptions (not saved). */
  run(query: NonNullable<QueryOf<"/v1/projections", "get">>, x: CallExtras = {}) {
    return this.call("get", "/v1/projections", { query, ...x });
  }
  /** A custom projection (assumptions, life events, seed), saved as a scenario unless `save: false`. */
  create(body: BodyOf<"/v1/projections", "post">, x: CallExtras = {}) {
    return this.call("post", "/v1/projections", { body, ...x });
  }
  /** Re-runs saved scenarios side by side with one shared seed. */
  compare(body: BodyOf<"/v1/projections/compare", "post">, x: CallExtras = {}) {
    return this.call("post", "/v1/projections/compare", { body, ...x });
  }

  readonly scenarios = {
    /** One page: `{ scenarios, pagination }`. */
    list: (query: ScenarioQuery, x: CallExtras = {}) => this.call("get", "/v1/projections/scenarios", { query, ...x }),
    iterate: (query: ScenarioQuery, opts: { max?: number } = {}): AsyncGenerator<ProjectionScenario, void, undefined> =>
      iterateList<ProjectionScenario, ScenarioQuery>((q) => this.scenarios.list(q), query, "scenarios", opts),
    /** Deletes a saved scenario (a space keeps at most 500). */
    delete: (scenarioId: string, x: CallExtras = {}) => this.call("delete", "/v1/projections/scenarios/{scenarioId}", { path: { scenarioId }, ...x }),
  };
}
