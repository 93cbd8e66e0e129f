/**
 * Reads check their session in the batch of their first D1 round trip; a
 * session that has ended must still get a 401 on every read route, whatever
 * the route would have answered.
 */
import { describe, expect, it } from "vitest";
import { countingApp } from "../counting-app";
import { callJson } from "../helpers";
import { operations, synthesize } from "../security/openapi-requests";
import { buildWorld, registerPeople } from "../security/world";

describe("a read with a token whose session has ended", () => {
  it("is a 401 on every GET route, found or not, member or not", { timeout: 120_000 }, async () => {
    const doc = (await callJson("/openapi.json")).body;
    const world = await buildWorld(await registerPeople());
    const owner = world.owner;
    // The token stays cryptographically valid for 15 minutes; only its session is gone.
    const out = await callJson("/v1/auth/logout", { method: "POST", token: owner.accessToken, ip: owner.ip, body: { refreshToken: owner.refreshToken } });
    expect(out.status).toBeLessThan(300);
    const failures: string[] = [];
    let routes = 0;
    for (const o of operations(doc)) {
      if (o.method !== "get" || !(o.op.security?.length > 0)) continue;
      routes++;
      const { url } = synthesize(doc, o, world.ids);
      for (const path of [url, url.replace(world.spaceId, "spc_nonexistent0000000000000")]) {
        const res = await callJson(path, { token: owner.accessToken, ip: owner.ip });
        if (res.status !== 401) failures.push(`GET ${path}: ${res.status}`);
      }
    }
    expect(routes).toBeGreaterThan(15);
    expect(failures).toEqual([]);
  });

  it("costs one D1 round trip: the route's batch saw the session ended, and nothing asks again; then none", async () => {
    const world = await buildWorld(await registerPeople(), { retrainJob: false });
    const owner = world.owner;
    expect((await callJson("/v1/auth/logout", { method: "POST", token: owner.accessToken, ip: owner.ip, body: { refreshToken: owner.refreshToken } })).status).toBeLessThan(300);
    const { get } = countingApp();
    const ids = world.ids as Record<string, string>;
    const paths = [`/v1/transactions?spaceId=${world.spaceId}`, `/v1/accounts/${ids.accountId}`, "/v1/auth/me", "/v1/spaces", "/v1/collectibles/categories"];
    for (const [i, path] of paths.entries()) {
      const res = await get(owner, path);
      expect(res.status, path).toBe(401);
      expect(res.body.error.message, path).toBe("Session has ended");
      // The first read learns the session has ended; this isolate then refuses its later reads before any work.
      expect(res.trips, path).toBe(i === 0 ? 1 : 0);
    }
  });
});
