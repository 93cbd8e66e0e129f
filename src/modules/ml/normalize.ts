/**
 * Text normalization for merchants and descriptions, English and Spanish:
 * case and accents folded, payment-processor prefixes and store numbers
 * removed, so "SQ *Café Olé #123" and "cafe ole" name the same merchant.
 */
const PROCESSOR_PREFIXES = /^(sq|tst|sp|pp|paypal|pos|ach|dd|chk|debit|purchase|compra|pago|cargo|ck|in|py|wl|amzn mktp|amazon mktp)\s*\*+\s*/;

/** Lower case, no accents, single spaces. */
export function normalizeText(s: string): string {
  return s.normalize("NFD").replace(/\p{M}+/gu, "").toLowerCase().replace(/\s+/g, " ").trim();
}

export function normalizeMerchant(name: string | null | undefined): string | null {
  if (!name) return null;
  let s = normalizeText(name);
  for (let i = 0; i < 3 && PROCESSOR_PREFIXES.test(s); i++) s = s.replace(PROCESSOR_PREFIXES, "");
  s = s
    .replace(/\b(store|tienda|sucursal|suc|no|num)\.?\s*#?\s*\d+\b/g, " ")
    .replace(/#\s*\d+/g, " ")
    .replace(/\b\d{3,}\b/g, " ")
    .replace(/[^\p{L}\p{N}&' ]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  return s || null;
}

const STOPWORDS = new Set(
  (
    "the a an of and or for to in on at by with from inc llc co com www " +
    "el la los las de del y o en con por para un una al su mx sa cv"
  ).split(" "),
);

/** Word tokens worth learning from: folded, no stopwords, no bare numbers. */
export function tokens(text: string | null | undefined): string[] {
  if (!text) return [];
  return normalizeText(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length >= 2 && !STOPWORDS.has(t) && !/^\d+$/.test(t));
}
