/**
 * One D1 round trip per authenticated read (issue 10) for the learning loop: a retrain job (owner or
 * admin with a recent second factor) and the corrections list, each with the session check and the
 * caller's role in one batch.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { countingApp } from "../counting-app";
import { addMember, callJson, createSpace, enableTwoFactor, registerUser } from "../helpers";

describe("ML reads in one round trip", () => {
  it("reads a retrain job in one round trip; a member's 403, a stranger's 404 and a missing second factor as before", async () => {
    const owner = await registerUser();
    const space = await createSpace(owner);
    await enableTwoFactor(owner);
    const queued = await callJson("/v1/ml/retrain", { token: owner.accessToken, ip: owner.ip, body: { spaceId: space.id } });
    expect(queued.status).toBe(202);
    const path = `/v1/ml/jobs/${queued.body.jobId}`;
    const { get } = countingApp();
    const job = await get(owner, path);
    expect(job.status).toBe(200);
    expect(job.trips).toBe(1);
    expect(job.body).toEqual({
      jobId: queued.body.jobId, spaceId: space.id, type: "ml.retrain", status: "queued", result: null, error: null,
      createdAt: expect.any(String), startedAt: null, finishedAt: null,
    });
    const [member, admin, stranger] = [await registerUser(), await registerUser(), await registerUser()];
    await addMember(owner, space.id, member, "member");
    await addMember(owner, space.id, admin, "admin");
    expect(await get(member, path)).toMatchObject({ status: 403, trips: 1 });
    // An admin without 2FA is asked for it, after the role check.
    expect(await get(admin, path)).toMatchObject({ status: 403, trips: 1, body: { error: { code: "TWO_FACTOR_REQUIRED" } } });
    const theirs = await get(stranger, path);
    const none = await get(stranger, "/v1/ml/jobs/job_doesnotexist");
    expect(theirs).toMatchObject({ status: 404, trips: 1, body: { error: { code: "RESOURCE_NOT_FOUND", message: "Job not found" } } });
    expect(theirs.body.error.message).toBe(none.body.error.message);
    expect(JSON.stringify(theirs.body)).not.toContain(space.id);
  });

  it("lists corrections with their count in one round trip, filtered and paged; a stranger's 404 reads none", async () => {
    const owner = await registerUser();
    const space = await createSpace(owner);
    const now = Date.now();
    const statuses = ["applied", "pending", "rejected"] as const;
    await env.DB.batch(
      Array.from({ length: 45 }, (_, i) =>
        env.DB.prepare(
          `INSERT INTO ml_corrections (id, space_id, transaction_id, original_category_id, corrected_category_id, merchant_name, normalized_merchant, confidence, status, affected_transactions, created_at)
           VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?)`,
        ).bind(`mlc_rt_${i}_${space.id}`, space.id, `txn_${i}`, `cat_${i % 4}`, `Merchant ${i}`, `merchant ${i}`, i % 2 ? 0.5 : null, statuses[i % 3], i, now - i * 1000),
      ),
    );
    const viewer = await registerUser();
    await addMember(owner, space.id, viewer, "viewer");
    const { get } = countingApp();
    const all = await get(viewer, `/v1/ml/corrections?spaceId=${space.id}&limit=100`);
    expect(all.status).toBe(200);
    expect(all.trips).toBe(1);
    expect(all.body.pagination).toMatchObject({ total: 45 });
    expect(all.body.corrections.map((c: { id: string }) => c.id)).toEqual(Array.from({ length: 45 }, (_, i) => `mlc_rt_${i}_${space.id}`));
    expect(all.body.corrections[1]).toEqual({
      id: `mlc_rt_1_${space.id}`, spaceId: space.id, transactionId: "txn_1", originalCategoryId: null, correctedCategoryId: "cat_1",
      merchantName: "Merchant 1", normalizedMerchant: "merchant 1", confidence: 0.5, status: "pending", affectedTransactions: 1,
      createdAt: new Date(now - 1000).toISOString(),
    });
    const pending = await get(viewer, `/v1/ml/corrections?spaceId=${space.id}&status=pending&limit=5&offset=2`);
    expect(pending).toMatchObject({ status: 200, trips: 1, body: { pagination: { total: 15, limit: 5, offset: 2 } } });
    expect(pending.body.corrections).toEqual(all.body.corrections.filter((c: { status: string }) => c.status === "pending").slice(2, 7));

    const stranger = await get(await registerUser(), `/v1/ml/corrections?spaceId=${space.id}&limit=100`);
    expect(stranger).toMatchObject({ status: 404, trips: 1, body: { error: { code: "RESOURCE_NOT_FOUND" } } });
    expect(stranger.body.corrections).toBeUndefined();
    expect(stranger.rowsRead).toBeLessThan(20);
    expect(all.rowsRead).toBeGreaterThan(45);
  });
});
