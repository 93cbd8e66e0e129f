/**
 * Three refusals of the categories API the QA sweep found awkward: "1 transações usam esta categoria" (and "1
 * transactions use this category"), a raw type inside a translated sentence with an odd "ali" ("Este espaço já tem
 * ali a categoria do tipo expense"), and `(?i)café` refused as a lookaround though it is an inline flag.
 */
import { expect, it } from "vitest";
import { callJson, createSpace, registerUser, userApi } from "../helpers";
import { createAccount } from "../accounts/helpers";

const TEXTS = {
  en: {
    one: "1 transaction uses this category; pass ?reassignTo=<categoryId> to move it first",
    two: "2 transactions use this category; pass ?reassignTo=<categoryId> to move them first",
    twin: (id: string) => `This space already has an expense category "Viajes de trabajo" there (${id})`,
    flag: "Inline flags such as (?i) are not supported",
  },
  es: {
    one: "1 transacción usa esta categoría; pasa ?reassignTo=<categoryId> para moverla primero.",
    two: "2 transacciones usan esta categoría; pasa ?reassignTo=<categoryId> para moverlas primero.",
    twin: (id: string) => `Este espacio ya tiene una categoría de gastos "Viajes de trabajo" en ese mismo nivel (${id}).`,
    flag: "No se admiten modificadores en línea como (?i).",
  },
  pt: {
    one: "1 transação usa esta categoria; passe ?reassignTo=<categoryId> para movê-la primeiro.",
    two: "2 transações usam esta categoria; passe ?reassignTo=<categoryId> para movê-las primeiro.",
    twin: (id: string) => `Este espaço já tem uma categoria de despesas "Viajes de trabajo" nesse mesmo nível (${id}).`,
    flag: "Modificadores em linha como (?i) não são suportados.",
  },
} as const;

it.each(["en", "es", "pt"] as const)("in %s: one transaction in the singular, a category's type in words, an inline flag named as such", { timeout: 60_000 }, async (locale) => {
  const t = TEXTS[locale];
  const u = await registerUser({ locale });
  const a = userApi(u);
  const space = await createSpace(u);
  const acc = await createAccount(u, space.id, { openingBalance: "100.00" });
  const cat = await a.post("/v1/categories", { spaceId: space.id, name: "Viajes de trabajo", type: "expense" });
  expect(cat.status).toBe(201);
  const spend = () => a.post("/v1/transactions", { spaceId: space.id, accountId: acc.id, amount: "-1.00", date: "2026-01-05", description: "x", categoryId: cat.body.id });
  expect((await spend()).status).toBe(201);
  const one = await a.del(`/v1/categories/${cat.body.id}`);
  expect(one.status).toBe(409);
  expect(one.body.error.message).toBe(t.one);
  expect((await spend()).status).toBe(201);
  expect((await a.del(`/v1/categories/${cat.body.id}`)).body.error.message).toBe(t.two);

  const twin = await a.post("/v1/categories", { spaceId: space.id, name: "viajes de  trabajo", type: "expense" });
  expect(twin.status).toBe(409);
  expect(twin.body.error.message).toBe(t.twin(cat.body.id));

  const flagged = await a.post("/v1/categories", { spaceId: space.id, name: "Café", type: "expense", rules: [{ condition: "regex", value: "(?i)café" }] });
  expect(flagged.status).toBe(422);
  expect(flagged.body.error.details[0]).toMatchObject({ field: expect.stringMatching(/^rules\.0/), message: t.flag });
  // A lookahead is still refused as one.
  const look = await callJson("/v1/categories", { token: u.accessToken, ip: u.ip, body: { spaceId: space.id, name: "Look", type: "expense", rules: [{ condition: "regex", value: "(?=x)" }] } });
  expect(look.status).toBe(422);
  expect(look.body.error.details[0].message).not.toBe(t.flag);
});
