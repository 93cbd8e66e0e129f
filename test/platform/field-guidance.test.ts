/**
 * A refused date, amount or choice says what the field takes, under the code the API uses for that kind of
 * field: zod's unions answered "Invalid input" (INVALID_UNION) for "2024-1-1", a date of 20240101, an amount of
 * true or a ledger posting of 1.5, which says neither what was wrong nor what to send.
 */
import { describe, expect, it } from "vitest";
import { callJson, createSpace, registerUser, type TestUser } from "../helpers";
import { createAccount } from "../accounts/helpers";

const DATE_EITHER = "Must be a date YYYY-MM-DD or a date-time with an offset, such as 2024-01-31 or 2024-01-31T09:30:00-06:00";
const AMOUNT = 'Must be a decimal number as a string or a JSON number, such as "12.34"';
const MINOR = 'Must be a whole number of the asset\'s minor units (150 is 1.50 in USD/2): a JSON integer, or a string of digits without leading zeros such as "150"';

async function world(locale = "en") {
  const u = await registerUser({ locale });
  const space = await createSpace(u);
  const account = await createAccount(u, space.id);
  return { u, space, account };
}
const details = async (u: TestUser, path: string, body?: unknown) => {
  const r = await callJson(path, { token: u.accessToken, ip: u.ip, ...(body === undefined ? {} : { body }) });
  expect(r.status, path).toBe(422);
  return r.body.error.details as { field: string; message: string; code: string }[];
};

describe("what a refused field takes", () => {
  it("dates: a transaction's, a list's bounds, a trade list's days, a ledger list's instants", async () => {
    const { u, space, account } = await world();
    const tx = (date: unknown) => details(u, "/v1/transactions", { spaceId: space.id, accountId: account.id, amount: "1.00", description: "x", date });
    for (const date of ["2024-1-1", "01/02/2024", "2024-02-30", "tomorrow", 20240101, "2024-01-01T10:00:00", null]) {
      expect(await tx(date), String(date)).toEqual([{ field: "date", message: DATE_EITHER, code: "INVALID_DATE" }]);
    }
    // README: an instant finer than the millisecond is refused; the detail says so, and it is a date's.
    expect(await tx("2024-01-01T10:00:00.0001Z")).toEqual([
      { field: "date", message: "At most millisecond precision: the digits past it would be lost", code: "INVALID_DATE" },
    ]);
    expect(await tx("0001-01-01")).toEqual([{ field: "date", message: "Must be in the years 1800 to 2999", code: "INVALID_DATE" }]);
    // A date-time is judged by its instant (QA-9): these were taken, and were 3000-01-01 and 1799-12-31 in New York.
    for (const date of ["2999-12-31T23:59:59.999-12:00", "1800-01-01T00:00:00Z"]) {
      expect(await tx(date), date).toEqual([{ field: "date", message: "Must be in the years 1800 to 2999 in every time zone", code: "INVALID_DATE" }]);
    }
    // No place keeps an offset past ±14:00: one is a typo, not an instant.
    for (const date of ["2024-01-01T10:00:00+15:00", "2024-01-01T10:00:00-14:30"]) {
      expect(await tx(date), date).toEqual([{ field: "date", message: "The offset must be between -14:00 and +14:00", code: "INVALID_DATE" }]);
    }
    const other = await world();
    const kiribati = await callJson("/v1/transactions", {
      token: other.u.accessToken, ip: other.u.ip, body: { spaceId: other.space.id, accountId: other.account.id, amount: "1.00", description: "x", date: "2024-01-01T10:00:00+14:00" },
    });
    expect(kiribati.status).toBe(201);
    // Left out, it is required, as any field.
    expect(await details(u, "/v1/transactions", { spaceId: space.id, accountId: account.id, amount: "1.00", description: "x" })).toEqual([
      { field: "date", message: "Required", code: "REQUIRED" },
    ]);
    // amount is optional only for a trade: an empty body names it with the other missing fields, in one answer
    // (it came only on the next try, once the others were right).
    expect((await details(u, "/v1/transactions", {})).map((d) => d.field).sort()).toEqual(["accountId", "amount", "date", "description", "spaceId"]);
    expect(await details(u, "/v1/transactions", { spaceId: space.id, accountId: account.id, description: "x", date: "2024-01-01" })).toEqual([
      { field: "amount", message: "Required", code: "REQUIRED" },
    ]);
    const mixed = await details(u, "/v1/transactions", { spaceId: space.id, description: "x", date: "2024-01-01", unknownField: 1 });
    expect(mixed.map(({ field, code }) => `${field} ${code}`).sort()).toEqual(["accountId REQUIRED", "amount REQUIRED", "unknownField UNKNOWN_FIELD"]);
    // A trade still computes it.
    expect(await details(u, "/v1/transactions", { spaceId: space.id, accountId: account.id, description: "x", date: "2024-01-01", trade: { symbol: "AAPL", side: "buy", quantity: "1" } })).toEqual([
      { field: "trade.unitPrice", message: expect.any(String), code: "REQUIRED" },
    ]);
    for (const bound of ["01-02-2024", "2024-13-45"]) {
      expect(await details(u, `/v1/transactions?spaceId=${space.id}&startDate=${bound}`)).toEqual([{ field: "startDate", message: DATE_EITHER, code: "INVALID_DATE" }]);
    }
    expect(await details(u, `/v1/accounts/${account.id}/transactions?endDate=yesterday`)).toEqual([{ field: "endDate", message: DATE_EITHER, code: "INVALID_DATE" }]);
    expect(await details(u, `/v1/trades?spaceId=${space.id}&from=yesterday`)).toEqual([
      { field: "from", message: "Must be a date YYYY-MM-DD, such as 2024-01-31", code: "INVALID_DATE" },
    ]);
    expect(await details(u, `/v1/spaces/${space.id}/ledger/transactions?startTime=2024-01-01`)).toEqual([
      { field: "startTime", message: "Must be a date-time with an offset, such as 2024-01-31T09:30:00-06:00 or 2024-01-31T15:30:00Z", code: "INVALID_DATE" },
    ]);
    // What they take still passes: a leap day, an instant with its offset and milliseconds, a bound in any year.
    for (const date of ["2024-02-29", "2024-01-01T10:00:00.123+05:30"]) {
      expect((await callJson("/v1/transactions", { token: u.accessToken, ip: u.ip, body: { spaceId: space.id, accountId: account.id, amount: "1.00", description: "x", date } })).status, date).toBe(201);
    }
    expect((await callJson(`/v1/transactions?spaceId=${space.id}&startDate=0001-01-01`, { token: u.accessToken, ip: u.ip })).body.transactions).toHaveLength(2);
  });

  it("amounts: a wrong type, wherever an amount is taken", async () => {
    const { u, space, account } = await world();
    for (const amount of [true, null, {}, []]) {
      expect(await details(u, "/v1/transactions", { spaceId: space.id, accountId: account.id, amount, description: "x", date: "2024-01-01" }), JSON.stringify(amount)).toEqual([
        { field: "amount", message: AMOUNT, code: "INVALID_AMOUNT" },
      ]);
    }
    // A bad string was already explained by the money parser; it still is.
    expect(await details(u, "/v1/transactions", { spaceId: space.id, accountId: account.id, amount: "abc", description: "x", date: "2024-01-01" })).toEqual([
      { field: "amount", message: "Must be a decimal number such as 12.34", code: "INVALID_AMOUNT" },
    ]);
    // ... and with the request's other bad fields, not only once they are right (SDK QA: one fix, one more 422).
    expect(await details(u, "/v1/transactions", { spaceId: space.id, accountId: account.id, amount: "abc", description: "", date: "2024-13-45" })).toEqual(
      expect.arrayContaining([
        { field: "amount", message: "Must be a decimal number such as 12.34", code: "INVALID_AMOUNT" },
        expect.objectContaining({ field: "description" }),
        expect.objectContaining({ field: "date", code: "INVALID_DATE" }),
      ]),
    );
    expect(await details(u, "/v1/budgets", { spaceId: space.id, name: "B", amount: false, period: "monthly", categoryIds: [] })).toEqual(
      expect.arrayContaining([{ field: "amount", message: AMOUNT, code: "INVALID_AMOUNT" }]),
    );
    expect(await details(u, "/v1/projections", { spaceId: space.id, startingNetWorth: true })).toEqual([{ field: "startingNetWorth", message: AMOUNT, code: "INVALID_AMOUNT" }]);
    // A rule's bound, which the rules' union hid behind "Invalid input" of the whole rule.
    expect(await details(u, "/v1/categories", { spaceId: space.id, name: "R", type: "expense", rules: [{ condition: "amount_between", value: { min: true } }] })).toEqual([
      { field: "rules.0.value.min", message: AMOUNT, code: "INVALID_AMOUNT" },
    ]);
  });

  it("a ledger posting's amount names its unit", async () => {
    const { u, space } = await world();
    const post = (amount: unknown) => details(u, `/v1/spaces/${space.id}/ledger/transactions`, { postings: [{ source: "world", destination: "users:a", amount, asset: "USD/2" }] });
    for (const amount of [1.5, "1.50", "0010", true, null]) {
      expect(await post(amount), JSON.stringify(amount)).toEqual([{ field: "postings.0.amount", message: MINOR, code: "INVALID_AMOUNT" }]);
    }
    expect(await post(-5)).toEqual([{ field: "postings.0.amount", message: "Must not be negative", code: "TOO_SMALL" }]);
  });

  it("a ledger posting past 2^53 minor units gets one detail, not one per check", async () => {
    const { u, space } = await world();
    const posting = { source: "world", destination: "users:a", amount: "9007199254740992", asset: "USD/2" };
    expect(await details(u, `/v1/spaces/${space.id}/ledger/transactions`, { postings: [posting] })).toEqual([
      { field: "postings.0.amount", message: "Too large", code: "TOO_BIG" },
    ]);
  });

  it("a ledger posting's amount past 2^53 written as a string of 17 digits or more is too large, not a format error", async () => {
    const { u, space } = await world();
    // One ether in wei, as a client holding it sends it (a JSON number would lose digits), and a 300-digit one.
    for (const amount of ["1000000000000000000", "90071992547409910", `9${"0".repeat(299)}`]) {
      const posting = { source: "world", destination: "users:a", amount, asset: "ETH/18" };
      expect(await details(u, `/v1/spaces/${space.id}/ledger/transactions`, { postings: [posting] }), amount).toEqual([
        { field: "postings.0.amount", message: "Too large", code: "TOO_BIG" },
      ]);
    }
    // Leading zeros are still a format error, whatever the length.
    const zeros = { source: "world", destination: "users:a", amount: `0${"1".repeat(20)}`, asset: "ETH/18" };
    expect(await details(u, `/v1/spaces/${space.id}/ledger/transactions`, { postings: [zeros] })).toEqual([{ field: "postings.0.amount", message: MINOR, code: "INVALID_AMOUNT" }]);
  });

  it("choices: a projection's steps, a rule's condition", async () => {
    const { u, space } = await world();
    expect(await details(u, "/v1/projections", { spaceId: space.id, stepsPerYear: 6 })).toEqual([
      { field: "stepsPerYear", message: "Must be 1 (yearly steps) or 12 (monthly steps)", code: "INVALID_VALUE" },
    ]);
    const conditions = "Must be one of: merchant_contains, description_contains, merchant_equals, amount_between, account_is, regex";
    // A condition out of the list is a wrong value; one left out is missing (the same list says what it takes).
    for (const [rule, code] of [[{ condition: "amount_over", value: "x" }, "INVALID_VALUE"], [{ value: "x" }, "REQUIRED"]] as const) {
      expect(await details(u, "/v1/categories", { spaceId: space.id, name: "R", type: "expense", rules: [rule] })).toEqual([{ field: "rules.0.condition", message: conditions, code }]);
    }
    // In the AND form, the condition's own path.
    expect(await details(u, "/v1/categories", { spaceId: space.id, name: "R", type: "expense", rules: [{ conditions: [{ condition: "merchant_contains", value: "a" }, { condition: "zz", value: 1 }] }] })).toEqual([
      { field: "rules.0.conditions.1.condition", message: conditions, code: "INVALID_VALUE" },
    ]);
  });

  it("in Spanish and Portuguese", async () => {
    const es = await world("es");
    expect(await details(es.u, "/v1/transactions", { spaceId: es.space.id, accountId: es.account.id, amount: true, description: "x", date: "01/02/2024" })).toEqual([
      { field: "amount", message: 'Debe ser un número decimal, como cadena o como número JSON, por ejemplo "12.34".', code: "INVALID_AMOUNT" },
      { field: "date", message: "Debe ser una fecha AAAA-MM-DD o una fecha y hora con su desfase horario, como 2024-01-31 o 2024-01-31T09:30:00-06:00.", code: "INVALID_DATE" },
    ]);
    expect(await details(es.u, `/v1/spaces/${es.space.id}/ledger/transactions`, { postings: [{ source: "world", destination: "users:a", amount: 1.5, asset: "USD/2" }] })).toEqual([
      { field: "postings.0.amount", message: 'Debe ser un número entero de unidades mínimas del activo (150 es 1.50 en USD/2): un entero JSON, o una cadena de dígitos sin ceros a la izquierda, como "150".', code: "INVALID_AMOUNT" },
    ]);
    const pt = await world("pt-BR");
    expect(await details(pt.u, "/v1/transactions", { spaceId: pt.space.id, accountId: pt.account.id, amount: null, description: "x", date: "2024-01-01T10:00:00.0001Z" })).toEqual([
      { field: "amount", message: 'Deve ser um número decimal com ponto, como string ou número JSON, por exemplo "12.34".', code: "INVALID_AMOUNT" },
      { field: "date", message: "No máximo precisão de milissegundos: os dígitos além disso seriam perdidos.", code: "INVALID_DATE" },
    ]);
    expect(await details(pt.u, `/v1/trades?spaceId=${pt.space.id}&from=ontem`)).toEqual([{ field: "from", message: "Deve ser uma data AAAA-MM-DD, como 2024-01-31.", code: "INVALID_DATE" }]);
    expect(await details(pt.u, "/v1/projections", { spaceId: pt.space.id, stepsPerYear: 4 })).toEqual([
      { field: "stepsPerYear", message: "Deve ser 1 (passos anuais) ou 12 (passos mensais).", code: "INVALID_VALUE" },
    ]);
  });
});
