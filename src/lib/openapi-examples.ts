/**
 * Examples for the OpenAPI document, built from each operation's own schema so
 * that they always validate against it, with seed 000's sample values for the
 * fields it shows (`amount: -45.67`, `description: "Starbucks Coffee"`, ids
 * like `acc_123`). A schema's own `example` wins over both.
 */

type Json = Record<string, any>;

/** Seed 000's sample values, by field name. */
const SEED_VALUES: Record<string, unknown> = {
  email: "user@example.com",
  password: "securepassword",
  locale: "en",
  currency: "USD",
  description: "Starbucks Coffee",
  merchant: "Starbucks",
  notes: "Coffee with client",
  accessToken: "eyJhbGciOiJIUzI1NiIs...",
  refreshToken: "rt_0123456789abcdef",
  expiresIn: 900,
  timezone: "America/Mexico_City",
  amount: -45.67,
  balance: 2500,
};

/** `spaceId` → `spc_123`: the id prefixes of API.md. */
const ID_PREFIXES: Record<string, string> = {
  space: "spc", account: "acc", transaction: "txn", category: "cat", budget: "bud", document: "doc", asset: "ast",
  household: "hh", job: "job", user: "usr", connection: "con", webhook: "whk", delivery: "dlv", wallet: "wal",
  series: "rec", scenario: "prj", session: "ses", rule: "rul",
};

const DATE = "2024-01-01";
const DATE_TIME = "2024-01-01T10:00:00.000Z";

function resolve(schema: Json | undefined, doc: Json): Json {
  let s = schema ?? {};
  for (let i = 0; i < 10 && s.$ref; i++) {
    const name = String(s.$ref).split("/").pop()!;
    s = doc.components?.schemas?.[name] ?? {};
  }
  return s;
}

function seeded(prop: string | undefined, s: Json): unknown {
  if (!prop) return undefined;
  const v = SEED_VALUES[prop];
  if (v !== undefined && (typeof v === s.type || (s.type === "integer" && Number.isInteger(v)))) return v;
  const idOf = /^(\w+?)Id$/.exec(prop);
  if (idOf && s.type === "string") {
    const prefix = ID_PREFIXES[idOf[1]!];
    if (prefix) return `${prefix}_123`;
  }
  return undefined;
}

function stringFor(s: Json, prop?: string): string {
  switch (s.format) {
    case "date":
      return DATE;
    case "date-time":
      return DATE_TIME;
    case "email":
      return "user@example.com";
    case "uri":
    case "url":
      return "https://example.com/hooks/dhanam";
    case "uuid":
      return "3fa85f64-5717-4562-b3fc-2c963f66afa6";
  }
  if (prop && prop.endsWith("At")) return DATE_TIME;
  if (prop && (prop === "date" || prop.endsWith("Date"))) return DATE;
  let v = prop ? prop.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase() : "string";
  if (typeof s.minLength === "number" && v.length < s.minLength) v = v.padEnd(s.minLength, "x");
  if (typeof s.maxLength === "number" && v.length > s.maxLength) v = v.slice(0, s.maxLength);
  return v;
}

function numberFor(s: Json): number {
  let v = s.type === "integer" ? 1 : 25.5;
  if (typeof s.minimum === "number" && v < s.minimum) v = s.minimum;
  if (typeof s.exclusiveMinimum === "number" && v <= s.exclusiveMinimum) v = s.exclusiveMinimum + 1;
  if (typeof s.maximum === "number" && v > s.maximum) v = s.maximum;
  return v;
}

/**
 * A value valid for `schema`, or undefined when one cannot be built with
 * confidence (a `pattern` with no example): the caller then shows none.
 */
export function exampleFor(schema: Json | undefined, doc: Json, prop?: string, depth = 0): unknown {
  const s = resolve(schema, doc);
  if (depth > 8) return undefined;
  if (s.example !== undefined) return s.example;
  if (Array.isArray(s.examples) && s.examples.length) return s.examples[0];
  if (s.const !== undefined) return s.const;
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
  if (s.default !== undefined) return s.default;
  const options: Json[] | undefined = s.anyOf ?? s.oneOf;
  if (options) {
    for (const o of options) {
      const v = exampleFor(o, doc, prop, depth + 1);
      if (v !== undefined) return v;
    }
    return undefined;
  }
  if (s.allOf) {
    const merged: Json = {};
    for (const part of s.allOf) {
      const v = exampleFor(part, doc, prop, depth + 1);
      // A described reference to an array (or a scalar) is that value: only objects merge.
      if (Array.isArray(v) || (v !== null && typeof v !== "object" && v !== undefined)) return v;
      Object.assign(merged, v ?? {});
    }
    return merged;
  }
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== "null") : s.type;
  const typed = { ...s, type };
  const fromSeed = seeded(prop, typed);
  if (fromSeed !== undefined) return fromSeed;
  switch (type) {
    case "string":
      return s.pattern ? undefined : stringFor(s, prop);
    case "number":
    case "integer":
      return numberFor(typed);
    case "boolean":
      return true;
    case "null":
      return null;
    case "array": {
      const item = exampleFor(s.items, doc, prop, depth + 1);
      if (item === undefined) return (s.minItems ?? 0) > 0 ? undefined : [];
      return Array.from({ length: Math.max(1, s.minItems ?? 1) }, () => item);
    }
    case "object":
    case undefined: {
      if (!s.properties) return type === "object" ? {} : undefined;
      const out: Json = {};
      const required = new Set<string>(s.required ?? []);
      for (const [name, ps] of Object.entries<Json>(s.properties)) {
        const v = exampleFor(ps, doc, name, depth + 1);
        if (v === undefined) {
          if (required.has(name)) return undefined;
          continue;
        }
        out[name] = v;
      }
      return out;
    }
    default:
      return undefined;
  }
}

/** The error code each shared status answers with, for the envelope's example. */
const ERROR_CODES: Record<string, [string, string]> = {
  "400": ["BAD_REQUEST", "Malformed JSON in request body"],
  "401": ["UNAUTHORIZED", "Authentication token invalid or expired"],
  "403": ["FORBIDDEN", "Your role in this space does not allow this operation"],
  "404": ["RESOURCE_NOT_FOUND", "Resource not found"],
  "409": ["CONFLICT", "The request conflicts with the resource's current state"],
  "413": ["PAYLOAD_TOO_LARGE", "Request body exceeds 1048576 bytes"],
  "415": ["UNSUPPORTED_MEDIA_TYPE", "Send the request body as application/json"],
  "422": ["VALIDATION_FAILED", "Validation failed for the provided data"],
  "429": ["RATE_LIMIT_EXCEEDED", "Rate limit exceeded; retry after 42 seconds"],
};

function errorExample(status: string): Json {
  const [code, message] = ERROR_CODES[status] ?? ["INTERNAL_ERROR", "An unexpected error occurred"];
  const details = code === "VALIDATION_FAILED" ? [{ field: "amount", message: "Required", code: "REQUIRED" }] : [];
  return { error: { code, message, details, timestamp: DATE_TIME, requestId: "req_0123456789abcdef" } };
}

/** Adds an example to every JSON request body and response that has none. */
export function addExamples(op: Json, doc: Json): void {
  const media = op.requestBody?.content?.["application/json"];
  if (media && media.example === undefined && media.examples === undefined) {
    const v = exampleFor(media.schema, doc);
    if (v !== undefined) media.example = v;
  }
  for (const [status, response] of Object.entries<Json>(op.responses ?? {})) {
    const m = response?.content?.["application/json"];
    if (!m || m.example !== undefined || m.examples !== undefined) continue;
    const v = status.startsWith("2") ? exampleFor(m.schema, doc) : errorExample(status);
    if (v !== undefined) m.example = v;
  }
}
