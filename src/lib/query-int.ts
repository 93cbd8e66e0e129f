/**
 * An integer from a query string. `z.coerce.number()` reads it with Number(), which takes "" as 0, "0x10" as
 * 16, " 10 " and "1e1" as 10: a client's typo becomes a value it never wrote. This takes decimal digits only
 * (a leading "-" too), checked character by character (no regular expression on client text).
 */
import { z } from "@hono/zod-openapi";

const isDecimalInteger = (s: string) => {
  const start = s.startsWith("-") ? 1 : 0;
  if (s.length === start || s.length - start > 15) return false;
  for (let i = start; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
};

/** The bounds a number schema checks, for the document: a query string's schema does not show its pipe's. */
const boundsOf = (schema: z.ZodNumber) => ({
  ...(Number.isFinite(schema.minValue) ? { minimum: schema.minValue! } : {}),
  ...(Number.isFinite(schema.maxValue) ? { maximum: schema.maxValue! } : {}),
});

/**
 * A query parameter holding a number `schema` takes, written as an integer in decimal digits; documented as an
 * integer with the schema's minimum and maximum (so generated types and validators know them, not only prose).
 */
export const queryIntOf = (schema: z.ZodNumber) =>
  z
    .string()
    .refine(isDecimalInteger, { message: "Must be an integer written in decimal digits", params: { code: "INVALID_FORMAT" } })
    .transform(Number)
    .pipe(schema)
    .openapi({ type: "integer", ...boundsOf(schema) });

/** A query parameter holding an integer from `min` to `max`, written in decimal digits. */
export const queryInt = (min: number, max: number) =>
  queryIntOf(z.number().int().min(min).max(max)).openapi({ type: "integer", minimum: min, maximum: max });
