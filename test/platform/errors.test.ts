import { describe, expect, it } from "vitest";
import { addMember, call, callJson, createSpace, nextIp, registerUser } from "../helpers";

function expectEnvelope(body: any, code: string) {
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe("string");
  expect(Array.isArray(body.error.details)).toBe(true);
  expect(body.error.requestId).toMatch(/\S/);
  expect(Number.isNaN(Date.parse(body.error.timestamp))).toBe(false);
}

describe("validation errors", () => {
  it("list each bad field with a code", async () => {
    const { status, body } = await callJson("/v1/auth/register", {
      ip: nextIp(),
      body: { email: "not-an-email", password: "short", locale: "fr" },
    });
    expect(status).toBe(422);
    expectEnvelope(body, "VALIDATION_FAILED");
    const byField = Object.fromEntries(body.error.details.map((d: any) => [d.field, d.code]));
    expect(byField).toMatchObject({ name: "REQUIRED", email: "INVALID_EMAIL", password: "TOO_SMALL", locale: "INVALID_VALUE" });
  });

  it("reject wrong types, huge strings and unknown fields with 422", async () => {
    const u = await registerUser();
    const wrongTypes = await callJson("/v1/spaces", { token: u.accessToken, ip: u.ip, body: { name: 42, type: ["x"], currency: null } });
    expect(wrongTypes.status).toBe(422);
    expect(wrongTypes.body.error.details.map((d: any) => d.field).sort()).toEqual(["currency", "name", "type"]);

    const huge = await callJson("/v1/spaces", { token: u.accessToken, ip: u.ip, body: { name: "x".repeat(200_000), type: "personal", currency: "USD" } });
    expect(huge.status).toBe(422);
    expect(huge.body.error.details[0]).toMatchObject({ field: "name", code: "TOO_BIG" });

    const extra = await callJson("/v1/spaces", {
      token: u.accessToken, ip: u.ip,
      body: { name: "Ok", type: "personal", currency: "USD", ownerId: "usr_someone_else", __proto__: { admin: true } },
    });
    // An unknown field is refused by name (it was ignored): a field the client believes it set is never dropped.
    expect(extra.status).toBe(422);
    expect(extra.body.error.details).toEqual([expect.objectContaining({ field: "ownerId", code: "UNKNOWN_FIELD" })]);
    const plain = await callJson("/v1/spaces", { token: u.accessToken, ip: u.ip, body: { name: "Ok", type: "personal", currency: "USD" } });
    expect(plain.status).toBe(201);
    expect(plain.body.role).toBe("owner");
  });

  it("return 400 for malformed JSON and 415 for a non-JSON body", async () => {
    const malformed = await callJson("/v1/auth/login", { ip: nextIp(), rawBody: "{\"email\": ", headers: { "content-type": "application/json" } });
    expect(malformed.status).toBe(400);
    expectEnvelope(malformed.body, "BAD_REQUEST");
    const form = await callJson("/v1/auth/login", { ip: nextIp(), rawBody: "email=a", headers: { "content-type": "text/plain" } });
    expect(form.status).toBe(415);
    expectEnvelope(form.body, "UNSUPPORTED_MEDIA_TYPE");
    const none = await callJson("/v1/auth/login", { method: "POST", ip: nextIp() });
    expect(none.status).toBe(422);
  });

  it("return 413 for an oversized body", async () => {
    const big = JSON.stringify({ email: "a@b.co", password: "x".repeat(1_100_000) });
    const { status, body } = await callJson("/v1/auth/login", { ip: nextIp(), rawBody: big, headers: { "content-type": "application/json" } });
    expect(status).toBe(413);
    expectEnvelope(body, "PAYLOAD_TOO_LARGE");
  });
});

describe("a query parameter sent twice", () => {
  it("is named as repeated, with what to do, in the caller's language: not as a list where a string was expected", async () => {
    const u = await registerUser({ locale: "es" });
    const space = await createSpace(u);
    const res = await callJson(`/v1/transactions?spaceId=${space.id}&limit=5&limit=6&type=income&type=income`, { token: u.accessToken, ip: u.ip });
    expect(res.status).toBe(422);
    const message = "Este parámetro de consulta aparece más de una vez: envíalo una sola vez.";
    expect(res.body.error.details).toEqual([
      { field: "limit", message, code: "DUPLICATE_KEY" },
      { field: "type", message, code: "DUPLICATE_KEY" },
    ]);
    // Once each is fine.
    expect((await callJson(`/v1/transactions?spaceId=${space.id}&limit=5&type=income`, { token: u.accessToken, ip: u.ip })).status).toBe(200);
  });
});

describe("routing errors", () => {
  it("answer unknown routes with a JSON 404", async () => {
    const { status, body, res } = await callJson("/v1/nope");
    expect(status).toBe(404);
    expectEnvelope(body, "RESOURCE_NOT_FOUND");
    expect(res.headers.get("x-request-id")).toBe(body.error.requestId);
  });

  it("answer a wrong method with 405 and Allow", async () => {
    const { status, body, res } = await callJson("/v1/auth/login", { method: "GET", ip: nextIp() });
    expect(status).toBe(405);
    expectEnvelope(body, "METHOD_NOT_ALLOWED");
    expect(res.headers.get("allow")).toContain("POST");
    const del = await call("/v1/spaces/spc_123/members", { method: "PUT" });
    expect(del.status).toBe(405);
  });

  it("list in Allow the methods of the route the path names: a literal segment wins over a parameter", async () => {
    // `/v1/accounts/summary` is the summary (GET), not an account called "summary" (GET, PATCH, DELETE).
    const summary = await callJson("/v1/accounts/summary", { method: "POST", ip: nextIp(), body: {} });
    expect(summary.status).toBe(405);
    expectEnvelope(summary.body, "METHOD_NOT_ALLOWED");
    expect(summary.res.headers.get("allow")).toBe("GET, HEAD");
    // An account by its id still has its own methods.
    const account = await callJson("/v1/accounts/acc_123", { method: "POST", ip: nextIp(), body: {} });
    expect(account.status).toBe(405);
    expect(account.res.headers.get("allow")!.split(", ").sort()).toEqual(["DELETE", "GET", "HEAD", "PATCH"]);
  });

  it("answer a path with a trailing slash 404, naming the route it missed (it was a 405 that allowed the very method)", async () => {
    const { status, body } = await callJson("/v1/spaces/", { ip: nextIp() });
    expect(status).toBe(404);
    expectEnvelope(body, "RESOURCE_NOT_FOUND");
    expect(body.error.message).toBe("No route for GET /v1/spaces/ (did you mean /v1/spaces?)");
    expect((await callJson("/v1/nothing//", { ip: nextIp() })).body.error.message).toBe("No route for GET /v1/nothing//");
    // Many slashes cost no more than a few (no regular expression reads the path's end).
    const t0 = Date.now();
    expect((await call(`/v1/${"/".repeat(20_000)}x`, {})).status).toBe(404);
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});

describe("a role too low", () => {
  it("says which role the operation needs, the caller's, and whom to ask, in the caller's language", async () => {
    const owner = await registerUser();
    const space = await createSpace(owner);
    const expected = {
      en: "This operation needs the member role or above in this space (yours is viewer); ask the space's owner or an admin for it",
      es: "Esta operación requiere el rol member o superior en este espacio (el tuyo es viewer); pídeselo al dueño o a un administrador del espacio.",
      pt: "Esta operação exige o papel member ou superior neste espaço (o seu é viewer); peça-o ao dono ou a um administrador do espaço.",
    };
    for (const [locale, message] of Object.entries(expected)) {
      const viewer = await registerUser({ locale });
      await addMember(owner, space.id, viewer, "viewer");
      const res = await callJson("/v1/categories", { token: viewer.accessToken, ip: viewer.ip, body: { spaceId: space.id, name: "Food", type: "expense" } });
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({ code: "FORBIDDEN", message, details: [] });
    }
    // What only the owner may do says so: no admin can grant it.
    const admin = await registerUser({ locale: "pt" });
    await addMember(owner, space.id, admin, "admin");
    const res = await callJson(`/v1/spaces/${space.id}/owner`, { token: admin.accessToken, ip: admin.ip, body: { userId: admin.id } });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: "FORBIDDEN", message: "Só o dono do espaço pode fazer isto (seu papel é admin)." });
  });
});

describe("an Idempotency-Key reused", () => {
  it("says what to send instead, in the caller's language and in problem details alike", async () => {
    const expected = {
      en: "This Idempotency-Key was already used with a different request; send a new key for a new request, or the first request's body to get its answer again",
      es: "Esta Idempotency-Key ya se usó con una solicitud distinta; envía una clave nueva para una solicitud nueva, o el cuerpo de la primera solicitud para recibir de nuevo su respuesta.",
      pt: "Esta Idempotency-Key já foi usada com uma requisição diferente; envie uma chave nova para uma requisição nova, ou o corpo da primeira requisição para receber de novo a resposta dela.",
    };
    for (const [locale, message] of Object.entries(expected)) {
      const u = await registerUser({ locale });
      const space = await createSpace(u);
      const account = await callJson("/v1/accounts", { token: u.accessToken, ip: u.ip, body: { spaceId: space.id, name: "Cash", type: "checking", currency: "USD" } });
      const write = (amount: number, accept = "application/json") =>
        callJson("/v1/transactions", {
          token: u.accessToken, ip: u.ip, headers: { "idempotency-key": "coffee-1", accept },
          body: { spaceId: space.id, accountId: account.body.id, amount, date: "2025-01-01", description: "Coffee" },
        });
      expect((await write(4)).status).toBe(201);
      const reused = await write(5);
      expect(reused.status).toBe(422);
      expect(reused.body.error).toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED", message, details: [] });
      const problem = await write(5, "application/problem+json");
      expect(problem.body).toMatchObject({ status: 422, code: "IDEMPOTENCY_KEY_REUSED", detail: message, errors: [] });
    }
  });

  it("is not reused by a retry that spells the same path differently: that is a replay", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const account = await callJson("/v1/accounts", { token: u.accessToken, ip: u.ip, body: { spaceId: space.id, name: "Cash", type: "checking", currency: "USD" } });
    const body = { spaceId: space.id, accountId: account.body.id, amount: 4, date: "2025-01-01", description: "Coffee" };
    const first = await callJson("/v1/transactions", { token: u.accessToken, ip: u.ip, headers: { "idempotency-key": "coffee-2" }, body });
    expect(first.status).toBe(201);
    const retry = await callJson("/v1/%74ransactions", { token: u.accessToken, ip: u.ip, headers: { "idempotency-key": "coffee-2" }, body });
    expect(retry.status, JSON.stringify(retry.body)).toBe(201);
    expect(retry.res.headers.get("idempotency-replayed")).toBe("true");
    expect(retry.body.id).toBe(first.body.id);
    const list = await callJson(`/v1/transactions?spaceId=${space.id}`, { token: u.accessToken, ip: u.ip });
    expect(list.body.pagination.total).toBe(1);
  });
});

describe("problem details", () => {
  it("render RFC 9457 when asked", async () => {
    const res = await call("/v1/auth/me", { headers: { accept: "application/problem+json" } });
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const body: any = await res.json();
    expect(body).toMatchObject({ status: 401, title: "Unauthorized", code: "UNAUTHORIZED", instance: "/v1/auth/me" });
    expect(body.type).toMatch(/^https:\/\//);
    expect(typeof body.detail).toBe("string");
    expect(body.requestId).toBe(res.headers.get("x-request-id"));
  });

  it("carry field errors too", async () => {
    const res = await call("/v1/auth/login", { ip: nextIp(), body: { email: 1 }, headers: { accept: "application/problem+json" } });
    expect(res.status).toBe(422);
    const body: any = await res.json();
    expect(body.errors.map((e: any) => e.field).sort()).toEqual(["email", "password"]);
  });

  it("follow the Accept header as HTTP reads it: any case of the media type asks for them, a weight of 0 refuses them", async () => {
    const u = await registerUser({ locale: "pt" });
    const bad = (accept: string) => call("/v1/spaces", { token: u.accessToken, ip: u.ip, body: { name: "", type: "castle", currency: "USD" }, headers: { accept } });
    const envelope: any = await (await bad("application/json")).json();
    expect(envelope.error.code).toBe("VALIDATION_FAILED");
    for (const accept of ["Application/Problem+JSON", "application/json;q=0.5, APPLICATION/PROBLEM+JSON", " application/problem+json ; q=0.1"]) {
      const res = await bad(accept);
      expect(res.headers.get("content-type"), accept).toContain("application/problem+json");
      const body: any = await res.json();
      // The same content as the envelope, in the caller's language.
      expect(body).toMatchObject({ status: 422, code: "VALIDATION_FAILED", detail: envelope.error.message, errors: envelope.error.details });
    }
    for (const accept of ["application/problem+json;q=0, application/json", "application/problem+json; Q=0.0"]) {
      const res = await bad(accept);
      expect(res.headers.get("content-type"), accept).toContain("application/json");
      expect(((await res.json()) as any).error, accept).toMatchObject({ code: "VALIDATION_FAILED", message: envelope.error.message });
    }
  });
});

describe("security headers and CORS", () => {
  it("set secure headers and answer preflight", async () => {
    const res = await call("/v1/health");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const pre = await call("/v1/spaces", { method: "OPTIONS", headers: { origin: "https://app.example", "access-control-request-method": "POST" } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-methods")).toContain("POST");
    const get = await call("/v1/health", { headers: { origin: "https://app.example" } });
    expect(get.headers.get("access-control-expose-headers")).toContain("X-RateLimit-Remaining");
  });
});
