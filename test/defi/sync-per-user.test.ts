/**
 * DeFi syncs by one user across all their spaces. The `sync` policy's bucket is a space's (5 a minute); a user may open
 * spaces without end, and one account made 12 spaces and ran 48 syncs in 4 s (60 Zapper and 300 gaming-API calls).
 * Now a user's syncs and wallet connections together are at most 10 a minute across spaces; a space's own bucket and
 * the other users' are untouched.
 */
import { describe, expect, it } from "vitest";
import { DEFI_SYNC_LIMITS } from "../../src/lib/rate-limits";
import { callJson, createSpace, registerUser, type TestUser } from "../helpers";

const LOWER = "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed";
const as = (u: TestUser) => ({ token: u.accessToken, ip: u.ip });

describe("DeFi syncs across one user's spaces", () => {
  it("are limited per user: the 11th connection or sync in a minute is a 429, another user's is not", { timeout: 60_000 }, async () => {
    const owner = await registerUser();
    const limit = DEFI_SYNC_LIMITS.perUser.limit;
    const spaces: string[] = [];
    for (let i = 0; i < 6; i++) spaces.push((await createSpace(owner, { name: `S${i}` })).id);
    const statuses: number[] = [];
    // Connecting a wallet syncs it: six connections, then syncs over the spaces, at most 2 a space (its own bucket is 5).
    for (const spaceId of spaces) statuses.push((await callJson("/v1/defi/wallets", { ...as(owner), body: { spaceId, address: LOWER } })).status);
    for (const spaceId of spaces) statuses.push((await callJson("/v1/defi/sync", { ...as(owner), body: { spaceId } })).status);
    expect(statuses).toEqual([...Array(6).fill(201), ...Array(limit - 6).fill(200), ...Array(12 - limit).fill(429)]);
    const refused = await callJson("/v1/defi/sync", { ...as(owner), body: { spaceId: spaces[5] } });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("RATE_LIMIT_EXCEEDED");
    expect(Number(refused.res.headers.get("retry-after"))).toBeGreaterThan(0);

    // Another user syncs on their own budget.
    const other = await registerUser();
    const mine = (await createSpace(other)).id;
    expect((await callJson("/v1/defi/wallets", { ...as(other), body: { spaceId: mine, address: LOWER } })).status).toBe(201);
    expect((await callJson("/v1/defi/sync", { ...as(other), body: { spaceId: mine } })).status).toBe(200);
  });
});
