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

import { addExamples } from "./openapi-examples";
import { IDEMPOTENCY_PARAMETER } from "./openapi";

type Json = Record<string, any>;

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

const ERROR_REF = { $ref: "#/components/schemas/Error" };
const PROBLEM_REF = { $ref: "#/components/schemas/Problem" };

/** The headers a 429 carries (middleware/rate-limit.ts, lib/rate-limits.ts), so that clients and generators know them. */
const RATE_LIMIT_HEADERS: Json = {
  RetryAfter: { description: "Seconds to wait before sending the request again: the refusal's own wait", schema: { type: "integer", minimum: 1 } },
  RateLimitLimit: {
    description:
      "The limit (requests per window) of the policy the request counted against: the refusing policy's when a rate limit refused it (`RATE_LIMIT_EXCEEDED`). A refusal of another kind (a sync within 15 minutes of the last, too many wrong passwords) carries the policy the request still counted against, and its wait in Retry-After.",
    schema: { type: "integer" },
  },
  RateLimitRemaining: { description: "Requests left in that policy's window (0 when that policy refused)", schema: { type: "integer" } },
  RateLimitReset: { description: "When that policy's window resets, in Unix seconds", schema: { type: "integer" } },
};
const RATE_LIMITED_HEADERS: Json = {
  "Retry-After": { $ref: "#/components/headers/RetryAfter" },
  "X-RateLimit-Limit": { $ref: "#/components/headers/RateLimitLimit" },
  "X-RateLimit-Remaining": { $ref: "#/components/headers/RateLimitRemaining" },
  "X-RateLimit-Reset": { $ref: "#/components/headers/RateLimitReset" },
};

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
    code: { type: "string" },
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
  if (responses["429"]) responses["429"].headers ??= RATE_LIMITED_HEADERS;
  // Every error may come as problem details instead, on the client's asking.
  for (const [status, response] of Object.entries<Json>(responses)) {
    if (Number(status) >= 400 && response.content?.["application/json"] && !response.content["application/problem+json"]) {
      response.content["application/problem+json"] = { schema: PROBLEM_REF };
    }
  }
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
      addExamples(op, doc);
    }
  }
  doc.components ??= {};
  doc.components.schemas ??= {};
  doc.components.schemas.Problem ??= PROBLEM_SCHEMA;
  doc.components.headers = { ...RATE_LIMIT_HEADERS, ...doc.components.headers };
  const declared = new Map<string, Json>((doc.tags ?? []).map((t: Json) => [t.name, t]));
  doc.tags = [...usedTags].map((name) => declared.get(name) ?? { name, description: TAG_DESCRIPTIONS[name] ?? `${name} operations.` });
  return doc;
}
