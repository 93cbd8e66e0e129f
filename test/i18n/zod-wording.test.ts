/**
 * A rule whose schema gives no message of its own answers in zod's generic English; a Spanish or Portuguese reader
 * gets it in their words (the catalogues' `zod`), where the QA sweep found "Este valor no es uno de los permitidos.
 * (Invalid option: expected one of "day"|"week"|"month")" and "Este campo es obligatorio. (Invalid input: expected
 * string, received undefined)". English keeps zod's words.
 */
import { expect, it } from "vitest";
import { callJson, createSpace, registerUser } from "../helpers";

it("an enum, a size, a missing field and a pattern read whole in Spanish and Portuguese", async () => {
  for (const [locale, texts] of [
    ["es", {
      interval: 'Debe ser uno de estos valores: "day"|"week"|"month".',
      description: "Debe tener como máximo 500 caracteres.",
      required: "Este campo es obligatorio.",
      pattern: "Este valor no tiene el formato esperado (patrón /^rec_[0-9a-f]{24}$/).",
    }],
    ["pt", {
      interval: 'Deve ser um destes valores: "day"|"week"|"month".',
      description: "Deve ter no máximo 500 caracteres.",
      required: "Este campo é obrigatório.",
      pattern: "Este valor não tem o formato esperado (padrão /^rec_[0-9a-f]{24}$/).",
    }],
    ["en", {
      interval: 'Invalid option: expected one of "day"|"week"|"month"',
      description: "Too big: expected string to have <=500 characters",
      required: "Invalid input: expected string, received undefined",
      pattern: "Invalid string: must match pattern /^rec_[0-9a-f]{24}$/",
    }],
  ] as const) {
    const u = await registerUser({ locale });
    const space = await createSpace(u);
    const opts = { token: u.accessToken, ip: u.ip };

    const enumRes = await callJson(`/v1/analytics/net-worth?spaceId=${space.id}&interval=year`, opts);
    expect(enumRes.status).toBe(422);
    expect(enumRes.body.error.details).toEqual([{ field: "interval", code: "INVALID_VALUE", message: texts.interval }]);

    const created = await callJson("/v1/transactions", { ...opts, body: { spaceId: space.id, accountId: "acc_none", amount: "-1.00", date: "2026-01-05", description: "x".repeat(501) } });
    expect(created.status).toBe(422);
    expect(created.body.error.details).toContainEqual({ field: "description", code: "TOO_BIG", message: texts.description });

    const missing = await callJson("/v1/transactions", { ...opts, body: { spaceId: space.id, amount: "-1.00", date: "2026-01-05", description: "x" } });
    expect(missing.status).toBe(422);
    expect(missing.body.error.details).toContainEqual({ field: "accountId", code: "REQUIRED", message: texts.required });

    const pattern = await callJson("/v1/analytics/recurring/rec_1", { ...opts, method: "PATCH", body: { spaceId: space.id, action: "dismiss" } });
    expect(pattern.status).toBe(422);
    expect(pattern.body.error.details).toEqual([{ field: "seriesId", code: "INVALID_REGEX", message: texts.pattern }]);
  }
});
