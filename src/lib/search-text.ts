/**
 * Text as a search compares it. SQLite's LIKE folds ASCII letters only, so "núñez" never found "NÚÑEZ" and
 * "cafe" never found "Café": a Spanish-speaking user could not search their own merchants. Stored texts and
 * search terms are folded here the same way, and the list then compares folded to folded (instr, case-sensitive).
 *
 * Folding: compatibility forms unified (full-width letters, the "ﬁ" ligature), accents dropped, format characters
 * dropped (zero-width space and joiners, the soft hyphen, bidi marks: they show nothing, and a bank's "Ca\u200Bfé"
 * was not found by "cafe"), lower case, "ß" as "ss" and a final sigma as a sigma (what full case folding does and
 * toLowerCase does not), and runs of whitespace as one space. Not for stored keys that other rows are matched by
 * (the ML merchant key has its own normalization, `normalizeText`, which must not change under rows already stored).
 */
export function foldForSearch(s: string): string {
  return s
    .normalize("NFKD")
    .replace(/[\p{M}\p{Cf}]+/gu, "")
    .toLowerCase()
    .replace(/ß/g, "ss")
    .replace(/ς/g, "σ")
    .replace(/\s+/g, " ")
    .trim();
}

/** The folded copies a transaction row keeps of its description and merchant (null for no merchant). */
export const foldedTexts = (description: string, merchantName: string | null | undefined) => ({
  descriptionFolded: foldForSearch(description),
  merchantFolded: merchantName == null ? null : foldForSearch(merchantName),
});
