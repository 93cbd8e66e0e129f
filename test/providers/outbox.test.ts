/**
 * `transaction.created` events of synced transactions commit in the same D1
 * batch as the transactions (the ledger's `insertEvent` effect): a consumer
 * that dies right after the ledger committed, before anything else ran, loses
 * no event, and its retry writes none twice. They are stored only when a
 * subscription of the space listens for them, as for writes through the API:
 * an import into a space nobody listens to leaves no event for the hourly sweep.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getConnection } from "../../src/modules/providers/connections";
import { enqueueSync, runSyncJob } from "../../src/modules/providers/sync";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { eventually } from "../helpers";
import { createWebhook, inbox } from "../webhooks/helpers";
import { crashAfterCommit, directServices, jobStats, linkPlaid, ownerWithSpace, plaidAccessToken, plaidControl, syncNow, waitForJob } from "./helpers";

async function createdEvents(spaceId: string) {
  return (
    await env.DB.prepare("SELECT dedupe_key, payload FROM event_outbox WHERE space_id = ? AND type = 'transaction.created'").bind(spaceId).all<{ dedupe_key: string; payload: string }>()
  ).results;
}

async function syncedRows(spaceId: string) {
  return (
    await env.DB.prepare("SELECT id FROM transactions WHERE space_id = ? AND provider_transaction_id IS NOT NULL AND provider_transaction_id NOT LIKE '%#%'").bind(spaceId).all<{ id: string }>()
  ).results.map((r) => r.id);
}

describe("transaction.created commits with its transaction", () => {
  it("a crash between the ledger commit and the rest of the sync: after the retry every synced transaction has exactly one event", { timeout: 120_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    await createWebhook(owner, spaceId, { events: ["transaction.created"] });
    const linked = await linkPlaid(owner, spaceId);
    expect((await waitForJob(linked.jobId)).status).toBe("completed");
    const accessToken = await plaidAccessToken(linked.connection.id);
    const first = await createdEvents(spaceId);
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBe((await syncedRows(spaceId)).length);

    // New transactions at the bank; the consumer dies right after the ledger commits the first batch of them.
    await plaidControl("transactions/advance", { access_token: accessToken, generations: 3 });
    const { svc, sent } = directServices();
    const crash = crashAfterCommit("insertEvent");
    const { jobId } = await enqueueSync(svc, (await getConnection(svc, linked.connection.id))!, "manual");
    await runSyncJob({ ...svc, env: { ...svc.env, SPACE_LEDGER: crash.binding } }, { jobId, attempt: 1 });
    expect(await jobStats(jobId)).toMatchObject({ status: "queued" });
    expect(crash.committed.length).toBeGreaterThan(0);
    // The events of the committed batch are there already, though the consumer never got past the commit.
    const keys = new Set((await createdEvents(spaceId)).map((e) => e.dedupe_key));
    for (const id of crash.committed) expect(keys.has(`transaction.created:${id}`)).toBe(true);

    // The retry (the queue's next attempt) finds those transactions posted and completes the sync.
    const retry = sent.find((m) => m.body.jobId === jobId && m.body.attempt === 2)!;
    await runSyncJob(svc, retry.body);
    expect((await jobStats(jobId)).status).toBe("completed");

    const rows = await syncedRows(spaceId);
    const events = await createdEvents(spaceId);
    expect(events.length).toBe(rows.length);
    const perTxn = new Map<string, number>();
    for (const e of events) {
      const payload = JSON.parse(e.payload);
      expect(e.dedupe_key).toBe(`transaction.created:${payload.transactionId}`);
      expect(payload.amountDecimal).toMatch(/^-?\d+\.\d{2}$/);
      perTxn.set(payload.transactionId, (perTxn.get(payload.transactionId) ?? 0) + 1);
    }
    for (const id of rows) expect(perTxn.get(id)).toBe(1);
    for (const id of crash.committed) expect(perTxn.get(id)).toBe(1);
    // The job's end and its announcement committed together.
    const done = await env.DB.prepare("SELECT COUNT(*) AS n FROM event_outbox WHERE type = 'account.sync.completed' AND payload ->> '$.jobId' = ?").bind(jobId).first<{ n: number }>();
    expect(done!.n).toBeGreaterThan(0);

    // Synced again: nothing new, no event twice.
    await syncNow(linked.connection.id);
    expect((await createdEvents(spaceId)).length).toBe(events.length);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("each account's account.sync.completed counts the transactions added to that account, not the whole sync's", { timeout: 120_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const linked = await linkPlaid(owner, spaceId);
    expect((await waitForJob(linked.jobId)).status).toBe("completed");
    const events = (await env.DB.prepare("SELECT payload FROM event_outbox WHERE space_id = ? AND type = 'account.sync.completed' AND payload ->> '$.jobId' = ?")
      .bind(spaceId, linked.jobId).all<{ payload: string }>()).results.map((e) => JSON.parse(e.payload) as { accountId: string; transactionsAdded: number; stats: { created: number } });
    // The bank's transactions (not the balance adjustment's row, `balance#n`).
    const perAccount = new Map((await env.DB.prepare("SELECT account_id, COUNT(*) AS n FROM transactions WHERE space_id = ? AND provider_transaction_id IS NOT NULL AND provider_transaction_id NOT LIKE '%#%' GROUP BY account_id")
      .bind(spaceId).all<{ account_id: string; n: number }>()).results.map((r) => [r.account_id, r.n]));
    // The sandbox item's accounts hold different numbers of transactions, and at least two hold some.
    expect([...perAccount.values()].filter((n) => n > 0).length).toBeGreaterThan(1);
    expect(events.length).toBeGreaterThan(1);
    for (const e of events) expect(e.transactionsAdded, e.accountId).toBe(perAccount.get(e.accountId) ?? 0);
    expect(events.reduce((n, e) => n + e.transactionsAdded, 0)).toBe([...perAccount.values()].reduce((a, b) => a + b, 0));
  });

  it("a space nobody listens to stores no transaction.created of its syncs; once a subscription listens, the new rows' are stored", { timeout: 120_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    // A subscription for another type is no listener for transaction.created.
    await createWebhook(owner, spaceId, { events: ["account.sync.completed"] });
    const linked = await linkPlaid(owner, spaceId);
    expect((await waitForJob(linked.jobId)).status).toBe("completed");
    const imported = await syncedRows(spaceId);
    expect(imported.length).toBeGreaterThan(0);
    expect(await createdEvents(spaceId)).toEqual([]);
    // The job's own events are still written with the job's end (the hourly sweep marks those nobody listens to).
    const done = await env.DB.prepare("SELECT COUNT(*) AS n FROM event_outbox WHERE space_id = ? AND type = 'account.sync.completed'").bind(spaceId).first<{ n: number }>();
    expect(done!.n).toBeGreaterThan(0);

    // Now someone listens: the next sync's new rows are announced, each once, and none of the earlier ones.
    const hook = await createWebhook(owner, spaceId, { events: ["transaction.created"] });
    await plaidControl("transactions/advance", { access_token: await plaidAccessToken(linked.connection.id), generations: 2 });
    await syncNow(linked.connection.id);
    const rows = await syncedRows(spaceId);
    const fresh = rows.filter((id) => !imported.includes(id));
    expect(fresh.length).toBeGreaterThan(0);
    const events = await createdEvents(spaceId);
    expect(events.map((e) => JSON.parse(e.payload).transactionId).sort()).toEqual([...fresh].sort());
    // And they reach the subscriber.
    await eventually(async () => (await inbox(hook.inbox)).length >= fresh.length, 60_000);
  });
});
