/**
 * Refuses a JSON body holding a number that a double cannot represent exactly
 * (422 with the field's path), before any route parses it. Money and
 * quantities beyond a double's precision must arrive as decimal strings.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { findInexactNumbers } from "../lib/exact-json";
import { validationFailed } from "../lib/errors";

export const exactNumbers: MiddlewareHandler<AppEnv> = async (c, next) => {
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  const isJson = type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"));
  if (c.req.method !== "GET" && c.req.method !== "HEAD" && isJson) {
    // Hono caches the text, so the route's own JSON parse reads the same bytes.
    const inexact = findInexactNumbers(await c.req.text());
    if (inexact.length > 0) {
      throw validationFailed(
        inexact.map((x) => ({
          field: x.path || "body",
          message: `${x.text.slice(0, 40)} cannot be held exactly by a JSON number; send it as a decimal string`,
          code: "INEXACT_NUMBER",
        })),
        "A number in the request cannot be represented exactly",
      );
    }
  }
  await next();
};
