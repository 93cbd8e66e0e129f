/**
 * Belvo: bad credentials are a clear PROVIDER_ERROR (never a 5xx, nothing
 * stored), credentials are stored sealed, webhooks need the configured
 * Authorization value, and without a pending link posted transactions replace
 * their pending ones by amount, date and merchant; ambiguous twins are left as
 * two and flagged.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, callJson } from "../helpers";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { getConnection } from "../../src/modules/providers/connections";
import { enqueueSync, runSyncJob } from "../../src/modules/providers/sync";
import { as, crashAfterCommit, directServices, jobStats, ledgerBinding, liveRows, ownerWithSpace, syncNow, waitForJob } from "./helpers";

const AUTH = "Bearer sandbox-belvo-webhook-token";

function webhook(body: unknown, authorization?: string) {
  return call("/v1/providers/belvo/webhook", { rawBody: JSON.stringify(body), headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) } });
}

async function advance(link: string, generations = 1) {
  const res = await call("/sandbox/belvo/sandbox/links/advance", { body: { link, generations } });
  expect(res.status).toBe(200);
}

describe("Belvo", () => {
  it("refuses bad credentials with PROVIDER_ERROR, stores good ones sealed, and gives a link session", async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const bad = await callJson("/v1/providers/belvo/connect", { ...as(owner), body: { spaceId, institution: "banamex", username: "ana", password: "invalid" } });
    expect(bad.status).toBe(422); // the provider's no to what was sent; 400 is the API's for a body it cannot read
    expect(bad.body.error.code).toBe("PROVIDER_ERROR");
    expect(bad.body.error.details[0]).toMatchObject({ field: "belvo", code: "login_error" });
    expect(JSON.stringify(bad.body)).not.toContain("invalid\"");
    const none = await env.DB.prepare("SELECT COUNT(*) AS n FROM provider_connections WHERE space_id = ?").bind(spaceId).first<{ n: number }>();
    expect(none!.n).toBe(0);

    const session = await callJson("/v1/providers/belvo/link", { ...as(owner), body: { spaceId, institution: "banamex" } });
    expect(session.status).toBe(200);
    expect(session.body.accessToken).toMatch(/^belvo-widget-/);

    const secret = `s3cret-${crypto.randomUUID()}`;
    const ok = await callJson("/v1/providers/belvo/connect", { ...as(owner), body: { spaceId, institution: "banamex", username: "ana.lopez", password: secret } });
    expect(ok.status).toBe(201);
    expect(JSON.stringify(ok.body)).not.toContain(secret);
    const row = await env.DB.prepare("SELECT * FROM provider_connections WHERE id = ?").bind(ok.body.connection.id).first();
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(JSON.stringify(row)).not.toContain("ana.lopez");
    expect((await waitForJob(ok.body.jobId)).status).toBe("completed");
  });

  it("webhooks need the configured Authorization; events re-fetch; pending→posted matched without a link; ambiguous twins flagged", { timeout: 90_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const ok = await callJson("/v1/providers/belvo/connect", { ...as(owner), body: { spaceId, institution: "banamex", username: "maria.garcia", password: "pw" } });
    expect(ok.status).toBe(201);
    expect((await waitForJob(ok.body.jobId)).status).toBe("completed");
    expect(await ledgerViolations(spaceId)).toEqual([]);
    const conn = await env.DB.prepare("SELECT external_id FROM provider_connections WHERE id = ?").bind(ok.body.connection.id).first<{ external_id: string }>();
    const linkId = conn!.external_id;
    const pendingBefore = (await liveRows(spaceId)).filter((r) => r.status === "pending");
    expect(pendingBefore).toHaveLength(2);
    // A provider's pending row is posted by its sync, not by hand.
    const byHand = await callJson(`/v1/transactions/${pendingBefore[0]!.id}`, { ...as(owner), method: "PATCH", body: { status: "posted" } });
    expect([byHand.status, byHand.body.error.details[0].code]).toEqual([422, "PROVIDER_MANAGED"]);

    const event = { webhook_id: "wh-1", webhook_type: "TRANSACTIONS", webhook_code: "new_transactions_available", link_id: linkId, request_id: "r1", external_id: null, data: { new_transactions: 4 } };
    for (const bad of [undefined, "Bearer wrong", `${AUTH}x`, AUTH.toLowerCase(), "Basic c2FuZGJveA=="]) {
      const res = await webhook(event, bad);
      expect(res.status, String(bad)).toBe(401);
      expect(((await res.json()) as any).error.code).toBe("UNAUTHORIZED");
    }
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM provider_sync_jobs WHERE connection_id = ? AND trigger = 'webhook'").bind(ok.body.connection.id).first<{ n: number }>())!.n).toBe(0);
    // The Authorization value is checked before the body is read: an unauthenticated caller learns nothing from its validation.
    for (const raw of ["[1]", "{not json", '{"n": 1e400}']) {
      const res = await call("/v1/providers/belvo/webhook", { rawBody: raw, headers: { "content-type": "application/json", authorization: "Bearer wrong" } });
      expect(res.status, raw).toBe(401);
      expect(((await res.json()) as any).error.code).toBe("UNAUTHORIZED");
    }
    const unreadable = await call("/v1/providers/belvo/webhook", { rawBody: "{not json", headers: { "content-type": "application/json", authorization: AUTH } });
    expect(unreadable.status).toBe(400);

    await advance(linkId);
    const res = await webhook(event, AUTH);
    expect(res.status).toBe(200);
    const job = ((await res.json()) as any).action.split(":")[1];
    expect((await waitForJob(job)).status).toBe("completed");
    // The two pending rows are now their processed transactions, in place (same Dhanam ids), no duplicates.
    for (const p of pendingBefore) {
      const r = await env.DB.prepare("SELECT status, provider_transaction_id FROM transactions WHERE id = ?").bind(p.id).first<any>();
      expect(r.status).toBe("posted");
      expect(r.provider_transaction_id).not.toBe(p.pid);
    }
    expect((await jobStats(job)).stats).toMatchObject({ flagged: 0, errors: 0 });
    expect(await ledgerViolations(spaceId)).toEqual([]);

    // Two identical pending OXXO purchases post: neither posted one can be told apart, so nothing is merged.
    await advance(linkId);
    const again = await webhook({ ...event, webhook_code: "transactions_updated" }, AUTH);
    const job2 = ((await again.json()) as any).action.split(":")[1];
    expect((await waitForJob(job2)).status).toBe("completed");
    // The twins' processed transactions are flagged (each could be either pending one); nothing is merged by guess.
    expect((await jobStats(job2)).stats.flagged).toBeGreaterThanOrEqual(2);
    const flags = (await env.DB.prepare("SELECT transaction_id, candidate_transaction_ids FROM provider_review_flags WHERE space_id = ?").bind(spaceId).all<any>()).results;
    const twins = (await liveRows(spaceId)).filter((r) => r.status === "pending" && r.amount === -4500);
    expect(twins).toHaveLength(2);
    const twinIds = twins.map((t) => t.id).sort();
    const twinFlags = flags.filter((f: any) => JSON.stringify(JSON.parse(f.candidate_transaction_ids).sort()) === JSON.stringify(twinIds));
    expect(twinFlags.length).toBeGreaterThanOrEqual(2);
    for (const f of twinFlags) {
      const posted = await env.DB.prepare("SELECT status, amount FROM transactions WHERE id = ?").bind(f.transaction_id).first<any>();
      expect(posted).toMatchObject({ status: "posted" });
    }
    expect(await ledgerViolations(spaceId)).toEqual([]);

    // The same webhook twice more: the same ledger.
    const before = await liveRows(spaceId);
    for (let i = 0; i < 2; i++) {
      const r = await webhook({ ...event, webhook_code: "transactions_updated" }, AUTH);
      const j = ((await r.json()) as any).action.split(":")[1];
      await waitForJob(j);
    }
    expect(await liveRows(spaceId)).toEqual(before);

    // While the link is valid at Belvo, an invalid_credentials (late, or replayed) changes nothing; once Belvo says so, it does.
    const late = await webhook({ ...event, webhook_type: "LINKS", webhook_code: "invalid_credentials" }, AUTH);
    expect(((await late.json()) as any).action).toBe("ignored:link_valid");
    expect((await callJson(`/v1/providers/connections?spaceId=${spaceId}`, as(owner))).body.connections[0].status).toBe("active");
    expect((await call("/sandbox/belvo/sandbox/links/invalidate", { body: { link: event.link_id } })).status).toBe(200);
    const reauth = await webhook({ ...event, webhook_type: "LINKS", webhook_code: "invalid_credentials" }, AUTH);
    expect(((await reauth.json()) as any).action).toBe("reauth_required");
    const list = await callJson(`/v1/providers/connections?spaceId=${spaceId}`, as(owner));
    expect(list.body.connections[0]).toMatchObject({ provider: "belvo", status: "reauth_required" });
  });

  it("a review flag commits with its transaction: a consumer crashing right after that commit loses no flag, and its retry adds none twice", { timeout: 90_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const ok = await callJson("/v1/providers/belvo/connect", { ...as(owner), body: { spaceId, institution: "banamex", username: "maria.garcia", password: "pw" } });
    expect((await waitForJob(ok.body.jobId)).status).toBe("completed");
    const connectionId = ok.body.connection.id as string;
    const linkId = (await env.DB.prepare("SELECT external_id FROM provider_connections WHERE id = ?").bind(connectionId).first<{ external_id: string }>())!.external_id;
    await advance(linkId);
    await syncNow(connectionId); // the first pending rows post; the twin OXXO purchases appear, pending
    await advance(linkId); // ...and now post, indistinguishable: each posted one is flagged

    const { svc, sent } = directServices();
    const crash = crashAfterCommit("insertReviewFlag");
    const { jobId } = await enqueueSync(svc, (await getConnection(svc, connectionId))!, "manual");
    await runSyncJob({ ...svc, env: { ...svc.env, SPACE_LEDGER: crash.binding } }, { jobId, attempt: 1 });
    expect(await jobStats(jobId)).toMatchObject({ status: "queued" });
    expect(crash.committed.length).toBeGreaterThan(0);
    const flagsOf = async () =>
      (await env.DB.prepare("SELECT transaction_id, candidate_transaction_ids FROM provider_review_flags WHERE space_id = ?").bind(spaceId).all<{ transaction_id: string; candidate_transaction_ids: string }>()).results;
    // The consumer never got past the commit, and yet the flags of the transactions it committed are there.
    const afterCrash = await flagsOf();
    expect(afterCrash.length).toBeGreaterThanOrEqual(2);
    for (const f of afterCrash) expect(crash.committed).toContain(f.transaction_id);

    const retry = sent.find((m) => m.body.jobId === jobId && m.body.attempt === 2)!;
    await runSyncJob(svc, retry.body);
    expect((await jobStats(jobId)).status).toBe("completed");
    expect(await flagsOf()).toEqual(afterCrash);
    const twins = (await liveRows(spaceId)).filter((r) => r.status === "pending" && r.amount === -4500);
    expect(twins).toHaveLength(2);
    for (const f of afterCrash) expect(JSON.parse(f.candidate_transaction_ids).sort()).toEqual(twins.map((t) => t.id).sort());
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("a user's edits of a pending row (merchant, notes, tags) stay on it when its posted version replaces it", { timeout: 90_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const linked = await callJson("/v1/providers/belvo/connect", { ...as(owner), body: { spaceId, institution: "banamex", username: "maria.garcia", password: "pw" } });
    expect(linked.status).toBe(201);
    expect((await waitForJob(linked.body.jobId)).status).toBe("completed");
    const conn = await env.DB.prepare("SELECT external_id FROM provider_connections WHERE id = ?").bind(linked.body.connection.id).first<{ external_id: string }>();
    const pending = (await liveRows(spaceId)).filter((r) => r.status === "pending");
    expect(pending).toHaveLength(2);
    // The sync matches a posted transaction to its pending row by the provider's merchant key: the user's own
    // merchant name must not change that key.
    const edit = await callJson(`/v1/transactions/${pending[0]!.id}`, { ...as(owner), method: "PATCH", body: { merchantName: "My favourite shop", notes: "split with Ana", tags: ["shared"] } });
    expect(edit.status).toBe(200);
    await advance(conn!.external_id);
    const event = { webhook_id: "wh-1", webhook_type: "TRANSACTIONS", webhook_code: "new_transactions_available", link_id: conn!.external_id, request_id: "r1", external_id: null, data: { new_transactions: 4 } };
    const res = await webhook(event, AUTH);
    expect(res.status).toBe(200);
    expect((await waitForJob(((await res.json()) as any).action.split(":")[1])).status).toBe("completed");
    const row = await env.DB.prepare("SELECT status, merchant_name, notes, tags FROM transactions WHERE id = ?").bind(pending[0]!.id).first();
    expect(row).toEqual({ status: "posted", merchant_name: "My favourite shop", notes: "split with Ana", tags: JSON.stringify(["shared"]) });
    const live = await liveRows(spaceId);
    expect(live.filter((r) => r.notes === "split with Ana")).toHaveLength(1);
    // Both pending rows replaced in place by their posted versions, and no second posted row for the purchase.
    expect(pending.map((p) => live.find((r) => r.id === p.id)?.status)).toEqual(["posted", "posted"]);
    expect(live.filter((r) => r.amount === pending[0]!.amount && r.status === "posted")).toHaveLength(1);
  });

  it("a token_required announced while a sync runs stands when that sync succeeds; the next sync after a repair clears it", { timeout: 90_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const linked = await callJson("/v1/providers/belvo/connect", { ...as(owner), body: { spaceId, institution: "banamex", username: "maria.garcia", password: "pw" } });
    expect((await waitForJob(linked.body.jobId)).status).toBe("completed");
    const connectionId = linked.body.connection.id;
    const linkId = (await getConnection(directServices().svc, connectionId))!.external_id!;
    await advance(linkId);
    // The webhook arrives while the sync is committing what it read before.
    let announced = false;
    const binding = ledgerBinding(async (op, execute) => {
      if (!announced) {
        announced = true;
        // The bank stops taking the login (after this sync read its data), and Belvo says so.
        expect((await call("/sandbox/belvo/sandbox/links/invalidate", { body: { link: linkId } })).status).toBe(200);
        const res = await webhook({ webhook_id: "wh-9", webhook_type: "LINKS", webhook_code: "token_required", link_id: linkId, request_id: "r9" }, AUTH);
        expect(((await res.json()) as any).action).toBe("reauth_required");
      }
      return execute(op);
    });
    const { svc } = directServices();
    const jobId = await syncNow(connectionId, { ...svc, env: { ...svc.env, SPACE_LEDGER: binding } });
    expect(announced).toBe(true);
    expect((await jobStats(jobId)).status).toBe("completed");
    expect((await getConnection(svc, connectionId))!.status).toBe("reauth_required");
    // A sync that starts after the announcement (the user has answered the bank) makes it active again.
    await env.DB.prepare("UPDATE sandbox_belvo_links SET status = 'valid' WHERE id = ?").bind(linkId).run();
    await syncNow(connectionId);
    expect((await getConnection(svc, connectionId))!.status).toBe("active");
  });
});
