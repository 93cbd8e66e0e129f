/**
 * One D1 round trip per authenticated read (issue 10) for provider connections and review flags: the
 * session check, the caller's role in the space and the read go in one batch, the connections' accounts
 * keyed by the space's connections and the flags' transactions read through the page of flags.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createAccount } from "../accounts/helpers";
import { countingApp } from "../counting-app";
import { addMember, callJson, registerUser } from "../helpers";
import { as, ownerWithSpace } from "./helpers";
import { buildWorld } from "../security/world";

async function connection(spaceId: string, id: string, createdAt: number, accountIds: string[]) {
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO provider_connections (id, space_id, provider, status, institution_name, credentials_enc, next_sync_at, created_at, updated_at)
       VALUES (?, ?, 'plaid', 'active', 'Secret Bank', 'v1.sealed', ?, ?, ?)`,
    ).bind(id, spaceId, createdAt, createdAt, createdAt),
    ...accountIds.map((a, i) =>
      env.DB.prepare("INSERT INTO provider_accounts (account_id, connection_id, space_id, provider_account_id, created_at) VALUES (?, ?, ?, ?, ?)").bind(a, id, spaceId, `pa_${a}`, createdAt + i),
    ),
  ]);
}

describe("provider connections in one round trip", () => {
  it("lists the space's connections with their accounts in one round trip; a stranger gets the 404 with nothing of them", async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const now = Date.now();
    const accounts = [];
    for (let i = 0; i < 3; i++) accounts.push((await createAccount(owner, spaceId, { name: `A${i}` })).id as string);
    const [older, newer] = [`con_rt_old_${spaceId}`, `con_rt_new_${spaceId}`];
    await connection(spaceId, older, now - 1000, [accounts[0]!, accounts[1]!]);
    await connection(spaceId, newer, now, [accounts[2]!]);
    const other = await ownerWithSpace();
    await connection(other.spaceId, `con_rt_theirs_${other.spaceId}`, now, []);
    for (let i = 0; i < 30; i++) await connection(spaceId, `con_rt_more_${i}_${spaceId}`, now - 10_000 - i, []);
    const viewer = await registerUser();
    await addMember(owner, spaceId, viewer, "viewer");
    const { get } = countingApp();

    const list = await get(viewer, `/v1/providers/connections?spaceId=${spaceId}`);
    expect(list.status).toBe(200);
    expect(list.trips).toBe(1);
    expect(list.body.connections).toHaveLength(32);
    expect(list.body.connections.slice(0, 2)).toMatchObject([
      { id: newer, spaceId, provider: "plaid", status: "active", accountIds: [accounts[2]], institution: { id: null, name: "Secret Bank" } },
      { id: older, accountIds: [accounts[0], accounts[1]] },
    ]);
    expect(list.body.connections.slice(2).every((c: { accountIds: string[] }) => c.accountIds.length === 0)).toBe(true);
    expect(JSON.stringify(list.body)).not.toContain("sealed");

    const stranger = await get(other.owner, `/v1/providers/connections?spaceId=${spaceId}`);
    expect(stranger).toMatchObject({ status: 404, trips: 1, body: { error: { code: "RESOURCE_NOT_FOUND", message: "Space not found" } } });
    expect(JSON.stringify(stranger.body)).not.toContain("Secret");
    expect(stranger.rowsRead).toBeLessThan(20);
  });
});

describe("review flags in one round trip", () => {
  it("lists flags with their transactions, in the space's time zone, in one round trip; a stranger's 404 reads none", { timeout: 60_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    await env.DB.prepare("UPDATE spaces SET timezone = 'Asia/Tokyo' WHERE id = ?").bind(spaceId).run();
    const acc = (await createAccount(owner, spaceId, { openingBalance: "500.00" })).id as string;
    const txn = async (amount: string, description: string) => {
      const r = await callJson("/v1/transactions", { ...as(owner), body: { spaceId, accountId: acc, amount, description, date: "2026-03-01" } });
      expect([r.status, r.body.error]).toEqual([201, undefined]);
      return r.body.id as string;
    };
    const posted = await txn("-45.00", "Secret posted");
    const [c1, c2] = [await txn("-45.00", "pending one"), await txn("-45.00", "pending two")];
    const now = Date.now();
    const flag = (i: number, transactionId: string, candidates: string[]) =>
      env.DB.prepare("INSERT INTO provider_review_flags (id, space_id, transaction_id, candidate_transaction_ids, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)")
        .bind(`flag_rt_${i}_${spaceId}`, spaceId, transactionId, JSON.stringify(candidates), `reason_${i}`, now - i);
    await env.DB.batch([flag(0, posted, [c1, c2]), flag(1, c1, [posted]), ...Array.from({ length: 40 }, (_, i) => flag(i + 2, c2, [c1]))]);
    const viewer = await registerUser();
    await addMember(owner, spaceId, viewer, "viewer");
    const { get } = countingApp();

    const first = await get(viewer, `/v1/providers/review-flags?spaceId=${spaceId}&limit=2`);
    expect(first.status).toBe(200);
    expect(first.trips).toBe(1);
    expect(first.body.pagination).toMatchObject({ total: 42, limit: 2, offset: 0, hasMore: true });
    expect(first.body.flags.map((f: { id: string }) => f.id)).toEqual([`flag_rt_0_${spaceId}`, `flag_rt_1_${spaceId}`]);
    const [a, b] = first.body.flags;
    expect(a).toMatchObject({ status: "open", transaction: { id: posted, description: "Secret posted", amountDecimal: "-45.00" } });
    expect(a.candidates.map((c: { id: string }) => c.id)).toEqual([c1, c2]);
    expect(b).toMatchObject({ transaction: { id: c1 }, candidates: [{ id: posted }] });
    // A later page brings its own flags' transactions; none of them is left out.
    const later = await get(viewer, `/v1/providers/review-flags?spaceId=${spaceId}&limit=5&offset=10`);
    expect(later).toMatchObject({ status: 200, trips: 1 });
    expect(later.body.flags).toHaveLength(5);
    expect(later.body.flags.every((f: any) => f.transaction?.id === c2 && f.candidates.length === 1 && f.candidates[0].id === c1)).toBe(true);

    // The flag as the resolve path presents it (the zone read from the space there): the same transactions and dates.
    const member = await registerUser();
    await addMember(owner, spaceId, member, "member");
    const resolved = await callJson(`/v1/providers/review-flags/${a.id}/resolve`, { ...as(member), body: { action: "keep_both" } });
    expect(resolved.status).toBe(200);
    expect(resolved.body.flag).toMatchObject({ transaction: a.transaction, candidates: a.candidates, status: "resolved" });
    expect(a.transaction.date).toMatch(/\+09:00$/);

    const stranger = await get(await registerUser(), `/v1/providers/review-flags?spaceId=${spaceId}&status=all&limit=100`);
    expect(stranger).toMatchObject({ status: 404, trips: 1, body: { error: { code: "RESOURCE_NOT_FOUND" } } });
    expect(JSON.stringify(stranger.body)).not.toContain("Secret");
    expect(stranger.rowsRead).toBeLessThan(20);
    expect((await get(viewer, `/v1/providers/review-flags?spaceId=${spaceId}&status=all&limit=100`)).rowsRead).toBeGreaterThan(42);
  });
});

describe("a sync job", () => {
  it("is only a sync: a retraining job's id is the sync job's 404 for a viewer and a member alike, in one round trip", { timeout: 60_000 }, async () => {
    const world = await buildWorld();
    const ids = world.ids as Record<string, string>;
    const { get } = countingApp();
    for (const u of [world.viewer, world.member, world.owner]) {
      const res = await get(u, `/v1/sync-jobs/${ids.jobId}`);
      expect(res).toMatchObject({ status: 404, trips: 1, body: { error: { code: "RESOURCE_NOT_FOUND", message: "Sync job not found" } } });
    }
    const sync = await get(world.member, `/v1/sync-jobs/${ids["jobId@/v1/sync-jobs"]}`);
    expect(sync).toMatchObject({ status: 200, trips: 1, body: { jobId: ids["jobId@/v1/sync-jobs"], spaceId: world.spaceId } });
    expect((await get(world.viewer, `/v1/sync-jobs/${ids["jobId@/v1/sync-jobs"]}`)).status).toBe(403);
    // A stranger's batch carries no row of the job (the access check reads a few membership rows).
    const stranger = await get(world.outsider, `/v1/sync-jobs/${ids["jobId@/v1/sync-jobs"]}`);
    const none = await get(world.outsider, "/v1/sync-jobs/job_doesnotexist0000000000");
    expect(stranger).toMatchObject({ status: 404, trips: 1, body: { error: { code: none.body.error.code, message: none.body.error.message } } });
    expect(stranger.rowsRead).toBeLessThan(20);
    expect(JSON.stringify(stranger.body)).not.toContain(world.spaceId);
  });
});
