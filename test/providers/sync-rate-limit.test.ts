/**
 * The `sync` policy (5 a minute, API.md: per account or connection). `POST /v1/accounts/sync` takes one token
 * per connection it queues, after its access check: naming accounts in other ways (repeated, in subsets, or
 * none for all of them) reaches the same connection's bucket, and a caller who may not sync a space spends
 * nothing of it. The other sync routes key their bucket by the caller too (DeFi here), so a stranger naming
 * a space spends only their own. And a client over its `general` limit causes no work with its reads.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { POLICIES } from "../../src/lib/rate-limits";
import { addMember, callJson, createSpace, registerUser, type TestUser } from "../helpers";
import { as, linkPlaid, ownerWithSpace, waitForJob } from "./helpers";

async function linked() {
  const { owner, spaceId } = await ownerWithSpace();
  const l = await linkPlaid(owner, spaceId);
  expect((await waitForJob(l.jobId)).status).toBe("completed");
  return { owner, spaceId, accountIds: l.connection.accountIds as string[], jobId: l.jobId };
}

describe("the sync policy", () => {
  it("is per connection however its accounts are named and whoever asks; the sixth forced sync of it in a minute is 429", { timeout: 90_000 }, async () => {
    const s = await linked();
    const member = await registerUser();
    await addMember(s.owner, s.spaceId, member, "member");
    const [a, b] = s.accountIds as [string, string];
    // Five syncs of the one connection: three by the owner, two by a member, each naming its accounts differently.
    const syncs: [TestUser, string[]][] = [[s.owner, [a]], [s.owner, [b]], [s.owner, [a, b]], [member, [a, a, a]], [member, []]];
    for (const [who, accountIds] of syncs) {
      const r = await callJson("/v1/accounts/sync", { ...as(who), body: { spaceId: s.spaceId, accountIds, force: true } });
      expect(r.status, JSON.stringify(accountIds)).toBe(202);
      expect(r.res.headers.get("x-ratelimit-limit")).toBe(String(POLICIES.sync.limit));
      expect(Object.keys(r.body)).not.toContain("rateLimit");
      expect((await waitForJob(r.body.jobId)).status).toBe("completed");
    }
    // The member's own bucket has tokens left; the connection's has none.
    const sixth = await callJson("/v1/accounts/sync", { ...as(member), body: { spaceId: s.spaceId, accountIds: [b, a, b], force: true } });
    expect(sixth.status).toBe(429);
    expect(sixth.body.error.code).toBe("RATE_LIMIT_EXCEEDED");
    expect(Number(sixth.res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(sixth.res.headers.get("x-ratelimit-remaining")).toBe("0");
    // The same in problem details: the refusing bucket's headers, not the general policy's set before it.
    const problem = await callJson("/v1/accounts/sync", { ...as(member), headers: { accept: "application/problem+json" }, body: { spaceId: s.spaceId, force: true } });
    expect(problem.status).toBe(429);
    expect(problem.res.headers.get("content-type")).toContain("application/problem+json");
    expect(problem.res.headers.get("x-ratelimit-limit")).toBe(String(POLICIES.sync.limit));
    expect(problem.res.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(problem.res.headers.get("x-request-id")).toBeTruthy();
  });

  it("counts requests that queue nothing toward the caller's general policy, with its headers", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    let remaining = Infinity;
    for (let i = 0; i < POLICIES.sync.limit + 2; i++) {
      const r = await callJson("/v1/accounts/sync", { ...as(u), body: { spaceId: space.id, force: true } });
      expect(r.status).toBe(200);
      expect(r.body.status).toBe("nothing_to_sync");
      expect(r.res.headers.get("x-ratelimit-limit")).toBe(String(POLICIES.general.limit));
      const now = Number(r.res.headers.get("x-ratelimit-remaining"));
      expect(now).toBeLessThan(remaining);
      remaining = now;
    }
  });

  it("spends nothing of a space's buckets for a caller who may not sync it", { timeout: 60_000 }, async () => {
    const victim = await linked();
    const stranger = await registerUser();
    const own = await createSpace(stranger);
    for (let i = 0; i < POLICIES.sync.limit; i++) {
      const named = await callJson("/v1/accounts/sync", { ...as(stranger), body: { spaceId: own.id, accountIds: [victim.accountIds[0]], force: true } });
      expect(named.status).toBe(404);
      const theirs = await callJson("/v1/accounts/sync", { ...as(stranger), body: { spaceId: victim.spaceId, force: true } });
      expect(theirs.status).toBe(404);
      expect((await callJson(`/v1/defi/positions?spaceId=${victim.spaceId}`, as(stranger))).status).toBe(404);
      expect((await callJson("/v1/defi/sync", { ...as(stranger), body: { spaceId: victim.spaceId } })).status).toBe(404);
    }
    // The stranger's own DeFi bucket for that space is what they spent.
    expect((await callJson(`/v1/defi/positions?spaceId=${victim.spaceId}`, as(stranger))).status).toBe(429);
    const sync = await callJson("/v1/accounts/sync", { ...as(victim.owner), body: { spaceId: victim.spaceId, force: true } });
    expect(sync.status).toBe(202);
    expect(sync.res.headers.get("x-ratelimit-remaining")).toBe(String(POLICIES.sync.limit - 1));
    const defi = await callJson(`/v1/defi/positions?spaceId=${victim.spaceId}`, as(victim.owner));
    expect(defi.status).toBe(200);
    expect(defi.res.headers.get("x-ratelimit-remaining")).toBe(String(POLICIES.sync.limit - 1));
  });
});

describe("a sync job's status", () => {
  it("is under the sync policy per connection, in a bucket of its own: the sixth poll in a minute is 429, and the connection's syncs are untouched", { timeout: 60_000 }, async () => {
    const s = await linked();
    const stranger = await registerUser();
    const member = await registerUser();
    await addMember(s.owner, s.spaceId, member, "member");
    // A stranger's polls are 404 and spend nothing.
    for (let i = 0; i < POLICIES.sync.limit + 1; i++) expect((await callJson(`/v1/sync-jobs/${s.jobId}`, as(stranger))).status).toBe(404);
    for (let i = 0; i < POLICIES.sync.limit; i++) {
      const poll = await callJson(`/v1/sync-jobs/${s.jobId}`, as(i % 2 ? member : s.owner));
      expect(poll.status).toBe(200);
      expect(poll.body.status).toBe("completed");
      expect(poll.res.headers.get("x-ratelimit-limit")).toBe(String(POLICIES.sync.limit));
      expect(poll.res.headers.get("x-ratelimit-remaining")).toBe(String(POLICIES.sync.limit - 1 - i));
    }
    const sixth = await callJson(`/v1/sync-jobs/${s.jobId}`, as(member));
    expect(sixth.status).toBe(429);
    expect(sixth.body.error.code).toBe("RATE_LIMIT_EXCEEDED");
    expect(Number(sixth.res.headers.get("retry-after"))).toBeGreaterThan(0);
    // The refusing bucket's headers, not the general policy's the read also counted against (JSON and problem details).
    for (const res of [sixth.res, (await callJson(`/v1/sync-jobs/${s.jobId}`, { ...as(member), headers: { accept: "application/problem+json" } })).res]) {
      expect(res.status).toBe(429);
      expect(res.headers.get("x-ratelimit-limit")).toBe(String(POLICIES.sync.limit));
      expect(res.headers.get("x-ratelimit-remaining")).toBe("0");
    }
    // Polling spent none of the connection's syncs.
    const sync = await callJson("/v1/accounts/sync", { ...as(s.owner), body: { spaceId: s.spaceId, force: true } });
    expect(sync.status).toBe(202);
    expect(sync.res.headers.get("x-ratelimit-remaining")).toBe(String(POLICIES.sync.limit - 1));
  });
});

describe("a read over the limit", () => {
  it("does none of its work once its subject has been refused (a past day's rates are not fetched or stored)", { timeout: 60_000 }, async () => {
    const u = await registerUser();
    const limiter = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`general:user:${u.id}`));
    await limiter.take(POLICIES.general, Date.now(), POLICIES.general.limit);
    // Tokens this isolate was lent before are spent first; then the first refusal.
    let first = 0;
    for (let i = 0; i <= 20 && first !== 429; i++) first = (await callJson("/v1/auth/me", as(u))).status;
    expect(first).toBe(429);
    const stored = (date: string) => env.DB.prepare("SELECT COUNT(*) AS n FROM exchange_rates WHERE date = ?").bind(date).first<{ n: number }>().then((r) => r!.n);
    for (const date of ["2019-02-01", "2019-02-02", "2019-02-03"]) {
      expect(await stored(date)).toBe(0);
      const r = await callJson(`/v1/rates?base=USD&quote=MXN&date=${date}`, as(u));
      expect(r.status).toBe(429);
      expect(Number(r.res.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(await stored(date), date).toBe(0);
    }
    // Another user's read of the same day does its work.
    const other = await registerUser();
    const ok = await callJson("/v1/rates?base=USD&quote=MXN&date=2019-02-01", as(other));
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(await stored("2019-02-01")).toBeGreaterThan(0);
  });
});
