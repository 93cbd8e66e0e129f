/**
 * A bank disconnected and linked again holds its history twice: the old account's rows and the successor's copies,
 * which take the user's hand-set categories (relink-carry.ts). Retraining learned both, so every labelled purchase
 * of a relinked bank weighed double against the other accounts'. It learns each bank transaction once, as analytics
 * count it (relinks.ts): the old copies the successor holds again are left out, a row the user wrote on the old
 * account (never imported anew) still teaches.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { enableTwoFactor, registerUser } from "../helpers";
import { api, localDays, ok } from "../analytics/fixture";
import { disconnect, linkedPlaid } from "../analytics/relink-helpers";

const CHIPOTLE = "Chipotle Mexican Grill";

/** A connection's rows from the provider whose category was set by hand or by a rule. */
const labelled = async (connectionId: string) =>
  (await env.DB.prepare(
    `SELECT t.id, t.merchant_name AS merchant, t.category_id FROM transactions t JOIN provider_accounts pa ON pa.account_id = t.account_id
      WHERE pa.connection_id = ? AND t.provider_transaction_id NOT LIKE 'balance#%' AND t.status != 'cancelled'
        AND t.category_source IN ('manual', 'rule') AND t.category_id IS NOT NULL`,
  ).bind(connectionId).all<{ id: string; merchant: string | null; category_id: string }>()).results;

/** Delivers the retrain message the API queued, as the queue would, through the Worker's real consumer. */
async function retrain(a: ReturnType<typeof api>, spaceId: string) {
  const queued = await ok(a.post("/v1/ml/retrain", { spaceId }));
  const batch = createMessageBatch("dhanam-sync", [{ id: `m-${queued.jobId}`, timestamp: new Date(), attempts: 1, body: { type: "ml.retrain", jobId: queued.jobId, spaceId } }]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  await getQueueResult(batch, ctx);
  return ok(a.get(`/v1/ml/jobs/${queued.jobId}`));
}

describe("retraining a space whose bank was linked again", () => {
  it("learns each bank transaction once: the old copies the successor holds again are left out", { timeout: 180_000 }, async () => {
    const owner = await registerUser();
    const a = api(owner);
    const { day } = localDays("UTC");
    const spaceId = (await ok(a.post("/v1/spaces", { name: "Relinked", type: "personal", currency: "USD", timezone: "UTC" }))).id as string;
    const eatingOut = (await ok(a.post("/v1/categories", { spaceId, name: "Eating out", type: "expense" }))).id as string;
    const token = `public-sandbox-${crypto.randomUUID()}`;
    const first = await linkedPlaid(owner, spaceId, `${token}.1`);
    // Every Chipotle purchase "Eating out" by hand, and a lunch the user wrote on the bank's checking account.
    const chipotle = (await env.DB.prepare(
      `SELECT t.id FROM transactions t JOIN provider_accounts pa ON pa.account_id = t.account_id
        WHERE pa.connection_id = ? AND t.merchant_name = ? AND t.status != 'cancelled'`,
    ).bind(first, CHIPOTLE).all<{ id: string }>()).results;
    expect(chipotle.length).toBeGreaterThan(1);
    for (const r of chipotle) await ok(a.patch(`/v1/transactions/${r.id}`, { categoryId: eatingOut }));
    const checking = (await env.DB.prepare("SELECT a.id FROM accounts a JOIN provider_accounts pa ON pa.account_id = a.id WHERE pa.connection_id = ? AND a.subtype = 'checking'")
      .bind(first).first<{ id: string }>())!.id;
    await ok(a.post("/v1/transactions", { spaceId, accountId: checking, amount: "-14.00", description: "lunch with Ana", merchantName: "Taqueria", categoryId: eatingOut, date: day(-2) }));

    await disconnect(owner, first);
    const second = await linkedPlaid(owner, spaceId, `${token}.2`); // the same login: the same history, imported anew
    // The successor's copies took the hand-set category: the bank's labelled history is in the space twice.
    const copies = await labelled(second);
    const old = await labelled(first);
    expect(copies.filter((r) => r.category_id === eatingOut).length).toBe(chipotle.length);
    expect(old.length).toBe(copies.length);

    await enableTwoFactor(owner);
    const job = await retrain(a, spaceId);
    // Each labelled bank transaction once (its successor's copy), and the user's own row on the old account.
    expect(job).toMatchObject({ status: "completed", result: { samples: copies.length + 1 } });
    const stats = await env.DB.prepare("SELECT docs FROM ml_category_stats WHERE space_id = ? AND category_id = ?").bind(spaceId, eatingOut).first<{ docs: number }>();
    expect(stats!.docs).toBe(chipotle.length + 1);
    const model = await env.DB.prepare("SELECT samples FROM ml_models WHERE space_id = ?").bind(spaceId).first<{ samples: number }>();
    expect(model!.samples).toBe(copies.length + 1);
  });
});
