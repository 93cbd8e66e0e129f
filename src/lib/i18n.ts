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
import type { Catalogue, EmailKind, EmailTemplate, ResponseKind } from "./messages/catalogue";
import type { ErrorCode } from "./errors";

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

/**
 * The language an access token names (its `lng` claim), read without verifying the token: for an answer given before
 * the token is checked, such as a malformed `X-D1-Bookmark`, refused before any route runs. Only the answer's
 * language follows it, which `Accept-Language` chooses as freely; anything that is not a JWT with a supported `lng`
 * names none. Read by splitting and a bounded base64 decode, never a RegExp on the header.
 */
export function tokenLanguage(authorization: string | undefined | null): Locale | undefined {
  if (!authorization || authorization.length > 4096 || authorization.slice(0, 7).toLowerCase() !== "bearer ") return undefined;
  const payload = authorization.slice(7).trim().split(".")[1];
  if (!payload) return undefined;
  try {
    const json = atob(payload.replaceAll("-", "+").replaceAll("_", "/").padEnd(Math.ceil(payload.length / 4) * 4, "="));
    const lng = (JSON.parse(json) as { lng?: unknown } | null)?.lng;
    return typeof lng === "string" ? supported(lng.slice(0, 64)) : undefined;
  } catch {
    return undefined;
  }
}

/** A template of a catalogue, split at its `{name}`s: the fixed text around the values, and the values' names. */
interface CompiledTemplate {
  fixed: string[];
  names: string[];
  translation: string;
}

const compiledTemplates = new WeakMap<Record<string, string>, CompiledTemplate[]>();

/** Templates (a catalogue's, or its zod wording), most fixed text first: of two that fit a message, the more specific one reads it. */
function templatesOf(templates: Record<string, string>): CompiledTemplate[] {
  let compiled = compiledTemplates.get(templates);
  if (!compiled) {
    compiled = Object.entries(templates)
      .map(([english, translation]) => {
        // The catalogue's own text, never a request's, is what these RegExps read.
        const names = [...english.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
        return { fixed: english.split(/\{\w+\}/), names, translation };
      })
      .sort((a, b) => b.fixed.join("").length - a.fixed.join("").length);
    compiledTemplates.set(templates, compiled);
  }
  return compiled;
}

/**
 * The values of `text` as a template with these fixed parts reads them, or undefined when it does not fit. By
 * startsWith, endsWith and indexOf (each value ends where the next fixed part first appears): a message holds request
 * text (a reference, a path), and no RegExp runs over it.
 */
function valuesIn(text: string, fixed: string[]): string[] | undefined {
  if (fixed.length === 1) return text === fixed[0] ? [] : undefined;
  const first = fixed[0]!;
  const last = fixed[fixed.length - 1]!;
  if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) return undefined;
  const end = text.length - last.length;
  const values: string[] = [];
  let at = first.length;
  for (const part of fixed.slice(1, -1)) {
    const found = text.indexOf(part, at + 1);
    if (found < 0 || found + part.length > end) return undefined;
    values.push(text.slice(at, found));
    at = found + part.length;
  }
  if (end <= at) return undefined;
  values.push(text.slice(at, end));
  return values;
}

/** The same as valuesIn, each value ending where the next fixed part last appears (read from the end). */
function valuesFromEnd(text: string, fixed: string[]): string[] | undefined {
  const reversed = valuesIn([...text].reverse().join(""), fixed.map((part) => [...part].reverse().join("")).reverse());
  return reversed?.map((v) => [...v].reverse().join("")).reverse();
}

/**
 * Values the code writes as one token (ids, numbers, addresses, assets, days, paths, methods): a reading that puts
 * white space in one is not the message the template stands for, but text a client wrote that holds the template's
 * words (a category named "Jar holds coins, not notes" read by "{address} holds {asset}, not {other}").
 */
const ONE_TOKEN = new Set([
  "id", "otherId", "n", "i", "seq", "max", "bytes", "quota", "cap", "address", "asset", "day", "until", "method", "path", "suggestion", "status", "provider", "policy", "type",
  // Field details' values: field names, API words, currencies, amounts, years, hosts and addresses.
  "field", "same", "action", "condition", "symbol", "currency", "own", "cash", "amount", "balance", "total", "used", "requested", "count", "year", "years", "seed", "x",
  "letter", "host", "ip", "block", "port",
]);
const hasSpace = (value: string) => [...value].some((ch) => ch.trim() === "");
const fitsTokens = (names: string[], values: string[]) => names.every((name, i) => !ONE_TOKEN.has(name) || !hasSpace(values[i]!));

/**
 * How a template reads `text`, when it reads it one way only. A value may hold the fixed text that follows it (a
 * name with `" (` in it): the reading from the start and the one from the end then differ. Of the two, the one whose
 * one-token values hold no space is taken; when both do and differ, the message is ambiguous and this template does
 * not read it (the English is then shown as written, after the standard wording).
 */
function readingOf(text: string, t: CompiledTemplate): string[] | undefined {
  const fromStart = valuesIn(text, t.fixed);
  if (!fromStart) return undefined;
  if (t.names.length < 2) return fitsTokens(t.names, fromStart) ? fromStart : undefined;
  const fromEnd = valuesFromEnd(text, t.fixed);
  const readings = [fromStart, fromEnd].filter((v): v is string[] => v !== undefined && fitsTokens(t.names, v));
  if (readings.length === 0) return undefined;
  if (readings.length === 2 && readings[0]!.some((v, i) => v !== readings[1]![i])) return undefined;
  return readings[0];
}

/**
 * Values that are messages of their own, translated in turn: `{message}`, and `{message2}` where a template holds two
 * (`Must be {message}, as the one deleted is: "{name}" is {message2}`, each a category's kind).
 */
const isMessage = (name: string) => name === "message" || name === "message2";

/**
 * A catalogue's translation of one specific English message: its phrase, else the first template that reads it (one
 * way only) with the values put back; undefined when it has neither. `depth` bounds a `{message}` inside a `{message}`.
 */
export function translation(catalogue: Catalogue, english: string, depth = 0): string | undefined {
  const phrases = catalogue.phrases ?? {};
  // Own keys only: a message such as "constructor" must not read Object.prototype's.
  if (Object.hasOwn(phrases, english)) return phrases[english];
  if (depth > 2) return undefined;
  return fromTemplates(catalogue, catalogue.templates ?? {}, english, depth);
}

/**
 * zod's own English for a rule a schema gives no message of its own ("Too big: expected string to have <=500
 * characters", `Invalid option: expected one of "day"|"week"`), in the catalogue's words (`zod`); undefined for wording
 * it does not list.
 */
export function zodWording(catalogue: Catalogue, english: string): string | undefined {
  return fromTemplates(catalogue, catalogue.zod ?? {}, english, 0);
}

/** The first of these templates that reads `english` (one way only), with its values put back. */
function fromTemplates(catalogue: Catalogue, templates: Record<string, string>, english: string, depth: number): string | undefined {
  for (const t of templatesOf(templates)) {
    const values = readingOf(english, t);
    if (!values) continue;
    const byName = new Map<string, string>();
    let whole = true;
    t.names.forEach((name, i) => {
      if (!isMessage(name)) return void byName.set(name, values[i]!);
      // A message inside another is a sentence of its own: its translation loses its full stop to the one around it.
      const inner = translation(catalogue, values[i]!, depth + 1);
      if (inner === undefined) whole = false;
      else byName.set(name, inner.endsWith(".") ? inner.slice(0, -1) : inner);
    });
    if (!whole) continue;
    // A function, not a replacement string: a value's `$&` or `$1` is text, not a pattern.
    return t.translation.replace(/\{(\w+)\}/g, (_, name: string) => byName.get(name) ?? `{${name}}`);
  }
  return undefined;
}

/** English text without the full stop a catalogue's standard wording ends with. */
const bare = (text: string) => (text.endsWith(".") ? text.slice(0, -1) : text);

/**
 * An error's top-level message in `locale`. English keeps the message the code raised. Another language gets its
 * translation; else, when the English says no more than the code's standard wording, that wording; else the
 * standard wording with the English message after it in parentheses, as a detail without a translation reads. The
 * specific English is kept rather than lost (a reused reference, "call POST /v1/auth/2fa/setup first" is what the
 * client must fix, which the code's wording alone does not say), and it follows the standard wording rather than
 * standing alone, so the reader first reads, in their language, what kind of failure it is: the answer never says
 * less than the English one, and its language is still the one asked for.
 */
export function localizedMessage(locale: Locale, code: ErrorCode, english: string): string {
  if (locale === "en") return english || en.errors[code];
  const catalogue = CATALOGUES[locale];
  const standard = catalogue.errors[code] ?? catalogue.errors.INTERNAL_ERROR;
  if (!english) return standard;
  const translated = translation(catalogue, english);
  if (translated !== undefined) return translated;
  if (bare(english) === bare(en.errors[code] ?? "")) return standard;
  return `${standard} (${english})`;
}

/**
 * The email of `kind` in `locale` (messages/*.ts `emails`), each `{name}` of its subject and text replaced by
 * `values[name]` in one pass (a value is never read for names in turn; a name without a value stays as written).
 */
export function emailMessage(locale: Locale, kind: EmailKind, values: Record<string, string | number>): EmailTemplate {
  const template = CATALOGUES[locale].emails[kind];
  const fill = (s: string) => s.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? String(values[name]) : whole));
  return { subject: fill(template.subject), text: fill(template.text) };
}

/** A successful answer's words of `kind` in `locale` (messages/*.ts `responses`), each `{name}` replaced by its value in one pass. */
export function responseText(locale: Locale, kind: ResponseKind, values: Record<string, string | number> = {}): string {
  return CATALOGUES[locale].responses[kind].replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? String(values[name]) : whole));
}

/** A figure of a sentence: an exact decimal as the code writes it ("-12000.00"), written as the reader's language writes numbers (`figureIn`). */
export interface Figure {
  figure: string;
}

/** A value of a sentence: text or a number as it is, a figure, a sentence of its own (a clause), or clauses (joined by "; "). */
export type SentenceValue = string | number | Figure | Sentence | Sentence[];

/**
 * A sentence of an answer by its kind in the catalogues' `responses` and its values, said in the reader's language
 * by `say`: what is kept (a cached forecast plan) or passed between modules (a conversion's notes) holds no language,
 * and no code reads its English to find out what it says. `yearMonth` ("2025-12"): the value `month` is that month's
 * name in the reader's language. Plain JSON, so that a cache keeps it as it is.
 */
export interface Sentence {
  kind: ResponseKind;
  values?: Record<string, SentenceValue>;
  yearMonth?: string;
}

const isFigure = (v: SentenceValue): v is Figure => typeof v === "object" && !Array.isArray(v) && "figure" in v;

const decimalMarkOf = new Map<Locale, string>();

/** The decimal mark `locale` writes numbers with (its DATE_LOCALES region's: es-MX 1234.5, pt-BR 1234,5). */
function decimalMark(locale: Locale) {
  let mark = decimalMarkOf.get(locale);
  if (mark === undefined) {
    mark = new Intl.NumberFormat(DATE_LOCALES[locale]).formatToParts(1.5).find((p) => p.type === "decimal")?.value ?? ".";
    decimalMarkOf.set(locale, mark);
  }
  return mark;
}

/**
 * An exact decimal ("-12000.00", as money.ts `formatMinor` writes it) as `locale` writes numbers, by string work (no
 * double): English as it is, as the answers' decimal fields are; Spanish and Portuguese with their region's decimal mark
 * ("-12000.00" in es-MX, "-12000,00" in pt-BR) and no grouping: a group mark is the decimal mark of other readers of
 * the same language (Chile, Argentina, Colombia write 1.234,5), and in a currency without decimals (1,234 CLP) nothing
 * in the figure would tell them apart: a thousandfold misreading. Anything else is returned as it is.
 */
export function figureIn(locale: Locale, decimal: string): string {
  if (locale === "en") return decimal;
  const sign = decimal.startsWith("-") ? "-" : "";
  const [whole = "", fraction, ...more] = decimal.slice(sign.length).split(".");
  if (more.length || whole === "" || [...whole, ...(fraction ?? "")].some((ch) => ch < "0" || ch > "9")) return decimal;
  return sign + whole + (fraction === undefined ? "" : decimalMark(locale) + fraction);
}

/** `s` in `locale`: its values said first (a figure as `figureIn` writes it, a clause as a sentence, clauses joined by "; "). */
export function say(locale: Locale, s: Sentence): string {
  const values: Record<string, string | number> = {};
  for (const [name, v] of Object.entries(s.values ?? {})) {
    values[name] = typeof v === "string" || typeof v === "number" ? v : Array.isArray(v) ? v.map((c) => say(locale, c)).join("; ") : isFigure(v) ? figureIn(locale, v.figure) : say(locale, v);
  }
  if (s.yearMonth !== undefined) values.month = new Date(`${s.yearMonth}-01T00:00:00Z`).toLocaleString(DATE_LOCALES[locale], { month: "long", timeZone: "UTC" });
  return responseText(locale, s.kind, values);
}
