/**
 * Syncs when things stop, the reviews' cases: a sync redelivered only because another message of its batch killed the
 * consumer (its own starts count, not the queue's deliveries), a healthy sync longer than the stale bound (its
 * heartbeat keeps its job), an attempt whose job was failed as interrupted under it (it stops and never completes
 * over the failure), a sync's reverts in a deleted space (guarded as its commits are), and a deleted space's Plaid
 * item whose removal failed (its credentials kept, sealed, and the removal tried again hourly).
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import type { AuthContext } from "../../src/env";
import { getConnection, openCredentials, REMOVAL_PENDING } from "../../src/modules/providers/connections";
import { retryPendingRemovals } from "../../src/modules/providers/remove";
import { exchangePublicToken } from "../../src/modules/providers/plaid";
import { plaidSandboxInternals } from "../../src/sandbox/plaid";
import { enqueueSync, failStaleSyncs, runSyncJob, STALE_RUNNING_MS, SYNC_JOB } from "../../src/modules/providers/sync";
import { call, callJson, enableTwoFactor } from "../helpers";
import { as, directServices, jobStats, ledgerBinding, linkPlaid, ownerWithSpace, plaidAccessToken, plaidControl, waitForJob } from "./helpers";

const count = async (sql: string, ...params: unknown[]) => (await env.DB.prepare(sql).bind(...params).first<{ n: number }>())!.n;
const failedEvents = (jobId: string) => count("SELECT COUNT(*) AS n FROM event_outbox WHERE dedupe_key = ?", `account.sync.failed:${jobId}`);
const completedEvents = (jobId: string) => count("SELECT COUNT(*) AS n FROM event_outbox WHERE substr(dedupe_key, 1, length(?1)) = ?1", `account.sync.completed:${jobId}:`);
const connRow = (id: string) => env.DB.prepare("SELECT status, status_reason FROM provider_connections WHERE id = ?").bind(id).first<{ status: string; status_reason: string | null }>();
const MINUTE = 60_000;

/** Delivers one sync message through the real queue handler, as the platform's `attempts`-th delivery of it. */
async function deliver(body: Record<string, unknown>, attempts: number) {
  const batch = createMessageBatch("dhanam-sync", [{ id: `m-${crypto.randomUUID()}`, timestamp: new Date(), attempts, body: { type: SYNC_JOB, ...body } }]);
  await worker.queue(batch, env);
  return getQueueResult(batch, createExecutionContext());
}

/** A space with a Plaid link of a year's history whose first sync is queued, not run (the test runs it). */
async function linkedWithHistory() {
  const { owner, spaceId } = await ownerWithSpace();
  const { svc } = directServices();
  const auth: AuthContext = { userId: owner.id, sessionId: "ses_test", email: owner.email, twoFactorEnabled: false, stepUpAt: Date.now() };
  const link = await exchangePublicToken(svc, auth, { spaceId, publicToken: `public-sandbox-history-365-${crypto.randomUUID()}`, metadata: { institution: { name: "First Platypus Bank", institution_id: "ins_109508" } } });
  return { owner, spaceId, svc, jobId: link.jobId!, connectionId: link.connection.id as string };
}

const insertsRows = (op: any) => op.kind === "commit" && (op.effects ?? []).some((e: any) => e.kind === "insertTransaction");

describe("a sync redelivered because another message of its batch killed the consumer", () => {
  it("runs: it never started, so it is not given up on as interrupted", { timeout: 90_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const l = await linkPlaid(owner, spaceId);
    expect((await waitForJob(l.jobId)).status).toBe("completed");
    const { svc } = directServices();
    const { jobId } = await enqueueSync(svc, (await getConnection(svc, l.connection.id))!, "manual");
    // The platform retries a whole batch when its consumer dies: a message after the poison one is redelivered with
    // attempts + 1 each time, never having run.
    expect(await count("SELECT attempts AS n FROM provider_sync_jobs WHERE job_id = ?", jobId)).toBe(0);
    const res = await deliver({ jobId, attempt: 1 }, 5);
    expect(res.retryMessages).toEqual([]);
    expect(await jobStats(jobId)).toMatchObject({ status: "completed", error: null });
    expect(await count("SELECT attempts AS n FROM provider_sync_jobs WHERE job_id = ?", jobId)).toBe(1);
    expect(await failedEvents(jobId)).toBe(0);
    expect(await connRow(l.connection.id)).toMatchObject({ status: "active", status_reason: null });
  });
});

describe("a healthy sync longer than the stale bound", () => {
  it("keeps its job by its heartbeat: the hourly sweep leaves it, no second sync starts, and it completes alone", { timeout: 120_000 }, async () => {
    const s = await linkedWithHistory();
    const t0 = Date.now();
    let now = t0;
    const syncSvc = directServices(() => now).svc;
    const jumped = t0 + STALE_RUNNING_MS - MINUTE;
    let swept = -1;
    let second: { created: boolean } | null = null;
    const binding = ledgerBinding(async (op, execute) => {
      // A slow provider and a large history: the sync is most of the stale bound in by its first commit of rows.
      if (insertsRows(op) && now === t0) now = jumped;
      // Once its heartbeat says so (a later write's), the hourly cron runs past the bound of the sync's start.
      if (swept < 0 && (await env.DB.prepare("SELECT heartbeat_at AS n FROM jobs WHERE id = ?").bind(s.jobId).first<{ n: number }>())!.n === jumped) {
        const later = directServices(() => t0 + STALE_RUNNING_MS + 5 * MINUTE).svc;
        swept = await failStaleSyncs(later);
        second = await enqueueSync(later, (await getConnection(later, s.connectionId))!, "manual");
      }
      return execute(op);
    });
    await runSyncJob({ ...syncSvc, env: { ...syncSvc.env, SPACE_LEDGER: binding } }, { jobId: s.jobId, attempt: 1 }, 1);
    expect(swept).toBe(0);
    expect(second).toMatchObject({ created: false });
    expect(await jobStats(s.jobId)).toMatchObject({ status: "completed", error: null });
    expect(await failedEvents(s.jobId)).toBe(0);
    expect(await completedEvents(s.jobId)).toBeGreaterThan(0);
    expect(await connRow(s.connectionId)).toMatchObject({ status: "active", status_reason: null });
  });
});

describe("a sync whose job was failed as interrupted while it ran", () => {
  it("stops at its next write and never completes over the failure", { timeout: 120_000 }, async () => {
    const s = await linkedWithHistory();
    const t0 = Date.now();
    let now = t0;
    const syncSvc = directServices(() => now).svc;
    // Its worker went quiet past the bound (no heartbeat), and the hourly cron fails the job as interrupted.
    let sweep: Promise<number> | null = null;
    let sweptAt = -1;
    let entered = 0;
    let enteredAfter = 0;
    const binding = ledgerBinding(async (op, execute) => {
      entered++;
      if (sweptAt >= 0) enteredAfter++;
      if (insertsRows(op)) {
        sweep ??= failStaleSyncs(directServices(() => t0 + STALE_RUNNING_MS + MINUTE).svc).then((n) => {
          sweptAt = entered;
          now = t0 + STALE_RUNNING_MS + 2 * MINUTE; // the worker goes on
          return n;
        });
        await sweep;
      }
      return execute(op);
    });
    await runSyncJob({ ...syncSvc, env: { ...syncSvc.env, SPACE_LEDGER: binding } }, { jobId: s.jobId, attempt: 1 }, 1);
    expect(sweep).not.toBeNull();
    expect(await sweep!).toBe(1);
    // The writes in flight when the job was taken finish; none starts after.
    expect(enteredAfter).toBe(0);
    const job = await jobStats(s.jobId);
    expect(job.status).toBe("failed");
    expect(job.error).toMatch(/^interrupted: /);
    expect(await failedEvents(s.jobId)).toBe(1);
    expect(await completedEvents(s.jobId)).toBe(0);
    expect(await connRow(s.connectionId)).toMatchObject({ status: "error", status_reason: job.error });
    // The next sync takes it from there and completes.
    const { svc } = directServices();
    const { jobId, created } = await enqueueSync(svc, (await getConnection(svc, s.connectionId))!, "manual");
    expect(created).toBe(true);
    await runSyncJob(svc, { jobId, attempt: 1 }, 1);
    expect(await jobStats(jobId)).toMatchObject({ status: "completed", error: null });
    expect(await connRow(s.connectionId)).toMatchObject({ status: "active", status_reason: null });
  });
});

describe("a job left running on a connection disconnected since", () => {
  it("is failed as interrupted by the hourly sweep too, with no event, the connection left disconnected", { timeout: 90_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const l = await linkPlaid(owner, spaceId);
    expect((await waitForJob(l.jobId)).status).toBe("completed");
    const { svc } = directServices();
    const { jobId: stuck } = await enqueueSync(svc, (await getConnection(svc, l.connection.id))!, "manual");
    // Its worker started it and died; then the user disconnected the bank.
    await env.DB.prepare("UPDATE jobs SET status = 'running', started_at = ? WHERE id = ?").bind(Date.now(), stuck).run();
    const del = await callJson(`/v1/providers/connections/${l.connection.id}`, { ...as(owner), method: "DELETE" });
    expect(del.status).toBe(200);
    expect(await failStaleSyncs(svc)).toBe(0);
    expect((await jobStats(stuck)).status).toBe("running");
    const later = directServices(() => Date.now() + STALE_RUNNING_MS + MINUTE).svc;
    expect(await failStaleSyncs(later)).toBeGreaterThanOrEqual(1);
    const job = await jobStats(stuck);
    expect(job.status).toBe("failed");
    expect(job.error).toMatch(/^interrupted: .*disconnected/);
    expect(await failedEvents(stuck)).toBe(0);
    expect(await connRow(l.connection.id)).toMatchObject({ status: "disconnected" });
  });
});

describe("a space deleted while a sync reverts rows", () => {
  it("gets no revert after the deletion: reverts carry the sync's space guard too", { timeout: 120_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    await enableTwoFactor(owner); // the owner may delete the space
    const { svc } = directServices();
    const auth: AuthContext = { userId: owner.id, sessionId: "ses_test", email: owner.email, twoFactorEnabled: true, stepUpAt: Date.now() };
    // One seed (the part before the dot), so the same bank data every run: the removal Plaid makes at its third
    // generation picks a random posted row, and one picked from the rows new since the first sync reverts nothing
    // (the flake of stop 44). The check below says so if the simulator ever changes.
    const link = await exchangePublicToken(svc, auth, { spaceId, publicToken: `public-sandbox-rev.${crypto.randomUUID()}`, metadata: { institution: { name: "First Platypus Bank", institution_id: "ins_109508" } } });
    await runSyncJob(svc, { jobId: link.jobId!, attempt: 1 }, 1);
    expect((await waitForJob(link.jobId!)).status).toBe("completed");
    // Removals and corrections at Plaid: the next sync reverts rows.
    const accessToken = await plaidAccessToken(link.connection.id);
    const item = (await env.DB.prepare("SELECT * FROM sandbox_plaid_items WHERE access_token = ?").bind(accessToken).first<any>())!;
    const synced = plaidSandboxInternals.stateAt(item, item.generation);
    const later = plaidSandboxInternals.stateAt(item, item.generation + 5);
    expect([...synced.values()].filter((t) => !t.pending && !later.has(t.id)).length).toBeGreaterThan(0);
    await plaidControl("transactions/advance", { access_token: accessToken, generations: 5 });

    let deleted = false;
    let atDeletion = -1;
    const afterDeletion: { kind: string; ok: boolean }[] = [];
    const binding = ledgerBinding(async (op, execute) => {
      if (!deleted && op.kind === "revert") {
        const r = await call(`/v1/spaces/${spaceId}`, { method: "DELETE", token: owner.accessToken, ip: owner.ip });
        expect(r.status).toBe(204);
        deleted = true;
        atDeletion = await count("SELECT COUNT(*) AS n FROM ledger_transactions WHERE space_id = ?", spaceId);
      }
      const result = await execute(op);
      if (deleted) afterDeletion.push({ kind: op.kind, ok: result.ok });
      return result;
    });
    const s2 = { ...svc, env: { ...svc.env, SPACE_LEDGER: binding } };
    const { jobId } = await enqueueSync(s2, (await getConnection(s2, link.connection.id))!, "manual");
    await runSyncJob(s2, { jobId, attempt: 1 }, 1);
    expect(deleted).toBe(true);
    expect(afterDeletion[0]).toMatchObject({ kind: "revert", ok: false });
    expect(afterDeletion.filter((l) => l.ok)).toEqual([]);
    expect(await count("SELECT COUNT(*) AS n FROM ledger_transactions WHERE space_id = ?", spaceId)).toBe(atDeletion);
    expect(await jobStats(jobId)).toMatchObject({ status: "failed", error: "space deleted: the sync stopped and wrote nothing more" });
  });
});

describe("a deleted space's connection whose removal at the provider fails", () => {
  it("keeps its sealed credentials and is removed by the hourly retry, then forgets them", { timeout: 90_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    await enableTwoFactor(owner);
    const l = await linkPlaid(owner, spaceId);
    expect((await waitForJob(l.jobId)).status).toBe("completed");
    const accessToken = await plaidAccessToken(l.connection.id);
    const itemStatus = async () => (await env.DB.prepare("SELECT status FROM sandbox_plaid_items WHERE access_token = ?").bind(accessToken).first<{ status: string }>())!.status;
    // Plaid refuses the removal once (a rate limit).
    await plaidControl("item/rate_limit", { access_token: accessToken, requests: 1 });
    const r = await call(`/v1/spaces/${spaceId}`, { method: "DELETE", token: owner.accessToken, ip: owner.ip });
    expect(r.status).toBe(204);
    expect(await itemStatus()).not.toBe("removed");
    expect(await connRow(l.connection.id)).toMatchObject({ status: "disconnected", status_reason: REMOVAL_PENDING });
    expect(await plaidAccessToken(l.connection.id)).toBe(accessToken);
    // Its accounts stop taking entries all the same.
    expect(await count("SELECT COUNT(*) AS n FROM accounts a JOIN provider_accounts pa ON pa.account_id = a.id WHERE pa.connection_id = ? AND a.is_active = 1", l.connection.id)).toBe(0);
    // The hourly cron tries again.
    const { svc } = directServices();
    expect(await retryPendingRemovals(svc)).toBe(1);
    expect(await itemStatus()).toBe("removed");
    expect(await connRow(l.connection.id)).toMatchObject({ status: "disconnected", status_reason: "space_deleted" });
    expect(await openCredentials(env, (await getConnection(svc, l.connection.id))!)).toEqual({});
    expect(await retryPendingRemovals(svc)).toBe(0);
  });
});
