/**
 * The queue consumer under faults: a message whose handler throws is retried
 * while the rest of the batch is acknowledged, and redelivering a retrain
 * (as a queue may) leaves the model exactly as one delivery would.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { jobHandlers } from "../../src/jobs/queue";
import { createSpace, registerUser } from "../helpers";

async function deliver(messages: { id: string; body: unknown }[]) {
  const batch = createMessageBatch("dhanam-sync", messages.map((m) => ({ ...m, timestamp: new Date(), attempts: 1 })));
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

async function modelRows(spaceId: string) {
  const r = await env.DB.prepare("SELECT SUM(count) AS n FROM ml_token_counts WHERE space_id = ?").bind(spaceId).first<{ n: number | null }>();
  return r?.n ?? 0;
}

async function labelledSpace() {
  const u = await registerUser();
  const space = await createSpace(u);
  const cat = await env.DB.prepare("SELECT id FROM categories WHERE space_id = ? LIMIT 1").bind(space.id).first<{ id: string }>();
  const now = Date.now();
  await env.DB.batch(
    ["Starbucks", "Blue Bottle", "Café Olé"].map((m, i) =>
      env.DB.prepare(
        "INSERT INTO transactions (id, space_id, account_id, ledger_seq, amount, currency, description, merchant_name, date, type, status, category_id, category_source, tags, created_at, updated_at) VALUES (?, ?, 'acc_x', 0, -500, 'USD', 'coffee', ?, ?, 'expense', 'posted', ?, 'manual', '[]', ?, ?)",
      ).bind(`txn_q_${i}_${space.id.slice(-8)}`, space.id, m, now, cat!.id, now, now),
    ),
  );
  const job = `job_q_${space.id.slice(-8)}`;
  await env.DB.prepare("INSERT INTO jobs (id, space_id, type, status, created_at) VALUES (?, ?, 'ml.retrain', 'queued', ?)").bind(job, space.id, now).run();
  return { spaceId: space.id, job };
}

describe("queue consumer", () => {
  it("retries only the message that failed, and a redelivered retrain changes nothing", async () => {
    const a = await labelledSpace();
    const b = await labelledSpace();
    let attempts = 0;
    jobHandlers["test.flaky"] = async () => {
      attempts++;
      if (attempts === 1) throw new Error("transient failure");
    };
    try {
      const first = await deliver([
        { id: "m-a", body: { type: "ml.retrain", jobId: a.job, spaceId: a.spaceId } },
        { id: "m-flaky", body: { type: "test.flaky" } },
        { id: "m-unknown", body: { type: "no.such.job" } },
        { id: "m-b", body: { type: "ml.retrain", jobId: b.job, spaceId: b.spaceId } },
      ]);
      expect(first.explicitAcks.sort()).toEqual(["m-a", "m-b"]);
      expect(first.retryMessages.map((m: { msgId: string }) => m.msgId).sort()).toEqual(["m-flaky", "m-unknown"]);
      const countsA = await modelRows(a.spaceId);
      expect(countsA).toBeGreaterThan(0);

      // The queue redelivers the retried message, and (at-least-once) the first retrain too.
      const second = await deliver([
        { id: "m-flaky", body: { type: "test.flaky" } },
        { id: "m-a", body: { type: "ml.retrain", jobId: a.job, spaceId: a.spaceId } },
      ]);
      expect(second.explicitAcks.sort()).toEqual(["m-a", "m-flaky"]);
      expect(attempts).toBe(2);
      expect(await modelRows(a.spaceId)).toBe(countsA);
      const job = await env.DB.prepare("SELECT status FROM jobs WHERE id = ?").bind(a.job).first<{ status: string }>();
      expect(job!.status).toBe("completed");
    } finally {
      delete jobHandlers["test.flaky"];
    }
  });
});
