/**
 * An error raised before the route authenticates the caller (a malformed X-D1-Bookmark is refused by the session
 * middleware, ahead of every route) still speaks the signed-in user's language, read from their token's claim; a
 * token that names none leaves the choice to Accept-Language.
 */
import { expect, it } from "vitest";
import { callJson, registerUser } from "../helpers";

it("a malformed X-D1-Bookmark from a Spanish or Portuguese user is answered in their language", async () => {
  for (const [locale, message, detail] of [
    ["es", "Los datos enviados no son válidos.", "Debe ser un marcador que devolvió esta API."],
    ["pt", "Os dados enviados não são válidos.", "Deve ser um marcador retornado por esta API."],
  ] as const) {
    const u = await registerUser({ locale });
    const res = await callJson("/v1/spaces", { token: u.accessToken, ip: u.ip, headers: { "x-d1-bookmark": "not-a-bookmark" } });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({
      code: "VALIDATION_FAILED",
      message,
      details: [{ field: "X-D1-Bookmark", code: "INVALID_BOOKMARK", message: detail }],
    });
  }
});

it("a token that names no language leaves it to Accept-Language", async () => {
  for (const token of ["garbage", "a.!!!.c", `a.${btoa(JSON.stringify({ lng: "fr" }))}.c`, `a.${btoa("[1,")}.c`]) {
    const res = await callJson("/v1/spaces", { token, headers: { "x-d1-bookmark": "nope", "accept-language": "pt-BR" } });
    expect(res.status).toBe(422);
    expect(res.body.error.message, token).toBe("Os dados enviados não são válidos.");
  }
  const english = await callJson("/v1/spaces", { token: "garbage", headers: { "x-d1-bookmark": "nope" } });
  expect(english.body.error.message).toBe("Validation failed for the provided data");
});
