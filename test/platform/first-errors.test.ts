/**
 * The errors a newcomer meets first, each saying what to do, in the caller's language: a request without a token names
 * the header and where the token comes from, a wrong method names the methods the path takes (as Allow does), and a
 * typo'd field name says which field was meant.
 */
import { describe, expect, it } from "vitest";
import { callJson, createSpace, nextIp, registerUser } from "../helpers";

describe("the first errors a newcomer meets", () => {
  it("a request without a bearer token names the header to send and where its token comes from", async () => {
    const said = async (lang: string, headers: Record<string, string> = {}) => {
      const { status, body } = await callJson("/v1/spaces", { ip: nextIp(), headers: { "accept-language": lang, ...headers } });
      expect(status).toBe(401);
      expect(body.error.code).toBe("UNAUTHORIZED");
      return body.error.message as string;
    };
    const en = "Missing bearer token: send Authorization: Bearer <accessToken>, as POST /v1/auth/login returns it";
    expect(await said("en")).toBe(en);
    // A token sent without its scheme is the same mistake.
    expect(await said("en", { authorization: "eyJhbGciOiJIUzI1NiJ9.e30.x" })).toBe(en);
    expect(await said("es-MX")).toBe("Falta el token de autenticación: envía Authorization: Bearer <accessToken>, el que devuelve POST /v1/auth/login.");
    expect(await said("pt-BR")).toBe("Falta o token de autenticação: envie Authorization: Bearer <accessToken>, o que POST /v1/auth/login devolve.");
  });

  it("an unknown refresh token (the README's rt_... placeholder) says which token to send, or to log in again", async () => {
    const said = async (lang: string) => {
      const { status, body } = await callJson("/v1/auth/refresh", { ip: nextIp(), headers: { "accept-language": lang }, body: { refreshToken: "rt_..." } });
      expect(status).toBe(401);
      return body.error.message as string;
    };
    expect(await said("en")).toBe("Refresh token invalid: send the refreshToken the last login or refresh returned, or log in again");
    expect(await said("es")).toBe(
      "El token de renovación no es válido: envía el refreshToken que devolvió el último inicio de sesión o renovación, o inicia sesión de nuevo.",
    );
    expect(await said("pt")).toBe("O token de renovação não é válido: envie o refreshToken que o último login ou renovação devolveu, ou entre de novo.");
  });

  it("a wrong method is a 405 whose message names the methods the path takes, as Allow does", async () => {
    const said = async (lang: string) => {
      const { status, body, res } = await callJson("/v1/auth/login", { method: "GET", ip: nextIp(), headers: { "accept-language": lang } });
      expect(status).toBe(405);
      expect(res.headers.get("allow")).toBe("POST");
      return body.error.message as string;
    };
    expect(await said("en")).toBe("GET is not allowed on this path; it takes POST");
    expect(await said("es")).toBe("GET no está permitido en esta ruta; admite POST.");
    expect(await said("pt")).toBe("GET não é permitido neste caminho; aceita POST.");
    const summary = await callJson("/v1/accounts/summary", { method: "POST", ip: nextIp(), body: {} });
    expect(summary.status).toBe(405);
    expect(summary.body.error.message).toBe("POST is not allowed on this path; it takes GET, HEAD");
  });

  it("a literal path is a 405 for a method only its sibling /{id} route has, not that route's 404 for an id such as \"transfer\"", async () => {
    const user = await registerUser();
    const cases: [string, string, string][] = [
      ["GET", "/v1/transactions/transfer", "POST"],
      // Percent-encoded, as the router decodes it.
      ["GET", "/v1/transactions/%74ransfer", "POST"],
      ["DELETE", "/v1/accounts/%73ummary", "GET, HEAD"],
      ["DELETE", "/v1/transactions/bulk-categorize", "POST"],
      ["HEAD", "/v1/transactions/transfer", "POST"],
      ["DELETE", "/v1/accounts/summary", "GET, HEAD"],
      ["GET", "/v1/accounts/sync", "POST"],
      ["PATCH", "/v1/categories/apply-rules", "POST"],
      ["DELETE", "/v1/auth/sessions/revoke-others", "POST"],
      ["GET", "/v1/spaces/spc_anything/ledger/transactions/batch", "POST"],
      ["DELETE", "/v1/assets/ast_anything/documents/upload-url", "POST"],
    ];
    for (const [method, path, allow] of cases) {
      const res = await callJson(path, { method, token: user.accessToken, ip: user.ip });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.res.headers.get("allow"), `${method} ${path}`).toBe(allow);
      if (method !== "HEAD") expect(res.body.error.message).toBe(`${method} is not allowed on this path; it takes ${allow}`);
    }
    // The parameter routes still answer their own paths: a transaction by id, an account's PATCH.
    expect((await callJson("/v1/transactions/txn_missing", { token: user.accessToken, ip: user.ip })).status).toBe(404);
    expect((await callJson("/v1/accounts/acc_missing", { method: "DELETE", token: user.accessToken, ip: user.ip })).status).toBe(404);
    // And the literal routes their own methods.
    expect((await callJson("/v1/accounts/summary?spaceId=spc_missing", { token: user.accessToken, ip: user.ip })).status).toBe(404);
  });

  it("a missing enum or union field is REQUIRED, as a missing string is; a wrong value stays INVALID_VALUE", async () => {
    const user = await registerUser({ locale: "en" });
    const codes = async (path: string, body: unknown) => {
      const res = await callJson(path, { token: user.accessToken, ip: user.ip, body });
      expect(res.status).toBe(422);
      return Object.fromEntries(res.body.error.details.map((d: any) => [d.field, d.code]));
    };
    // `type` is an enum: left out, it is missing, not a value out of the list.
    expect(await codes("/v1/spaces", { name: "Casa", currency: "USD" })).toEqual({ type: "REQUIRED" });
    expect(await codes("/v1/spaces", { name: "Casa", type: null, currency: "USD" })).toEqual({ type: "INVALID_VALUE" });
    expect(await codes("/v1/spaces", { name: "Casa", type: "castle", currency: "USD" })).toEqual({ type: "INVALID_VALUE" });
    // In a nested object and a query string alike.
    const space = await createSpace(user);
    expect(await codes("/v1/projections", { spaceId: space.id, save: false, lifeEvents: [{ year: 5, amount: -100 }, { year: 6, type: "yacht", amount: -1 }] })).toEqual({
      "lifeEvents.0.type": "REQUIRED",
      "lifeEvents.1.type": "INVALID_VALUE",
    });
    const query = await callJson(`/v1/analytics/net-worth?spaceId=${space.id}&from=2026-01-01&to=2026-02-01&interval=fortnight`, { token: user.accessToken, ip: user.ip });
    expect(query.body.error.details).toEqual([expect.objectContaining({ field: "interval", code: "INVALID_VALUE" })]);
  });

  it("a typo'd field name says which field was meant; an unknown field like no missing one says only that it is unknown", async () => {
    const user = await registerUser({ locale: "en" });
    const details = async (body: unknown, token = user.accessToken) => {
      const res = await callJson("/v1/spaces", { token, ip: user.ip, body });
      expect(res.status).toBe(422);
      return Object.fromEntries(res.body.error.details.map((d: any) => [d.field, [d.code, d.message]]));
    };
    // A transposition, a case difference, a letter too many: each names the field it stands for, missing or an enum
    // left without a value.
    expect(await details({ nmae: "Casa", type: "personal", currency: "USD" })).toEqual({
      name: ["REQUIRED", "Invalid input: expected string, received undefined"],
      nmae: ["UNKNOWN_FIELD", "Unknown field: did you mean name?"],
    });
    expect((await details({ name: "Casa", Type: "personal", currency: "USD" })).Type).toEqual(["UNKNOWN_FIELD", "Unknown field: did you mean type?"]);
    expect((await details({ name: "Casa", type: "personal", currencyy: "USD" })).currencyy).toEqual(["UNKNOWN_FIELD", "Unknown field: did you mean currency?"]);
    // Nothing close is missing: no guess.
    expect((await details({ name: "Casa", type: "personal", currency: "USD", colour: "red" })).colour).toEqual([
      "UNKNOWN_FIELD",
      "Unknown field: this request does not accept it",
    ]);
    expect((await details({ name: "Casa", type: "personal", zzzzzzzz: "USD" })).zzzzzzzz).toEqual(["UNKNOWN_FIELD", "Unknown field: this request does not accept it"]);
    // Only the first ten unknown fields are named and compared, the rest counted: a body of thousands of made-up keys costs no more.
    const many = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`nam${i}`, "x"]));
    const guessed = await details({ ...many, type: "personal", currency: "USD" });
    expect(Object.keys(many).map((k) => guessed[k]?.[1])).toEqual([...Array.from({ length: 10 }, () => "Unknown field: did you mean name?"), undefined, undefined]);
    const counted = await callJson("/v1/spaces", { token: user.accessToken, ip: user.ip, body: { ...many, type: "personal", currency: "USD" } });
    expect(counted.body.error.message).toBe("Validation failed for the provided data (and 2 more unknown fields)");
    // A query parameter likewise, among the route's declared ones not sent.
    const query = async (qs: string) => (await callJson(`/v1/transactions?${qs}`, { token: user.accessToken, ip: user.ip })).body.error.details;
    expect(await query("spaceid=spc_x")).toEqual([{ field: "spaceid", message: "Unknown query parameter: did you mean spaceId?", code: "UNKNOWN_FIELD" }]);
    expect(await query("spaceId=spc_x&start_date=2026-01-01&page_size=5")).toEqual([
      { field: "start_date", message: "Unknown query parameter: did you mean startDate?", code: "UNKNOWN_FIELD" },
      { field: "page_size", message: "Unknown query parameter: this route does not accept it", code: "UNKNOWN_FIELD" },
    ]);
    // In the caller's language, the field name as sent.
    const es = await registerUser({ locale: "es" });
    expect((await details({ nmae: "Casa", type: "personal", currency: "USD" }, es.accessToken)).nmae).toEqual(["UNKNOWN_FIELD", "Campo desconocido: ¿quisiste decir name?"]);
    const pt = await registerUser({ locale: "pt" });
    expect((await details({ nmae: "Casa", type: "personal", currency: "USD" }, pt.accessToken)).nmae).toEqual(["UNKNOWN_FIELD", "Campo desconhecido: você quis dizer name?"]);
    const esQuery = await callJson("/v1/transactions?spaceid=spc_x", { token: es.accessToken, ip: es.ip });
    expect(esQuery.body.error.details[0].message).toBe("Parámetro de consulta desconocido: ¿quisiste decir spaceId?");
    const ptQuery = await callJson("/v1/transactions?spaceid=spc_x", { token: pt.accessToken, ip: pt.ip });
    expect(ptQuery.body.error.details[0].message).toBe("Parâmetro de consulta desconhecido: você quis dizer spaceId?");
  });
});
