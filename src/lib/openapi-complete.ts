/**
 * Finishes the generated OpenAPI document so that every operation, including
 * the ones a module declares tersely, carries what clients and SDK generators
 * rely on: an `operationId`, an explicit `security` list (empty on public
 * routes), a description that states who may call it, a tag that is declared,
 * every error status the shared middleware can answer with its envelope, and
 * examples that validate against the schemas (lib/openapi-examples.ts).
 * Routes keep whatever they declare themselves; this only fills gaps, from
 * facts the app already knows (body present, secured, role, path parameters).
 */

import { ERROR_CODES } from "./errors";
import { addExamples } from "./openapi-examples";
import { IDEMPOTENCY_PARAMETER } from "./openapi";

type Json = Record<string, any>;

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

const ERROR_REF = { $ref: "#/components/schemas/Error" };
const PROBLEM_REF = { $ref: "#/components/schemas/Problem" };

/**
 * The response headers the shared middleware sets, declared once under components.headers and referenced from
 * every response they appear on (request-context.ts, rate-limit.ts and lib/rate-limits.ts, idempotency.ts,
 * d1-session.ts), so that clients and generators know them.
 */
const RESPONSE_HEADERS: Json = {
  RequestId: {
    description: "This request's id (`req_…`), on every response; an error's body repeats it as `requestId`. Quote it when reporting a problem.",
    schema: { type: "string", example: "req_0123456789abcdef" },
  },
  RetryAfter: { description: "Seconds to wait before sending the request again: the refusal's own wait", schema: { type: "integer", minimum: 1 } },
  RateLimitLimit: {
    description:
      "The limit (requests per window) of the rate-limit policy the request counted against (a route with a narrower policy of its own reports that one), on every response of a rate-limited operation once the request reached its limiter, successes included. On a 429 `RATE_LIMIT_EXCEEDED` of a rate limit it is the refusing policy's. A 429 of a business rule (a sync within 15 minutes of the last, too many wrong passwords or codes) carries no X-RateLimit-* headers, only its wait in Retry-After.",
    schema: { type: "integer" },
  },
  RateLimitRemaining: { description: "Requests left in that policy's window (0 when that policy refused)", schema: { type: "integer" } },
  RateLimitReset: { description: "When that policy's window resets, in Unix seconds", schema: { type: "integer" } },
  IdempotencyReplayed: {
    description: "`true` when this response is the replay of the first response to the same `Idempotency-Key` and body (nothing was done again); absent otherwise.",
    schema: { type: "string", enum: ["true"] },
  },
  D1Bookmark: {
    description:
      "The database state this response saw or wrote (for a write, the space ledger's commit), on /v1 responses. Send it back as the `X-D1-Bookmark` request header and the request reads at least that fresh, so a client sees its own writes. Opaque: store and send it as received; its format may change.",
    schema: { type: "string" },
  },
};
const RATE_LIMITED_HEADERS: Json = {
  "Retry-After": { $ref: "#/components/headers/RetryAfter" },
  "X-RateLimit-Limit": { $ref: "#/components/headers/RateLimitLimit" },
  "X-RateLimit-Remaining": { $ref: "#/components/headers/RateLimitRemaining" },
  "X-RateLimit-Reset": { $ref: "#/components/headers/RateLimitReset" },
};
const RATE_LIMIT_HEADER_REFS: Json = {
  "X-RateLimit-Limit": { $ref: "#/components/headers/RateLimitLimit" },
  "X-RateLimit-Remaining": { $ref: "#/components/headers/RateLimitRemaining" },
  "X-RateLimit-Reset": { $ref: "#/components/headers/RateLimitReset" },
};

/** The optional `X-D1-Bookmark` request header every /v1 operation takes (middleware/d1-session.ts). */
const BOOKMARK_PARAMETER: Json = {
  name: "X-D1-Bookmark",
  in: "header",
  required: false,
  description:
    "The `X-D1-Bookmark` of an earlier response: this request then reads at least that fresh (read-your-writes on read replicas). Opaque: send it as it was received. One the API did not make is a 422 (`VALIDATION_FAILED`, detail code `INVALID_BOOKMARK`, field `X-D1-Bookmark`).",
  schema: { type: "string" },
};
const BOOKMARK_PARAMETER_REF = { $ref: "#/components/parameters/D1Bookmark" };

/** Conventions that hold for every operation, after the document's own description. */
const INFO_NOTES = [
  "**Money.** Amounts, balances and values in responses are JSON numbers in major units written with every digit of the exact decimal, each with a `…Decimal` string beside it (`balance` and `balanceDecimal`) holding the same digits. The number is exact in the text; parsers that read numbers as doubles lose precision past 15 significant digits — read the `…Decimal` field. Requests take amounts as JSON numbers or decimal strings; a number a double cannot hold exactly is a 422 `INEXACT_NUMBER`.",
  "**Headers.** Every response carries `X-Request-Id`; every /v1 response `X-D1-Bookmark` (send it back as the request header of that name to read your own writes; opaque); every response of a rate-limited operation `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (a 429 adds `Retry-After`); a replayed write `Idempotency-Replayed: true`.",
];

/** What a money number (or another exact decimal, a rate or a quantity) is, said once per number beside its `…Decimal` string (describeMoney). */
const moneySentence = (decimal: string) =>
  `A JSON number written with every digit of its exact decimal: exact in the text; parsers that read numbers as doubles lose precision past 15 significant digits — read \`${decimal}\`.`;

/** RFC 9457 problem details: what an error is when the client sends `Accept: application/problem+json`. */
const PROBLEM_SCHEMA = {
  type: "object",
  description: "An error as RFC 9457 problem details, sent when the request's Accept header names application/problem+json",
  required: ["type", "title", "status", "detail", "instance", "code", "errors", "timestamp", "requestId"],
  properties: {
    type: { type: "string", format: "uri" },
    title: { type: "string" },
    status: { type: "integer" },
    detail: { type: "string" },
    instance: { type: "string" },
    code: { type: "string", enum: [...ERROR_CODES], description: "The same code as the envelope's `error.code`" },
    errors: {
      type: "array",
      items: { type: "object", required: ["field", "message", "code"], properties: { field: { type: "string" }, message: { type: "string" }, code: { type: "string" } } },
    },
    timestamp: { type: "string" },
    requestId: { type: "string" },
  },
};

/** Error statuses the shared middleware answers, and when. */
const ERROR_DESCRIPTIONS: Record<string, string> = {
  "400": "Malformed JSON body, or one that is not UTF-8",
  "401": "Authentication required or invalid",
  "403": "Role or second factor insufficient",
  "404": "Not found, or in a space the caller cannot see",
  "413": "Request body larger than the limit",
  "415": "Request body is not application/json, or declares a charset other than UTF-8",
  "422": "Validation failed; `details` lists each bad field",
  "429": "Rate limit exceeded; see Retry-After",
};

const ROLE_SENTENCES: Record<string, string> = {
  viewer: "Any member of the space may call this, viewers included.",
  member: "Requires the `member` role or above in the space; viewers get 403.",
  admin: "Requires the `admin` role or above in the space.",
  owner: "Only the space's owner may call this.",
};

/** What admin and owner routes ask of a caller with two-factor authentication (spaces/access.ts, requireRecentStepUp). */
const STEP_UP_SENTENCE =
  "A caller with two-factor authentication enabled must have confirmed it in this session within the last 15 minutes (`POST /v1/auth/2fa/verify`), else 403 `TWO_FACTOR_REQUIRED`.";
/** What the most sensitive routes ask (`x-requires-2fa`, requireTwoFactor): the factor itself, not only its proof when enabled. */
const TWO_FACTOR_SENTENCE =
  "Two-factor authentication must be enabled and confirmed in this session within the last 15 minutes (`POST /v1/auth/2fa/verify`), else 403 `TWO_FACTOR_REQUIRED`.";

const TAG_DESCRIPTIONS: Record<string, string> = {
  Meta: "Liveness and service information.",
  Auth: "Registration, login, token refresh and two-factor authentication.",
  Spaces: "Personal and business spaces and their members.",
  Ledger: "The double-entry ledger of a space: postings, volumes, logs (seed 004 shapes, integer minor units).",
  Accounts: "Bank, card, investment, crypto and manual accounts.",
  Transactions: "Expenses, income, transfers, trades and their categorization.",
  Categories: "Categories and categorization rules.",
  Budgets: "Budgets over categories with period spending and alerts.",
  ML: "The learning categorizer: predictions, corrections, retraining.",
  Providers: "Connections to Plaid, Belvo and Bitso, their webhooks, and queued syncs.",
  Webhooks: "Outgoing webhook subscriptions, signed deliveries and their log.",
  ESG: "Environmental, social and governance scores of crypto holdings, weighted by market value.",
  DeFi: "DeFi wallets and their positions by protocol and network.",
  Gaming: "Blockchain gaming platforms: tokens, staking, land, NFTs, guilds and earnings.",
  Analytics: "Dashboard, net worth history, recurring series and the 60-day forecast.",
  Rates: "Exchange rates by day, from the provider or set by hand per space.",
  Projections: "Monte Carlo retirement projections and saved scenarios.",
  Assets: "Manual assets (real estate, vehicles, collectibles, private holdings) and their valuations.",
  Documents: "Documents of an asset, uploaded and downloaded through short-lived signed URLs.",
  Collectibles: "Collectible catalogues, links to assets and refreshed values.",
  "Real estate": "Property valuations (Zestimate-style) for real-estate assets.",
  Households: "Households: members, executors and the spaces they share.",
  "Life Beat": "The dead man's switch: check-ins, escalation and emergency read-only access.",
};

const camel = (s: string) => s.replace(/[-_]+([a-z0-9])/gi, (_, c: string) => c.toUpperCase());
const pascal = (s: string) => (s ? s[0]!.toUpperCase() + camel(s).slice(1) : s);
const singular = (w: string) => (w.endsWith("ies") ? `${w.slice(0, -3)}y` : w.endsWith("ss") || !w.endsWith("s") ? w : w.slice(0, -1));
const isParam = (seg: string) => seg.startsWith("{");

/**
 * `GET /v1/budgets` → listBudgets, `GET /v1/budgets/{id}` → getBudget,
 * `POST /v1/budgets` → createBudget, `PATCH` → update…, `DELETE` → delete…,
 * and a POST to an action path (no GET beside it) is named after the action:
 * `POST /v1/transactions/transfer` → transactionsTransfer.
 */
export function deriveOperationId(method: string, path: string, pathItem: Json): string {
  const segs = path.split("/").filter(Boolean).slice(path.startsWith("/v1/") ? 1 : 0);
  const words = segs.filter((s) => !isParam(s));
  const last = segs[segs.length - 1] ?? "";
  const endsWithParam = isParam(last);
  const noun = (singularLast: boolean) =>
    words.map((w, i) => (i === words.length - 1 && singularLast ? pascal(singular(w)) : pascal(w))).join("");
  switch (method) {
    case "get":
      // A collection (plural last word) is listed; a singleton (`/auth/me`, `/accounts/summary`) is got.
      return endsWithParam || !words[words.length - 1]?.endsWith("s") ? `get${noun(true)}` : `list${noun(false)}`;
    case "post":
      if (!endsWithParam && pathItem.get) return `create${noun(true)}`;
      return camel(noun(false).replace(/^./, (c) => c.toLowerCase()));
    case "put":
      return `put${noun(false)}`;
    case "patch":
      return `update${noun(true)}`;
    default:
      return `delete${noun(true)}`;
  }
}

function describe(op: Json): string {
  const parts = [op.summary ? `${String(op.summary).replace(/\.$/, "")}.` : ""];
  const role = op["x-min-role"];
  if (role) parts.push(ROLE_SENTENCES[role] ?? "");
  else if (Array.isArray(op.security) && op.security.length > 0) parts.push("Any signed-in user may call this.");
  else parts.push("Public: no access token.");
  if (op["x-requires-2fa"]) parts.push(TWO_FACTOR_SENTENCE);
  else if (role === "admin" || role === "owner") parts.push(STEP_UP_SENTENCE);
  if ((op.parameters ?? []).some((p: Json) => p.in === "header" && String(p.name).toLowerCase() === "idempotency-key")) {
    parts.push("Send an `Idempotency-Key` to make retries safe: the same key and body replay the first response.");
  }
  return parts.filter(Boolean).join(" ");
}

function addErrors(op: Json, path: string): void {
  const responses: Json = (op.responses ??= {});
  const secured = Array.isArray(op.security) && op.security.length > 0;
  const wanted = new Set<string>();
  if (op.requestBody) ["400", "413", "415", "422"].forEach((s) => wanted.add(s));
  if (secured) ["401", "429"].forEach((s) => wanted.add(s));
  if (path.includes("{")) wanted.add("404");
  // Any route may answer 422: an undeclared query parameter (middleware/strict-query.ts), a malformed
  // X-D1-Bookmark, or a path parameter out of its bounds.
  wanted.add("422");
  if (op["x-requires-2fa"] || (op["x-min-role"] && op["x-min-role"] !== "viewer")) wanted.add("403");
  for (const status of wanted) {
    if (responses[status]) continue;
    responses[status] = { description: ERROR_DESCRIPTIONS[status]!, content: { "application/json": { schema: ERROR_REF } } };
  }
  if (responses["429"]) responses["429"].headers ??= { ...RATE_LIMITED_HEADERS };
  // Every error may come as problem details instead, on the client's asking.
  for (const [status, response] of Object.entries<Json>(responses)) {
    if (Number(status) >= 400 && response.content?.["application/json"] && !response.content["application/problem+json"]) {
      response.content["application/problem+json"] = { schema: PROBLEM_REF };
    }
  }
}

/**
 * The shared response headers on each response they can appear on: X-Request-Id on all; X-D1-Bookmark on a /v1
 * route's; X-RateLimit-* on a rate-limited operation's (one that can answer 429), except those answered before its
 * limiter runs (401 from authentication, 413 and 415 from the body checks); Idempotency-Replayed on the successes of
 * an operation that takes an Idempotency-Key.
 */
function addResponseHeaders(op: Json, path: string): void {
  const rateLimited = Boolean(op.responses?.["429"]);
  const idempotent = (op.parameters ?? []).some((p: Json) => p.in === "header" && String(p.name).toLowerCase() === "idempotency-key");
  for (const [status, response] of Object.entries<Json>(op.responses ?? {})) {
    if (response.$ref) continue;
    const headers: Json = { "X-Request-Id": { $ref: "#/components/headers/RequestId" } };
    if (path.startsWith("/v1/")) headers["X-D1-Bookmark"] = { $ref: "#/components/headers/D1Bookmark" };
    if (rateLimited && status !== "429" && !["401", "413", "415"].includes(status)) Object.assign(headers, RATE_LIMIT_HEADER_REFS);
    if (idempotent && status.startsWith("2")) headers["Idempotency-Replayed"] = { $ref: "#/components/headers/IdempotencyReplayed" };
    response.headers = { ...(response.headers ?? {}), ...Object.fromEntries(Object.entries(headers).filter(([k]) => !response.headers?.[k])) };
  }
}

/** The operation's parameters with the optional X-D1-Bookmark header (a /v1 route's), after its own and before an Idempotency-Key (which stays last). */
function withBookmarkParameter(op: Json, path: string): void {
  if (!path.startsWith("/v1/")) return;
  const params: Json[] = op.parameters ?? [];
  if (params.some((p) => p.$ref === BOOKMARK_PARAMETER_REF.$ref || (p.in === "header" && String(p.name).toLowerCase() === "x-d1-bookmark"))) return;
  const key = params.findIndex((p) => p.in === "header" && String(p.name).toLowerCase() === "idempotency-key");
  const at = key < 0 ? params.length : key;
  const parameters = [...params.slice(0, at), { ...BOOKMARK_PARAMETER_REF }, ...params.slice(at)];
  if (op.parameters) {
    op.parameters = parameters;
    return;
  }
  // Where the generator puts parameters (before the body and the responses), as a declared header would be.
  const rest = Object.entries(op);
  for (const k of Object.keys(op)) delete op[k];
  for (const [k, v] of rest) {
    if ((k === "requestBody" || k === "responses") && !op.parameters) op.parameters = parameters;
    op[k] = v;
  }
  op.parameters ??= parameters;
}

/**
 * Says once, on each money number, what the number is and which exact string to read: a number property with a
 * `<name>Decimal` string beside it (or a map of numbers beside a map of strings) is money rendered by moneyFields.
 */
function describeMoney(schema: unknown, seen = new Set<unknown>()): void {
  if (!schema || typeof schema !== "object" || seen.has(schema)) return;
  seen.add(schema);
  if (Array.isArray(schema)) {
    for (const s of schema) describeMoney(s, seen);
    return;
  }
  const s = schema as Json;
  const props: Json | undefined = s.properties && typeof s.properties === "object" ? s.properties : undefined;
  if (props) {
    for (const [name, p] of Object.entries<Json>(props)) {
      const companion = props[`${name}Decimal`];
      if (!companion || !p || p.$ref || !isNumberish(p) || !isStringish(companion)) continue;
      const sentence = moneySentence(`${name}Decimal`);
      if (typeof p.description === "string" && p.description.includes(sentence)) continue;
      p.description = p.description ? `${String(p.description).replace(/\.?$/, ".")} ${sentence}` : sentence;
    }
  }
  for (const v of Object.values(s)) describeMoney(v, seen);
}

const types = (s: Json): string[] =>
  Array.isArray(s.type) ? s.type : s.type ? [s.type] : (s.anyOf ?? s.oneOf ?? []).flatMap((o: Json) => types(o));
const withoutNull = (s: Json) => types(s).filter((t) => t !== "null");
/** A number (or a map of numbers), nullable or not. */
function isNumberish(s: Json): boolean {
  const t = withoutNull(s);
  if (t.length === 1 && t[0] === "number") return true;
  return t.length === 1 && t[0] === "object" && !s.properties && s.additionalProperties && withoutNull(s.additionalProperties).join() === "number";
}
function isStringish(s: Json): boolean {
  const t = withoutNull(s);
  if (t.length === 1 && t[0] === "string") return true;
  return t.length === 1 && t[0] === "object" && !s.properties && s.additionalProperties && withoutNull(s.additionalProperties).join() === "string";
}

/**
 * The operation with the header parameter its `idempotent` mark stands for, last of its parameters
 * and where the generator puts parameters (before the body), as a validated header would be.
 */
function withIdempotencyHeader(op: Json): Json {
  if (!op["x-idempotency-key"]) return op;
  const out: Json = {};
  const header = structuredClone(IDEMPOTENCY_PARAMETER);
  for (const [k, v] of Object.entries(op)) {
    if (k === "x-idempotency-key") continue;
    if (k === "parameters") out.parameters = [...v, header];
    else {
      if ((k === "requestBody" || k === "responses") && !out.parameters) out.parameters = [header];
      out[k] = v;
    }
  }
  return out;
}

export function completeDocument(doc: Json): Json {
  doc.info = { license: { name: "Proprietary", url: "https://dhanam.app/terms" }, ...doc.info };
  doc.info.description = [doc.info.description, ...INFO_NOTES].filter(Boolean).join("\n\n");
  const usedTags = new Set<string>();
  const ids = new Set<string>();
  for (const [path, item] of Object.entries<Json>(doc.paths ?? {})) {
    for (const method of METHODS) {
      if (!item[method]) continue;
      const op = (item[method] = withIdempotencyHeader(item[method]));
      op.security ??= [];
      if (!op.operationId) {
        let id = deriveOperationId(method, path, item);
        while (ids.has(id)) id = `${id}${pascal(method)}`;
        op.operationId = id;
      }
      ids.add(op.operationId);
      if (!op.tags?.length) op.tags = ["Meta"];
      for (const t of op.tags) usedTags.add(t);
      op.description ??= describe(op);
      addErrors(op, path);
      withBookmarkParameter(op, path);
      addResponseHeaders(op, path);
      addExamples(op, doc);
    }
  }
  doc.components ??= {};
  doc.components.schemas ??= {};
  doc.components.schemas.Problem ??= PROBLEM_SCHEMA;
  doc.components.headers = { ...RESPONSE_HEADERS, ...doc.components.headers };
  doc.components.parameters = { D1Bookmark: BOOKMARK_PARAMETER, ...doc.components.parameters };
  describeMoney(doc.components.schemas);
  describeMoney(doc.paths);
  const declared = new Map<string, Json>((doc.tags ?? []).map((t: Json) => [t.name, t]));
  doc.tags = [...usedTags].map((name) => declared.get(name) ?? { name, description: TAG_DESCRIPTIONS[name] ?? `${name} operations.` });
  return doc;
}
