/**
 * Turns every failure into the API's error format: the `{ error: {...} }`
 * envelope, or RFC 9457 problem details when the client asks for
 * `application/problem+json`. Unknown exceptions become a 500 whose body
 * says nothing about the cause; the cause goes to the structured log.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";
import type { AppEnv } from "../env";
import { ApiError, type ErrorDetail, joinSentences, validationFailed } from "../lib/errors";
import { MAX_UNKNOWN_SHOWN, meantField, shownKey } from "../lib/field-suggestion";
import { CATALOGUES, languageFromHeader, localizedMessage, tokenLanguage, translation, zodWording, type Locale } from "../lib/i18n";
import { logError } from "../lib/log";


/**
 * The caller's language: the user's (from the token), else Accept-Language, else English. Before the route's
 * authentication has read the token (a malformed X-D1-Bookmark is refused first), the token's claim is read
 * unverified: a signed-in user's error is in their language wherever it is raised. A successful answer's words (a
 * dashboard's "Other") follow the same choice.
 */
const RATE_LIMIT_HEADER_NAMES = ["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"];

export function requestLanguage(c: Context<AppEnv>): Locale {
  return c.get("auth")?.locale ?? c.get("bodyLocale") ?? tokenLanguage(c.req.header("authorization")) ?? languageFromHeader(c.req.header("accept-language")) ?? "en";
}

/**
 * The error in the caller's language. English keeps the specific message the
 * code raised; another language gets its translation, or the catalogue's wording
 * for the code (and for each detail's code) with the English after it
 * (localizedMessage). Codes and field names never change.
 */
function localized(err: ApiError, locale: Locale): { message: string; details: ErrorDetail[] } {
  if (locale === "en") return { message: err.message || CATALOGUES.en.errors[err.code], details: err.details };
  const catalogue = CATALOGUES[locale];
  const { details } = catalogue;
  const phrase = (english: string) => translation(catalogue, english);
  // A detail is a field's guidance: one without a translation keeps its English after the standard wording.
  const detail = (d: ErrorDetail) => {
    const standard = (details as Record<string, string>)[d.code] ?? details.default;
    // zod's own wording (a rule the schema gives no message of its own) reads in the catalogue's words (`zod`).
    return phrase(d.message) ?? zodWording(catalogue, d.message) ?? (d.message ? `${standard} (${d.message})` : standard);
  };
  // A message of several sentences reads whole when each has its translation, joined as the language lists things.
  const sentences = err.sentences?.map(phrase);
  const message = sentences?.length && sentences.every((s) => s !== undefined) ? joinSentences(locale, sentences as string[]) + "." : localizedMessage(locale, err.code, err.message);
  return {
    message,
    details: err.details.map((d) => ({ ...d, message: detail(d) })),
  };
}

export function errorResponse(c: Context<AppEnv>, err: ApiError): Response {
  const requestId = c.get("requestId") ?? "";
  const locale = requestLanguage(c);
  const { message, details } = localized(err, locale);
  const timestamp = new Date().toISOString();
  const wantsProblem = acceptsProblemJson(c.req.header("accept"));
  const headers: Record<string, string> = { ...err.headers };
  // The error's own headers win over any set earlier in the request (a 429's rate-limit headers are its
  // bucket's): Hono copies those earlier ones onto whatever response is returned here, so they are replaced
  // on the context first, for both formats.
  for (const [k, v] of Object.entries(headers)) c.header(k, v);
  // A 429 of a business rule (a sync within 15 minutes of the last, too many wrong passwords) is no rate
  // limit's refusal: the X-RateLimit-* headers a policy set earlier (with requests to spare) would contradict its
  // Retry-After, so they go; a rate limit's own 429 carries its bucket's.
  if (err.status === 429 && !("X-RateLimit-Limit" in headers)) for (const k of RATE_LIMIT_HEADER_NAMES) c.header(k, undefined);
  if (wantsProblem) {
    headers["content-type"] = "application/problem+json";
    const body = {
      type: `https://docs.dhanam.app/errors/${err.code.toLowerCase().replace(/_/g, "-")}`,
      // The status's short name in the reader's language, as `detail` is.
      title: (CATALOGUES[locale].titles as Record<number, string>)[err.status] ?? CATALOGUES[locale].titles.other,
      status: err.status,
      detail: message,
      instance: new URL(c.req.url).pathname,
      code: err.code,
      errors: details,
      timestamp,
      requestId,
    };
    return new Response(JSON.stringify(body), { status: err.status, headers });
  }
  return c.json({ error: { code: err.code, message, details, timestamp, requestId } }, err.status as ContentfulStatusCode);
}

/**
 * Whether an Accept header names application/problem+json as acceptable: a media range is case-insensitive
 * (RFC 9110 8.3.1: `Application/Problem+JSON` names it too) and `q=0` means "not this one" (12.4.2). Parsed by
 * splitting, never by a RegExp on the header; a long header is read to its first 1,024 characters.
 */
export function acceptsProblemJson(header: string | undefined | null): boolean {
  if (!header) return false;
  return header
    .slice(0, 1024)
    .split(",")
    .some((range) => {
      const [type = "", ...params] = range.split(";");
      if (type.trim().toLowerCase() !== "application/problem+json") return false;
      const q = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith("q="));
      return q === undefined || Number(q.slice(2)) > 0;
    });
}

function fromHttpException(e: HTTPException): ApiError {
  switch (e.status) {
    case 400:
      return new ApiError(400, "BAD_REQUEST", e.message || "Malformed request");
    case 401:
      return new ApiError(401, "UNAUTHORIZED", e.message || "Authentication required");
    case 413:
      return new ApiError(413, "PAYLOAD_TOO_LARGE", "Request body is too large");
    case 415:
      return new ApiError(415, "UNSUPPORTED_MEDIA_TYPE", "Send the request body as application/json");
    default:
      return new ApiError(e.status, e.status >= 500 ? "INTERNAL_ERROR" : "BAD_REQUEST", e.message || "Request failed");
  }
}

export function onError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof ApiError) return errorResponse(c, err);
  if (err instanceof HTTPException) return errorResponse(c, fromHttpException(err));
  logError(c.get("requestId"), "unhandled", err);
  return errorResponse(c, new ApiError(500, "INTERNAL_ERROR", "An unexpected error occurred"));
}

/**
 * Whether the field an issue names was left out of the input (its parent an object without it). zod 4 says "expected
 * one of …" for a missing enum and a missing union alike, the words of a wrong value: the input tells them apart.
 */
function leftOut(input: unknown, path: readonly PropertyKey[]): boolean {
  if (path.length === 0) return false;
  let at: unknown = input;
  for (const key of path.slice(0, -1)) {
    if (at === null || typeof at !== "object") return false;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  if (at === null || typeof at !== "object" || Array.isArray(at)) return false;
  const last = path[path.length - 1]!;
  return !Object.prototype.hasOwnProperty.call(at, last) || (at as Record<PropertyKey, unknown>)[last] === undefined;
}

function issueCode(issue: ZodError["issues"][number], input: unknown): string {
  if (issue.code === "invalid_type" && issue.message.includes("received undefined")) return "REQUIRED";
  // A refinement names its own code; any other check of a field the body left out is a missing field.
  if (issue.code !== "custom" && input !== undefined && leftOut(input, issue.path)) return "REQUIRED";
  if (issue.code === "invalid_format" && "format" in issue) return `INVALID_${String(issue.format).toUpperCase()}`;
  // A discriminated union's tag that is none of its values (a rule's `condition`) is a value out of a list.
  if (issue.code === "invalid_union" && "discriminator" in issue) return "INVALID_VALUE";
  // A refinement may name its own code (`params.code`), e.g. INVALID_RANGE. One that names none is INVALID_VALUE, never
  // zod's CUSTOM, which tells a client nothing it can act on.
  if (issue.code === "custom") return typeof issue.params?.code === "string" ? issue.params.code : "INVALID_VALUE";
  return issue.code.toUpperCase();
}

/**
 * One detail per zod issue, named by its dotted path (`body` for the whole body); one per unknown field, naming the
 * field it most likely stands for among those of its object refused in the same answer (missing, or an enum left
 * without a value): a body with `nmae` for `name` is told which field to rename.
 */
export function zodDetails(error: ZodError, input?: unknown): ErrorDetail[] {
  return zodRefusal(error, input).details;
}

/** zodDetails, with the unknown fields past the first few counted (`more`) rather than listed. */
function zodRefusal(error: ZodError, input: unknown): { details: ErrorDetail[]; more: number } {
  // The fields refused in each object, by the object's dotted path: an unknown field beside one may be its typo.
  const missing = new Map<string, string[]>();
  let unknown = 0;
  for (const issue of error.issues) {
    if (issue.path.length === 0 || issue.code === "unrecognized_keys") continue;
    const parent = issue.path.slice(0, -1).map(String).join(".");
    const list = missing.get(parent) ?? [];
    if (list.length === 0) missing.set(parent, list);
    list.push(String(issue.path[issue.path.length - 1]));
  }
  const details = error.issues.flatMap((issue) => {
    const at = issue.path.map(String);
    if (issue.code === "unrecognized_keys") {
      const shown = issue.keys.slice(0, Math.max(0, MAX_UNKNOWN_SHOWN - unknown));
      unknown += issue.keys.length;
      // Named and guessed for the first few only, each key cut short: a body of thousands of made-up keys (a megabyte
      // holds some 100,000) costs no more than a handful, and is told how many more there are, as a URL's are.
      return shown.map((key) => {
        const meant = meantField(key, missing.get(at.join(".")) ?? []);
        const message = meant ? `Unknown field: did you mean ${meant}?` : "Unknown field: this request does not accept it";
        return { field: [...at, shownKey(key)].join("."), message, code: "UNKNOWN_FIELD" };
      });
    }
    return [{ field: at.join(".") || "body", message: issue.message, code: issueCode(issue, input) }];
  });
  return { details, more: Math.max(0, unknown - MAX_UNKNOWN_SHOWN) };
}

/** The hook every router validates with: a 422 listing each bad field. */
export function validationHook(
  result: { success: true } | { success: false; error: ZodError; data?: unknown },
  c: Context<AppEnv>,
): Response | undefined {
  if (result.success) return undefined;
  const { details, more } = zodRefusal(result.error, result.data);
  return errorResponse(c, validationFailed(details, more > 0 ? `Validation failed for the provided data (and ${more} more unknown fields)` : undefined));
}
