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
import { MAX_UNKNOWN_SHOWN, meantField, shownKey } from "../lib/field-suggestion";

const metadataFilterSchemas = new WeakSet<object>();

/** Marks a query schema whose route also reads `metadata[key]=value` filters from the URL. */
export function withMetadataFilters<T extends object>(schema: T): T {
  metadataFilterSchemas.add(schema);
  return schema;
}

const METADATA_FILTER = /^metadata\[[^\]]*\]$/;

/** The middleware for a route with this query schema (or none: then no query parameter is accepted). */
export function strictQuery(schema: z.ZodType | undefined): MiddlewareHandler<AppEnv> {
  const shape = schema ? shapeOf(schema) : {};
  const declared = new Set(Object.keys(shape));
  /** Declared parameters that take one value: sent twice, the validator saw a list ("expected string, received array"). */
  const single = new Set([...declared].filter((k) => !takesList(shape[k])));
  const metadata = !!schema && metadataFilterSchemas.has(schema);
  return async (c, next) => {
    const url = c.req.url;
    const q = url.indexOf("?");
    if (q >= 0) {
      const params = new URLSearchParams(url.slice(q + 1));
      const seen = new Set<string>();
      const repeated = new Set<string>();
      for (const k of params.keys()) {
        if (seen.has(k) && single.has(k)) repeated.add(k);
        seen.add(k);
      }
      if (repeated.size > 0) {
        throw validationFailed([...repeated].map((k) => ({ field: k, message: "This query parameter appears more than once: send it once", code: "DUPLICATE_KEY" })));
      }
      const unknown = [...seen].filter((k) => !declared.has(k) && !(metadata && METADATA_FILTER.test(k)));
      if (unknown.length > 0) {
        // The first few, each cut short: a URL of thousands of made-up keys must not make an answer many times its size.
        // A misspelt parameter (`page_size`, `spaceid`) is told the declared one it stands for, among those not sent.
        const unsent = [...declared].filter((d) => !seen.has(d));
        const shown = unknown.slice(0, MAX_UNKNOWN_SHOWN).map((k) => {
          const meant = meantField(k, unsent);
          const message = meant ? `Unknown query parameter: did you mean ${meant}?` : "Unknown query parameter: this route does not accept it";
          return { field: shownKey(k), message, code: "UNKNOWN_FIELD" };
        });
        const more = unknown.length - shown.length;
        throw validationFailed(shown, more > 0 ? `Validation failed for the provided data (and ${more} more unknown query parameters)` : undefined);
      }
    }
    await next();
  };
}

/** Whether a query parameter's schema takes a list (repeated `?k=a&k=b`), through optional, default and pipe wrappers. */
function takesList(field: unknown): boolean {
  let def = (field as { _zod?: { def?: Record<string, unknown> } } | undefined)?._zod?.def;
  for (let i = 0; def && i < 10; i++) {
    if (def.type === "array") return true;
    const inner = (def.innerType ?? def.in) as { _zod?: { def?: Record<string, unknown> } } | undefined;
    def = inner?._zod?.def;
  }
  return false;
}

/** The keys a query schema declares: an object's, or the input object's of a transformed one. */
function shapeOf(schema: z.ZodType): Record<string, unknown> {
  const s = schema as unknown as { shape?: Record<string, unknown>; in?: z.ZodType };
  if (s.shape) return s.shape;
  if (s.in) return shapeOf(s.in);
  // Registration fails, so a route whose parameters cannot be listed is found at startup, not by its users.
  throw new Error("A route's query schema must be an object (or a transformed object)");
}
