/**
 * Pieces every router uses to declare its routes: the router factory with the
 * shared validation hook, the error schema, and JSON body/response helpers.
 */
import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { validationHook } from "../middleware/errors";
import { ERROR_CODES } from "./errors";
import { strictQuery } from "../middleware/strict-query";

export function createRouter() {
  const router = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  // Every route refuses query parameters it does not declare (middleware/strict-query.ts), after its own
  // middleware (authentication first: a stranger learns nothing of a route's parameters) and before its validators.
  const register = router.openapi.bind(router);
  router.openapi = ((route, handler, hook) => {
    const own = route.middleware === undefined ? [] : Array.isArray(route.middleware) ? route.middleware : [route.middleware];
    return register({ ...route, middleware: [...own, strictQuery(route.request?.query)] }, handler, hook);
  }) as typeof router.openapi;
  return router;
}

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES).openapi({
        example: "VALIDATION_FAILED",
        description:
          "What went wrong, for programs (the message is for people and follows the caller's language). A client should treat a code it does not know as the status's generic error: codes may be added.",
      }),
      message: z.string(),
      details: z.array(
        z.object({
          field: z.string().openapi({ description: "The field's dotted path in the body (`postings.0.amount`), a query or path parameter's name, or a header's (`Idempotency-Key`, `X-D1-Bookmark`)" }),
          message: z.string(),
          code: z.string().openapi({
            example: "REQUIRED",
            description:
              "What is wrong with the field: e.g. REQUIRED, TOO_SMALL, TOO_BIG, INVALID_TYPE, INVALID_VALUE, INVALID_FORMAT, INVALID_EMAIL, INVALID_DATE, INVALID_AMOUNT, INEXACT_NUMBER, INVALID_TEXT, DUPLICATE_KEY, UNKNOWN_FIELD, INVALID_BOOKMARK; an open set.",
          }),
        }),
      ),
      timestamp: z.string(),
      requestId: z.string(),
    }),
  })
  .openapi("Error");

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "Malformed request",
  401: "Authentication required or invalid",
  403: "Role or second factor insufficient",
  404: "Not found, or in a space the caller cannot see",
  409: "Conflicts with existing state",
  422: "Validation failed; `details` lists each bad field (`PROVIDER_ERROR`: a provider refused what was sent, its own code in `details`)",
  429: "Rate limit exceeded; see Retry-After",
  502: "A provider failed or could not be reached; `details` names it",
};

/** OpenAPI response entries for the given error statuses. */
export function errors(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((s) => [
      s,
      { description: ERROR_DESCRIPTIONS[s] ?? "Error", content: { "application/json": { schema: ErrorSchema } } },
    ]),
  );
}

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { "application/json": { schema } } } as const;
}

export function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } } as const;
}

/** Bearer-token security requirement for documented routes. */
export const bearer = [{ bearerAuth: [] }];

/**
 * Marks a money-moving route as taking the optional `Idempotency-Key` header.
 * It is documented (completeDocument turns the mark into the header
 * parameter) but not given to a request validator: `idempotencyOf` (middleware/idempotency.ts) checks the
 * key itself, and a header validator copies every header of the request into
 * an object for zod on each write, about 0.2 ms of one.
 */
export const idempotent = { "x-idempotency-key": true } as const;

/** The parameter that `idempotent` stands for in the OpenAPI document. */
export const IDEMPOTENCY_PARAMETER = {
  schema: { type: "string", description: "Replays the first response for a retried request" },
  required: false,
  description: "Replays the first response for a retried request",
  name: "idempotency-key",
  in: "header",
} as const;

/**
 * Who may call a space-scoped route, published in the OpenAPI document
 * (`x-min-role`, `x-requires-2fa`). The services enforce it; the route-driven
 * authorization test reads it to check every route the document lists.
 */
export function access(minRole: "viewer" | "member" | "admin" | "owner", opts: { twoFactor?: boolean } = {}) {
  return { "x-min-role": minRole, ...(opts.twoFactor ? { "x-requires-2fa": true } : {}) } as const;
}
