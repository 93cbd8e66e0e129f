/**
 * An `application/problem+json` answer's `title` is in the reader's language, as its `detail` is: the QA sweep found
 * "title": "Unprocessable Entity" above a Spanish detail.
 */
import { expect, it } from "vitest";
import { call, nextIp, registerUser } from "../helpers";

const problem = { accept: "application/problem+json" };

it("titles a problem in the language its detail is in", async () => {
  for (const [language, title401, title422] of [
    ["es-MX", "No autorizado", "Entidad no procesable"],
    ["pt-BR", "Não autorizado", "Entidade não processável"],
    ["en", "Unauthorized", "Unprocessable Entity"],
  ] as const) {
    const res = await call("/v1/auth/me", { headers: { ...problem, "accept-language": language } });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ status: 401, title: title401 });
    const bad = await call("/v1/auth/login", { ip: nextIp(), body: { email: 1 }, headers: { ...problem, "accept-language": language } });
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({ status: 422, title: title422 });
  }
});

it("titles a signed-in user's problem in their account's language", async () => {
  const u = await registerUser({ locale: "pt" });
  const res = await call("/v1/spaces/spc_nope", { token: u.accessToken, ip: u.ip, headers: { ...problem, "accept-language": "es" } });
  expect(res.status).toBe(404);
  const body: any = await res.json();
  expect(body).toMatchObject({ status: 404, title: "Não encontrado", code: "RESOURCE_NOT_FOUND" });
  expect(body.detail).toMatch(/não/i);
});
