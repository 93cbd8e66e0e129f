/**
 * The languages the API speaks and how a request's language is chosen: the
 * signed-in user's locale (carried in the access token), else the request's
 * `Accept-Language`, else English. Field names and error codes never change
 * with the language; only human-readable text does.
 *
 * A locale is a bare language code; the region only picks how dates are
 * written (DATE_LOCALES). Portuguese is Brazilian Portuguese: `pt`, `pt-BR`
 * (and any other `pt-*`) all choose it, as any `es-*` chooses Spanish.
 */
import { en } from "./messages/en";
import { es } from "./messages/es";
import { pt } from "./messages/pt";
import type { Catalogue } from "./messages/catalogue";

export const LOCALES = ["en", "es", "pt"] as const;
export type Locale = (typeof LOCALES)[number];


export const CATALOGUES: Record<Locale, Catalogue> = { en, es, pt };

/** The BCP 47 tag each locale formats dates with (`toLocaleDateString`). */
export const DATE_LOCALES: Record<Locale, string> = { en: "en-US", es: "es-MX", pt: "pt-BR" };

/** The supported locale of a language tag (`pt-BR`, `es_MX`, `EN`) by its primary subtag; undefined when none is. */
export function supported(tag: string): Locale | undefined {
  const primary = tag.trim().toLowerCase().split("-")[0]?.split("_")[0];
  return (LOCALES as readonly string[]).includes(primary ?? "") ? (primary as Locale) : undefined;
}

/** A stored or claimed locale (a user's, a token's) as a supported one; anything else is English. */
export function localeOf(value: unknown): Locale {
  return (typeof value === "string" && supported(value.slice(0, 64))) || "en";
}

/**
 * The preferred supported language of an Accept-Language header
 * (`es-MX,es;q=0.9,en;q=0.8`), parsed by splitting, never by a RegExp on
 * user text. Ties keep the header's order; `q=0` means "not this one".
 */
export function languageFromHeader(header: string | undefined | null): Locale | undefined {
  if (!header) return undefined;
  let best: { locale: Locale; q: number } | undefined;
  const parts = header.slice(0, 256).split(",");
  // A part cut at the 256th character could have lost its weight ("es;q=0.1" read as "es;q", weight 1): dropped.
  if (header.length > 256) parts.pop();
  for (const part of parts) {
    const [tag = "", ...params] = part.trim().split(";");
    const locale = supported(tag);
    if (!locale) continue;
    // The weight's name is case-insensitive (RFC 9110 12.4.2: `Q=0` is a refusal too); a weight is at most 1.
    const qParam = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith("q="));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0 || q > 1) continue;
    if (!best || q > best.q) best = { locale, q };
  }
  return best?.locale;
}
