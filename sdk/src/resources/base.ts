/**
 * The base of every resource namespace: a typed call over the generated paths.
 *
 * Adding an API area once its routes are in the OpenAPI document: run
 * `npm run sdk:generate`, write
 * `resources/<area>.ts` with a class extending `Resource` whose methods call
 * `this.call("get", "/v1/<area>", { query })` (path, query, body and result are
 * typed from the document), and add one line to `Dhanam` in client.ts. Until
 * then `dhanam.request(method, path, ...)` reaches any documented route.
 */
import type { HttpClient } from "../http.js";
import type { BodyOf, HttpMethod, PathParamsOf, PathsWith, QueryOf, ResponseOf } from "../types.js";

/** Per-call extras every resource method accepts. */
export interface CallExtras {
  /** Use this Idempotency-Key instead of a generated one (money-moving calls). */
  idempotencyKey?: string;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

export type CallOptions<P extends PathsWith<M>, M extends HttpMethod> = CallExtras & {
  path?: PathParamsOf<P, M>;
  query?: QueryOf<P, M>;
  body?: BodyOf<P, M>;
  /** Generate an Idempotency-Key (kept across retries) unless `idempotencyKey` names one. */
  idempotent?: boolean;
  auth?: boolean;
};

export function typedCall<P extends PathsWith<M>, M extends HttpMethod>(
  http: HttpClient,
  method: M,
  path: P,
  o: CallOptions<P, M> = {},
): Promise<ResponseOf<P, M>> {
  return http.request<ResponseOf<P, M>>({
    method,
    path,
    pathParams: o.path as Record<string, string> | undefined,
    query: o.query as Record<string, string> | undefined,
    body: o.body,
    idempotencyKey: o.idempotencyKey ?? (o.idempotent ? true : undefined),
    auth: o.auth,
    headers: o.headers,
    signal: o.signal,
  });
}

export abstract class Resource {
  constructor(protected readonly http: HttpClient) {}

  protected call<P extends PathsWith<M>, M extends HttpMethod>(method: M, path: P, o: CallOptions<P, M> = {}): Promise<ResponseOf<P, M>> {
    return typedCall(this.http, method, path, o);
  }
}
