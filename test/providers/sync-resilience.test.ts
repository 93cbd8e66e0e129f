/**
 * Syncs when things stop: a space deleted while its import runs (nothing lands after the deletion, and its bank
 * connections are disconnected and removed at the provider), a deleted space's connection never synced again (cron,
 * webhook, a queued job), a consumer that dies on a sync (counted by the job's own starts, then given up on
 * with the connection in `error`), a job left `running` (failed as interrupted when a new sync takes over or by the
 * hourly sweep), and a sync waiting for its retry (the connection says so).
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import type { AuthContext } from "../../src/env";
import { getConnection, openCredentials } from "../../src/modules/providers/connections";
import { exchangePublicToken, handlePlaidWebhook } from "../../src/modules/providers/plaid";
import { enqueueDueSyncs, enqueueSync, failStaleSyncs, MAX_SYNC_ATTEMPTS, runSyncJob, SPACE_DELETED_REASON, STALE_RUNNING_MS, SYNC_JOB } from "../../src/modules/providers/sync";
import { call, callJson, enableTwoFactor, eventually } from "../helpers";
import { as, directServices, jobStats, ledgerBinding, linkPlaid, ownerWithSpace, plaidAccessToken, plaidControl, waitForJob } from "./helpers";

const count = async (sql: string, ...params: unknown[]) => (await env.DB.prepare(sql).bind(...params).first<{ n: number }>())!.n;
const connRow = (id: string) => env.DB.prepare("SELECT status, status_reason, next_sync_at FROM provider_connections WHERE id = ?").bind(id).first<{ status: string; status_reason: string | null; next_sync_at: number | null }>();
const failedEvents = (jobId: string) => count("SELECT COUNT(*) AS n FROM event_outbox WHERE dedupe_key = ?", `account.sync.failed:${jobId}`);

async function linked() {
  const { owner, spaceId } = await ownerWithSpace();
  const l = await linkPlaid(owner, spaceId);
  expect((await waitForJob(l.jobId)).status).toBe("completed");
  return { owner, spaceId, connectionId: l.connection.id as string };
}

/** Delivers one sync message through the real queue handler, as the platform's `attempts`-th delivery of it. */
async function deliver(body: Record<string, unknown>, attempts: number) {
  const batch = createMessageBatch("dhanam-sync", [{ id: `m-${crypto.randomUUID()}`, timestamp: new Date(), attempts, body: { type: SYNC_JOB, ...body } }]);
  await worker.queue(batch, env);
  return getQueueResult(batch, createExecutionContext());
}

describe("a space deleted while its import runs", () => {
  it("gets no row after the deletion: the sync stops as failed, the connection is disconnected and the item removed at Plaid", { timeout: 120_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    await enableTwoFactor(owner); // the owner may delete the space
    // Linked with services whose queue the test delivers, so the first sync runs here, under its interleaving.
    const { svc, sent } = directServices();
    const auth: AuthContext = { userId: owner.id, sessionId: "ses_test", email: owner.email, twoFactorEnabled: true, stepUpAt: Date.now() };
    const link = await exchangePublicToken(svc, auth, { spaceId, publicToken: `public-sandbox-history-365-${crypto.randomUUID()}`, metadata: { institution: { name: "First Platypus Bank", institution_id: "ins_109508" } } });
    const jobId = link.jobId!;
    expect(sent.map((m) => m.body.jobId)).toEqual([jobId]);
    const accessToken = await plaidAccessToken(link.connection.id);
    const before = { txns: await count("SELECT COUNT(*) AS n FROM transactions WHERE space_id = ?", spaceId), ledger: await count("SELECT COUNT(*) AS n FROM ledger_transactions WHERE space_id = ?", spaceId), events: await count("SELECT COUNT(*) AS n FROM event_outbox WHERE space_id = ?", spaceId) };

    // The space is deleted (through the API) as the sync's first commit of new rows reaches the ledger; every
    // commit waits for the deletion to be answered, then goes on as it would.
    let deletion: Promise<number> | null = null;
    const afterDeletion: { ok: boolean; rows: number }[] = [];
    let inFlight = 0;
    const binding = ledgerBinding(async (op, execute) => {
      const rows = (op.effects ?? []).filter((e: any) => e.kind === "insertTransaction").length;
      if (op.kind === "commit" && rows > 0) {
        inFlight++;
        try {
          deletion ??= call(`/v1/spaces/${spaceId}`, { method: "DELETE", token: owner.accessToken, ip: owner.ip }).then((r) => r.status);
          await deletion;
          const result = await execute(op);
          afterDeletion.push({ ok: result.ok, rows });
          return result;
        } finally {
          inFlight--;
        }
      }
      return execute(op);
    });
    await runSyncJob({ ...svc, env: { ...svc.env, SPACE_LEDGER: binding } }, { jobId, attempt: 1 }, 1);
    // The sync's other commits in flight when the first was refused end too.
    await eventually(async () => inFlight === 0);

    expect(deletion).not.toBeNull();
    expect(await deletion!).toBe(204);
    // The import had rows to write (more than one chunk), and not one commit of them after the deletion landed.
    expect(afterDeletion.length).toBeGreaterThan(1);
    expect(afterDeletion.filter((c) => c.ok)).toEqual([]);
    expect(await count("SELECT COUNT(*) AS n FROM transactions WHERE space_id = ?", spaceId)).toBe(before.txns);
    expect(await count("SELECT COUNT(*) AS n FROM ledger_transactions WHERE space_id = ?", spaceId)).toBe(before.ledger);
    expect(await count("SELECT COUNT(*) AS n FROM event_outbox WHERE space_id = ?", spaceId)).toBe(before.events);
    // The job ended, failed with the reason, and announced nothing to the deleted space.
    const job = await jobStats(jobId);
    expect(job.status).toBe("failed");
    expect(job.error).toBe(SPACE_DELETED_REASON);
    expect(await failedEvents(jobId)).toBe(0);
    // The connection: disconnected with the reason, nothing scheduled, its credentials forgotten; the item removed at Plaid.
    expect(await connRow(link.connection.id)).toMatchObject({ status: "disconnected", status_reason: "space_deleted", next_sync_at: null });
    expect(await openCredentials(env, (await getConnection(svc, link.connection.id))!)).toEqual({});
    const item = await env.DB.prepare("SELECT status FROM sandbox_plaid_items WHERE access_token = ?").bind(accessToken).first<{ status: string }>();
    expect(item!.status).toBe("removed");
  });
});

describe("a deleted space's connection", () => {
  it("is disconnected by the deletion, and never synced again by the cron, a webhook or a job queued before", { timeout: 90_000 }, async () => {
    const s = await linked();
    const { svc } = directServices();
    // A sync queued before the deletion (its message still on the queue).
    const { jobId: queued } = await enqueueSync(svc, (await getConnection(svc, s.connectionId))!, "manual");
    await enableTwoFactor(s.owner);
    expect((await call(`/v1/spaces/${s.spaceId}`, { method: "DELETE", ...as(s.owner) })).status).toBe(204);
    expect(await connRow(s.connectionId)).toMatchObject({ status: "disconnected", status_reason: "space_deleted", next_sync_at: null });
    expect(await jobStats(queued)).toMatchObject({ status: "failed", error: SPACE_DELETED_REASON });

    // A connection a deletion from before this left live (as QA found them): the space's deletion alone stops it.
    await env.DB.prepare("UPDATE provider_connections SET status = 'active', status_reason = NULL, next_sync_at = 1 WHERE id = ?").bind(s.connectionId).run();
    const later = directServices(() => Date.now() + 7 * 3_600_000);
    await enqueueDueSyncs(later.svc);
    expect(later.sent.filter((m) => m.body.type === SYNC_JOB)).toEqual([]);
    const itemId = (await getConnection(svc, s.connectionId))!.external_id;
    expect(await handlePlaidWebhook(svc, { webhook_type: "TRANSACTIONS", webhook_code: "SYNC_UPDATES_AVAILABLE", item_id: itemId })).toEqual({ received: true, action: "ignored" });
    expect((await enqueueSync(svc, (await getConnection(svc, s.connectionId))!, "webhook")).created).toBe(false);
    expect(await count("SELECT COUNT(*) AS n FROM provider_sync_jobs WHERE connection_id = ? AND job_id != ? AND trigger != 'connect'", s.connectionId, queued)).toBe(0);

    // A job queued before the deletion and still queued (its message delivered now) does not call the provider.
    const stray = "job_stray" + crypto.randomUUID().replace(/-/g, "").slice(0, 16);
    await env.DB.batch([
      env.DB.prepare("INSERT INTO provider_sync_jobs (job_id, connection_id, space_id, account_ids, trigger, created_at) VALUES (?, ?, ?, '[]', 'cron', ?)").bind(stray, s.connectionId, s.spaceId, Date.now()),
      env.DB.prepare("INSERT INTO jobs (id, space_id, type, status, created_at) VALUES (?, ?, ?, 'queued', ?)").bind(stray, s.spaceId, SYNC_JOB, Date.now()),
    ]);
    const accessBefore = await env.DB.prepare("SELECT COUNT(*) AS n FROM provider_sync_jobs WHERE job_id = ? AND attempts = 0").bind(stray).first<{ n: number }>();
    expect(accessBefore!.n).toBe(1);
    const res = await deliver({ jobId: stray, attempt: 1 }, 1);
    expect(res.explicitAcks).toHaveLength(1);
    expect(await jobStats(stray)).toMatchObject({ status: "failed", error: SPACE_DELETED_REASON });
    // It never started (no attempt counted).
    expect(await count("SELECT attempts AS n FROM provider_sync_jobs WHERE job_id = ?", stray)).toBe(0);
  });
});

describe("a consumer that dies on a sync", () => {
  it("counts the job's own starts: past the last attempt the job fails as interrupted, the connection is in error, and account.sync.failed is written", { timeout: 90_000 }, async () => {
    const s = await linked();
    const { svc } = directServices();
    const { jobId } = await enqueueSync(svc, (await getConnection(svc, s.connectionId))!, "manual");
    // What each death leaves: the job `running`, one more start counted (the consumer's first writes), no outcome.
    const died = () => env.DB.batch([
      env.DB.prepare("UPDATE jobs SET status = 'running', started_at = ? WHERE id = ?").bind(Date.now(), jobId),
      env.DB.prepare("UPDATE provider_sync_jobs SET attempts = attempts + 1 WHERE job_id = ?").bind(jobId),
    ]);
    for (let i = 0; i < MAX_SYNC_ATTEMPTS; i++) await died();
    // The platform delivers the same message again (its body still says attempt 1).
    const res = await deliver({ jobId, attempt: 1 }, MAX_SYNC_ATTEMPTS + 1);
    expect(res.explicitAcks).toHaveLength(1);
    expect(res.retryMessages).toEqual([]);
    const job = await jobStats(jobId);
    expect(job.status).toBe("failed");
    expect(job.error).toMatch(/^interrupted: given up after 4 attempts/);
    const conn = await connRow(s.connectionId);
    expect(conn!.status).toBe("error");
    expect(conn!.status_reason).toMatch(/^interrupted: /);
    expect(await failedEvents(jobId)).toBe(1);
    // The user sees it: the job and the connection.
    const poll = await callJson(`/v1/sync-jobs/${jobId}`, as(s.owner));
    expect(poll.body).toMatchObject({ status: "failed", message: "Sync failed" });
    expect(poll.body.error).toMatch(/^interrupted: /);
    const listed = await callJson(`/v1/providers/connections?spaceId=${s.spaceId}`, as(s.owner));
    expect(listed.body.connections[0]).toMatchObject({ status: "error" });
    expect(listed.body.connections[0].statusReason).toMatch(/^interrupted: /);
    // The next sync repairs the connection.
    const again = await callJson("/v1/accounts/sync", { ...as(s.owner), body: { spaceId: s.spaceId, force: true } });
    expect(again.status).toBe(202);
    expect((await waitForJob(again.body.jobId)).status).toBe("completed");
    expect(await connRow(s.connectionId)).toMatchObject({ status: "active", status_reason: null });
  });
});

describe("a job left running", () => {
  const PAST_THE_BOUND = STALE_RUNNING_MS + 60_000;

  it("is failed as interrupted when a new sync takes over", { timeout: 90_000 }, async () => {
    const s = await linked();
    const { svc } = directServices();
    const { jobId: stuck } = await enqueueSync(svc, (await getConnection(svc, s.connectionId))!, "manual");
    await env.DB.prepare("UPDATE jobs SET status = 'running', started_at = ? WHERE id = ?").bind(Date.now() - PAST_THE_BOUND, stuck).run();
    const forced = await callJson("/v1/accounts/sync", { ...as(s.owner), body: { spaceId: s.spaceId, force: true } });
    expect(forced.status).toBe(202);
    const old = await jobStats(stuck);
    expect(old.status).toBe("failed");
    expect(old.error).toMatch(new RegExp(`^interrupted: .*sync ${forced.body.jobId} took over`));
    expect((await waitForJob(forced.body.jobId)).status).toBe("completed");
  });

  it("is failed as interrupted by the hourly sweep, and the connection says so", { timeout: 90_000 }, async () => {
    const s = await linked();
    const { svc } = directServices();
    const { jobId: stuck } = await enqueueSync(svc, (await getConnection(svc, s.connectionId))!, "manual");
    await env.DB.prepare("UPDATE jobs SET status = 'running', started_at = ? WHERE id = ?").bind(Date.now(), stuck).run();
    // Not stale yet: left alone.
    await failStaleSyncs(svc);
    expect((await jobStats(stuck)).status).toBe("running");
    const later = directServices(() => Date.now() + PAST_THE_BOUND).svc;
    expect(await failStaleSyncs(later)).toBeGreaterThanOrEqual(1);
    const job = await jobStats(stuck);
    expect(job.status).toBe("failed");
    expect(job.error).toMatch(/^interrupted: /);
    expect(await connRow(s.connectionId)).toMatchObject({ status: "error", status_reason: job.error });
    expect(await failedEvents(stuck)).toBe(1);
    // Once only.
    await failStaleSyncs(later);
    expect(await failedEvents(stuck)).toBe(1);
  });
});

describe("a sync waiting for its retry", () => {
  it("shows on its connection, and the retry's success clears it", { timeout: 90_000 }, async () => {
    const s = await linked();
    await plaidControl("item/rate_limit", { access_token: await plaidAccessToken(s.connectionId), requests: 1 });
    const { svc, sent } = directServices();
    const { jobId } = await enqueueSync(svc, (await getConnection(svc, s.connectionId))!, "manual");
    await runSyncJob(svc, { jobId, attempt: 1 }, 1);
    expect((await jobStats(jobId)).status).toBe("queued");
    const listed = await callJson(`/v1/providers/connections?spaceId=${s.spaceId}`, as(s.owner));
    expect(listed.body.connections[0].status).toBe("active");
    expect(listed.body.connections[0].statusReason).toMatch(/^retrying: attempt 1: plaid TRANSACTIONS_SYNC_LIMIT/);
    const retry = sent.find((m) => m.body.jobId === jobId && m.body.attempt === 2)!;
    await runSyncJob(svc, retry.body, 1);
    expect((await jobStats(jobId)).status).toBe("completed");
    expect(await connRow(s.connectionId)).toMatchObject({ status: "active", status_reason: null });
  });
});
