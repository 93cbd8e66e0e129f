/**
 * A retrain queued before its space's deletion does no work once the space is gone: its job is failed with the
 * reason, and no model of the deleted space's transactions is built or stored. It used to train and store one (and
 * report the job completed) for a space nobody can see any more.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createSpace, enableTwoFactor, registerUser } from "../helpers";
import { runRetrainJob } from "./retrain-job";

describe("a retrain queued before its space's deletion", () => {
  it("fails with the reason and stores no model", { timeout: 60_000 }, async () => {
    const owner = await registerUser();
    const space = await createSpace(owner);
    const jobId = `job_deletedspace${crypto.randomUUID().replace(/-/g, "").slice(0, 12)}`;
    // As requestRetrain writes it (its message not yet run).
    await env.DB.prepare("INSERT INTO jobs (id, space_id, type, status, created_at) VALUES (?, ?, 'ml.retrain', 'queued', ?)").bind(jobId, space.id, Date.now()).run();
    await enableTwoFactor(owner);
    expect((await call(`/v1/spaces/${space.id}`, { method: "DELETE", token: owner.accessToken, ip: owner.ip })).status).toBe(204);

    await runRetrainJob(jobId, space.id, env.DB);
    const job = await env.DB.prepare("SELECT status, error FROM jobs WHERE id = ?").bind(jobId).first<{ status: string; error: string | null }>();
    expect(job).toMatchObject({ status: "failed" });
    expect(job!.error).toMatch(/space deleted/i);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM ml_models WHERE space_id = ?").bind(space.id).first<{ n: number }>()).toEqual({ n: 0 });
  });
});
