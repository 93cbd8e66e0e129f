import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";
import { describe, expect, it } from "vitest";
import { addMember, callJson, createSpace, enableTwoFactor, registerUser, type TestUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { generate } from "./dataset";

const as = (u: TestUser) => ({
  get: (path: string) => callJson(path, { token: u.accessToken, ip: u.ip }),
  post: (path: string, body: unknown) => callJson(path, { token: u.accessToken, ip: u.ip, body }),
});

async function setup() {
  const u = await registerUser();
  const space = await createSpace(u);
  const acc = await createAccount(u, space.id, { openingBalance: 100000 });
  const cats = (await as(u).get(`/v1/categories?spaceId=${space.id}`)).body as { id: string; name: string }[];
  const cat = (name: string) => cats.find((c) => c.name === name)!.id;
  return { u, a: as(u), spaceId: space.id, acc, cat };
}

/** Delivers the retrain message the API queued, as the queue would, through the Worker's real consumer. */
async function runQueuedJob(jobId: string, spaceId: string) {
  const batch = createMessageBatch("dhanam-sync", [{ id: `m-${jobId}`, timestamp: new Date(), attempts: 1, body: { type: "ml.retrain", jobId, spaceId } }]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

describe("corrections", () => {
  it("update the model at once and can recategorize similar transactions", async () => {
    const { a, spaceId, acc, cat } = await setup();
    const post = (merchantName: string) =>
      a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: -12, description: "card purchase", merchantName, date: "2024-02-01" });
    const first = await post("SQ *BLUE BOTTLE #12");
    const second = await post("Blue Bottle #99");
    const third = await post("BLUE BOTTLE");
    expect(first.body.category).toBeNull(); // an empty model predicts nothing
    const corr = await a.post("/v1/ml/corrections", { transactionId: first.body.id, correctedCategoryId: cat("Coffee"), applyToSimilar: true });
    expect(corr.status).toBe(201);
    expect(corr.body).toMatchObject({ affectedTransactions: 2, message: "Correction applied to 2 similar transactions" });
    for (const t of [first, second, third]) expect((await a.get(`/v1/transactions/${t.body.id}`)).body.category.id).toBe(cat("Coffee"));

    const p = await a.post("/v1/ml/predict", { spaceId, merchantName: "Blue Bottle #7", description: "coffee" });
    expect(p.body).toMatchObject({ categoryId: cat("Coffee"), categoryName: "Coffee" });
    expect(p.body.explanation.matchedMerchant).toBe("blue bottle");
    expect(p.body.explanation.tokens.length).toBeGreaterThan(0);

    const list = await a.get(`/v1/ml/corrections?spaceId=${spaceId}`);
    expect(list.body.corrections[0]).toMatchObject({ transactionId: first.body.id, correctedCategoryId: cat("Coffee"), normalizedMerchant: "blue bottle", status: "applied" });
  });
});

describe("what one correction teaches", () => {
  it("files what it has evidence for, and nothing on the prior alone: not an unknown merchant, not income into an expense category", async () => {
    const { a, spaceId, acc, cat } = await setup();
    const write = (body: Record<string, unknown>) => a.post("/v1/transactions", { spaceId, accountId: acc.id, date: "2024-02-01", ...body });
    const gym = await write({ amount: -9, merchantName: "Planet Fitness", description: "Monthly membership" });
    expect((await a.post("/v1/ml/corrections", { transactionId: gym.body.id, correctedCategoryId: cat("Health"), applyToSimilar: false })).status).toBe(201);
    // The model knows one category: its softmax says 1.0 for anything, so the prediction must rest on the transaction itself.
    expect((await write({ amount: -9, merchantName: "PLANET FITNESS #12", description: "membership" })).body).toMatchObject({ category: { id: cat("Health") }, categorySource: "ml" });
    for (const body of [
      { amount: -40, merchantName: "Shell", description: "Gasoline" },
      { amount: -1200, merchantName: "Landlord LLC", description: "December rent" },
      { amount: 2500, merchantName: "Employer Inc", description: "Salary" },
      { amount: -60, description: "Monthly parking" }, // one word of two in common is not enough
    ]) {
      const t = await write(body);
      expect(t.body.category, JSON.stringify(body)).toBeNull();
    }
    const unknown = await a.post("/v1/ml/predict", { spaceId, description: "zzz qqq" });
    expect(unknown.body).toMatchObject({ categoryId: null, confidence: 0, autoApply: false });
    // Money in with words learned from spending: predicted, but not filed under an expense category on its own.
    const inflow = await a.post("/v1/ml/predict", { spaceId, description: "membership", amount: 9 });
    expect(inflow.body).toMatchObject({ categoryId: cat("Health"), autoApply: false });
    // A refund from the very merchant is filed where its purchases are.
    expect((await write({ amount: 9, merchantName: "Planet Fitness", description: "refund" })).body.category).toMatchObject({ id: cat("Health") });
  });

  it("moves the next prediction to the corrected category, though the old one was set by hand and never learned", async () => {
    const { a, spaceId, acc, cat } = await setup();
    const write = (merchantName: string, categoryId: string) =>
      a.post("/v1/transactions", { spaceId, accountId: acc.id, date: "2024-02-01", amount: -14, description: "Burrito bowl", merchantName, categoryId });
    const starbucks = await write("STARBUCKS #123", cat("Groceries"));
    await a.post("/v1/ml/corrections", { transactionId: starbucks.body.id, correctedCategoryId: cat("Coffee"), applyToSimilar: false });
    const chipotle = await write("Chipotle", cat("Travel"));
    // Taking back Travel (never learned) used to leave it, and then Groceries, at -1 examples.
    await a.post("/v1/ml/corrections", { transactionId: chipotle.body.id, correctedCategoryId: cat("Groceries"), applyToSimilar: false });
    const p = await a.post("/v1/ml/predict", { spaceId, description: "Burrito bowl", merchantName: "Chipotle" });
    expect(p.body).toMatchObject({ categoryId: cat("Groceries"), autoApply: true });
    const counts = await env.DB.prepare("SELECT MIN(count) AS c FROM ml_token_counts WHERE space_id = ?").bind(spaceId).first<{ c: number }>();
    expect(counts!.c).toBeGreaterThanOrEqual(0);
    const stats = await env.DB.prepare("SELECT MIN(docs) AS d FROM ml_category_stats WHERE space_id = ?").bind(spaceId).first<{ d: number }>();
    expect(stats!.d).toBeGreaterThanOrEqual(0);
  });

  it("takes back only a label it learned: correcting a hand-set one keeps what another correction taught", async () => {
    const { a, spaceId, acc, cat } = await setup();
    const write = (body: Record<string, unknown>) => a.post("/v1/transactions", { spaceId, accountId: acc.id, date: "2024-02-01", amount: -5, ...body });
    const latte = await write({ merchantName: "STARBUCKS #1", description: "Latte" });
    await a.post("/v1/ml/corrections", { transactionId: latte.body.id, correctedCategoryId: cat("Coffee"), applyToSimilar: false });
    // Filed under Coffee by hand (never learned), then corrected to Travel: Coffee's one learned example stays.
    const shell = await write({ merchantName: "Shell", description: "Gasoline", categoryId: cat("Coffee") });
    await a.post("/v1/ml/corrections", { transactionId: shell.body.id, correctedCategoryId: cat("Travel"), applyToSimilar: false });
    const coffee = await env.DB.prepare("SELECT docs FROM ml_category_stats WHERE space_id = ? AND category_id = ?").bind(spaceId, cat("Coffee")).first<{ docs: number }>();
    expect(coffee!.docs).toBe(1);
    expect((await a.post("/v1/ml/predict", { spaceId, merchantName: "Starbucks #9", description: "Latte" })).body).toMatchObject({ categoryId: cat("Coffee"), autoApply: true });
    // A label a correction did teach is taken back when corrected again.
    await a.post("/v1/ml/corrections", { transactionId: latte.body.id, correctedCategoryId: cat("Restaurants"), applyToSimilar: false });
    const after = await env.DB.prepare("SELECT docs FROM ml_category_stats WHERE space_id = ? AND category_id = ?").bind(spaceId, cat("Coffee")).first<{ docs: number }>();
    expect(after!.docs).toBe(0);
  });
});

describe("retraining and auto-categorization", () => {
  it("needs an admin with 2FA, runs as a queued job, and then categorizes arrivals above the threshold", async () => {
    const { u, a, spaceId, acc, cat } = await setup();
    const member = await registerUser();
    await addMember(u, spaceId, member, "member");
    expect((await as(member).post("/v1/ml/retrain", { spaceId })).status).toBe(403);
    const no2fa = await a.post("/v1/ml/retrain", { spaceId });
    expect(no2fa.body.error.code).toBe("TWO_FACTOR_REQUIRED");
    await enableTwoFactor(u);

    // Labelled history, written as hand-categorized rows (the fixture, not the code under test).
    const names: Record<string, string> = { coffee: "Coffee", groceries: "Groceries", rideshare: "Transportation", streaming: "Entertainment", salary: "Salary" };
    const rows = generate(2000, 7).filter((t) => names[t.category]);
    const now = Date.now();
    const stmts = rows.map((t, i) =>
      env.DB.prepare(
        "INSERT INTO transactions (id, space_id, account_id, ledger_seq, amount, currency, description, merchant_name, date, type, status, category_id, category_source, tags, created_at, updated_at) VALUES (?, ?, ?, 0, ?, 'USD', ?, ?, ?, 'expense', 'posted', ?, 'manual', '[]', ?, ?)",
      ).bind(`txn_fixture_${i}_${spaceId.slice(-6)}`, spaceId, acc.id, t.amountMinor, t.description, t.merchantName, now, cat(names[t.category]!), now, now),
    );
    for (let i = 0; i < stmts.length; i += 100) await env.DB.batch(stmts.slice(i, i + 100));

    const queued = await a.post("/v1/ml/retrain", { spaceId });
    expect(queued.status).toBe(202);
    expect(queued.body.status).toBe("queued");
    const result = await runQueuedJob(queued.body.jobId, spaceId);
    expect(result.explicitAcks).toContain(`m-${queued.body.jobId}`);
    const job = await a.get(`/v1/ml/jobs/${queued.body.jobId}`);
    expect(job.body).toMatchObject({ status: "completed", result: { samples: rows.length } });
    expect(job.body.result.holdoutAccuracy).toBeGreaterThan(0.85);

    const arrival = await a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: -8.5, description: "compra con tarjeta", merchantName: "PAYPAL *SPOTIFY", date: "2024-02-02" });
    expect(arrival.body).toMatchObject({ category: { id: cat("Entertainment") }, categorySource: "ml" });
    const unsure = await a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: -8.5, description: "zzz qqq", date: "2024-02-02" });
    expect(unsure.body.category).toBeNull();
    expect((await as(member).get(`/v1/ml/jobs/${queued.body.jobId}`)).status).toBe(403);
  });
});
