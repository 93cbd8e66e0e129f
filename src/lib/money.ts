/**
 * Money as integers of minor units. The asset carries its scale (`USD/2`,
 * `BTC/8`, `JPY/0`); this module is the only place decimals are parsed or
 * rendered, and it never goes through floating-point arithmetic.
 */
import { exactJsonDecimal, type ExactJsonNumber } from "./exact-json";

export const CURRENCY_SCALES = {
  USD: 2, MXN: 2, EUR: 2, GBP: 2, CAD: 2, BRL: 2, COP: 2, ARS: 2, CLP: 0, PEN: 2, JPY: 0,
  BTC: 8, ETH: 8,
} as const;

export type Currency = keyof typeof CURRENCY_SCALES;
export const CURRENCIES = Object.keys(CURRENCY_SCALES) as [Currency, ...Currency[]];
/** Currencies a space or manual account may be denominated in (crypto included). */
export const FIAT_CURRENCIES = CURRENCIES.filter((c) => c !== "BTC" && c !== "ETH") as [Currency, ...Currency[]];

/**
 * Whether a code names a currency with an asset here. Own keys only: a provider's "constructor" or "toString" is a
 * key of every object's prototype, and must not pass for a currency.
 */
export const isCurrency = (code: unknown): code is Currency => typeof code === "string" && Object.hasOwn(CURRENCY_SCALES, code);

/** Ledger asset notation for a currency: `USD/2`, `JPY/0`. */
export const assetOf = (currency: Currency) => `${currency}/${CURRENCY_SCALES[currency]}`;

/** Formance-style asset code: upper-case letters/digits, optional `/scale`. */
export const ASSET_PATTERN = /^[A-Z][A-Z0-9]{0,16}(_[A-Z]{1,16})?(\/\d{1,2})?$/;

/** Largest magnitude we store: amounts and balances stay exact JavaScript integers. */
export const MAX_MINOR = Number.MAX_SAFE_INTEGER;

export type ParseResult = { ok: true; minor: number } | { ok: false; reason: string };
export type ExactParseResult = { ok: true; minor: bigint } | { ok: false; reason: string };

/**
 * Parses a major-unit amount (a JSON number or a decimal string) into minor
 * units of `scale`. More decimals than the scale is an error, never rounded.
 */
export function parseMajor(value: number | string, scale: number): ParseResult {
  const p = parseMajorExact(value, scale, 16);
  if (!p.ok) return p;
  if (p.minor > BigInt(MAX_MINOR) || -p.minor > BigInt(MAX_MINOR)) return { ok: false, reason: "Amount is too large" };
  return { ok: true, minor: Number(p.minor) };
}

/**
 * Parses a major-unit amount written to more places than the currency keeps (a provider's "2145.4550", a JSON
 * number's 0.125) into minor units of `scale`, rounded half-even once from the places written: read exactly at
 * that finer scale, then rounded (no floating-point step). At most `maxFinerPlaces` places are taken; more, or
 * anything that is not a decimal, is no amount. Unbiased, so the cents a provider's roundings leave over many
 * amounts do not pile up on one side of the balance it reports (the sync's balance adjustment takes what is left).
 */
export function parseMajorHalfEven(value: number | string, scale: number, maxFinerPlaces = 8): ParseResult {
  if (typeof value === "number" && !Number.isFinite(value)) return { ok: false, reason: "Must be a finite number" };
  const text = typeof value === "number" ? plainDecimal(String(value)) : value.trim();
  const dot = text.indexOf(".");
  const places = dot < 0 ? 0 : text.length - dot - 1;
  if (places > Math.max(scale, maxFinerPlaces)) return { ok: false, reason: `At most ${Math.max(scale, maxFinerPlaces)} decimal places are read` };
  const finer = Math.max(scale, places);
  const p = parseMajorExact(text, finer, 16 + finer - scale);
  if (!p.ok) return p;
  const d = 10n ** BigInt(finer - scale);
  const negative = p.minor < 0n;
  const a = negative ? -p.minor : p.minor;
  let q = a / d;
  const twice = 2n * (a % d);
  if (twice > d || (twice === d && q % 2n === 1n)) q += 1n;
  if (q > BigInt(MAX_MINOR)) return { ok: false, reason: "Amount is too large" };
  return { ok: true, minor: Number(negative ? -q : q) };
}

/**
 * `parseMajor` without the 2^53 limit, as a bigint of at most `maxDigits` digits: for values compared
 * with amounts rather than stored as one (a rule's bounds, read at a finer scale than any amount's).
 */
/** A decimal as amounts are written: an optional sign, digits, an optional fraction (a linear pattern: no backtracking). */
const DECIMAL_TEXT = /^([+-])?(\d+)(?:\.(\d+))?$/;

/**
 * Why a string is no amount in any currency (not a decimal at all), or undefined: judged before the currency is known,
 * so that a request's bad amount is listed with its other bad fields, not only once they are right. The words are
 * parseMajorExact's for the same fault (the i18n test reads each where it is written).
 */
export function notDecimalText(text: string): string | undefined {
  return DECIMAL_TEXT.test(text.trim()) ? undefined : "Must be a decimal number such as 12.34";
}

export function parseMajorExact(value: number | string, scale: number, maxDigits: number): ExactParseResult {
  let text: string;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return { ok: false, reason: "Must be a finite number" };
    text = plainDecimal(String(value)); // shortest round-trip form: 0.1 -> "0.1", 1e-8 -> "0.00000001"
  } else {
    text = value.trim();
  }
  const m = DECIMAL_TEXT.exec(text);
  if (!m) return { ok: false, reason: "Must be a decimal number such as 12.34" };
  const [, sign, whole, frac = ""] = m;
  let end = frac.length;
  while (end > 0 && frac[end - 1] === "0") end--; // trailing zeros, without a backtracking pattern
  const fracTrimmed = frac.slice(0, end);
  if (fracTrimmed.length > scale) return { ok: false, reason: `At most ${scale} decimal places are allowed for this currency` };
  const digits = (whole!.replace(/^0+(?=\d)/, "") + fracTrimmed.padEnd(scale, "0")).replace(/^0+(?=\d)/, "");
  if (digits.length > maxDigits) return { ok: false, reason: "Amount is too large" };
  const minor = BigInt(digits);
  return { ok: true, minor: sign === "-" ? -minor : minor };
}

/** The largest exponent plainDecimal writes out: a JavaScript number's reach (1e308, 5e-324) and then some. */
const MAX_PLAIN_EXPONENT = 400;

/**
 * A number's shortest form without an exponent: JavaScript writes 0.00000001
 * as "1e-8" and 1e21 as "1e+21". String work only, so no digit changes.
 */
export function plainDecimal(text: string): string {
  const e = text.indexOf("e");
  if (e < 0) return text;
  const exponent = Number(text.slice(e + 1));
  // A provider's number text can carry any exponent ("1e999999999" threw RangeError building its digits): past any
  // amount or price (a JavaScript number's own reach nothing like it) it is left as it is, which no parser here takes.
  if (!Number.isInteger(exponent) || Math.abs(exponent) > MAX_PLAIN_EXPONENT) return text;
  const negative = text.startsWith("-");
  const mantissa = text.slice(negative ? 1 : 0, e);
  const dot = mantissa.indexOf(".");
  const digits = mantissa.replace(".", "");
  const point = (dot < 0 ? mantissa.length : dot) + exponent; // where the decimal point lands in `digits`
  const body =
    point <= 0 ? `0.${"0".repeat(-point)}${digits}` : point >= digits.length ? digits + "0".repeat(point - digits.length) : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${body}` : body;
}

/** Renders minor units as an exact decimal string: (-4567, 2) -> "-45.67"; a bigint for sums past 2^53. */
export function formatMinor(minor: number | bigint, scale: number): string {
  const neg = minor < 0;
  const digits = (neg ? -minor : minor).toString().padStart(scale + 1, "0");
  const body = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return neg ? `-${body}` : body;
}

/**
 * The same value as a JSON number for Dhanam-shaped responses, written with every digit of the decimal
 * (exact-json.ts): a double alone would answer 90071992547409.91 as 90071992547409.9. For responses and
 * payloads only, never arithmetic; the decimal string beside it is the same digits.
 */
export const toMajorNumber = (minor: number | bigint, scale: number): ExactJsonNumber =>
  // Below 10^15 the decimal has at most 15 significant digits, which a double holds: the quotient of two exact
  // doubles is the nearest double to it, the same number its text would parse to, and no text is built.
  minor > -1e15 && minor < 1e15 ? Number(minor) / 10 ** scale : exactJsonDecimal(formatMinor(minor, scale));

/** A money field as responses write it: `name`, a JSON number with every digit, and `nameDecimal`, the exact text. */
export type MoneyFields<K extends string> = { [P in K]: ExactJsonNumber } & { [P in `${K}Decimal`]: string };

/** `{ [name]: 12.3, [name + "Decimal"]: "12.30" }` for minor units (1230, scale 2), to spread into a response. */
export function moneyFields<K extends string>(name: K, minor: number | bigint, scale: number): MoneyFields<K> {
  return { [name]: toMajorNumber(minor, scale), [`${name}Decimal`]: formatMinor(minor, scale) } as MoneyFields<K>;
}
