/**
 * A household's answers are not kept by browsers or proxies: every /v1 answer says `Cache-Control: no-store` unless
 * its route says otherwise (a download keeps its own `private, no-store`). Before, only downloads said anything, so a
 * shared browser's heuristic cache could hold a balance or a document list with its signed links.
 */
import { describe, expect, it } from "vitest";
import { call, createSpace, registerUser } from "../helpers";

describe("Cache-Control on API answers", () => {
  it("is no-store on reads, writes, errors and the health check", async () => {
    const owner = await registerUser();
    const space = await createSpace(owner);
    const auth = { token: owner.accessToken, ip: owner.ip };
    const reads = [
      await call(`/v1/transactions?spaceId=${space.id}`, auth),
      await call(`/v1/accounts?spaceId=${space.id}`, auth),
      await call("/v1/auth/me", auth),
      await call("/v1/health"),
    ];
    for (const r of reads) {
      expect(r.status).toBe(200);
      expect(r.headers.get("cache-control")).toBe("no-store");
    }
    const write = await call("/v1/accounts", { ...auth, body: { spaceId: space.id, name: "Cash", type: "checking", currency: "USD" } });
    expect(write.status).toBe(201);
    expect(write.headers.get("cache-control")).toBe("no-store");
    const refused = await call(`/v1/transactions?spaceId=${space.id}`, { ip: owner.ip });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("cache-control")).toBe("no-store");
    const missing = await call("/v1/no-such-route", auth);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("cache-control")).toBe("no-store");
  });
});
