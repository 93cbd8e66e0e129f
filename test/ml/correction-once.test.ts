/**
 * The model holds one example of a corrected transaction: sending the same correction again teaches nothing more,
 * and a later correction takes back the label the model learned, even when a hand edit came between.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callJson, createSpace, registerUser, type TestUser } from "../helpers";
import { createAccount } from "../accounts/helpers";

const as = (u: TestUser) => ({
  get: (path: string) => callJson(path, { token: u.accessToken, ip: u.ip }),
  post: (path: string, body: unknown) => callJson(path, { token: u.accessToken, ip: u.ip, body }),
  patch: (path: string, body: unknown) => callJson(path, { method: "PATCH", token: u.accessToken, ip: u.ip, body }),
});

async function setup() {
  const u = await registerUser();
  const space = await createSpace(u);
  const acc = await createAccount(u, space.id, { openingBalance: 100000 });
  const a = as(u);
  const cats = (await a.get(`/v1/categories?spaceId=${space.id}`)).body as { id: string; name: string }[];
  const cat = (name: string) => cats.find((c) => c.name === name)!.id;
  const latte = await a.post("/v1/transactions", { spaceId: space.id, accountId: acc.id, date: "2024-02-01", amount: -5, merchantName: "STARBUCKS #1", description: "Latte" });
  expect(latte.status).toBe(201);
  const docs = async (categoryId: string) =>
    (await env.DB.prepare("SELECT docs FROM ml_category_stats WHERE space_id = ? AND category_id = ?").bind(space.id, categoryId).first<{ docs: number }>())?.docs ?? 0;
  const correct = async (categoryId: string) => {
    const r = await a.post("/v1/ml/corrections", { transactionId: latte.body.id, correctedCategoryId: categoryId, applyToSimilar: false });
    expect(r.status).toBe(201);
  };
  return { a, spaceId: space.id, cat, latte, docs, correct };
}

describe("a corrected transaction teaches once", () => {
  it("the same correction sent twice counts one example, and the next correction leaves nothing of it", async () => {
    const { a, spaceId, cat, docs, correct } = await setup();
    await correct(cat("Coffee"));
    await correct(cat("Coffee")); // a double tap, or a client's retry
    expect(await docs(cat("Coffee"))).toBe(1);
    await correct(cat("Restaurants"));
    expect(await docs(cat("Coffee"))).toBe(0);
    expect(await docs(cat("Restaurants"))).toBe(1);
    const p = await a.post("/v1/ml/predict", { spaceId, merchantName: "Starbucks #9", description: "Latte" });
    expect(p.body).toMatchObject({ categoryId: cat("Restaurants"), autoApply: true });
    expect(p.body.alternatives).toEqual([]);
  });

  it("takes back the corrected label when the category was changed by hand after the correction", async () => {
    const { a, cat, latte, docs, correct } = await setup();
    await correct(cat("Coffee"));
    // A hand edit teaches the model nothing: it still holds Coffee for this transaction.
    expect((await a.patch(`/v1/transactions/${latte.body.id}`, { categoryId: cat("Travel") })).status).toBe(200);
    await correct(cat("Restaurants"));
    expect(await docs(cat("Coffee"))).toBe(0);
    expect(await docs(cat("Travel"))).toBe(0);
    expect(await docs(cat("Restaurants"))).toBe(1);
  });
});

describe("a correction sent twice at once", () => {
  it("counts one example however the two requests interleave", async () => {
    const { a, latte, cat, docs } = await setup();
    const body = { transactionId: latte.body.id, correctedCategoryId: cat("Coffee"), applyToSimilar: false };
    // A double tap: both requests read the model before either records what it learned.
    const [r1, r2] = await Promise.all([a.post("/v1/ml/corrections", body), a.post("/v1/ml/corrections", body)]);
    expect([r1.status, r2.status]).toEqual([201, 201]);
    expect(await docs(cat("Coffee"))).toBe(1);
    // And the next correction leaves nothing of it.
    expect((await a.post("/v1/ml/corrections", { ...body, correctedCategoryId: cat("Restaurants") })).status).toBe(201);
    expect(await docs(cat("Coffee"))).toBe(0);
    expect(await docs(cat("Restaurants"))).toBe(1);
  });
});
