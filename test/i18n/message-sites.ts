/**
 * Finds, in the source text, every message an error can carry to a client: the message argument of the error
 * helpers (ApiError, conflict, forbidden, unauthorized, validationFailed's own message, the ledger's `fail`, a 429's
 * refusal, a provider's unavailability), a `notFound`'s resource name (and the resource names the access checks hand
 * it), and the `message` of a ledger refusal written as an object (`status, code, message`). Within a message
 * argument, every string or template literal it can evaluate to counts (both branches of a `?:`, the fallback of a
 * `||`), and an ALL_CAPS constant is read from its `const` in the same file.
 *
 * A scanner, not a parser: it knows quotes, template literals (with nested `${}`), comments and brackets, which is all
 * these call sites use.
 */

export type Message =
  /** A fixed message. */
  | { file: string; text: string }
  /** A template literal: its fixed parts, a value between each two. */
  | { file: string; parts: string[] };

/** Call sites whose argument at `arg` is a message; `notFound`-like ones take a resource name (`X not found`). */
const CALLS: { name: string; arg: number; resource?: true }[] = [
  { name: "new ApiError", arg: 2 },
  { name: "fail", arg: 2 },
  { name: "conflict", arg: 0 },
  { name: "forbidden", arg: 0 },
  { name: "unauthorized", arg: 0 },
  { name: "validationFailed", arg: 1 },
  { name: "providerUnavailable", arg: 0 },
  { name: "refusal", arg: 1 },
  { name: "takeInTurn", arg: 2 },
  { name: "notFound", arg: 0, resource: true },
  { name: "readResource", arg: 4, resource: true },
  { name: "requireRoleOver", arg: 4, resource: true },
  { name: "asResource", arg: 1, resource: true },
];

/** The end (exclusive) of the string or template literal that starts at `i`. */
function literalEnd(src: string, i: number): number {
  const q = src[i]!;
  let j = i + 1;
  while (j < src.length) {
    const ch = src[j]!;
    if (ch === "\\") j += 2;
    else if (ch === q) return j + 1;
    else if (q === "`" && ch === "$" && src[j + 1] === "{") j = expressionEnd(src, j + 2, "}") + 1;
    else j++;
  }
  return j;
}

/** The index of the `close` that ends an expression starting at `i` (brackets, literals and comments skipped). */
function expressionEnd(src: string, i: number, close: string): number {
  let depth = 0;
  let j = i;
  while (j < src.length) {
    const ch = src[j]!;
    if (ch === '"' || ch === "'" || ch === "`") j = literalEnd(src, j);
    else if (ch === "/" && src[j + 1] === "/") j = src.indexOf("\n", j) < 0 ? src.length : src.indexOf("\n", j);
    else if (ch === "/" && src[j + 1] === "*") j = src.indexOf("*/", j) + 2;
    else if ("([{".includes(ch)) (depth++, j++);
    else if (")]}".includes(ch)) {
      if (depth === 0) return j;
      depth--;
      j++;
    } else if (depth === 0 && close.includes(ch)) return j;
    else j++;
  }
  return j;
}

/** The argument expressions of the call whose `(` is at `open`. */
function callArguments(src: string, open: number): string[] {
  const args: string[] = [];
  let i = open + 1;
  for (;;) {
    const end = expressionEnd(src, i, ",)");
    args.push(src.slice(i, end).trim());
    if (src[end] !== ",") return args;
    i = end + 1;
  }
}

/** The fixed parts of a template literal's text (without its backticks), split at its top-level `${}`s. */
function templateParts(body: string): string[] {
  const parts: string[] = [];
  let part = "";
  let j = 0;
  while (j < body.length) {
    if (body[j] === "\\") {
      part += body[j + 1] ?? "";
      j += 2;
    } else if (body[j] === "$" && body[j + 1] === "{") {
      parts.push(part);
      part = "";
      j = expressionEnd(body, j + 2, "}") + 1;
    } else part += body[j++];
  }
  parts.push(part);
  return parts;
}

/** Every literal an expression can evaluate to (not those nested in a template's `${}`), and its ALL_CAPS constants read. */
function literalsOf(file: string, src: string, expr: string): Message[] {
  const found: Message[] = [];
  let j = 0;
  while (j < expr.length) {
    const ch = expr[j]!;
    if (ch === '"' || ch === "'" || ch === "`") {
      const end = literalEnd(expr, j);
      const body = expr.slice(j + 1, end - 1);
      if (ch === "`" && body.includes("${")) found.push({ file, parts: templateParts(body) });
      else found.push({ file, text: ch === "`" ? body : (JSON.parse(`"${body.replace(/\\'/g, "'").replace(/"/g, '\\"')}"`) as string) });
      j = end;
    } else if ("([{".includes(ch)) {
      // A call's or an object's insides are not what the expression evaluates to (`refusal(i, { message })`).
      j = expressionEnd(expr, j + 1, "") + 1;
    } else if (/[A-Z]/.test(ch) && (j === 0 || !/[\w.$]/.test(expr[j - 1]!))) {
      const name = /^[A-Z][A-Z0-9_]+\b/.exec(expr.slice(j))?.[0];
      if (name && !expr.slice(j + name.length).trimStart().startsWith("(")) {
        const decl = new RegExp(`const ${name}\\s*=\\s*`).exec(src);
        if (decl) found.push(...literalsOf(file, src, src.slice(decl.index + decl[0].length, expressionEnd(src, decl.index + decl[0].length, ";\n"))));
      }
      j += name?.length ?? 1;
    } else j++;
  }
  return found.filter((m) => ("text" in m ? m.text.length > 0 : true));
}

export function messageSites(sources: Record<string, string>): Message[] {
  const out: Message[] = [];
  for (const [file, src] of Object.entries(sources)) {
    for (const call of CALLS) {
      const re = new RegExp(`(?<![\\w.])${call.name}\\(`, "g");
      for (const m of src.matchAll(re)) {
        // The helper's own declaration (`const notFound = (what = ...) =>`, `function fail(`) is no call site.
        const before = src.slice(Math.max(0, m.index - 40), m.index);
        if (/(const|function)\s+$/.test(before) || /export const $/.test(before)) continue;
        const arg = callArguments(src, m.index + m[0].length - 1)[call.arg];
        if (!arg) continue;
        for (const lit of literalsOf(file, src, arg)) {
          if (!call.resource) out.push(lit);
          else if ("text" in lit && /^[A-Z][A-Za-z ]*$/.test(lit.text)) out.push({ file, text: `${lit.text} not found` });
        }
      }
    }
    // A refusal written as an object: `{ status: 409, code: "CONFLICT", message: ... }`.
    for (const m of src.matchAll(/status:\s*\d{3},\s*code:\s*"[A-Z_]+"(?:\s+as\s+const)?,\s*message:\s*/g)) {
      const start = m.index + m[0].length;
      out.push(...literalsOf(file, src, src.slice(start, expressionEnd(src, start, ",}"))));
    }
  }
  return out;
}

/** Whether `text` is what a template with these fixed parts can produce (each part in order, anchored at both ends). */
export function fromTemplate(text: string, parts: string[]): boolean {
  const first = parts[0] ?? "";
  const last = parts[parts.length - 1] ?? "";
  if (!text.startsWith(first) || !text.endsWith(last)) return false;
  let at = first.length;
  for (const part of parts.slice(1, -1)) {
    const found = text.indexOf(part, at);
    if (found < 0) return false;
    at = found + part.length;
  }
  return at <= text.length - last.length;
}
