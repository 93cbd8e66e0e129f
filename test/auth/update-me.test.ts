/**
 * PATCH /v1/auth/me: a user changes their name or language after registering (QA 12-E: a user made by a client that
 * sent no language was English for good). What reads the user's row has the new language at once (new spaces'
 * categories, emails); error messages follow the access token's language, so from the next token.
 */
import { expect, it } from "vitest";
import { callJson, createSpace, registerUser, userApi } from "../helpers";

it("takes a language tag, stores its language, and new spaces and the next token's errors speak it", async () => {
  const user = await registerUser(); // English
  const a = userApi(user);
  const changed = await a.patch("/v1/auth/me", { locale: "pt-BR" });
  expect(changed.status).toBe(200);
  expect(changed.body).toMatchObject({ id: user.id, email: user.email, locale: "pt", name: expect.any(String) });
  expect((await a.get("/v1/auth/me")).body.locale).toBe("pt");

  // Read from the row: a space made now gets Portuguese categories, even with the English token.
  const space = await createSpace(user, { currency: "BRL" });
  const names = (await a.get(`/v1/categories?spaceId=${space.id}`)).body.map((c: { name: string }) => c.name);
  expect(names).toContain("Moradia");
  expect(names).not.toContain("Housing");

  // The current access token keeps its language (as documented); a refreshed one speaks Portuguese.
  expect((await a.get("/v1/budgets/bud_missing")).body.error.message).toBe("Budget not found");
  const refreshed = await callJson("/v1/auth/refresh", { ip: user.ip, body: { refreshToken: user.refreshToken } });
  expect(refreshed.status).toBe(200);
  const fresh = userApi({ ...user, accessToken: refreshed.body.tokens.accessToken });
  expect((await fresh.get("/v1/budgets/bud_missing")).body.error.message).toBe("Orçamento não encontrado.");
});

it("changes the name alone, keeps what is not sent, and an empty body changes nothing", async () => {
  const user = await registerUser({ name: "Ana", locale: "es" });
  const a = userApi(user);
  const renamed = await a.patch("/v1/auth/me", { name: "Ana María Pérez" });
  expect(renamed.status).toBe(200);
  expect(renamed.body).toMatchObject({ name: "Ana María Pérez", locale: "es" });
  const same = await a.patch("/v1/auth/me", {});
  expect(same.status).toBe(200);
  expect(same.body).toEqual(renamed.body);
});

it("refuses what is not a supported language, a blank name, other fields and no token; a revoked session is 401", async () => {
  const user = await registerUser();
  const a = userApi(user);
  for (const body of [{ locale: "fr-FR" }, { locale: "" }, { locale: 7 }, { locale: "x".repeat(36) }, { name: "   " }, { name: "\u200b" }, { email: "other@example.com" }, { locale: "es", twoFactorEnabled: true }]) {
    const res = await a.patch("/v1/auth/me", body);
    expect(res.status, JSON.stringify(body)).toBe(422);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
  }
  expect((await a.get("/v1/auth/me")).body).toMatchObject({ locale: "en", email: user.email });
  expect((await callJson("/v1/auth/me", { method: "PATCH", ip: user.ip, body: { locale: "es" } })).status).toBe(401);
  expect((await a.post("/v1/auth/logout", {})).status).toBe(204);
  expect((await a.patch("/v1/auth/me", { locale: "es" })).status).toBe(401);
});

it("refuses a name that reorders how others read it (an override or isolate), and keeps the marks right-to-left names need", async () => {
  const user = await registerUser();
  const a = userApi(user);
  for (const name of ["\u202Enimda", "Ana \u2066x\u2069", "\u202Bמנהל"]) {
    const res = await a.patch("/v1/auth/me", { name });
    expect(res.status, JSON.stringify(name)).toBe(422);
    expect(res.body.error.details[0]).toMatchObject({ field: "name", code: "INVALID_TEXT" });
  }
  const rtl = await a.patch("/v1/auth/me", { name: "\u200Fדנה כהן" });
  expect(rtl.status).toBe(200);
  expect(rtl.body.name).toBe("\u200Fדנה כהן");
  // Registration takes the same rule.
  const reg = await callJson("/v1/auth/register", { ip: user.ip, body: { name: "\u202Enimda", email: `bidi-${crypto.randomUUID().slice(0, 8)}@example.com`, password: "correct horse battery" } });
  expect(reg.status).toBe(422);
});
