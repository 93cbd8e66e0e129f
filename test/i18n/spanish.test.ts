/**
 * Spanish: a user whose locale is `es` (or, before sign-in, a request with
 * `Accept-Language: es`) reads error messages and system category names in
 * Spanish; codes and field names stay the same in every language.
 */
import { describe, expect, it } from "vitest";
import { languageFromHeader } from "../../src/lib/i18n";
import { en } from "../../src/lib/messages/en";
import { es } from "../../src/lib/messages/es";
import { callJson, createSpace, nextIp, registerUser } from "../helpers";

describe("message catalogues", () => {
  it("give every error code and detail code a message in both languages", () => {
    expect(Object.keys(es.errors).sort()).toEqual(Object.keys(en.errors).sort());
    expect(Object.keys(es.details).sort()).toEqual(Object.keys(en.details).sort());
    for (const [code, message] of Object.entries(es.errors)) {
      expect(message.length, code).toBeGreaterThan(5);
      expect(message, code).not.toBe(en.errors[code as keyof typeof en.errors]);
    }
  });

  it("pick the preferred supported language of an Accept-Language header", () => {
    expect(languageFromHeader("es-MX,es;q=0.9,en;q=0.8")).toBe("es");
    expect(languageFromHeader("en;q=0.5, es;q=0.9")).toBe("es");
    expect(languageFromHeader("fr-FR, en;q=0.1")).toBe("en");
    expect(languageFromHeader("es;q=0, fr")).toBeUndefined();
    expect(languageFromHeader("de")).toBeUndefined();
    expect(languageFromHeader(`${"x-".repeat(10_000)}es`)).toBeUndefined();
    expect(languageFromHeader(undefined)).toBeUndefined();
  });
});

describe("errors in the caller's language", () => {
  it("follow the user's locale, keeping codes and field names", async () => {
    const u = await registerUser({ locale: "es" });
    const bad = await callJson("/v1/spaces", { token: u.accessToken, ip: u.ip, body: { name: "", type: "nope", currency: "USD" } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe("VALIDATION_FAILED");
    expect(bad.body.error.message).toBe(es.errors.VALIDATION_FAILED);
    const byField = Object.fromEntries(bad.body.error.details.map((d: any) => [d.field, d]));
    // zod's own wording for a rule the schema gives no message of (`.min(1)`, an enum) in Spanish, with its values.
    expect(byField.name).toMatchObject({ code: "TOO_SMALL", message: "No puede estar vacío." });
    expect(byField.type).toMatchObject({ code: "INVALID_VALUE", message: 'Debe ser uno de estos valores: "personal"|"business".' });
    // A message with a translation reads in Spanish whole.
    const zone = await callJson("/v1/spaces", { token: u.accessToken, ip: u.ip, body: { name: "Casa", type: "personal", currency: "USD", timezone: "+05:30" } });
    expect(zone.body.error.details).toEqual([expect.objectContaining({ field: "timezone", message: "Debe ser una zona horaria IANA, como America/Mexico_City." })]);

    // Reads answer in it too: the language rides in the access token, no lookup needed.
    const missing = await callJson("/v1/budgets/bud_missing", { token: u.accessToken, ip: u.ip });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: "RESOURCE_NOT_FOUND", message: "No se encontró el presupuesto." });

    // Problem details speak it as well.
    const problem = await callJson("/v1/budgets/bud_missing", { token: u.accessToken, ip: u.ip, headers: { accept: "application/problem+json" } });
    expect(problem.body).toMatchObject({ code: "RESOURCE_NOT_FOUND", detail: "No se encontró el presupuesto." });

    // A refreshed token keeps the language.
    const refreshed = await callJson("/v1/auth/refresh", { ip: u.ip, body: { refreshToken: u.refreshToken } });
    expect(refreshed.status).toBe(200);
    const again = await callJson("/v1/budgets/bud_missing", { token: refreshed.body.tokens.accessToken, ip: u.ip });
    expect(again.body.error.message).toBe("No se encontró el presupuesto.");
  });

  it("follow Accept-Language before sign-in, and stay English for an English user", async () => {
    const ip = nextIp();
    const login = await callJson("/v1/auth/login", { ip, body: { email: "nobody@example.com", password: "x".repeat(12) }, headers: { "accept-language": "es-MX" } });
    expect(login.status).toBe(401);
    // It says what went wrong: the email or password, not a token.
    expect(login.body.error).toMatchObject({ code: "UNAUTHORIZED", message: "Correo electrónico o contraseña incorrectos." });
    const tokenless = await callJson("/v1/budgets/bud_missing", { ip, headers: { "accept-language": "es" } });
    expect(tokenless.body.error).toMatchObject({ code: "UNAUTHORIZED", message: "Falta el token de autenticación: envía Authorization: Bearer <accessToken>, el que devuelve POST /v1/auth/login." });

    const english = await registerUser({ locale: "en" });
    const missing = await callJson("/v1/budgets/bud_missing", { token: english.accessToken, ip: english.ip });
    expect(missing.body.error.code).toBe("RESOURCE_NOT_FOUND");
    expect(missing.body.error.message).toBe("Budget not found");
  });
});

describe("system categories", () => {
  it("are named in the space owner's language", async () => {
    const u = await registerUser({ locale: "es" });
    const space = await createSpace(u);
    const { status, body } = await callJson(`/v1/categories?spaceId=${space.id}`, { token: u.accessToken, ip: u.ip });
    expect(status).toBe(200);
    const names: string[] = (body.categories ?? body).map((c: any) => c.name);
    expect(names.length).toBeGreaterThan(3);
    expect(names).toEqual(expect.arrayContaining(["Supermercado"]));
  });
});
