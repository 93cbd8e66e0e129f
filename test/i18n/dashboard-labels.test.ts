/**
 * The dashboard's own labels among its top categories (expenses with no category, the rest past the top five) are
 * in the reader's language, beside the category names the space was created with in it: the QA sweep found
 * "Uncategorized" and "Other" among "Vivienda" and "Salud". The language is the one the request's errors would use:
 * the account's (in its token) before Accept-Language.
 */
import { expect, it } from "vitest";
import { callJson, registerUser, type TestUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { api, localDays, ok } from "../analytics/fixture";

/** The system category the rest past the top five is named after, in each language. */
const OTHER = ["Other", "Otros", "Outros"];

async function spaceWithSpending(owner: TestUser) {
  const a = api(owner);
  const { day } = localDays("UTC");
  const spaceId = (await ok(a.post("/v1/spaces", { name: "Casa", type: "personal", currency: "USD", timezone: "UTC" }))).id;
  const acc = await createAccount(owner, spaceId, { name: "cuenta", currency: "USD", openingBalance: "1000.00" });
  // Not the one named as the rest is: among the top five it makes the rest "Everything else" (the next test's case).
  const cats = ((await ok(a.get(`/v1/categories?spaceId=${spaceId}`))) as { id: string; name: string; type: string; parentId: string | null }[])
    .filter((c) => c.type === "expense" && c.parentId === null && !OTHER.includes(c.name))
    .slice(0, 6);
  expect(cats).toHaveLength(6);
  // Six categories and the uncategorized: the smallest category falls into the rest.
  for (const [i, c] of cats.entries()) {
    await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: `-${10 - i}.00`, description: "x", categoryId: c.id, date: day(-2) }));
  }
  await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-20.00", description: "x", date: day(-2) }));
  return spaceId;
}

const labels = (dash: { topCategories: { category: string; categoryId: string | null }[] }) =>
  dash.topCategories.filter((c) => c.categoryId === null).map((c) => c.category);

it.each([
  ["es", "pt-BR", ["Sin categoría", "Otros"]],
  ["pt", "es", ["Sem categoria", "Outros"]],
  ["en", "es", ["Uncategorized", "Other"]],
] as const)("a %s account's dashboard labels its uncategorized spending and the rest in its language, whatever Accept-Language says", { timeout: 60_000 }, async (locale, header, expected) => {
  const owner = await registerUser({ locale });
  const spaceId = await spaceWithSpending(owner);
  const res = await callJson(`/v1/analytics/dashboard?spaceId=${spaceId}&period=30d`, { token: owner.accessToken, ip: owner.ip, headers: { "accept-language": header } });
  expect(res.status).toBe(200);
  expect(res.body.topCategories).toHaveLength(6);
  expect(labels(res.body)).toEqual(expected);
});

it.each([
  ["es", "Otros", "Todo lo demás"],
  ["pt", "Outros", "Todo o resto"],
  ["en", "Other", "Everything else"],
] as const)("a %s dashboard with the category %s among its top five calls the rest apart from it (QA 13-5)", { timeout: 60_000 }, async (locale, other, rest) => {
  const owner = await registerUser({ locale });
  const a = api(owner);
  const { day } = localDays("UTC");
  const spaceId = (await ok(a.post("/v1/spaces", { name: "Casa", type: "personal", currency: "USD", timezone: "UTC" }))).id;
  const acc = await createAccount(owner, spaceId, { name: "cuenta", currency: "USD", openingBalance: "1000.00" });
  const cats = ((await ok(a.get(`/v1/categories?spaceId=${spaceId}`))) as { id: string; name: string; type: string; parentId: string | null }[])
    .filter((c) => c.type === "expense" && c.parentId === null);
  const named = cats.find((c) => c.name === other)!;
  expect(named).toBeDefined();
  // The category named as "Other" is spent in most; six more, the smallest of which falls into the rest.
  await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-50.00", description: "x", categoryId: named.id, date: day(-2) }));
  for (const [i, c] of cats.filter((c) => c.id !== named.id).slice(0, 6).entries()) {
    await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: `-${10 - i}.00`, description: "x", categoryId: c.id, date: day(-2) }));
  }
  const dash = await ok(a.get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=30d`));
  expect(dash.topCategories).toHaveLength(6);
  expect(dash.topCategories[0]).toMatchObject({ categoryId: named.id, category: other, amountDecimal: "50.00" });
  expect(dash.topCategories[5]).toMatchObject({ categoryId: null, category: rest, amountDecimal: "11.00" });
});
