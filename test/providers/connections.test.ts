/**
 * Connections: linking Plaid through the API stores the access token sealed
 * (the D1 row holds no plaintext secret), the first sync imports the history
 * and a forced sync runs through the real queue, the list never shows credentials, and DELETE disconnects (history
 * kept, item removed at the provider, no further syncs).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addMember, callJson, registerUser } from "../helpers";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { as, linkPlaid, ownerWithSpace, plaidAccessToken, waitForJob } from "./helpers";

describe("provider connections", () => {
  it("store tokens sealed, list without secrets, sync through the real queue, and disconnect keeping history", { timeout: 60_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const linked = await linkPlaid(owner, spaceId);
    expect(linked.connection).toMatchObject({ provider: "plaid", status: "active", spaceId, institution: { name: "First Platypus Bank" } });
    expect(linked.connection.accountIds).toHaveLength(2);
    const connectionId = linked.connection.id as string;

    // The stored row: the access token only sealed.
    const accessToken = await plaidAccessToken(connectionId);
    expect(accessToken).toMatch(/^access-sandbox-/);
    const row = await env.DB.prepare("SELECT * FROM provider_connections WHERE id = ?").bind(connectionId).first<Record<string, unknown>>();
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(accessToken);
    expect(stored).not.toContain("access-sandbox");
    expect(stored).not.toContain("accessToken");
    expect(String(row!.credentials_enc)).toMatch(/^v1\./);

    // The first sync is queued, not run in the connect request: the answer names the job to follow.
    expect((linked as any).firstSync).toEqual({ jobId: linked.jobId, status: "queued" });
    const job = await waitForJob(linked.jobId);
    expect(job.status).toBe("completed");
    const status = await callJson(`/v1/sync-jobs/${linked.jobId}`, as(owner));
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ status: "completed", connectionId, trigger: "connect" });
    expect(status.body.stats.created).toBeGreaterThan(200);
    expect(status.body.stats.errors).toBe(0);
    // The checking account opened with money before the history began: one adjustment; the card matches.
    expect(status.body.stats.adjustments).toBe(1);
    expect(await ledgerViolations(spaceId)).toEqual([]);

    const list = await callJson(`/v1/providers/connections?spaceId=${spaceId}`, as(owner));
    expect(list.status).toBe(200);
    expect(list.body.connections).toHaveLength(1);
    expect(list.body.connections[0]).toMatchObject({ id: connectionId, status: "active" });
    expect(list.body.connections[0].lastSyncedAt).not.toBeNull();
    // A forced sync goes through the real SYNC_QUEUE and its consumer.
    const forced = await callJson("/v1/accounts/sync", { ...as(owner), body: { spaceId, force: true } });
    expect(forced.status).toBe(202);
    expect((await waitForJob(forced.body.jobId)).status).toBe("completed");
    expect(JSON.stringify(list.body)).not.toContain("access-sandbox");

    // Roles: a member may not disconnect, an outsider does not see it.
    const member = await registerUser();
    await addMember(owner, spaceId, member, "member");
    expect((await callJson(`/v1/providers/connections/${connectionId}`, { ...as(member), method: "DELETE" })).status).toBe(403);
    const outsider = await registerUser();
    expect((await callJson(`/v1/providers/connections/${connectionId}`, { ...as(outsider), method: "DELETE" })).status).toBe(404);
    expect((await callJson(`/v1/providers/connections?spaceId=${spaceId}`, as(outsider))).status).toBe(404);
    expect((await callJson(`/v1/sync-jobs/${linked.jobId}`, as(outsider))).status).toBe(404);

    const before = await env.DB.prepare("SELECT COUNT(*) AS n FROM transactions WHERE space_id = ?").bind(spaceId).first<{ n: number }>();
    const del = await callJson(`/v1/providers/connections/${connectionId}`, { ...as(owner), method: "DELETE" });
    expect(del.status).toBe(200);
    expect(del.body).toMatchObject({ providerRemoved: true, connection: { status: "disconnected" } });
    const item = await env.DB.prepare("SELECT status FROM sandbox_plaid_items WHERE access_token = ?").bind(accessToken).first<{ status: string }>();
    expect(item!.status).toBe("removed");
    const after = await env.DB.prepare("SELECT COUNT(*) AS n FROM transactions WHERE space_id = ?").bind(spaceId).first<{ n: number }>();
    expect(after!.n).toBe(before!.n);
    const accounts = await callJson(`/v1/accounts?spaceId=${spaceId}&provider=plaid`, as(owner));
    expect(accounts.body.accounts.every((a: any) => a.isActive === false)).toBe(true);
    // No more syncs: the accounts are skipped.
    const sync = await callJson("/v1/accounts/sync", { ...as(owner), body: { spaceId, accountIds: linked.connection.accountIds, force: true } });
    expect(sync.status).toBe(200);
    expect(sync.body.jobIds).toEqual([]);
    expect((await callJson(`/v1/providers/connections/${connectionId}`, { ...as(owner), method: "DELETE" })).status).toBe(409);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });
});
