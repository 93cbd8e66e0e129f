/**
 * A sync whose queue message is lost (a `wrangler dev` restart drops local queue messages; a send can fail after the
 * job was written): the hourly sweep, or the connection's next sync request, sends it again once it is RESEND_AFTER_MS
 * past due, a bounded number of times, and the 2-hour rule still fails it after them. A late copy of an earlier message
 * of the job (the original, arriving before, while or after the resent one runs it) does nothing: one run, one set of
 * ledger rows.
 */
import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import type { AuthContext } from "../../src/env";
import { handleScheduled } from "../../src/jobs/scheduled";
import { getConnection } from "../../src/modules/providers/connections";
import { exchangePublicToken } from "../../src/modules/providers/plaid";
import {
  enqueueDueSyncs, enqueueSync, failStaleSyncs, MAX_SYNC_RESENDS, RESEND_AFTER_MS, resendLostSyncs, runSyncJob, STALE_QUEUED_MS, SYNC_JOB,
} from "../../src/modules/providers/sync";
import { callJson } from "../helpers";
import { as, directServices, jobStats, ledgerBinding, liveRows, ownerWithSpace, plaidAccessToken, plaidControl, waitForJob } from "./helpers";

const MINUTE = 60_000;
const count = async (sql: string, ...params: unknown[]) => (await env.DB.prepare(sql).bind(...params).first<{ n: number }>())!.n;
const starts = (jobId: string) => count("SELECT attempts AS n FROM provider_sync_jobs WHERE job_id = ?", jobId);
const resends = (jobId: string) => count("SELECT resends AS n FROM provider_sync_jobs WHERE job_id = ?", jobId);
const completedEvents = (jobId: string) => count("SELECT COUNT(*) AS n FROM event_outbox WHERE substr(dedupe_key, 1, length(?1)) = ?1", `account.sync.completed:${jobId}:`);
const failedEvents = (jobId: string) => count("SELECT COUNT(*) AS n FROM event_outbox WHERE dedupe_key = ?", `account.sync.failed:${jobId}`);
const connRow = (id: string) => env.DB.prepare("SELECT status, status_reason FROM provider_connections WHERE id = ?").bind(id).first<{ status: string; status_reason: string | null }>();

/** Delivers one sync message through the real queue handler, as the platform's `attempts`-th delivery of it. */
async function deliver(body: Record<string, unknown>, attempts = 1) {
  const batch = createMessageBatch("dhanam-sync", [{ id: `m-${crypto.randomUUID()}`, timestamp: new Date(), attempts, body: { type: SYNC_JOB, ...body } }]);
  await worker.queue(batch, env);
  return getQueueResult(batch, createExecutionContext());
}

/** A Plaid link whose first sync is queued and its message dropped (recorded in `sent`, never delivered). */
async function linkedWithLostMessage() {
  const { owner, spaceId } = await ownerWithSpace();
  const { svc, sent } = directServices();
  const auth: AuthContext = { userId: owner.id, sessionId: "ses_test", email: owner.email, twoFactorEnabled: false, stepUpAt: Date.now() };
  const link = await exchangePublicToken(svc, auth, { spaceId, publicToken: `public-sandbox-${crypto.randomUUID()}`, metadata: { institution: { name: "First Platypus Bank", institution_id: "ins_109508" } } });
  const jobId = link.jobId!;
  expect(sent.map((m) => m.body)).toEqual([{ type: SYNC_JOB, jobId, attempt: 1 }]);
  return { owner, spaceId, jobId, connectionId: link.connection.id as string, original: sent[0]!.body as Record<string, unknown> };
}

/** One set of ledger rows: each provider transaction once. */
async function expectOneSetOfRows(spaceId: string) {
  const synced = (await liveRows(spaceId)).filter((r) => r.pid !== null);
  expect(synced.length).toBeGreaterThan(0);
  expect(new Set(synced.map((r) => r.pid)).size).toBe(synced.length);
  return synced;
}

/** The messages of this job among those sent (the sweep sends every lost job's, other tests' too). */
const bodiesOf = (sent: { body: any }[], jobId: string) => sent.map((m) => m.body).filter((b) => b.jobId === jobId);

describe("a queued sync whose message was lost", () => {
  it("is sent again by the hourly cron once well past due, and completes", { timeout: 90_000 }, async () => {
    const s = await linkedWithLostMessage();
    // Not yet past due by the bound: left alone (a message is usually taken within seconds, but a backlog takes minutes).
    const early = directServices(() => Date.now() + RESEND_AFTER_MS - MINUTE);
    await resendLostSyncs(early.svc);
    expect(bodiesOf(early.sent, s.jobId)).toEqual([]);
    expect(await resends(s.jobId)).toBe(0);
    // The hourly cron, past the bound: the job's message goes on the real queue again and the consumer runs it.
    const at = Date.now() + RESEND_AFTER_MS + MINUTE;
    await handleScheduled(createScheduledController({ cron: "0 * * * *", scheduledTime: at }), env, { now: () => at });
    expect(await resends(s.jobId)).toBe(1);
    expect(await waitForJob(s.jobId)).toMatchObject({ status: "completed", error: null });
    expect(await starts(s.jobId)).toBe(1);
    const rows = await expectOneSetOfRows(s.spaceId);
    expect(await connRow(s.connectionId)).toMatchObject({ status: "active", status_reason: null });
    // The original, arriving at last, does nothing.
    expect((await deliver(s.original)).retryMessages).toEqual([]);
    expect(await starts(s.jobId)).toBe(1);
    expect(await expectOneSetOfRows(s.spaceId)).toEqual(rows);
  });

  it("is sent again by the connection's next sync request (still refused: the sync is on its way)", { timeout: 90_000 }, async () => {
    const s = await linkedWithLostMessage();
    const refused = await callJson("/v1/accounts/sync", { ...as(s.owner), body: { spaceId: s.spaceId, force: true } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("SYNC_IN_PROGRESS");
    expect(await resends(s.jobId)).toBe(0);
    // Its message was due RESEND_AFTER_MS and a minute ago.
    await env.DB.prepare("UPDATE provider_sync_jobs SET sent_at = sent_at - ?1, due_at = due_at - ?1 WHERE job_id = ?2").bind(RESEND_AFTER_MS + MINUTE, s.jobId).run();
    const again = await callJson("/v1/accounts/sync", { ...as(s.owner), body: { spaceId: s.spaceId, force: true } });
    expect(again.status).toBe(409);
    expect(await resends(s.jobId)).toBe(1);
    expect(await waitForJob(s.jobId)).toMatchObject({ status: "completed", error: null });
    await expectOneSetOfRows(s.spaceId);
  });

  it("whose send failed after the job was written is due at once: the next sync request sends it", { timeout: 90_000 }, async () => {
    const s = await linkedWithLostMessage();
    // A first sync done, then one whose send fails.
    await deliver(s.original);
    expect((await jobStats(s.jobId)).status).toBe("completed");
    const { svc } = directServices();
    const failing = { ...svc, env: { ...svc.env, SYNC_QUEUE: { send: async () => { throw new Error("queue unavailable"); } } as unknown as Queue } };
    const { jobId, created } = await enqueueSync(failing, (await getConnection(svc, s.connectionId))!, "manual");
    expect(created).toBe(true);
    expect((await jobStats(jobId)).status).toBe("queued");
    const again = await callJson("/v1/accounts/sync", { ...as(s.owner), body: { spaceId: s.spaceId, force: true } });
    expect(again.status).toBe(409);
    expect(await resends(jobId)).toBe(1);
    expect(await waitForJob(jobId)).toMatchObject({ status: "completed", error: null });
  });

  it("refused by the queue in the hourly cron: the cron stops there, the rest written at its next run, not left unsent", { timeout: 90_000 }, async () => {
    const a = await linkedWithLostMessage();
    const b = await linkedWithLostMessage();
    await deliver(a.original);
    await deliver(b.original);
    const later = Date.now() + 7 * 3_600_000;
    const { svc } = directServices(() => later);
    const failing = { ...svc, env: { ...svc.env, SYNC_QUEUE: { send: async () => { throw new Error("queue unavailable"); } } as unknown as Queue } };
    const cronJobs = () => count("SELECT COUNT(*) AS n FROM provider_sync_jobs WHERE trigger = 'cron' AND created_at = ?", later);
    // Both connections (and any other of this file) are due; the first send fails and nothing more is written.
    expect(await enqueueDueSyncs(failing)).toBe(1);
    expect(await cronJobs()).toBe(1);
    // The queue back, the next run writes and sends the others'.
    const { svc: back, sent } = directServices(() => later);
    expect(await enqueueDueSyncs(back)).toBeGreaterThanOrEqual(1);
    for (const c of [a.connectionId, b.connectionId]) {
      const job = await env.DB.prepare("SELECT job_id FROM provider_sync_jobs WHERE connection_id = ? AND trigger = 'cron'").bind(c).first<{ job_id: string }>();
      expect(job).not.toBeNull();
    }
    expect(sent.length).toBe(await cronJobs() - 1);
  });
});

describe("a late copy of a job's earlier message", () => {
  it("does nothing before, while or after the resent message runs the job: one run, one set of ledger rows", { timeout: 120_000 }, async () => {
    const s = await linkedWithLostMessage();
    const later = directServices(() => Date.now() + RESEND_AFTER_MS + MINUTE);
    await resendLostSyncs(later.svc, [s.connectionId]);
    expect(later.sent.map((m) => m.body)).toEqual([{ type: SYNC_JOB, jobId: s.jobId, attempt: 1, resend: 1 }]);
    const resent = later.sent[0]!.body as Record<string, unknown>;

    // Before: the job stays queued for the resent message.
    expect((await deliver(s.original)).retryMessages).toEqual([]);
    expect(await jobStats(s.jobId)).toMatchObject({ status: "queued" });
    expect(await starts(s.jobId)).toBe(0);

    // While: the original arrives as the resent message's first rows are written, and takes nothing over.
    let during: Awaited<ReturnType<typeof deliver>> | null = null;
    let statusDuring: string | null = null;
    const binding = ledgerBinding(async (op, execute) => {
      if (!during && op.kind === "commit" && (op.effects ?? []).some((e: any) => e.kind === "insertTransaction")) {
        during = await deliver(s.original, 2);
        statusDuring = (await jobStats(s.jobId)).status;
      }
      return execute(op);
    });
    const { svc } = directServices();
    await runSyncJob({ ...svc, env: { ...svc.env, SPACE_LEDGER: binding } }, resent, 1);
    expect(during).not.toBeNull();
    expect(during!.retryMessages).toEqual([]);
    expect(statusDuring).toBe("running");
    expect(await jobStats(s.jobId)).toMatchObject({ status: "completed", error: null });
    expect(await starts(s.jobId)).toBe(1);

    // After: nothing either.
    expect((await deliver(s.original, 3)).retryMessages).toEqual([]);
    expect(await starts(s.jobId)).toBe(1);
    await expectOneSetOfRows(s.spaceId);
    const accounts = await count("SELECT COUNT(*) AS n FROM provider_accounts WHERE connection_id = ?", s.connectionId);
    expect(await completedEvents(s.jobId)).toBe(accounts);
  });

  it("of a retry: a delayed retry is due at the end of its delay, and its lost message is sent again after that", { timeout: 90_000 }, async () => {
    const s = await linkedWithLostMessage();
    await plaidControl("item/rate_limit", { access_token: await plaidAccessToken(s.connectionId), requests: 1 });
    const t0 = Date.now();
    const first = directServices(() => t0);
    await runSyncJob(first.svc, s.original, 1);
    expect((await jobStats(s.jobId)).status).toBe("queued");
    const retry = first.sent.find((m) => m.body.attempt === 2)!;
    const delayMs = retry.options!.delaySeconds! * 1000;
    expect(delayMs).toBeGreaterThan(0);
    // Past its send by the bound, but not past its delay and the bound: not lost.
    expect(await resendLostSyncs(directServices(() => t0 + delayMs + RESEND_AFTER_MS - MINUTE).svc, [s.connectionId])).toBe(0);
    const later = directServices(() => t0 + delayMs + RESEND_AFTER_MS + MINUTE);
    expect(await resendLostSyncs(later.svc, [s.connectionId])).toBe(1);
    expect(later.sent.map((m) => m.body)).toEqual([{ type: SYNC_JOB, jobId: s.jobId, attempt: 2, resend: 1 }]);
    // The delayed retry's own message, arriving now, does nothing; the resent one runs the retry.
    expect((await deliver(retry.body)).retryMessages).toEqual([]);
    expect(await starts(s.jobId)).toBe(1);
    await runSyncJob(directServices().svc, later.sent[0]!.body, 1);
    expect(await jobStats(s.jobId)).toMatchObject({ status: "completed", error: null });
    expect(await starts(s.jobId)).toBe(2);
    await expectOneSetOfRows(s.spaceId);
  });
});

describe("a job whose every message is lost", () => {
  it(`is sent again ${MAX_SYNC_RESENDS} times at most, and the 2-hour rule still fails it`, { timeout: 90_000 }, async () => {
    const s = await linkedWithLostMessage();
    const t0 = Date.now();
    const bodies: Record<string, unknown>[] = [s.original];
    for (let i = 1; i <= MAX_SYNC_RESENDS + 1; i++) {
      const run = directServices(() => t0 + i * (RESEND_AFTER_MS + MINUTE));
      await resendLostSyncs(run.svc);
      const mine = bodiesOf(run.sent, s.jobId);
      expect(mine.length).toBe(i <= MAX_SYNC_RESENDS ? 1 : 0);
      bodies.push(...mine);
    }
    expect(bodies.map((b) => b.resend ?? 0)).toEqual([...Array(MAX_SYNC_RESENDS + 1).keys()]);
    expect(await resends(s.jobId)).toBe(MAX_SYNC_RESENDS);
    expect((await jobStats(s.jobId)).status).toBe("queued");
    // Before the 2 hours, the hourly sweep leaves it; past them, it is failed as never run, and the connection says so.
    await failStaleSyncs(directServices(() => t0 + STALE_QUEUED_MS - MINUTE).svc);
    expect((await jobStats(s.jobId)).status).toBe("queued");
    // Nor is it sent again past them (it is failed instead).
    const past = directServices(() => t0 + STALE_QUEUED_MS + MINUTE);
    await resendLostSyncs(past.svc);
    expect(bodiesOf(past.sent, s.jobId)).toEqual([]);
    await failStaleSyncs(past.svc);
    const job = await jobStats(s.jobId);
    expect(job).toMatchObject({ status: "failed", error: "interrupted: the sync was never run" });
    expect(await connRow(s.connectionId)).toMatchObject({ status: "error", status_reason: job.error });
    expect(await failedEvents(s.jobId)).toBe(1);
    // Any of its messages arriving at last runs nothing.
    for (const b of bodies) expect((await deliver(b)).retryMessages).toEqual([]);
    expect(await starts(s.jobId)).toBe(0);
    expect(await liveRows(s.spaceId)).toEqual([]);
  });
});
