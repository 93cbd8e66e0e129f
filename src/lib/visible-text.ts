import { z } from "@hono/zod-openapi";

/**
 * Characters that show nothing on their own: whitespace and separators, controls, format characters (zero-width
 * space and joiners, bidi marks), combining marks with nothing to sit on, and the blank letters that are not
 * spaces by category (Hangul fillers, the blank Braille pattern).
 */
const INVISIBLE = /[\s\p{Z}\p{Cc}\p{Cf}\p{M}\u115F\u1160\u3164\uFFA0\u2800]/gu;

/** `s` without the characters that show nothing (for comparing names as a reader sees them). */
export const withoutInvisible = (s: string) => s.replace(INVISIBLE, "");

/** True when `s` has at least one character a reader can see. */
export const hasVisibleCharacter = (s: string) => withoutInvisible(s).length > 0;

/**
 * A user-written name: trimmed, `max` characters at most, and not made only of invisible characters (a
 * zero-width space passed `min(1)` and showed as a blank row in every list). Refused as `INVALID_VALUE`.
 */
export const VisibleName = (max: number) =>
  z.string().trim().min(1).max(max).refine(hasVisibleCharacter, { message: "Must contain a visible character", params: { code: "INVALID_VALUE" } });
