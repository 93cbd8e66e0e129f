/**
 * A stolen access token whose session was logged out stays signed for up to 15 minutes. Its reads are 401s, and they
 * must cost its user nothing: 980 of them used to spend the user's `general` tokens (the owner, in a fresh session,
 * was then refused with 429), and a catalog search called the provider before its 401.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { registerSandboxHandler } from "../../src/lib/outbound";
import { LEASE_MS } from "../../src/middleware/token-leases";
import { callJson, registerUser } from "../helpers";

let providerCalls = 0;
beforeAll(() => registerSandboxHandler((request, e) => {
  if (new URL(request.url).pathname.includes("/sneaks/")) providerCalls++;
  return app.fetch(request, e);
}));
afterAll(() => registerSandboxHandler((request, e) => app.fetch(request, e)));

const remaining = (res: Response) => Number(res.headers.get("x-ratelimit-remaining"));

describe("a logged-out token's reads", () => {
  it("spend nothing of its user's rate limit, and reach no provider", { timeout: 60_000 }, async () => {
    const u = await registerUser();
    const stolen = u.accessToken;
    // The owner signs in again elsewhere, then logs the stolen session out.
    const login = await callJson("/v1/auth/login", { method: "POST", ip: u.ip, body: { email: u.email, password: u.password } });
    const fresh = login.body.tokens.accessToken as string;
    expect((await callJson("/v1/auth/logout", { method: "POST", token: stolen, ip: u.ip, body: { refreshToken: u.refreshToken } })).status).toBe(204);
    const before = remaining((await callJson("/v1/spaces", { token: fresh, ip: u.ip })).res);

    const statuses: number[] = [];
    for (let wave = 0; wave < 4; wave++) {
      const res = await Promise.all(Array.from({ length: 10 }, () => callJson("/v1/spaces", { token: stolen, ip: u.ip })));
      statuses.push(...res.map((r) => r.status));
    }
    const search = await callJson("/v1/collectibles/search?category=sneaker&q=jordan", { token: stolen, ip: u.ip });
    expect([...new Set([...statuses, search.status])]).toEqual([401]);
    expect(providerCalls).toBe(0);

    // The owner's next read finds the bucket as their own read left it (less that read itself). After a lease's life:
    // a live lease reports the bucket as it was when lent (token-leases.ts), before the refunds arrived.
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS + 100));
    const after = remaining((await callJson("/v1/spaces", { token: fresh, ip: u.ip })).res);
    expect(after).toBeGreaterThanOrEqual(before - 1);
  });
});
