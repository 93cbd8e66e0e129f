/**
 * The error vocabulary of the API. Services throw `ApiError`; the app's error
 * handler renders it as the `{ error: {...} }` envelope or as RFC 9457
 * problem details, so no layer below the routes formats an error itself.
 */
/** Every `error.code` the API answers with (published as the enum of the OpenAPI document's `Error.code`). */
export const ERROR_CODES = [
  "BAD_REQUEST",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "VALIDATION_FAILED",
  "RESOURCE_NOT_FOUND",
  "METHOD_NOT_ALLOWED",
  "DUPLICATE_RESOURCE",
  "CONFLICT",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "PROVIDER_ERROR",
  "RATE_LIMIT_EXCEEDED",
  "INSUFFICIENT_FUNDS",
  "SYNC_IN_PROGRESS",
  "ALREADY_REVERTED",
  "IDEMPOTENCY_KEY_REUSED",
  "TWO_FACTOR_REQUIRED",
  "TOKEN_INVALID",
  "TOKEN_EXPIRED",
  "TOKEN_ALREADY_USED",
  "QUOTA_EXCEEDED",
  "PROVIDER_UNAVAILABLE",
  "INTERNAL_ERROR",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorDetail {
  field: string;
  message: string;
  code: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
    /** Extra response headers, e.g. `Allow` or `Retry-After`. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }

  /**
   * A message made of several sentences (validationFailedBecause): each is translated on its own and they are joined
   * as the reader's language lists things (i18n.ts, joinSentences); `message` is their English join.
   */
  sentences?: readonly string[];
}

export const notFound = (what = "Resource") => new ApiError(404, "RESOURCE_NOT_FOUND", `${what} not found`);
export const forbidden = (message = "Your role in this space does not allow this operation") =>
  new ApiError(403, "FORBIDDEN", message);
export const unauthorized = (message = "Authentication token invalid or expired") =>
  new ApiError(401, "UNAUTHORIZED", message);
export const validationFailed = (details: ErrorDetail[], message = "Validation failed for the provided data") =>
  new ApiError(422, "VALIDATION_FAILED", message, details);
/**
 * A 422 whose message names each of several faults, one sentence each (`false` for a fault that is absent): the
 * sentences are joined in the reader's language, each translated as a phrase of its own.
 */
export function validationFailedBecause(details: ErrorDetail[], sentences: (string | false)[]): ApiError {
  const present = sentences.filter((s): s is string => s !== false);
  const error = new ApiError(422, "VALIDATION_FAILED", joinSentences("en", present), details);
  error.sentences = present;
  return error;
}

/**
 * Sentences as one, in `locale`'s way of listing them ("a, b, and c"; "a, b y c"; "a, b e c"): each loses its full
 * stop, each after the first its capital (unless its first word is all capitals, as an acronym is).
 */
export function joinSentences(locale: string, sentences: readonly string[]): string {
  const bare = sentences.map((s, i) => {
    const t = s.endsWith(".") ? s.slice(0, -1) : s;
    return i > 0 && t.length > 1 && t[1] === t[1]!.toLowerCase() ? t[0]!.toLowerCase() + t.slice(1) : t;
  });
  return new Intl.ListFormat(locale, { type: "conjunction" }).format(bare);
}

export const conflict = (message: string, code: ErrorCode = "CONFLICT") => new ApiError(409, code, message);
/** A 409 from anywhere (the ledger's reused reference, an already reverted transaction): the thing is done or taken. */
export const isConflict = (e: unknown): boolean => e instanceof ApiError && e.status === 409;
