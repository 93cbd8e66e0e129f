/**
 * JSON numbers are doubles: `JSON.parse` silently turns 90071992547409.91 into
 * 90071992547409.9 and 4503599627370497.5 into an integer. Money must never be
 * rounded on the way in, so before a body is parsed this scanner walks its raw
 * text and reports every number whose decimal value a double cannot hold
 * (its shortest round-trip form differs from what the client wrote).
 *
 * It also reports strings that are not well-formed Unicode: a `\uD800` escape
 * without its pair parses into a lone surrogate, which D1 stores as bytes that
 * are not UTF-8, so the text would not read back as it was written.
 *
 * One pass, no regular expressions: the scanner is linear in the body's size.
 * It only looks for numbers and escaped strings; anything it does not
 * understand is left to the real parser, which answers malformed JSON with its
 * own 400.
 */

export interface InexactNumber {
  /** Dotted path of the value, e.g. `postings.0.amount`. */
  path: string;
  /** The number as the client wrote it. */
  text: string;
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/** `[sign, digits without leading zeros, exponent]` of a JSON number literal; `digits` is "" for zero. */
function decimalOf(text: string): [boolean, string, number] | null {
  let i = 0;
  const negative = text[0] === "-";
  if (negative) i++;
  let digits = "";
  let exponent = 0;
  while (i < text.length && isDigit(text.charCodeAt(i))) digits += text[i++];
  if (text[i] === ".") {
    i++;
    while (i < text.length && isDigit(text.charCodeAt(i))) {
      digits += text[i++];
      exponent--;
    }
  }
  if (text[i] === "e" || text[i] === "E") {
    i++;
    let sign = 1;
    if (text[i] === "+" || text[i] === "-") sign = text[i++] === "-" ? -1 : 1;
    let e = "";
    while (i < text.length && isDigit(text.charCodeAt(i))) e += text[i++];
    if (e.length === 0 || e.length > 6) return null;
    exponent += sign * Number(e);
  }
  if (i !== text.length || digits.length === 0) return null;
  let start = 0;
  while (start < digits.length && digits[start] === "0") start++;
  let end = digits.length;
  while (end > start && digits[end - 1] === "0") {
    end--;
    exponent++;
  }
  const significant = digits.slice(start, end);
  return [negative && significant !== "", significant, significant === "" ? 0 : exponent];
}

/** Whether the double nearest to `text` is that exact decimal value (as shortest round-trip decimals go). */
export function isExactNumber(text: string): boolean {
  const written = decimalOf(text);
  const value = Number(text);
  if (!written || !Number.isFinite(value)) return false;
  const read = decimalOf(String(value).replace("e+", "e"));
  return !!read && read[0] === written[0] && read[1] === written[1] && read[2] === written[2];
}

/** A string holding an unpaired UTF-16 surrogate, by the dotted path of its value (or of the object whose key it is). */
export interface IllFormedText {
  path: string;
}

/**
 * Whether `s` holds a C0 control character other than tab, line feed and carriage return, or DEL: a NUL in a
 * name is invisible, cuts C strings short and breaks exports. (Raw C0 ones are not JSON: an escape makes one; a raw DEL is valid JSON.)
 */
export function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return true;
  }
  return false;
}

/** Whether `s` pairs every UTF-16 surrogate (String.prototype.isWellFormed, which es2022's types lack). */
export function isWellFormedText(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c > 0xdbff) return false; // a low surrogate first
    const next = s.charCodeAt(i + 1);
    if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
    i++;
  }
  return true;
}

/**
 * `s` with every unpaired surrogate replaced by U+FFFD (String.prototype.toWellFormed): text from
 * elsewhere (a provider) that would not survive D1, which stores it as bytes that read back as three
 * U+FFFD, so the row would no longer equal what was sent.
 */
export function toWellFormedText(s: string): string {
  if (isWellFormedText(s)) return s;
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += s[i]! + s[i + 1]!;
        i++;
        continue;
      }
    }
    out += c >= 0xd800 && c <= 0xdfff ? "\uFFFD" : s[i]!;
  }
  return out;
}

/** `s` cut to at most `max` UTF-16 units without splitting a surrogate pair (half a pair would not survive D1). */
export function truncateText(s: string, max: number): string {
  if (s.length <= max) return s;
  const code = s.charCodeAt(max - 1);
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/**
 * JSON.parse of text this code wrote, its numbers kept to every digit (exactJsonDecimal of each number's source
 * text, which workerd's V8 passes the reviver): a cached response read back is written as it was first.
 */
export function parseExactJson(text: string): unknown {
  return JSON.parse(text, function (this: unknown, _key: string, value: unknown, context?: { source?: string }) {
    return typeof value === "number" && context?.source !== undefined ? exactJsonDecimal(context.source) : value;
  } as (this: unknown, key: string, value: unknown) => unknown);
}

/**
 * An integer as a value that JSON.stringify writes as that number with every digit: a plain number while a
 * double holds it exactly, else raw JSON text. A sum of exact amounts can pass 2^53, where a double rounds.
 */
export function exactJsonInteger(n: bigint): number | object {
  if (n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(n);
  return (JSON as unknown as { rawJSON(text: string): object }).rawJSON(n.toString());
}

/**
 * A number for JSON.stringify to write. Typed as a number so that response schemas accept it, but past a
 * double's digits it is a raw JSON value at run time: write it, never compare or add it (use the minor units).
 */
export type ExactJsonNumber = number;

/**
 * A decimal's text (`-123.45`, as formatMinor writes it) as a value JSON.stringify writes as that number with
 * every digit: a plain number when a double holds it exactly, else raw JSON text. A double is exact to about
 * 15 significant digits; past them (90071992547409.91) it would answer a neighbour, one minor unit off.
 */
export function exactJsonDecimal(text: string): ExactJsonNumber {
  const n = Number(text);
  // The double's shortest form against the text without the zeros a decimal's scale pads it with.
  if (String(n) === (text.includes(".") ? text.replace(/\.?0+$/, "") : text)) return n;
  return (JSON as unknown as { rawJSON(text: string): number }).rawJSON(text);
}

/**
 * Every number in `json` that a double would change, every string that is not well-formed, every
 * `__proto__` key (`reserved`): JSON.parse keeps it, but a validator or any copy of the object into another
 * takes it as the object's prototype, so it would be answered as accepted and then lost; and every key
 * repeated in its object (`repeated`): JSON.parse keeps the last, while a proxy or a log may read the first.
 * Stops at the first structural surprise.
 */
export function scanJson(
  json: string,
  limit = 20,
): { inexact: InexactNumber[]; illFormed: IllFormedText[]; reserved: IllFormedText[]; controls: IllFormedText[]; repeated: IllFormedText[] } {
  const inexact: InexactNumber[] = [];
  const illFormed: IllFormedText[] = [];
  const reserved: IllFormedText[] = [];
  const controls: IllFormedText[] = [];
  const repeated: IllFormedText[] = [];
  const out = { inexact, illFormed, reserved, controls, repeated };
  // The path: one entry per open container, a key (object) or an index (array); and each open object's keys.
  const path: (string | number)[] = [];
  const kinds: ("o" | "a")[] = [];
  const keys: Set<string>[] = [];
  let expectKey = false;
  let i = 0;
  const n = json.length;
  while (i < n && inexact.length + illFormed.length + reserved.length + controls.length + repeated.length < limit) {
    const c = json.charCodeAt(i);
    if (c === 34 /* " */) {
      let j = i + 1;
      // Only a \u escape can make a lone surrogate (the body's text was decoded from UTF-8); a control character
      // comes from a \u, \b or \f escape, or as a raw DEL (valid JSON, unlike the raw C0 characters).
      let escaped = false;
      let control = false;
      while (j < n && json.charCodeAt(j) !== 34) {
        const d = json.charCodeAt(j);
        if (d === 92 /* \ */) {
          const e = json.charCodeAt(j + 1);
          if (e === 117 /* u */) escaped = true;
          else if (e === 98 /* b */ || e === 102 /* f */) control = true;
          j += 2;
        } else {
          if (d === 0x7f) control = true;
          j++;
        }
      }
      if (control) controls.push({ path: path.slice(0, expectKey ? -1 : undefined).join(".") });
      if (expectKey || escaped) {
        let text: string;
        try {
          text = JSON.parse(json.slice(i, j + 1)) as string;
        } catch {
          return out;
        }
        if (escaped && !isWellFormedText(text)) illFormed.push({ path: path.slice(0, expectKey ? -1 : undefined).join(".") });
        if (escaped && !control && hasControlCharacter(text)) controls.push({ path: path.slice(0, expectKey ? -1 : undefined).join(".") });
        if (expectKey) {
          path[path.length - 1] = text;
          if (text === "__proto__") reserved.push({ path: path.join(".") });
          const seen = keys[keys.length - 1]!;
          if (seen.has(text)) repeated.push({ path: path.join(".") });
          else seen.add(text);
        }
      }
      i = j + 1;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      kinds.push(c === 123 ? "o" : "a");
      if (c === 123) keys.push(new Set());
      path.push(c === 123 ? "" : 0);
      expectKey = c === 123;
      i++;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      if (kinds.pop() === "o") keys.pop();
      path.pop();
      expectKey = false;
      i++;
    } else if (c === 58 /* : */) {
      expectKey = false;
      i++;
    } else if (c === 44 /* , */) {
      const kind = kinds[kinds.length - 1];
      if (kind === "a") path[path.length - 1] = (path[path.length - 1] as number) + 1;
      expectKey = kind === "o";
      i++;
    } else if (c === 45 /* - */ || isDigit(c)) {
      let j = i + 1;
      while (j < n) {
        const d = json.charCodeAt(j);
        if (isDigit(d) || d === 46 || d === 101 || d === 69 || d === 43 || d === 45) j++;
        else break;
      }
      const text = json.slice(i, j);
      if (!isExactNumber(text)) inexact.push({ path: path.join("."), text });
      i = j;
    } else {
      i++;
    }
  }
  return out;
}
