/**
 * Finds, in the source text, every message an error can carry to a client: the message argument of the error
 * helpers (ApiError, conflict, forbidden, unauthorized, validationFailed's own message, the ledger's `fail`, a 429's
 * refusal, a provider's unavailability), a `notFound`'s resource name (and the resource names the access checks hand
 * it), and the `message` of a ledger refusal written as an object (`status, code, message`). Within a message
 * argument, every string or template literal it can evaluate to counts (both branches of a `?:`, the fallback of a
 * `||`), and an ALL_CAPS constant is read from its `const` in the same file. detailMessageSites finds, the same way,
 * the message of each field's detail (below).
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
const CALLS: { name: string; arg: number; resource?: true; list?: true }[] = [
  { name: "new ApiError", arg: 2 },
  { name: "fail", arg: 2 },
  { name: "conflict", arg: 0 },
  { name: "forbidden", arg: 0 },
  { name: "unauthorized", arg: 0 },
  { name: "validationFailed", arg: 1 },
  // A message of several sentences, each translated on its own: every element of the array it is given.
  { name: "validationFailedBecause", arg: 1, list: true },
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
        // A line comment before the argument is not part of it (its apostrophes are no quotes).
        const given = callArguments(src, m.index + m[0].length - 1)[call.arg]?.replace(/^(\s*\/\/[^\n]*\n)+/, "").trim();
        if (!given) continue;
        const arg = call.list && given.startsWith("[") && given.endsWith("]") ? given.slice(1, -1) : given;
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

/* ------------------------------------------------------------------------------------------------------------------
 * Detail messages: the `message` of each entry of an error's `details` (a field's rule), which a client reads beside
 * the top-level message. They are written in five ways, each found here:
 *  - a detail object, `{ field, message, code }` (given to validationFailed, to an ApiError, to a ledger refusal);
 *  - a zod check's options or issue, `{ message, params, path, abort }` (`.refine(f, { message })`,
 *    `ctx.addIssue({ code: "custom", message })`, `ctx.issues.push({ code, message, input })`), zod 4's `error` in
 *    options given to a call (`.min(1, { error: "..." })`, `{ error: (issue) => ... }`: what the function returns),
 *    or its message given alone (`.regex(re, "...")`, `.int("...")`, `.gt(0, "...")`, `.startsWith("0x", "...")`);
 *  - the argument of a helper that builds one (DETAIL_CALLS: budgets' `refuse(field, message, code)`, an error class
 *    whose message a detail carries);
 *  - a value returned by a function whose result is a detail's message (DETAIL_FUNCTIONS, and the `problem` function
 *    given to `explained`);
 *  - the `reason` of a failed parse, `{ ok: false, reason }` (lib/money.ts, an address check), which a detail carries.
 * A message that is not a literal (`message: parsed.reason`) is reported as `indirect`, by file and expression: the
 * test lists each with where its texts are found, so a new detail whose text comes from elsewhere fails until it is
 * traced (or its source is named here).
 * ---------------------------------------------------------------------------------------------------------------- */

export interface DetailSites {
  messages: Message[];
  /** Message expressions that are not literals, such as `parsed.reason`, by file. */
  indirect: { file: string; expr: string }[];
}

/** Calls whose argument at `arg` is a detail's message. */
const DETAIL_CALLS: { name: string; arg: number }[] = [
  { name: "refuse", arg: 1 },
  { name: "new RegexSyntaxError", arg: 0 },
  { name: "new AddressFilterError", arg: 0 },
];

/** Functions whose returned strings are details' messages. */
const DETAIL_FUNCTIONS = ["dateProblem", "webhookUrlProblem", "blockedHost", "blockedIpv4", "blockedIpv6", "notDecimalText"];

/**
 * zod checks whose message may be given alone, as the string argument at `arg` (`.int("...")`, `.gt(0, "...")`,
 * `.startsWith("0x", "...")`). A string method of the same name (`s.startsWith("-")`, `s.includes("#", 2)`) has no
 * string there.
 */
const ZOD_POSITIONAL: Record<string, number> = {
  regex: 1, refine: 1, min: 1, max: 1, length: 1, size: 1,
  gt: 1, gte: 1, lt: 1, lte: 1, multipleOf: 1, step: 1,
  startsWith: 1, endsWith: 1, includes: 1,
  int: 0, positive: 0, negative: 0, nonnegative: 0, nonpositive: 0, nonempty: 0, finite: 0, safe: 0,
  lowercase: 0, uppercase: 0,
  email: 0, url: 0, uuid: 0, guid: 0, cuid: 0, cuid2: 0, ulid: 0, nanoid: 0, emoji: 0, base64: 0, base64url: 0,
  ipv4: 0, ipv6: 0, cidrv4: 0, cidrv6: 0, e164: 0, jwt: 0, datetime: 0, date: 0, time: 0, duration: 0,
};

/**
 * The keys of zod's check options and of an issue added by hand; an object of these with a `message` is one, and
 * one given to a call with an `error` (zod 4's name for it: `.min(1, { error: "..." })`, `{ error: (issue) => ... }`).
 */
const ZOD_KEYS = new Set(["message", "error", "params", "path", "abort", "when", "code", "fatal", "continue", "input"]);

/** The index of each top-level occurrence of `op` in `expr` (brackets, literals and comments skipped). */
function topLevel(expr: string, op: string): number[] {
  const found: number[] = [];
  let depth = 0;
  let j = 0;
  while (j < expr.length) {
    const ch = expr[j]!;
    if (ch === '"' || ch === "'" || ch === "`") j = literalEnd(expr, j);
    else if (ch === "/" && expr[j + 1] === "/") j = expr.indexOf("\n", j) < 0 ? expr.length : expr.indexOf("\n", j);
    else if (ch === "/" && expr[j + 1] === "*") j = expr.indexOf("*/", j) + 2;
    else if ("([{".includes(ch)) (depth++, j++);
    else if (")]}".includes(ch)) (depth--, j++);
    else if (depth === 0 && expr.startsWith(op, j)) (found.push(j), (j += op.length));
    else j++;
  }
  return found;
}

/** A top-level conditional `c ? a : b` as its two branches (`?.` and `??` are not one), or undefined. */
function branches(expr: string): [string, string] | undefined {
  const q = topLevel(expr, "?").find((i) => expr[i + 1] !== "." && expr[i + 1] !== "?" && expr[i - 1] !== "?");
  if (q === undefined) return undefined;
  let nested = 0;
  // The `:` that closes this `?`: nested conditionals in the first branch each take one first.
  const marks = [...topLevel(expr, "?").filter((i) => i > q && expr[i + 1] !== "." && expr[i + 1] !== "?" && expr[i - 1] !== "?").map((i) => ({ i, open: true })), ...topLevel(expr, ":").filter((i) => i > q).map((i) => ({ i, open: false }))].sort((a, b) => a.i - b.i);
  for (const m of marks) {
    if (m.open) nested++;
    else if (nested === 0) return [expr.slice(q + 1, m.i), expr.slice(m.i + 1)];
    else nested--;
  }
  return undefined;
}

/** `expr` without the parentheses that wrap all of it, a trailing `as const` and white space. */
function unwrap(expr: string): string {
  let e = expr.trim().replace(/\s+as\s+const$/, "").trim();
  while (e.startsWith("(") && expressionEnd(e, 1, "") === e.length - 1) e = e.slice(1, -1).trim();
  return e;
}

/** The top-level entries of an object literal's body: `[key, value]`, a shorthand `field` as `["field", "field"]`. */
function entries(body: string): [string, string][] {
  const out: [string, string][] = [];
  let i = 0;
  while (i < body.length) {
    const end = expressionEnd(body, i, ",");
    const entry = body.slice(i, end).trim();
    i = end + 1;
    // A type literal or a block (`{ message: string; details: ErrorDetail[] }`) is no object.
    if (topLevel(entry, ";").length) return [];
    if (entry.startsWith("...")) out.push(["...", entry.slice(3)]);
    const colon = topLevel(entry, ":")[0];
    const key = (colon === undefined ? entry : entry.slice(0, colon)).trim().replace(/^["']|["']$/g, "");
    if (/^\w+$/.test(key)) out.push([key, colon === undefined ? key : entry.slice(colon + 1).trim()]);
  }
  return out;
}

/**
 * What a message expression at `at` in `src` can evaluate to: its literals, and the parts that are not one
 * (`indirect`). A plain name is read from its nearest `const` before `at` (`const message = ... ? "..." : d.message`).
 */
function valuesOf(file: string, src: string, expr: string, at: number, depth = 0): DetailSites {
  const e = unwrap(expr);
  const out: DetailSites = { messages: [], indirect: [] };
  const add = (x: DetailSites) => (out.messages.push(...x.messages), out.indirect.push(...x.indirect), out);
  if (e === "" || e === "undefined" || e === "null" || depth > 4) return out;
  const cond = branches(e);
  if (cond) {
    add(valuesOf(file, src, cond[0], at, depth + 1));
    return add(valuesOf(file, src, cond[1], at, depth + 1));
  }
  for (const op of ["??", "||"]) {
    const ops = topLevel(e, op);
    if (ops.length) {
      let from = 0;
      for (const i of [...ops, e.length]) (add(valuesOf(file, src, e.slice(from, i), at, depth + 1)), (from = i + op.length));
      return out;
    }
  }
  // A function (zod's `error: (issue) => ...`): what it returns.
  const arrow = /^(?:async\s+)?(?:\([^()]*\)|[A-Za-z_$][\w$]*)\s*(?::[^=]+)?=>\s*/.exec(e);
  if (arrow) {
    const body = e.slice(arrow[0].length);
    if (!body.startsWith("{")) return add(valuesOf(file, src, body, at, depth + 1));
    return add(returnsOf(file, src, body.slice(1, expressionEnd(body, 1, "")), at, depth + 1));
  }
  const fn = /^(?:async\s+)?function\b[^(]*\(/.exec(e);
  if (fn) {
    const open = e.indexOf("{", expressionEnd(e, fn[0].length, ")"));
    return add(returnsOf(file, src, e.slice(open + 1, expressionEnd(e, open + 1, "")), at, depth + 1));
  }
  // An object literal with a message (what zod's `error` function may return: `{ message: "..." }`).
  if (e.startsWith("{") && expressionEnd(e, 1, "") === e.length - 1) {
    const message = entries(e.slice(1, -1)).find(([k]) => k === "message");
    if (message) return add(valuesOf(file, src, message[1], at, depth + 1));
  }
  const q = e[0];
  if ((q === '"' || q === "'" || q === "`") && literalEnd(e, 0) === e.length) {
    out.messages.push(...literalsOf(file, src, e));
    return out;
  }
  // A string concatenation with a literal in it: a template whose values are the other operands.
  const plus = topLevel(e, "+");
  if (plus.length) {
    const operands = [...plus, e.length].map((i, k, all) => unwrap(e.slice(k === 0 ? 0 : all[k - 1]! + 1, i)));
    const isLiteral = (o: string) => /^["'`]/.test(o) && literalEnd(o, 0) === o.length;
    if (operands.some(isLiteral)) {
      const parts = [""];
      for (const o of operands) {
        if (!isLiteral(o)) parts.push("");
        else {
          // A template literal's own values split it in turn.
          const [first = "", ...rest] = o.startsWith("`") ? templateParts(o.slice(1, -1)) : [(literalsOf(file, src, o)[0] as { text: string } | undefined)?.text ?? ""];
          parts[parts.length - 1] += first;
          parts.push(...rest);
        }
      }
      out.messages.push(parts.length === 1 ? { file, text: parts[0]! } : { file, parts });
      return out;
    }
  }
  // An ALL_CAPS constant, or one entry of an ALL_CAPS object (`FORMATS[form]`): its value(s), read from its `const`.
  const constant = /^([A-Z][A-Z0-9_]+)(\[[^\]]*\])?$/.exec(e);
  const decl = constant && new RegExp(`const ${constant[1]}\\s*(?::[^=]+)?=\\s*`).exec(src);
  if (constant && decl) {
    const init = unwrap(src.slice(decl.index + decl[0].length, expressionEnd(src, decl.index + decl[0].length, ";\n")));
    if (!constant[2]) return add(valuesOf(file, src, init, at, depth + 1));
    if (init.startsWith("{")) for (const [k, v] of entries(init.slice(1, -1))) if (k !== "...") add(valuesOf(file, src, v, at, depth + 1));
    return out;
  }
  if (/^[a-z]\w*$/.test(e)) {
    const decls = [...src.slice(0, at).matchAll(new RegExp(`const ${e}\\s*(?::[^=]+)?=\\s*`, "g"))];
    const decl = decls[decls.length - 1];
    if (decl) {
      const start = decl.index + decl[0].length;
      return add(valuesOf(file, src, src.slice(start, expressionEnd(src, start, ";\n")), decl.index, depth + 1));
    }
    // A function declared by name (`{ error: conditionError }`): what it returns.
    const declared = new RegExp(`function ${e}\\(`).exec(src);
    if (declared) {
      const open = src.indexOf("{", expressionEnd(src, declared.index + declared[0].length, ")"));
      return add(returnsOf(file, src, src.slice(open + 1, expressionEnd(src, open + 1, "")), open + 1, depth + 1));
    }
  }
  out.indirect.push({ file, expr: e.replace(/\s+/g, " ") });
  return out;
}

/**
 * What the `return`s of a function's body (its text between its braces, found in `src` from `from`) can evaluate
 * to, each read where it is (a `const` declared before it in the body counts).
 */
function returnsOf(file: string, src: string, body: string, from: number, depth: number): DetailSites {
  const out: DetailSites = { messages: [], indirect: [] };
  const base = Math.max(src.indexOf(body, from), from);
  for (const r of body.matchAll(/\breturn\b\s*/g)) {
    const start = r.index + r[0].length;
    const x = valuesOf(file, src, body.slice(start, expressionEnd(body, start, ";")), base + start, depth);
    out.messages.push(...x.messages);
    out.indirect.push(...x.indirect);
  }
  return out;
}

/** Every `{` that opens an object literal or a block, outside literals and comments. */
function braces(src: string): number[] {
  const found: number[] = [];
  let j = 0;
  while (j < src.length) {
    const ch = src[j]!;
    if (ch === '"' || ch === "'" || ch === "`") j = literalEnd(src, j);
    else if (ch === "/" && src[j + 1] === "/") j = src.indexOf("\n", j) < 0 ? src.length : src.indexOf("\n", j);
    else if (ch === "/" && src[j + 1] === "*") j = src.indexOf("*/", j) + 2;
    else (ch === "{" && found.push(j), j++);
  }
  return found;
}

/** Call sites of `name(` (not its own declaration), each with its argument expressions. */
function callsOf(src: string, name: string): { args: string[]; at: number }[] {
  const out: { args: string[]; at: number }[] = [];
  for (const m of src.matchAll(new RegExp(`(?<![\\w.])${name}\\(`, "g"))) {
    const before = src.slice(Math.max(0, m.index - 40), m.index);
    if (/(const|function)\s+$/.test(before) || /export const $/.test(before)) continue;
    out.push({ args: callArguments(src, m.index + m[0].length - 1), at: m.index });
  }
  return out;
}

export function detailMessageSites(sources: Record<string, string>): DetailSites {
  const out: DetailSites = { messages: [], indirect: [] };
  const add = (x: DetailSites) => (out.messages.push(...x.messages), out.indirect.push(...x.indirect));
  for (const [file, src] of Object.entries(sources)) {
    // Objects: a detail (field, message, code), zod's options or issue, a failed parse's reason.
    for (const open of braces(src)) {
      const kv = entries(src.slice(open + 1, expressionEnd(src, open + 1, "")));
      const keys = new Set(kv.map(([k]) => k));
      const value = (k: string) => kv.find(([key]) => key === k)![1];
      // A detail names its field (its code may come with a spread: `{ ...d, field: "amount", message }`).
      const zodShaped = [...keys].every((k) => ZOD_KEYS.has(k));
      if (keys.has("message") && (keys.has("field") || zodShaped)) add(valuesOf(file, src, value("message"), open));
      // zod 4's `error`, a string or a function, in options given to a call (`.min(1, { error })`, `z.string({ error })`):
      // not a row's `{ error: row.error }`, a response's `c.json({ error: { code, message } })` or a shape's `error: z.string()`.
      const error = keys.has("error") ? unwrap(value("error")) : "";
      if (error && zodShaped && !/^(\{|z\.)/.test(error) && /[(,]\s*$/.test(src.slice(Math.max(0, open - 40), open))) add(valuesOf(file, src, error, open));
      if (keys.has("ok") && keys.has("reason") && value("ok") === "false") add(valuesOf(file, src, value("reason"), open));
    }
    // An issue added by hand, whatever else it names (`ctx.issues.push({ code: "too_small", origin, minimum, message, input })`).
    for (const m of src.matchAll(/(?<![\w$])(?:\w+\.)*(?:issues\.push|addIssue)\(/g)) {
      for (const a of callArguments(src, m.index + m[0].length - 1)) {
        if (!a.startsWith("{")) continue;
        const kv = entries(a.slice(1, expressionEnd(a, 1, "")));
        for (const [k, v] of kv) if (k === "message" || k === "error") add(valuesOf(file, src, v, m.index));
      }
    }
    // zod's checks given their message alone.
    for (const [method, arg] of Object.entries(ZOD_POSITIONAL)) {
      for (const m of src.matchAll(new RegExp(`\\.${method}\\(`, "g"))) {
        const a = callArguments(src, m.index + m[0].length - 1)[arg];
        if (a && /^["'`]/.test(a)) add(valuesOf(file, src, a, m.index));
      }
    }
    for (const call of DETAIL_CALLS) for (const { args, at } of callsOf(src, call.name)) if (args[call.arg]) add(valuesOf(file, src, args[call.arg]!, at));
    // `explained(schema, code, (v) => problem)`: what the function returns.
    for (const { args, at } of callsOf(src, "explained")) {
      const fn = args[2] ?? "";
      const arrow = topLevel(fn, "=>")[0];
      if (arrow !== undefined) add(valuesOf(file, src, fn.slice(arrow + 2), at));
    }
    for (const name of DETAIL_FUNCTIONS) {
      for (const m of src.matchAll(new RegExp(`function ${name}\\(`, "g"))) {
        const params = expressionEnd(src, m.index + m[0].length, ")");
        const open = src.indexOf("{", params);
        const body = src.slice(open + 1, expressionEnd(src, open + 1, ""));
        add(returnsOf(file, src, body, open + 1, 0));
      }
    }
  }
  // Messages found twice (a detail object that is also zod-shaped) count once.
  const seen = new Set<string>();
  out.messages = out.messages.filter((m) => {
    const k = `${m.file}\u0000${"text" in m ? m.text : m.parts.join("{}")}`;
    return !seen.has(k) && (seen.add(k), true);
  });
  return out;
}
