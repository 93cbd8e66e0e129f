/**
 * The served OpenAPI document is complete enough for SDK generators and the
 * reference: CI lints it with Redocly too (`npm run lint:openapi`); this checks
 * the properties the SDKs rely on from inside the Worker.
 */
import { describe, expect, it } from "vitest";
import { callJson } from "../helpers";

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
        if (op.responses["429"]) expect(Object.keys(op.responses["429"].headers ?? {}), `${label} 429 headers`).toEqual(["Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"]);
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
});
