/**
 * Queued syncs end in the same ledger however they are delivered: the same
 * sync twice, a consumer failing mid-batch and retried through the real queue
 * handler, a pending→posted pair split across pages, a mutation during
 * pagination. No duplicates, invariants hold, user edits survive. Plus the
 * API's 202/409/429 rules, retries with backoff into the dead-letter queue,
 * and the hourly cron.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { PlaidClient } from "../../src/providers/plaid/client";
import { getConnection } from "../../src/modules/providers/connections";
import { DeadLettered, enqueueDueSyncs, enqueueSync, runSyncJob, SYNC_JOB } from "../../src/modules/providers/sync";
import { addMember, callJson, registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { countingApp } from "../counting-app";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { as, directServices, jobStats, linkPlaid, liveRows, ownerWithSpace, plaidAccessToken, plaidControl, syncNow, waitForJob } from "./helpers";

/** What a space's synced ledger looks like, without ids: per account name its balance, and the sorted live amounts. */
async function shape(spaceId: string) {
  const accounts = (
    await env.DB.prepare(
      "SELECT a.name, v.input - v.output AS balance FROM accounts a LEFT JOIN ledger_volumes v ON v.space_id = a.space_id AND v.address = 'accounts:' || a.id WHERE a.space_id = ? ORDER BY a.name",
    ).bind(spaceId).all<{ name: string; balance: number }>()
  ).results;
  const rows = await liveRows(spaceId);
  return {
    accounts,
    amounts: rows.map((r) => `${r.status}:${r.amount}`).sort(),
    primaries: rows.filter((r) => r.pid && !r.pid.includes("#")).length,
  };
}

async function linked(publicToken?: string) {
  const { owner, spaceId } = await ownerWithSpace();
  const l = await linkPlaid(owner, spaceId, publicToken);
  expect((await waitForJob(l.jobId)).status).toBe("completed");
  return { owner, spaceId, connectionId: l.connection.id as string, accountIds: l.connection.accountIds as string[], accessToken: await plaidAccessToken(l.connection.id) };
}

async function noDuplicates(spaceId: string) {
  const dup = await env.DB.prepare(
    "SELECT provider_transaction_id, COUNT(*) AS n FROM transactions WHERE space_id = ? AND status != 'cancelled' AND provider_transaction_id IS NOT NULL GROUP BY account_id, provider_transaction_id HAVING n > 1",
  ).bind(spaceId).all();
  expect(dup.results).toEqual([]);
}

/** A SPACE_LEDGER binding whose ledger "crashes" after `commits` committing writes. */
function crashingLedger(commits: number) {
  let n = 0;
  const ns = env.SPACE_LEDGER;
  return {
    idFromName: (name: string) => ns.idFromName(name),
    get: (id: DurableObjectId) => {
      const stub = ns.get(id);
      return {
        execute: async (op: any) => {
          if (op.kind === "commit" && op.txs.length > 0 && n++ >= commits) throw new Error("simulated consumer crash");
          return stub.execute(op);
        },
      };
    },
  } as unknown as typeof env.SPACE_LEDGER;
}

describe("queued sync idempotency", () => {
  it("same sync twice, a crash mid-batch retried through the real queue handler: the same ledger as a clean run, edits kept", { timeout: 120_000 }, async () => {
    const token = `public-sandbox-${crypto.randomUUID()}`;
    const [control, crashed] = [await linked(token), await linked(token)];
    expect(await shape(crashed.spaceId)).toEqual(await shape(control.spaceId));

    // A person edits a pending transaction before it posts.
    const pending = (await liveRows(crashed.spaceId)).filter((r) => r.status === "pending");
    expect(pending.length).toBe(3);
    const cat = await callJson("/v1/categories", { ...as(crashed.owner), body: { spaceId: crashed.spaceId, name: "Eating out", type: "expense" } });
    const edit = await callJson(`/v1/transactions/${pending[0]!.id}`, { ...as(crashed.owner), method: "PATCH", body: { categoryId: cat.body.id, tags: ["team-lunch"], notes: "with Ana" } });
    expect(edit.status).toBe(200);

    for (const s of [control, crashed]) {
      await plaidControl("transactions/advance", { access_token: s.accessToken, generations: 2 });
      await plaidControl("transactions/page_size", { access_token: s.accessToken, max_page_size: 4 });
    }
    await syncNow(control.connectionId);

    // The crashed run: the ledger fails after the first chunk; the consumer puts the job back with a delay.
    const { svc, sent } = directServices();
    const crashSvc = { ...svc, env: { ...svc.env, SPACE_LEDGER: crashingLedger(1) } };
    const conn = (await getConnection(svc, crashed.connectionId))!;
    const { jobId } = await enqueueSync(svc, conn, "manual");
    await runSyncJob(crashSvc, { jobId, attempt: 1 });
    expect(await jobStats(jobId)).toMatchObject({ status: "queued" });
    // A fault that is neither the provider's nor the request's is told as an internal error (the job, the connection and
    // account.sync.failed go to admins and webhook receivers); the log has it whole.
    expect((await jobStats(jobId)).error).toBe("attempt 1: internal error (logged with the job's id)");
    const retry = sent.find((m) => m.body.jobId === jobId && m.body.attempt === 2)!;
    expect(retry.options?.delaySeconds).toBe(30);
    // The retry arrives through the real queue handler.
    const batch = createMessageBatch("dhanam-sync", [{ id: "retry-1", timestamp: new Date(), attempts: 1, body: retry.body }]);
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, createExecutionContext());
    expect(result.explicitAcks).toEqual(["retry-1"]);
    expect((await jobStats(jobId)).status).toBe("completed");

    expect(await shape(crashed.spaceId)).toEqual(await shape(control.spaceId));
    for (const s of [control, crashed]) {
      await noDuplicates(s.spaceId);
      expect(await ledgerViolations(s.spaceId)).toEqual([]);
    }
    // The edited pending row is now the posted transaction, with its edits.
    const after = await env.DB.prepare("SELECT status, category_id, tags, notes, provider_transaction_id FROM transactions WHERE id = ?").bind(pending[0]!.id).first<any>();
    expect(after).toMatchObject({ status: "posted", category_id: cat.body.id, tags: '["team-lunch"]', notes: "with Ana" });
    expect(after.provider_transaction_id).not.toBe(pending[0]!.pid);
    // A tip is a correcting entry in the same category, never an edited amount.
    const corrections = (await liveRows(crashed.spaceId)).filter((r) => r.pid?.startsWith(`${after.provider_transaction_id}#c`));
    const original = await env.DB.prepare("SELECT amount FROM transactions WHERE id = ?").bind(pending[0]!.id).first<{ amount: number }>();
    expect(original!.amount).toBe(pending[0]!.amount);
    for (const c of corrections) expect(c.category_id).toBe(cat.body.id);

    // The same sync again changes nothing.
    const before = await shape(crashed.spaceId);
    const again = await syncNow(crashed.connectionId);
    expect((await jobStats(again)).stats).toMatchObject({ created: 0, updated: 0, removed: 0, corrections: 0, adjustments: 0, errors: 0 });
    expect(await shape(crashed.spaceId)).toEqual(before);
    expect(await ledgerViolations(crashed.spaceId)).toEqual([]);
  });

  it("a pending→posted pair split across two pages, and a mutation during pagination: one transaction each, same as a clean run", { timeout: 120_000 }, async () => {
    const token = `public-sandbox-${crypto.randomUUID()}`;
    const [control, split] = [await linked(token), await linked(token)];
    const pendingBefore = (await liveRows(split.spaceId)).filter((r) => r.status === "pending");
    await plaidControl("transactions/page_size", { access_token: split.accessToken, max_page_size: 3 });
    await plaidControl("transactions/advance", { access_token: split.accessToken, generations: 1 });

    // Read the pages as the client will: the posted transaction and the removal of its pending one are on different pages.
    const cursor = (await env.DB.prepare("SELECT sync_cursor FROM provider_connections WHERE id = ?").bind(split.connectionId).first<{ sync_cursor: string }>())!.sync_cursor;
    const client = new PlaidClient(env);
    const pages: { added: string[]; removed: string[]; pendingOf: Record<string, string> }[] = [];
    let next: string | undefined = cursor;
    for (;;) {
      const page = await client.transactionsSync(split.accessToken, next, 3);
      pages.push({
        added: page.added.map((t) => t.transaction_id), removed: page.removed.map((r) => r.transaction_id),
        pendingOf: Object.fromEntries(page.added.filter((t) => t.pending_transaction_id).map((t) => [t.transaction_id, t.pending_transaction_id!])),
      });
      next = page.next_cursor;
      if (!page.has_more) break;
    }
    expect(pages.length).toBeGreaterThan(2);
    const pageOfAdded = (id: string) => pages.findIndex((p) => p.added.includes(id));
    const pageOfRemoved = (id: string) => pages.findIndex((p) => p.removed.includes(id));
    const pairs = pages.flatMap((p) => Object.entries(p.pendingOf));
    expect(pairs.length).toBe(3);
    expect(pairs.some(([posted, pend]) => pageOfAdded(posted) !== pageOfRemoved(pend))).toBe(true);

    // Meanwhile the item changes during the sync's pagination: the client restarts from its saved cursor.
    await plaidControl("transactions/mutate_during_pagination", { access_token: split.accessToken });
    const job = await syncNow(split.connectionId);
    expect((await jobStats(job)).status).toBe("completed");
    const item = await env.DB.prepare("SELECT generation, mutate_during_pagination FROM sandbox_plaid_items WHERE access_token = ?").bind(split.accessToken).first<any>();
    expect(item).toMatchObject({ generation: 2, mutate_during_pagination: 0 });

    await plaidControl("transactions/advance", { access_token: control.accessToken, generations: 2 });
    await syncNow(control.connectionId);
    expect(await shape(split.spaceId)).toEqual(await shape(control.spaceId));
    // Each pending row became its posted transaction in place: the same Dhanam ids, now posted.
    for (const p of pendingBefore) {
      const row = await env.DB.prepare("SELECT status FROM transactions WHERE id = ?").bind(p.id).first<{ status: string }>();
      expect(row!.status).toBe("posted");
    }
    await noDuplicates(split.spaceId);
    expect(await ledgerViolations(split.spaceId)).toEqual([]);
    // Removed and modified transactions on the way: reversals and corrections, never edits. Which
    // transaction a generation removes or modifies depends on the random token: one it added itself
    // shows as neither, so the syncs go on (at most four) until both have been seen.
    const seen = { removed: 0, corrections: 0, adjustments: 0 };
    for (let round = 0; round < 4 && (seen.removed === 0 || seen.corrections === 0); round++) {
      await plaidControl("transactions/advance", { access_token: split.accessToken, generations: 2 });
      const stats = (await jobStats(await syncNow(split.connectionId))).stats;
      for (const k of Object.keys(seen) as (keyof typeof seen)[]) seen[k] += stats[k];
    }
    expect(seen.removed).toBeGreaterThanOrEqual(1);
    expect(seen.corrections).toBeGreaterThanOrEqual(1);
    expect(seen.adjustments).toBe(0);
    await noDuplicates(split.spaceId);
    expect(await ledgerViolations(split.spaceId)).toEqual([]);
  });
});

describe("sync requests and failures", () => {
  it("POST /v1/accounts/sync: 429 within 15 minutes, force queues (202), 409 while one runs; manual accounts skipped; roles", { timeout: 60_000 }, async () => {
    const s = await linked();
    const again = await callJson("/v1/accounts/sync", { ...as(s.owner), body: { spaceId: s.spaceId, accountIds: s.accountIds } });
    expect(again.status).toBe(429);
    expect(again.body.error.code).toBe("RATE_LIMIT_EXCEEDED");
    expect(Number(again.res.headers.get("retry-after"))).toBeGreaterThan(800);
    // A business rule's 429, not a rate limit's: no X-RateLimit-* (the general policy's, with requests to spare, contradicted Retry-After).
    for (const h of ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"]) expect(again.res.headers.get(h), h).toBeNull();
    const forced = await callJson("/v1/accounts/sync", { ...as(s.owner), body: { spaceId: s.spaceId, force: true } });
    expect(forced.status).toBe(202);
    expect(forced.body.jobIds).toHaveLength(1);
    expect(forced.body.jobId).toBe(forced.body.jobIds[0]);
    const busy = await callJson("/v1/accounts/sync", { ...as(s.owner), body: { spaceId: s.spaceId, accountIds: [s.accountIds[0]], force: true } });
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe("SYNC_IN_PROGRESS");
    const job = await callJson(`/v1/sync-jobs/${forced.body.jobId}`, as(s.owner));
    expect(job.status).toBe(200);
    expect(["queued", "running", "completed"]).toContain(job.body.status);
    expect((await waitForJob(forced.body.jobId)).status).toBe("completed");
    const done = await callJson(`/v1/sync-jobs/${forced.body.jobId}`, as(s.owner));
    // Plaid reports changes since the saved cursor: none.
    expect(done.body.stats).toMatchObject({ created: 0, updated: 0, errors: 0, removed: 0 });
    expect(done.body).toMatchObject({ transactions_created: 0, transactions_updated: 0 });
    // The session, the role and the job in one round trip; a stranger's is a 404 naming nothing of it.
    const { get } = countingApp();
    const counted = await get(s.owner, `/v1/sync-jobs/${forced.body.jobId}`);
    expect(counted).toMatchObject({ status: 200, trips: 1, body: done.body });
    const stranger = await get(await registerUser(), `/v1/sync-jobs/${forced.body.jobId}`);
    expect(stranger).toMatchObject({ status: 404, trips: 1, body: { error: { code: "RESOURCE_NOT_FOUND", message: "Sync job not found" } } });
    expect(JSON.stringify(stranger.body)).not.toContain(s.spaceId);
    expect((await get(s.owner, "/v1/sync-jobs/job_nope")).status).toBe(404);

    const manual = await createAccount(s.owner, s.spaceId, { openingBalance: 10 });
    const skip = await callJson("/v1/accounts/sync", { ...as(s.owner), body: { spaceId: s.spaceId, accountIds: [manual.id] } });
    expect(skip.status).toBe(200);
    expect(skip.body).toMatchObject({ jobId: null, jobIds: [], skipped: [{ accountId: manual.id, code: "manual" }] });
    expect((await callJson("/v1/accounts/sync", { ...as(s.owner), body: { spaceId: s.spaceId, accountIds: ["acc_nope"] } })).status).toBe(404);
    // Past D1's 100 bound parameters: 150 ids are one JSON parameter (here 148 unknown ones: a 404, never a 500).
    const many = [...s.accountIds, ...Array.from({ length: 148 }, (_, i) => `acc_missing${i}`)];
    expect((await callJson("/v1/accounts/sync", { ...as(s.owner), body: { spaceId: s.spaceId, accountIds: many, force: true } })).status).toBe(404);
    const viewer = await registerUser();
    await addMember(s.owner, s.spaceId, viewer, "viewer");
    expect((await callJson("/v1/accounts/sync", { ...as(viewer), body: { spaceId: s.spaceId, force: true } })).status).toBe(403);
    expect((await callJson(`/v1/sync-jobs/${forced.body.jobId}`, as(viewer))).status).toBe(403);
  });

  it("a provider failing retries with backoff, then the connection is marked error with the reason and the message dead-letters", { timeout: 60_000 }, async () => {
    const s = await linked();
    await plaidControl("item/rate_limit", { access_token: s.accessToken, requests: 1000 });
    const { svc, sent } = directServices();
    const { jobId } = await enqueueSync(svc, (await getConnection(svc, s.connectionId))!, "manual");
    for (const attempt of [1, 2, 3]) {
      await runSyncJob(svc, { jobId, attempt });
      expect(await jobStats(jobId)).toMatchObject({ status: "queued" });
    }
    expect(sent.filter((m) => m.body.jobId === jobId).map((m) => m.options?.delaySeconds ?? 0)).toEqual([0, 30, 120, 480]);
    await expect(runSyncJob(svc, { jobId, attempt: 4 })).rejects.toBeInstanceOf(DeadLettered);
    const job = await jobStats(jobId);
    expect(job.status).toBe("failed");
    expect(job.error).toMatch(/dead-lettered after 4 attempts: plaid TRANSACTIONS_SYNC_LIMIT/);
    const conn = await env.DB.prepare("SELECT status, status_reason FROM provider_connections WHERE id = ?").bind(s.connectionId).first<any>();
    expect(conn).toMatchObject({ status: "error" });
    expect(conn.status_reason).toMatch(/TRANSACTIONS_SYNC_LIMIT/);
    const event = await env.DB.prepare("SELECT type, payload FROM event_outbox WHERE dedupe_key = ?").bind(`account.sync.failed:${jobId}`).first<any>();
    expect(event.type).toBe("account.sync.failed");
    // Delivered again by the platform, the message is retried (and so reaches the dead-letter queue), never acked.
    const batch = createMessageBatch("dhanam-sync", [{ id: "dlq-1", timestamp: new Date(), attempts: 5, body: { type: SYNC_JOB, jobId, attempt: 5 } }]);
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, createExecutionContext());
    expect(result.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual(["dlq-1"]);
    expect(result.explicitAcks).toEqual([]);
  });

  it("the hourly cron queues the syncs that are due", { timeout: 60_000 }, async () => {
    const s = await linked();
    // Just synced: not due now.
    await enqueueDueSyncs(directServices().svc);
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM provider_sync_jobs WHERE connection_id = ? AND trigger = 'cron'").bind(s.connectionId).first<{ n: number }>())!.n).toBe(0);
    const { svc: later, sent } = directServices(() => Date.now() + 7 * 3_600_000);
    const n = await enqueueDueSyncs(later);
    expect(n).toBeGreaterThanOrEqual(1);
    const mine = await env.DB.prepare("SELECT job_id FROM provider_sync_jobs WHERE connection_id = ? AND trigger = 'cron'").bind(s.connectionId).all<{ job_id: string }>();
    expect(mine.results).toHaveLength(1);
    expect(sent.some((m) => m.body.jobId === mine.results[0]!.job_id)).toBe(true);
    await runSyncJob(later, { jobId: mine.results[0]!.job_id, attempt: 1 });
    expect((await jobStats(mine.results[0]!.job_id)).status).toBe("completed");
  });
});
