/**
 * Types derived from the generated OpenAPI `paths` by path and method, not by
 * component name, so that they follow the document as it is regenerated.
 */
import type { paths } from "./generated/schema.js";

export type { paths };
export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

/** Paths that have an operation for `M`. */
export type PathsWith<M extends HttpMethod> = {
  [P in keyof paths]: [NonNullable<paths[P][M]>] extends [never] ? never : P;
}[keyof paths];

type Op<P extends keyof paths, M extends HttpMethod> = NonNullable<paths[P][M]>;
type Params<P extends keyof paths, M extends HttpMethod> = Op<P, M> extends { parameters: infer X } ? X : never;
type Part<X, K extends string> = X extends { [k in K]?: infer V } ? ([NonNullable<V>] extends [never] ? undefined : NonNullable<V>) : undefined;

/** The `?query` parameters of an operation (undefined when it has none). */
export type QueryOf<P extends keyof paths, M extends HttpMethod> = Part<Params<P, M>, "query">;
/** The `{path}` parameters of an operation (undefined when it has none). */
export type PathParamsOf<P extends keyof paths, M extends HttpMethod> = Part<Params<P, M>, "path">;

type JsonContent<R> = R extends { content: { "application/json": infer J } } ? J : undefined;

/** The JSON request body of an operation (undefined when it takes none). */
export type BodyOf<P extends keyof paths, M extends HttpMethod> = Op<P, M> extends { requestBody?: infer RB }
  ? [NonNullable<RB>] extends [never]
    ? undefined
    : JsonContent<NonNullable<RB>>
  : undefined;

type SuccessStatus = 200 | 201 | 202 | 203 | 204;
type Responses<P extends keyof paths, M extends HttpMethod> = Op<P, M> extends { responses: infer R } ? R : never;

/** The JSON body of an operation's success responses (undefined for 204). */
export type ResponseOf<P extends keyof paths, M extends HttpMethod> = {
  [C in keyof Responses<P, M>]: C extends SuccessStatus ? JsonContent<Responses<P, M>[C]> : never;
}[keyof Responses<P, M>];

type Item<L> = L extends readonly (infer I)[] ? I : never;

// Convenience names for the shapes most code handles.
export type User = ResponseOf<"/v1/auth/me", "get">;
export type AuthResult = ResponseOf<"/v1/auth/login", "post">;
export type Space = ResponseOf<"/v1/spaces/{spaceId}", "get">;
export type SpaceMember = Item<ResponseOf<"/v1/spaces/{spaceId}/members", "get">>;
export type Account = ResponseOf<"/v1/accounts/{accountId}", "get">;
export type Transaction = ResponseOf<"/v1/transactions/{id}", "get">;
export type Category = Item<ResponseOf<"/v1/categories", "get">>;
export type Budget = ResponseOf<"/v1/budgets/{id}", "get">;
export type Asset = ResponseOf<"/v1/assets/{assetId}", "get">;
export type AssetValuation = ResponseOf<"/v1/assets/{assetId}/valuations", "post">;
export type AssetDocument = Item<ResponseOf<"/v1/assets/{assetId}/documents", "get">["documents"]>;
export type Webhook = ResponseOf<"/v1/webhooks/{id}", "get">;
export type WebhookDelivery = ResponseOf<"/v1/webhooks/{id}/test", "post">;
export type ProjectionScenario = Item<ResponseOf<"/v1/projections/scenarios", "get">["scenarios"]>;
export type Household = ResponseOf<"/v1/households/{householdId}", "get">;
export type LifeBeatStatus = ResponseOf<"/v1/life-beat", "get">;
export type LifeBeatAccessLogEntry = Item<ResponseOf<"/v1/life-beat/access-log", "get">["entries"]>;
export type ProviderConnection = Item<ResponseOf<"/v1/providers/connections", "get">["connections"]>;
export type Pagination = { total: number; limit: number; offset: number; hasMore: boolean };
