import { z } from "@hono/zod-openapi";

/**
 * Characters that show nothing on their own: whitespace and separators, controls, format characters (zero-width
 * space and joiners, bidi marks), combining marks with nothing to sit on, and the blank letters that are not
 * spaces by category (Hangul fillers, the blank Braille pattern).
 */
const INVISIBLE = /[\s\p{Z}\p{Cc}\p{Cf}\p{M}\u115F\u1160\u3164\uFFA0\u2800]/gu;

/**
 * The Unicode bidirectional formatting characters: embeddings and overrides (U+202A-U+202E), isolates
 * (U+2066-U+2069) and the marks (U+200E, U+200F, U+061C). They show nothing and reorder the text around them as
 * it is shown: `invoice\u202Efdp.exe` reads `invoiceexe.pdf`, a program dressed as a PDF. Refused in names a
 * reader takes at their word, such as a file's (its extension); kept in free text, where right-to-left
 * writing needs the marks.
 */
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/;
const BIDI_CONTROLS = new RegExp(BIDI_CONTROL.source, "g");
/** The bidirectional controls that reorder a run of text (embeddings, overrides, isolates), not the marks. */
const BIDI_REORDERING = /[\u202A-\u202E\u2066-\u2069]/;

/** True when `s` holds a bidirectional formatting character (BIDI_CONTROL). */
export const hasBidiControl = (s: string) => BIDI_CONTROL.test(s);

/** `s` without its bidirectional formatting characters: for showing text stored before they were refused. */
export const withoutBidiControls = (s: string) => s.replace(BIDI_CONTROLS, "");

/** The refinement that refuses them, as `INVALID_TEXT` (the code of the other characters text may not hold). */
export const noBidiControl = [
  (s: string) => !hasBidiControl(s),
  {
    message: "Holds a bidirectional control character (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F or U+061C), which would change how it reads: send the name without it",
    params: { code: "INVALID_TEXT" },
  },
] as const;

/** `s` without the characters that show nothing (for comparing names as a reader sees them). */
export const withoutInvisible = (s: string) => s.replace(INVISIBLE, "");

/** True when `s` has at least one character a reader can see. */
export const hasVisibleCharacter = (s: string) => withoutInvisible(s).length > 0;

/** Line breaks of every kind: LF, CR, vertical tab, form feed, NEL and the Unicode line and paragraph separators. */
const LINE_BREAKS = /[\n\r\v\f\u0085\u2028\u2029]+/g;

/** `s` on one line: each run of line breaks a space (a subject line built from a name stored before they were refused). */
export const oneLine = (s: string) => s.replace(LINE_BREAKS, " ");

/**
 * A user-written name: trimmed, `max` characters at most, on one line (names go into lists and email subjects, where
 * a line break ends the header: a household named across two lines had its Life Beat notices refused by the email
 * provider), and not made only of invisible characters (a zero-width space passed `min(1)` and showed as a blank row
 * in every list). Refused as `INVALID_VALUE`.
 */
export const VisibleName = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    // One detail a field: an empty name is min(1)'s to refuse, a name across lines the one-line check's (whether or not
    // it also shows nothing).
    .refine((s) => oneLine(s) === s, { message: "Must be on one line", params: { code: "INVALID_VALUE" } })
    .refine((s) => s.length === 0 || oneLine(s) !== s || hasVisibleCharacter(s), { message: "Must contain a visible character", params: { code: "INVALID_VALUE" } })
    // Embeddings, overrides and isolates reorder what other people see ("\u202Enimda" shows as "admin" in a space's
    // member list); the marks (LRM, RLM, ALM), which right-to-left names need, stay. One detail a field, as above.
    .refine((s) => !BIDI_REORDERING.test(s) || oneLine(s) !== s || !hasVisibleCharacter(s), {
      message: "Holds a bidirectional embedding, override or isolate (U+202A-U+202E, U+2066-U+2069), which would change how it reads: send the name without it",
      params: { code: "INVALID_TEXT" },
    });
