/**
 * Refuses, before any route parses it, a JSON body holding a number that a
 * double cannot represent exactly, or text that is not well-formed Unicode (an
 * unpaired `\uD800`-style escape): 422 with each field's path. Money and
 * quantities beyond a double's precision must arrive as decimal strings, and
 * text must read back as it was written.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { scanJson } from "../lib/exact-json";
import { validationFailed } from "../lib/errors";

export const exactNumbers: MiddlewareHandler<AppEnv> = async (c, next) => {
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  const isJson = type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"));
  if (c.req.method !== "GET" && c.req.method !== "HEAD" && isJson) {
    // Hono caches the text, so the route's own JSON parse reads the same bytes.
    const { inexact, illFormed } = scanJson(await c.req.text());
    if (inexact.length > 0 || illFormed.length > 0) {
      throw validationFailed(
        [
          ...inexact.map((x) => ({
            field: x.path || "body",
            message: `${x.text.slice(0, 40)} cannot be held exactly by a JSON number; send it as a decimal string`,
            code: "INEXACT_NUMBER",
          })),
          ...illFormed.map((x) => ({
            field: x.path || "body",
            message: "Holds an unpaired surrogate escape (\\uD800-\\uDFFF alone); send well-formed Unicode text",
            code: "INVALID_TEXT",
          })),
        ],
        inexact.length === 0 ? "Text in the request is not well-formed Unicode"
          : illFormed.length === 0 ? "A number in the request cannot be represented exactly"
          : "A number in the request cannot be represented exactly, and text in it is not well-formed Unicode",
      );
    }
  }
  await next();
};
