/**
 * Refuses, before any route parses it, a JSON body holding a number that a
 * double cannot represent exactly, or text that is not well-formed Unicode (an
 * unpaired `\uD800`-style escape): 422 with each field's path. Money and
 * quantities beyond a double's precision must arrive as decimal strings, and
 * text must read back as it was written (no control characters but tab and line
 * breaks, either). A `__proto__` key is refused too: it
 * would be accepted and then lost by the first copy of the parsed object. So is a
 * key repeated in its object: the route would act on the last, where a proxy, a
 * log or the client's own reading may take the first.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { scanJson } from "../lib/exact-json";
import { validationFailedBecause } from "../lib/errors";
import { isJsonMediaType } from "./utf8-json";

export const exactNumbers: MiddlewareHandler<AppEnv> = (c, next) => scanned(c, next, true);

/**
 * The same scan for a provider's signed webhook: text the provider writes (an error message with a control
 * character in it, a key written twice) is its own, and refusing it would lose the notice after the provider's retries.
 */
export const exactProviderNumbers: MiddlewareHandler<AppEnv> = (c, next) => scanned(c, next, false);

async function scanned(c: Parameters<MiddlewareHandler<AppEnv>>[0], next: () => Promise<void>, refuseControls: boolean) {
  if (c.req.method !== "GET" && c.req.method !== "HEAD" && isJsonMediaType(c.req.header("content-type"))) {
    // Hono caches the text (read as strict UTF-8, middleware/utf8-json.ts), so the route's own JSON parse reads the same.
    const scan = scanJson(await c.req.text());
    const { inexact, illFormed, reserved } = scan;
    const controls = refuseControls ? scan.controls : [];
    const repeated = refuseControls ? scan.repeated : [];
    if (inexact.length > 0 || illFormed.length > 0 || reserved.length > 0 || controls.length > 0 || repeated.length > 0) {
      // One sentence a fault, each a phrase of the catalogues, joined in the reader's language (errors.ts).
      throw validationFailedBecause(
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
          ...controls.map((x) => ({
            field: x.path || "body",
            message: "Holds a control character (U+0000-U+001F other than tab and line breaks, or U+007F): send printable text",
            code: "INVALID_TEXT",
          })),
          ...reserved.map((x) => ({
            field: x.path,
            message: "__proto__ cannot be a key: a JavaScript object takes it as its prototype, so it would be lost rather than stored",
            code: "INVALID_KEY",
          })),
          ...repeated.map((x) => ({
            field: x.path,
            message: "This key appears more than once in its object: send each key once",
            code: "DUPLICATE_KEY",
          })),
        ],
        [
          inexact.length > 0 && "A number in the request cannot be represented exactly",
          illFormed.length > 0 && "Text in the request is not well-formed Unicode",
          reserved.length > 0 && "The request holds a __proto__ key",
          controls.length > 0 && "The request holds a control character",
          repeated.length > 0 && "The request repeats a key in one object",
        ],
      );
    }
  }
  await next();
}
