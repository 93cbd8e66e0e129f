/**
 * The languages the API speaks and how a request's language is chosen: the
 * signed-in user's locale (carried in the access token), else the request's
 * `Accept-Language`, else English. Field names and error codes never change
 * with the language; only human-readable text does.
 */
import { en } from "./messages/en";
import { es } from "./messages/es";
import type { Catalogue } from "./messages/catalogue";

export const LOCALES = ["en", "es"] as const;
export type Locale = (typeof LOCALES)[number];

export const CATALOGUES: Record<Locale, Catalogue> = { en, es };

export function localeOf(value: unknown): Locale {
  return value === "es" ? "es" : "en";
}

/**
 * The preferred supported language of an Accept-Language header
 * (`es-MX,es;q=0.9,en;q=0.8`), parsed by splitting, never by a RegExp on
 * user text. Ties keep the header's order; `q=0` means "not this one".
 */
export function languageFromHeader(header: string | undefined | null): Locale | undefined {
  if (!header) return undefined;
  let best: { locale: Locale; q: number } | undefined;
  for (const part of header.slice(0, 256).split(",")) {
    const [tag = "", ...params] = part.trim().split(";");
    const primary = tag.trim().toLowerCase().split("-")[0];
    if (primary !== "en" && primary !== "es") continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    if (!best || q > best.q) best = { locale: primary, q };
  }
  return best?.locale;
}
