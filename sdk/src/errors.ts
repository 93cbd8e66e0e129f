/** Errors the SDK throws: the API's error envelope as a typed exception. */

export interface ErrorDetail {
  field: string;
  message: string;
  code: string;
}

/** An error answer from the API: `{ error: { code, message, details, timestamp, requestId } }`. */
export class DhanamError extends Error {
  override readonly name: string = "DhanamError";
  constructor(
    message: string,
    /** HTTP status; 0 when no response arrived (see DhanamNetworkError). */
    readonly status: number,
    /** Machine-readable code, e.g. `VALIDATION_FAILED`, `RESOURCE_NOT_FOUND`, `RATE_LIMIT_EXCEEDED`. */
    readonly code: string,
    /** Per-field problems (422). */
    readonly details: ErrorDetail[] = [],
    /** The request's id (`X-Request-Id`), for support and logs. */
    readonly requestId: string | undefined = undefined,
    /** Seconds the server asked to wait (Retry-After on 429/503), when it said. */
    readonly retryAfter: number | undefined = undefined,
    /** The parsed response body, as sent. */
    readonly body: unknown = undefined,
  ) {
    super(message);
  }

  /**
   * Builds the error from a non-2xx response (envelope, RFC 9457 problem details, or anything else). `read` reads its
   * body (the client's reads it within its `timeoutMs`: a body that stalls is read as none, not waited on forever).
   */
  static async fromResponse(res: Response, read: (res: Response) => Promise<string> = (r) => r.text()): Promise<DhanamError> {
    const text = await read(res).catch(() => "");
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    const headerId = res.headers.get("x-request-id") ?? undefined;
    const retryAfter = parseRetryAfter(res.headers.get("retry-after"));
    const env = (body as { error?: Record<string, unknown> } | undefined)?.error;
    if (env && typeof env === "object") {
      return new DhanamError(
        String(env.message ?? res.statusText ?? "Request failed"),
        res.status,
        String(env.code ?? `HTTP_${res.status}`),
        Array.isArray(env.details) ? (env.details as ErrorDetail[]) : [],
        typeof env.requestId === "string" && env.requestId ? env.requestId : headerId,
        retryAfter,
        body,
      );
    }
    const problem = body as Record<string, unknown> | undefined;
    if (problem && typeof problem === "object" && ("title" in problem || "code" in problem)) {
      return new DhanamError(
        String(problem.detail ?? problem.title ?? "Request failed"),
        res.status,
        String(problem.code ?? `HTTP_${res.status}`),
        Array.isArray(problem.errors) ? (problem.errors as ErrorDetail[]) : [],
        typeof problem.requestId === "string" ? problem.requestId : headerId,
        retryAfter,
        body,
      );
    }
    return new DhanamError(`HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}`, res.status, `HTTP_${res.status}`, [], headerId, retryAfter, body);
  }
}

/** No response arrived (connection refused, reset, DNS, ...); `cause` is the fetch error. */
export class DhanamNetworkError extends DhanamError {
  override readonly name = "DhanamNetworkError";
  constructor(override readonly cause: unknown) {
    super(`Network error: ${cause instanceof Error ? cause.message : String(cause)}`, 0, "NETWORK_ERROR");
  }
}

/** Retry-After as seconds (delta-seconds or an HTTP date); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - now) / 1000);
}
