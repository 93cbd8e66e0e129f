/**
 * A body refused before any route reads it (middleware/exact-numbers.ts: a number a double cannot hold, text that is
 * not well-formed Unicode, a `__proto__` key, a control character, a repeated key) is answered in the reader's
 * language: each fault's sentence translated, joined as the language lists things. The QA sweep found "Los datos
 * enviados no son válidos. (A number in the request cannot be represented exactly)" for a Spanish login.
 */
import { describe, expect, it } from "vitest";
import { callJson, nextIp } from "../helpers";

const login = (raw: string, language?: string) =>
  callJson("/v1/auth/login", {
    ip: nextIp(),
    rawBody: raw,
    headers: { "content-type": "application/json", ...(language ? { "accept-language": language } : {}) },
  });

describe("a body refused for its faults", () => {
  it.each([
    ['{"email":"a@b.co","password":1e400}', "Un número de la solicitud no se puede representar con exactitud.", "Um número da requisição não pode ser representado com exatidão."],
    ['{"email":"a@b.co","password":"x\\u0001"}', "La solicitud contiene un carácter de control.", "A requisição contém um caractere de controle."],
    ['{"email":"a@b.co","password":"x","password":"y"}', "La solicitud repite una clave en un mismo objeto.", "A requisição repete uma chave em um mesmo objeto."],
    ['{"email":"a@b.co","password":"\\ud800"}', "Un texto de la solicitud no es Unicode bien formado.", "Um texto da requisição não é Unicode bem formado."],
    ['{"email":"a@b.co","password":"x","__proto__":{}}', "La solicitud contiene una clave __proto__.", "A requisição contém uma chave __proto__."],
  ])("%s reads whole in Spanish and Portuguese", async (raw, spanish, portuguese) => {
    const es = await login(raw, "es");
    expect(es.status).toBe(422);
    expect(es.body.error).toMatchObject({ code: "VALIDATION_FAILED", message: spanish });
    const pt = await login(raw, "pt-BR");
    expect(pt.body.error).toMatchObject({ code: "VALIDATION_FAILED", message: portuguese });
    for (const d of [...es.body.error.details, ...pt.body.error.details]) expect(d.message).not.toMatch(/[()]\s*$|\b(the|send|holds)\b/);
  });

  it("joins several faults as each language lists things, English too", async () => {
    const raw = '{"email":"a@b.co","password":1e400,"name":"a\\u0001","x":1,"x":2}';
    expect((await login(raw, "es")).body.error.message).toBe(
      "Un número de la solicitud no se puede representar con exactitud, la solicitud contiene un carácter de control y la solicitud repite una clave en un mismo objeto.",
    );
    expect((await login(raw, "pt")).body.error.message).toBe(
      "Um número da requisição não pode ser representado com exatidão, a requisição contém um caractere de controle e a requisição repete uma chave em um mesmo objeto.",
    );
    expect((await login(raw)).body.error.message).toBe(
      "A number in the request cannot be represented exactly, the request holds a control character, and the request repeats a key in one object",
    );
    expect((await login('{"email":"a@b.co","password":1e400}')).body.error.message).toBe("A number in the request cannot be represented exactly");
  });
});
