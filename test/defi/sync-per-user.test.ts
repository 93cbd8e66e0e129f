/**
 * DeFi syncs by one user across all their spaces. The `sync` policy's bucket is a space's (5 a minute); a user may open
 * spaces without end, and one account made 12 spaces and ran 48 syncs in 4 s (60 Zapper and 300 gaming-API calls).
 * Then a user's syncs were bounded at 10 requests a minute, but a request syncs every wallet of its space (up to 25,
 * six provider calls each): ~1,500 provider calls a minute. Now the user's bucket counts wallets: a connection takes
 * one, a sync one a wallet it syncs, at most DEFI_SYNC_LIMITS.perUser a minute; a space's own bucket and the other
 * users' are untouched.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEFI_SYNC_LIMITS } from "../../src/lib/rate-limits";
import { MAX_WALLETS_PER_SPACE } from "../../src/modules/defi/service";
import { callJson, createSpace, registerUser, type TestUser } from "../helpers";

const LOWER = "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed";
const as = (u: TestUser) => ({ token: u.accessToken, ip: u.ip });
const address = (i: number) => `0x${(0xabc000 + i).toString(16).padStart(40, "0")}`;

/** `n` wallets of the space, written straight to D1 (connecting each through the API would spend the space's bucket). */
async function seedWallets(spaceId: string, userId: string, n: number) {
  const now = Date.now();
  await env.DB.batch(Array.from({ length: n }, (_, i) =>
    env.DB.prepare("INSERT INTO defi_wallets (id, space_id, address, label, networks, created_by, created_at, updated_at) VALUES (?, ?, ?, 'W', '[\"ethereum\"]', ?, ?, ?)")
      .bind(`dfw_${spaceId}_${i}`, spaceId, address(i), userId, now, now)));
}

const userOf = async (u: TestUser) => (await callJson("/v1/auth/me", as(u))).body.id as string;

describe("DeFi syncs across one user's spaces", () => {
  it("take a token a wallet from the user's bucket: a full space twice in a minute is a 429, a small space then is not", { timeout: 120_000 }, async () => {
    const limit = DEFI_SYNC_LIMITS.perUser.limit;
    // A whole space always fits in the bucket.
    expect(MAX_WALLETS_PER_SPACE).toBeLessThanOrEqual(limit);
    const owner = await registerUser();
    const ownerId = await userOf(owner);
    const full = (await createSpace(owner, { name: "Full" })).id;
    const small = (await createSpace(owner, { name: "Small" })).id;
    await seedWallets(full, ownerId, MAX_WALLETS_PER_SPACE);
    await seedWallets(small, ownerId, 2);
    const sync = (spaceId: string) => callJson("/v1/defi/sync", { ...as(owner), body: { spaceId } });
    const first = await sync(full);
    expect(first.status).toBe(200);
    expect(first.body.results).toHaveLength(MAX_WALLETS_PER_SPACE);
    // 25 more are not there within the minute (the bucket refills one every two seconds)...
    const again = await sync(full);
    expect(again.status).toBe(429);
    expect(again.body.error.code).toBe("RATE_LIMIT_EXCEEDED");
    expect(again.body.error.message).toBe(`At most ${limit} wallet syncs (or connections) a minute across all your spaces; retry later`);
    // ...and Retry-After is the wait for enough of them, not for one.
    expect(Number(again.res.headers.get("retry-after"))).toBeGreaterThan(((MAX_WALLETS_PER_SPACE - (limit - MAX_WALLETS_PER_SPACE)) * 60) / limit - 30);
    // The refused sync spent nothing: the two wallets of the other space sync, and a connection still fits.
    expect((await sync(small)).status).toBe(200);
    expect((await callJson("/v1/defi/wallets", { ...as(owner), body: { spaceId: small, address: LOWER } })).status).toBe(201);

    // Another user syncs on their own budget.
    const other = await registerUser();
    const mine = (await createSpace(other)).id;
    expect((await callJson("/v1/defi/wallets", { ...as(other), body: { spaceId: mine, address: LOWER } })).status).toBe(201);
    expect((await callJson("/v1/defi/sync", { ...as(other), body: { spaceId: mine } })).status).toBe(200);
  });
});
