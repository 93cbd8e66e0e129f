import { z } from "@hono/zod-openapi";

/**
 * `schema`, with a value it would refuse judged first by `problem`: the message it returns is the field's one
 * detail, under detail code `code`. zod's own refusals say what failed in zod's terms, not what to send: a
 * union none of whose forms fit is "Invalid input" (INVALID_UNION), a wrong type "expected string, received
 * number". `problem` returns undefined for what `schema` takes, which `schema` then parses as before (and is
 * what the OpenAPI document shows). A missing value is REQUIRED, as zod says of any other field; wrap the
 * result in `.optional()` for a field that may be left out.
 */
export function explained<T extends z.ZodType>(schema: T, code: string, problem: (value: unknown) => string | undefined) {
  return z.preprocess((value, ctx) => {
    const message = value === undefined ? "Required" : problem(value);
    if (message !== undefined) ctx.addIssue({ code: "custom", message, params: { code: value === undefined ? "REQUIRED" : code } });
    return value;
  }, schema);
}
