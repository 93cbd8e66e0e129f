export { Dhanam } from "./client.js";
export { Dhanam as default } from "./client.js";
export { DhanamError, DhanamNetworkError, parseRetryAfter, type ErrorDetail } from "./errors.js";
export { BOOKMARK_HEADER, HttpClient, jwtExpiry, type ClientOptions, type FetchLike, type RequestOptions, type TokenSet } from "./http.js";
export { collect, iterateCursor, iterateList, iterateOffset, type CursorPage } from "./pagination.js";
export { Resource, type CallExtras, type CallOptions } from "./resources/base.js";
export type * from "./types.js";
export type { components, operations } from "./generated/schema.js";
export { OPERATIONS, type OperationId } from "./generated/operations.js";
