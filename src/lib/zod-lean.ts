/**
 * What `import { z } from "zod"` resolves to in our bundle (wrangler.toml [alias],
 * vitest.config.ts): zod's classic API without the 40-odd locales, the JIT
 * compiler and JSON-schema conversion, none of which we use. They made up
 * about 370 KB of the 454 KB zod bundle and roughly 100 ms of start-up in
 * local measurement (bench/startup.mjs). English messages are configured as
 * zod itself does. Files are reached by path so the alias cannot loop.
 */
// @ts-nocheck -- re-exports zod's own modules; the types come from the real package.
import { config } from "../../node_modules/zod/v4/core/index.js";
import en from "../../node_modules/zod/v4/locales/en.js";
import * as self from "./zod-lean";

export * from "../../node_modules/zod/v4/classic/schemas.js";
export * from "../../node_modules/zod/v4/classic/checks.js";
export * from "../../node_modules/zod/v4/classic/errors.js";
export * from "../../node_modules/zod/v4/classic/parse.js";
export * from "../../node_modules/zod/v4/classic/compat.js";
export {
  globalRegistry, registry, config, memoizer, $output, $input, $brand, clone, regexes, treeifyError, prettifyError,
  formatError, flattenError, TimePrecision, util, NEVER, INVALID, getDiscriminatedOption,
} from "../../node_modules/zod/v4/core/index.js";
export { deepPartial } from "../../node_modules/zod/v4/classic/deep-partial.js";
export { input, output } from "../../node_modules/zod/v4/classic/in-out.js";
export { ZodISODateTime, ZodISODate, ZodISOTime, ZodISODuration } from "../../node_modules/zod/v4/classic/iso.js";
export * as iso from "../../node_modules/zod/v4/classic/iso.js";
export * as coerce from "../../node_modules/zod/v4/classic/coerce.js";
export { self as z, self as default };

config(en());
