/**
 * The served OpenAPI document is complete enough for SDK generators and the
 * reference: CI lints it with Redocly too (`npm run lint:openapi`); this checks
 * the properties the SDKs rely on from inside the Worker.
 */
import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../../src/lib/errors";
import { call, callJson, createSpace, registerUser } from "../helpers";

const METHODS = ["get", "post", "put", "patch", "delete"];

describe("the OpenAPI document", () => {
  it("gives every operation a unique operationId, a description, explicit security and its error statuses", async () => {
    const { body: doc } = await callJson("/openapi.json");
    const ids = new Set<string>();
    let operations = 0;
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      for (const method of METHODS) {
        const op = item[method];
        if (!op) continue;
        operations++;
        const label = `${method.toUpperCase()} ${path}`;
        expect(op.operationId, label).toMatch(/^[a-z][A-Za-z0-9]+$/);
        expect(ids.has(op.operationId), `${label}: duplicate ${op.operationId}`).toBe(false);
        ids.add(op.operationId);
        expect(op.summary, label).toBeTruthy();
        expect(op.description, label).toBeTruthy();
        expect(Array.isArray(op.security), label).toBe(true);
        const statuses = Object.keys(op.responses);
        if (op.security.length) expect(statuses, label).toEqual(expect.arrayContaining(["401", "429"]));
        const jsonBody = op.requestBody?.content?.["application/json"];
        if (jsonBody) {
          expect(statuses, label).toEqual(expect.arrayContaining(["400", "413", "415", "422"]));
          expect(jsonBody.example, `${label} request example`).toBeDefined();
        }
        if (op.responses["429"]) expect(Object.keys(op.responses["429"].headers ?? {}), `${label} 429 headers`).toEqual(["Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-Request-Id", "X-D1-Bookmark"]);
        for (const [status, res] of Object.entries<any>(op.responses)) {
          const media = res.content?.["application/json"];
          if (media) expect(media.example ?? media.examples, `${label} ${status} example`).toBeDefined();
          if (!status.startsWith("2") && media) expect(media.example.error.code, `${label} ${status}`).toMatch(/^[A-Z_]+$/);
        }
      }
    }
    expect(operations).toBeGreaterThan(50);
    expect(doc.info.license.name).toBeTruthy();
  });

  it("says what each route asks of two-factor authentication, as the services check it", async () => {
    const { body: doc } = await callJson("/openapi.json");
    // Deleting a space needs the factor itself (requireTwoFactor): it said "with 2FA enabled" and then "when enabled".
    const remove = doc.paths["/v1/spaces/{spaceId}"].delete;
    expect(remove.description).toContain("Two-factor authentication must be enabled");
    expect(remove.description).not.toContain("When the caller has");
    // Admin routes ask a recent proof of those who have it (requireRecentStepUp).
    expect(doc.paths["/v1/providers/plaid/link-token"].post.description).toContain("A caller with two-factor authentication enabled must have confirmed it");
    expect(doc.paths["/v1/transactions"].post.description).not.toContain("two-factor");
    // Routes whose rule depends on the body or the target say so: leaving a space, switching an account on or off.
    expect(doc.paths["/v1/spaces/{spaceId}/members/{userId}"].delete.description).toContain("Any member may remove themself (leave), with no second factor");
    expect(doc.paths["/v1/accounts/{accountId}"].patch.description).toContain("`isActive` (deactivate, or reconnect) requires `admin`");
  });

  it("documents decimal amounts as strings or numbers", async () => {
    const { body: doc } = await callJson("/openapi.json");
    const amount = doc.paths["/v1/transactions"].post.requestBody.content["application/json"].schema;
    const schema = amount.$ref ? doc.components.schemas[amount.$ref.split("/").pop()] : amount;
    const types = (schema.properties.amount.anyOf ?? []).map((s: any) => s.type).sort();
    expect(types).toEqual(["number", "string"]);
  });

  it("documents the Idempotency-Key header of every money-moving route, after its other parameters", async () => {
    const { body: doc } = await callJson("/openapi.json");
    const keyed = Object.entries<any>(doc.paths).flatMap(([path, item]) =>
      METHODS.filter((m) => item[m]?.parameters?.some((p: any) => p.name === "idempotency-key")).map((m) => `${m.toUpperCase()} ${path}`));
    expect(keyed.sort()).toEqual([
      "DELETE /v1/transactions/{id}", // the void
      "POST /v1/accounts",
      "POST /v1/spaces/{spaceId}/ledger/transactions",
      "POST /v1/spaces/{spaceId}/ledger/transactions/batch",
      "POST /v1/spaces/{spaceId}/ledger/transactions/{txid}/revert",
      "POST /v1/transactions",
      "POST /v1/transactions/transfer",
    ]);
    const revert = doc.paths["/v1/spaces/{spaceId}/ledger/transactions/{txid}/revert"].post;
    expect(revert.parameters.map((p: any) => `${p.in}:${p.name}`).at(-1)).toBe("header:idempotency-key");
    expect(revert.parameters[0].in).toBe("path");
    expect(revert.description).toContain("Idempotency-Key");
    // The mark that stands for the header does not reach the document.
    expect(JSON.stringify(doc)).not.toContain("x-idempotency-key");
  });

  it("declares the shared response headers once and references them from every response they appear on", async () => {
    const { body: doc } = await callJson("/openapi.json");
    const ref = (name: string) => ({ $ref: `#/components/headers/${name}` });
    expect(Object.keys(doc.components.headers)).toEqual(
      expect.arrayContaining(["RequestId", "RetryAfter", "RateLimitLimit", "RateLimitRemaining", "RateLimitReset", "IdempotencyReplayed", "D1Bookmark"]),
    );
    expect(doc.components.parameters.D1Bookmark).toMatchObject({ name: "X-D1-Bookmark", in: "header", required: false, schema: { type: "string" } });
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      for (const method of METHODS) {
        const op = item[method];
        if (!op) continue;
        const label = `${method.toUpperCase()} ${path}`;
        const rateLimited = Boolean(op.responses["429"]);
        const keyed = op.parameters?.some((p: any) => p.name === "idempotency-key");
        // The bookmark is a request header of every /v1 operation, by reference.
        if (path.startsWith("/v1/")) expect(op.parameters, label).toContainEqual({ $ref: "#/components/parameters/D1Bookmark" });
        for (const [status, res] of Object.entries<any>(op.responses)) {
          const at = `${label} ${status}`;
          expect(res.headers?.["X-Request-Id"], at).toEqual(ref("RequestId"));
          if (path.startsWith("/v1/")) expect(res.headers?.["X-D1-Bookmark"], at).toEqual(ref("D1Bookmark"));
          // Every response of a rate-limited operation that reached its limiter, successes included.
          if (rateLimited && !["401", "413", "415"].includes(status)) expect(res.headers?.["X-RateLimit-Remaining"], at).toEqual(ref("RateLimitRemaining"));
          if (keyed && status.startsWith("2")) expect(res.headers?.["Idempotency-Replayed"], at).toEqual(ref("IdempotencyReplayed"));
        }
      }
    }
  });

  it("sends the headers it documents: X-Request-Id, X-D1-Bookmark, X-RateLimit-* on a success, Idempotency-Replayed on a replay", async () => {
    const { body: doc } = await callJson("/openapi.json");
    const u = await registerUser();
    const as = { token: u.accessToken, ip: u.ip };
    const space = await createSpace(u);
    const list = await call("/v1/spaces", as);
    expect(list.status).toBe(200);
    const documented = Object.keys(doc.paths["/v1/spaces"].get.responses["200"].headers);
    for (const h of ["X-Request-Id", "X-D1-Bookmark", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"]) {
      expect(documented, h).toContain(h);
      expect(list.headers.get(h), h).toBeTruthy();
    }
    const account = await callJson("/v1/accounts", { ...as, body: { spaceId: space.id, name: "Checking", type: "checking", currency: "USD", openingBalance: 10 } });
    expect(account.status, JSON.stringify(account.body)).toBe(201);
    const body = { spaceId: space.id, accountId: account.body.id, amount: "-1.00", description: "Coffee", date: "2026-01-02" };
    const headers = { "idempotency-key": `doc-${crypto.randomUUID()}` };
    const first = await call("/v1/transactions", { ...as, headers, body });
    const again = await call("/v1/transactions", { ...as, headers, body });
    expect([first.status, again.status], await first.clone().text()).toEqual([201, 201]);
    expect(first.headers.get("idempotency-replayed")).toBeNull();
    expect(again.headers.get("idempotency-replayed")).toBe("true");
    expect(Object.keys(doc.paths["/v1/transactions"].post.responses["201"].headers)).toContain("Idempotency-Replayed");
    // A request that sends the bookmark back is taken.
    const bookmark = again.headers.get("x-d1-bookmark")!;
    expect((await call("/v1/spaces", { ...as, headers: { "X-D1-Bookmark": bookmark } })).status).toBe(200);
  });

  it("lists every error code the API answers with as the enum of Error.code (and of problem details' code)", async () => {
    const { body: doc } = await callJson("/openapi.json");
    const code = doc.components.schemas.Error.properties.error.properties.code;
    expect(code.enum).toEqual([...ERROR_CODES]);
    expect(doc.components.schemas.Problem.properties.code.enum).toEqual([...ERROR_CODES]);
    for (const c of ["METHOD_NOT_ALLOWED", "BAD_REQUEST", "UNSUPPORTED_MEDIA_TYPE", "TOKEN_INVALID", "TOKEN_ALREADY_USED", "PROVIDER_UNAVAILABLE", "TOKEN_EXPIRED", "QUOTA_EXCEEDED", "INTERNAL_ERROR"]) {
      expect(code.enum).toContain(c);
    }
    // Codes seen on the wire are in it.
    const seen = [
      (await callJson("/v1/accounts/summary", { method: "POST", body: {} })).body.error.code,
      (await callJson("/v1/auth/login", { method: "POST", rawBody: "{", headers: { "content-type": "application/json" } })).body.error.code,
      (await callJson("/v1/auth/login", { method: "POST", rawBody: "x", headers: { "content-type": "text/plain" } })).body.error.code,
    ];
    expect(seen).toEqual(["METHOD_NOT_ALLOWED", "BAD_REQUEST", "UNSUPPORTED_MEDIA_TYPE"]);
    for (const c of seen) expect(code.enum).toContain(c);
  });

  it("puts the bounds of query numbers in the schema, not only in prose (GET /v1/projections)", async () => {
    const { body: doc } = await callJson("/openapi.json");
    const params = Object.fromEntries(doc.paths["/v1/projections"].get.parameters.filter((p: any) => p.name).map((p: any) => [p.name, p.schema]));
    expect(params.years).toMatchObject({ type: "integer", minimum: 10, maximum: 30 });
    expect(params.scenarios).toMatchObject({ type: "integer", minimum: 100, maximum: 10_000 });
    expect(params.seed).toMatchObject({ type: "integer", minimum: 0, maximum: 4294967295 });
    // No integer query parameter states bounds in its description that its schema does not.
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      for (const method of METHODS) {
        for (const p of item[method]?.parameters ?? []) {
          if (p.in !== "query" || p.schema?.type !== "integer") continue;
          if (/\d+\s*(to|-|–)\s*[\d,]+/.test(p.description ?? p.schema.description ?? "")) {
            expect(p.schema.minimum, `${method} ${path} ${p.name}`).toBeTypeOf("number");
            expect(p.schema.maximum, `${method} ${path} ${p.name}`).toBeTypeOf("number");
          }
        }
      }
    }
    // The schema's bounds are the route's: one past them is a 422 naming the parameter.
    const u = await registerUser();
    const space = await createSpace(u);
    for (const [q, field] of [["years=9", "years"], ["years=31", "years"], ["scenarios=99", "scenarios"], ["scenarios=10001", "scenarios"]]) {
      const r = await callJson(`/v1/projections?spaceId=${space.id}&${q}`, { token: u.accessToken, ip: u.ip });
      expect(r.status, q).toBe(422);
      expect(r.body.error.details.map((d: any) => d.field), q).toContain(field);
    }
  });

  it("says once on each money number that its text is exact and which Decimal string to read", async () => {
    const { body: doc } = await callJson("/openapi.json");
    const sentence = (field: string) => `parsers that read numbers as doubles lose precision past 15 significant digits — read \`${field}\``;
    expect(doc.info.description).toContain("parsers that read numbers as doubles lose precision past 15 significant digits");
    expect(doc.components.schemas.Account.properties.balance.description).toContain(sentence("balanceDecimal"));
    expect(doc.components.schemas.Transaction.properties.amount.description).toContain(sentence("amountDecimal"));
    expect(doc.components.schemas.Space.properties.accounts.items.properties.balance.description).toContain(sentence("balanceDecimal"));
    // Every number with a Decimal string beside it, wherever it is declared.
    const missing: string[] = [];
    const walk = (s: any, at: string) => {
      if (!s || typeof s !== "object") return;
      if (s.properties) {
        for (const [name, p] of Object.entries<any>(s.properties)) {
          if (!s.properties[`${name}Decimal`] || p.$ref) continue;
          const d = p.description ?? "";
          if (!d.includes(sentence(`${name}Decimal`))) missing.push(`${at}.${name}`);
          expect(d.split("15 significant digits").length, `${at}.${name}`).toBe(2); // said once
        }
      }
      for (const [k, v] of Object.entries(s)) walk(v, `${at}/${k}`);
    };
    walk(doc.components.schemas, "#");
    walk(doc.paths, "paths");
    expect(missing).toEqual([]);
  });
});
