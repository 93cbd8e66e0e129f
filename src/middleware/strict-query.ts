/**
 * A query parameter a route does not declare is refused (422 UNKNOWN_FIELD), as an unknown body field is:
 * ignored, `?preview=true` on a route without a preview committed for real, and a misspelt filter
 * (`page_size`, `start_time`) answered an unfiltered list as if it had applied. Routes whose query schema
 * is marked by `withMetadataFilters` also take `metadata[key]=value` filters, which no schema can list.
 */
import type { MiddlewareHandler } from "hono";
import type { z } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { validationFailed } from "../lib/errors";

const metadataFilterSchemas = new WeakSet<object>();

/** Marks a query schema whose route also reads `metadata[key]=value` filters from the URL. */
export function withMetadataFilters<T extends object>(schema: T): T {
  metadataFilterSchemas.add(schema);
  return schema;
}

const METADATA_FILTER = /^metadata\[[^\]]*\]$/;
/** Unknown parameters named in a refusal, and the characters of each shown. */
const MAX_REPORTED = 10;
const MAX_KEY_SHOWN = 64;

/** The middleware for a route with this query schema (or none: then no query parameter is accepted). */
export function strictQuery(schema: z.ZodType | undefined): MiddlewareHandler<AppEnv> {
  const declared = new Set(schema ? Object.keys(shapeOf(schema)) : []);
  const metadata = !!schema && metadataFilterSchemas.has(schema);
  return async (c, next) => {
    const url = c.req.url;
    const q = url.indexOf("?");
    if (q >= 0) {
      const unknown = [...new Set(new URLSearchParams(url.slice(q + 1)).keys())].filter((k) => !declared.has(k) && !(metadata && METADATA_FILTER.test(k)));
      if (unknown.length > 0) {
        // The first few, each cut short: a URL of thousands of made-up keys must not make an answer many times its size.
        const shown = unknown.slice(0, MAX_REPORTED).map((k) => ({
          field: k.length > MAX_KEY_SHOWN ? `${k.slice(0, MAX_KEY_SHOWN)}…` : k, message: "Unknown query parameter: this route does not accept it", code: "UNKNOWN_FIELD",
        }));
        const more = unknown.length - shown.length;
        throw validationFailed(shown, more > 0 ? `Validation failed for the provided data (and ${more} more unknown query parameters)` : undefined);
      }
    }
    await next();
  };
}

/** The keys a query schema declares: an object's, or the input object's of a transformed one. */
function shapeOf(schema: z.ZodType): Record<string, unknown> {
  const s = schema as unknown as { shape?: Record<string, unknown>; in?: z.ZodType };
  if (s.shape) return s.shape;
  if (s.in) return shapeOf(s.in);
  // Registration fails, so a route whose parameters cannot be listed is found at startup, not by its users.
  throw new Error("A route's query schema must be an object (or a transformed object)");
}
