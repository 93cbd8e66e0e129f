/** Running a queued retrain job through the real queue consumer, with a hook on its D1 batches (to race or fail one). */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";

/** The real D1 binding, with `before` run ahead of each batch (it may act, or throw as D1 would). */
export function dbWithBatchHook(before: (statements: D1PreparedStatement[]) => Promise<void> | void): D1Database {
  return new Proxy(env.DB, {
    get(target, key) {
      if (key === "batch") {
        return async (statements: D1PreparedStatement[]) => {
          await before(statements);
          return target.batch(statements);
        };
      }
      const v = Reflect.get(target, key);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

/** Delivers the job's queue message to the Worker's consumer over `db`, as the queue would, and waits for it. */
export async function runRetrainJob(jobId: string, spaceId: string, db: D1Database): Promise<void> {
  const batch = createMessageBatch("dhanam-sync", [{ id: `m-${jobId}`, timestamp: new Date(), attempts: 1, body: { type: "ml.retrain", jobId, spaceId } }]);
  const ctx = createExecutionContext();
  await worker.queue(batch, { ...env, DB: db });
  await getQueueResult(batch, ctx);
}
