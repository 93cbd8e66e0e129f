import type { BodyOf, QueryOf } from "../types.js";
import { Resource, type CallExtras } from "./base.js";

export class CategoriesResource extends Resource {
  list(spaceId: string, x: CallExtras = {}) {
    return this.call("get", "/v1/categories", { query: { spaceId }, ...x });
  }
  create(body: BodyOf<"/v1/categories", "post">, x: CallExtras = {}) {
    return this.call("post", "/v1/categories", { body, ...x });
  }
  update(id: string, body: BodyOf<"/v1/categories/{id}", "patch">, x: CallExtras = {}) {
    return this.call("patch", "/v1/categories/{id}", { path: { id }, body, ...x });
  }
  delete(id: string, query: NonNullable<QueryOf<"/v1/categories/{id}", "delete">> = {}, x: CallExtras = {}) {
    return this.call("delete", "/v1/categories/{id}", { path: { id }, query, ...x });
  }
  applyRules(body: BodyOf<"/v1/categories/apply-rules", "post">, x: CallExtras = {}) {
    return this.call("post", "/v1/categories/apply-rules", { body, ...x });
  }
}

export class BudgetsResource extends Resource {
  list(query: NonNullable<QueryOf<"/v1/budgets", "get">>, x: CallExtras = {}) {
    return this.call("get", "/v1/budgets", { query, ...x });
  }
  create(body: BodyOf<"/v1/budgets", "post">, x: CallExtras = {}) {
    return this.call("post", "/v1/budgets", { body, ...x });
  }
  get(id: string, x: CallExtras = {}) {
    return this.call("get", "/v1/budgets/{id}", { path: { id }, ...x });
  }
  update(id: string, body: BodyOf<"/v1/budgets/{id}", "patch">, x: CallExtras = {}) {
    return this.call("patch", "/v1/budgets/{id}", { path: { id }, body, ...x });
  }
  delete(id: string, x: CallExtras = {}) {
    return this.call("delete", "/v1/budgets/{id}", { path: { id }, ...x });
  }
}

export class TradesResource extends Resource {
  list(query: NonNullable<QueryOf<"/v1/trades", "get">>, x: CallExtras = {}) {
    return this.call("get", "/v1/trades", { query, ...x });
  }
}

export class MlResource extends Resource {
  readonly corrections = {
    list: (query: NonNullable<QueryOf<"/v1/ml/corrections", "get">>, x: CallExtras = {}) => this.call("get", "/v1/ml/corrections", { query, ...x }),
    create: (body: BodyOf<"/v1/ml/corrections", "post">, x: CallExtras = {}) => this.call("post", "/v1/ml/corrections", { body, ...x }),
  };
  predict(body: BodyOf<"/v1/ml/predict", "post">, x: CallExtras = {}) {
    return this.call("post", "/v1/ml/predict", { body, ...x });
  }
  retrain(body: BodyOf<"/v1/ml/retrain", "post">, x: CallExtras = {}) {
    return this.call("post", "/v1/ml/retrain", { body, ...x });
  }
  job(jobId: string, x: CallExtras = {}) {
    return this.call("get", "/v1/ml/jobs/{jobId}", { path: { jobId }, ...x });
  }
}
