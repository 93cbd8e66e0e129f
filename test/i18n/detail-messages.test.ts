/**
 * A field's detail message (the `message` of each entry of `error.details`) reads in the caller's language. A Spanish
 * user moving money to the same account was told "Este valor no es válido. (Must differ from fromAccountId)": the
 * detail code's standard wording with the English rule after it, as 56 of the 62 detail messages the code wrote read
 * (test/i18n/every-message-translated.test.ts now finds every one). Values (a currency, a balance) come back as the
 * code wrote them; field names and codes never change.
 */
import { describe, expect, it } from "vitest";
import { createAccount } from "../accounts/helpers";
import { as, householdWorld } from "../lifebeat/helpers";
import { callJson, createSpace, nextIp, registerUser } from "../helpers";

const CASES = {
  es: {
    sameAccount: "Debe ser distinta de fromAccountId.",
    otherCurrency: "Las cuentas manejan USD y MXN: envía toAmount, los MXN que llegaron.",
    balance: "El saldo quedaría en -500.",
    compare: "Indica scenarioIds, o un spaceId para comparar sus escenarios guardados más recientes.",
    expiresAt: "Debe ser una fecha futura, dentro de los próximos 365 días.",
    password: "Debe tener al menos 8 caracteres.",
  },
  "pt-BR": {
    sameAccount: "Deve ser diferente de fromAccountId.",
    otherCurrency: "As contas são em USD e MXN: envie toAmount, os MXN que chegaram.",
    balance: "O saldo ficaria em -500.",
    compare: "Informe scenarioIds, ou um spaceId para comparar os cenários salvos mais recentes dele.",
    expiresAt: "Deve ser uma data futura, dentro dos próximos 365 dias.",
    password: "Deve ter pelo menos 8 caracteres.",
  },
};

describe.each(Object.entries(CASES))("a field's detail for a user whose locale is %s", (locale, t) => {
  it("reads in that language, its values and field names as the code wrote them", async () => {
    const u = await registerUser({ locale });
    const space = await createSpace(u);
    const checking = await createAccount(u, space.id, { openingBalance: 100 });
    const transfer = (toAccountId: string) =>
      callJson("/v1/transactions/transfer", {
        token: u.accessToken, ip: u.ip,
        body: { spaceId: space.id, fromAccountId: checking.id, toAccountId, amount: "10.00", date: "2024-04-01", description: "x" },
      });

    // A transfer to the account it comes from.
    const same = await transfer(checking.id);
    expect(same.status).toBe(422);
    expect(same.body.error.details).toEqual([{ field: "toAccountId", code: "SAME_ACCOUNT", message: t.sameAccount }]);
    // Problem details carry the same translated detail.
    const problem = await callJson("/v1/transactions/transfer", {
      token: u.accessToken, ip: u.ip, headers: { accept: "application/problem+json" },
      body: { spaceId: space.id, fromAccountId: checking.id, toAccountId: checking.id, amount: "10.00", date: "2024-04-01", description: "x" },
    });
    expect(problem.body.errors).toEqual([{ field: "toAccountId", code: "SAME_ACCOUNT", message: t.sameAccount }]);

    // Values in the detail: the two currencies, and the one toAmount is in.
    const mxn = await createAccount(u, space.id, { name: "Pesos", currency: "MXN" });
    const other = await transfer(mxn.id);
    expect(other.status).toBe(422);
    expect(other.body.error.details).toEqual([{ field: "toAmount", code: "REQUIRED", message: t.otherCurrency }]);

    // A detail the space's ledger Durable Object writes, with the balance it would leave.
    const ledger = await callJson(`/v1/spaces/${space.id}/ledger/transactions`, {
      token: u.accessToken, ip: u.ip,
      body: { postings: [{ source: "users:nobody", destination: "users:b", amount: 500, asset: "USD/2" }] },
    });
    expect(ledger.status).toBe(422);
    expect(ledger.body.error.details).toEqual([{ field: "postings.0.source", code: "INSUFFICIENT_FUNDS", message: t.balance }]);

    // Comparing scenarios with neither scenarioIds nor a spaceId.
    const compare = await callJson("/v1/projections/compare", { token: u.accessToken, ip: u.ip, body: {} });
    expect(compare.status).toBe(422);
    expect(compare.body.error.details).toEqual([{ field: "scenarioIds", code: "REQUIRED", message: t.compare }]);
  });

  it("reads in that language for Life Beat's emergency access, and before sign-in by Accept-Language", async () => {
    const w = await householdWorld({ locale });
    const past = await callJson("/v1/life-beat/emergency-access", {
      ...as(w.owner),
      body: { householdId: w.householdId, executorId: w.executorId, accessLevel: "read-only", expiresAt: new Date(Date.now() - 60_000).toISOString() },
    });
    expect(past.status).toBe(422);
    expect(past.body.error.details).toEqual([{ field: "expiresAt", code: "INVALID_RANGE", message: t.expiresAt }]);

    const register = await callJson("/v1/auth/register", {
      ip: nextIp(), headers: { "accept-language": locale },
      body: { name: "Ana", email: `ana-${crypto.randomUUID().slice(0, 8)}@example.com`, password: "short" },
    });
    expect(register.status).toBe(422);
    expect(register.body.error.details).toEqual([{ field: "password", code: "TOO_SMALL", message: t.password }]);
  });
});

describe("a field's detail for an English user", () => {
  it("keeps the English the code wrote", async () => {
    const u = await registerUser({ locale: "en" });
    const space = await createSpace(u);
    const checking = await createAccount(u, space.id);
    const same = await callJson("/v1/transactions/transfer", {
      token: u.accessToken, ip: u.ip,
      body: { spaceId: space.id, fromAccountId: checking.id, toAccountId: checking.id, amount: "10.00", date: "2024-04-01", description: "x" },
    });
    expect(same.body.error.details).toEqual([{ field: "toAccountId", code: "SAME_ACCOUNT", message: "Must differ from fromAccountId" }]);
  });
});
