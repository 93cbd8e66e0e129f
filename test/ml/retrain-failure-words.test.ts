/**
 * A retrain that fails on a storage fault tells its reader (`GET /v1/ml/jobs/{id}`) only that it was an internal error,
 * as a failed sync does: the job stored `String(err)`, which for a D1 or drizzle error is its SQL and, for drizzle, the
 * query's bound values. The log has the fault whole, under the job's id.
 */
import { describe, expect, it } from "vitest";
import { INTERNAL_JOB_ERROR } from "../../src/lib/log";
import { createSpace, enableTwoFactor, registerUser, userApi } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { dbWithBatchHook, runRetrainJob } from "./retrain-job";

describe("a retrain that fails on a storage fault", () => {
  it("says internal error, not the failed statement", async () => {
    const u = await registerUser();
    const a = userApi(u);
    const space = await createSpace(u);
    const acc = await createAccount(u, space.id, { openingBalance: 1000 });
    const cats = (await a.get(`/v1/categories?spaceId=${space.id}`)).body as { id: string; name: string }[];
    const w = await a.post("/v1/transactions", { spaceId: space.id, accountId: acc.id, date: "2024-02-01", amount: -6, merchantName: "Shell", description: "Gasoline", categoryId: cats[0]!.id });
    expect(w.status).toBe(201);
    await enableTwoFactor(u);
    const queued = await a.post("/v1/ml/retrain", { spaceId: space.id });
    expect(queued.status).toBe(202);
    // The model's replacement (its first batch of more than two statements) fails as D1 does, naming its statement.
    const db = dbWithBatchHook((statements) => {
      if (statements.length > 2) throw new Error(`D1_ERROR: no such table: ml_category_stats_secret: SQLITE_ERROR (INSERT INTO ml_category_stats ... '${space.id}')`);
    });
    const jobId = queued.body.jobId as string;
    await runRetrainJob(jobId, space.id, db);
    const job = await a.get(`/v1/ml/jobs/${jobId}`);
    expect(job.body).toMatchObject({ status: "failed", error: INTERNAL_JOB_ERROR });
    expect(JSON.stringify(job.body)).not.toContain("ml_category_stats");
  });
});
