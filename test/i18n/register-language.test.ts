/**
 * Registering without a `locale` takes the language the request reads its answers in (Accept-Language, negotiated as
 * for error messages), else English; a `locale` in the body wins over the header.
 */
import { expect, it } from "vitest";
import { callJson, nextIp } from "../helpers";

let n = 0;
const register = (headers: Record<string, string>, extra: Record<string, string> = {}) =>
  callJson("/v1/auth/register", {
    ip: nextIp(),
    headers,
    body: { name: "Ana", email: `lang${++n}-${crypto.randomUUID().slice(0, 8)}@example.com`, password: "correct horse battery", ...extra },
  });

it.each([
  ["es-MX", "es", "Vivienda", "No se encontró el presupuesto."],
  ["pt-BR,pt;q=0.9,en;q=0.5", "pt", "Moradia", "Orçamento não encontrado."],
])("Accept-Language %s without a body locale makes a user of locale %s, whose space and errors speak it", async (header, locale, housing, missing) => {
  const res = await register({ "accept-language": header });
  expect(res.status).toBe(201);
  expect(res.body.user.locale).toBe(locale);
  const token = res.body.tokens.accessToken as string;
  const ip = nextIp();
  // No Accept-Language from here on: the user's own language answers.
  const space = await callJson("/v1/spaces", { token, ip, body: { name: "Casa", type: "personal", currency: "MXN" } });
  expect(space.status).toBe(201);
  const categories = await callJson(`/v1/categories?spaceId=${space.body.id}`, { token, ip });
  expect(categories.body.map((c: { name: string }) => c.name)).toContain(housing);
  const gone = await callJson("/v1/budgets/bud_missing", { token, ip });
  expect(gone.body.error).toMatchObject({ code: "RESOURCE_NOT_FOUND", message: missing });
  const me = await callJson("/v1/auth/me", { token, ip });
  expect(me.body.locale).toBe(locale);
});

it("a locale in the body wins over Accept-Language; neither means English", async () => {
  expect((await register({ "accept-language": "es-MX" }, { locale: "en" })).body.user.locale).toBe("en");
  expect((await register({ "accept-language": "es-MX" }, { locale: "pt-BR" })).body.user.locale).toBe("pt");
  expect((await register({})).body.user.locale).toBe("en");
  // A language the API does not speak, or refuses (q=0), is no choice.
  expect((await register({ "accept-language": "fr-FR, es;q=0" })).body.user.locale).toBe("en");
  expect((await register({ "accept-language": "fr-FR, pt;q=0.3" })).body.user.locale).toBe("pt");
});

it("a registration refused for its own input answers in the language its body names, without Accept-Language", async () => {
  const short = await register({}, { locale: "es-MX", password: "corta" });
  expect(short.status).toBe(422);
  expect(short.body.error.message).toBe("Los datos enviados no son válidos.");
  const inexact = await callJson("/v1/auth/register", {
    ip: nextIp(),
    rawBody: `{"locale":"pt-BR","name":"Ana","email":"x${crypto.randomUUID().slice(0, 8)}@example.com","password":1e400}`,
    headers: { "content-type": "application/json" },
  });
  expect(inexact.status).toBe(422);
  expect(inexact.body.error.message).toMatch(/^Um número da requisição não pode ser representado/);
  // A stale or made-up token's language does not speak over the language the body names.
  const b64 = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  const stale = await register({ authorization: `Bearer ${b64({ alg: "HS256" })}.${b64({ lng: "pt" })}.x` }, { locale: "es", password: "corta" });
  expect(stale.body.error.message).toBe("Los datos enviados no son válidos.");
  // A header still speaks for a body that names no supported language; neither means English.
  expect((await register({ "accept-language": "pt-BR" }, { locale: "fr", password: "corta" })).body.error.message).toBe("Os dados enviados não são válidos.");
  expect((await register({}, { password: "corta" })).body.error.message).toBe("Validation failed for the provided data");
});
