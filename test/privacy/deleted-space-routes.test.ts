/**
 * After a space's deletion nothing of it is reachable by any route: every documented GET that takes a role in a
 * space (`x-min-role`), called with the deleted space's ids by each of its former members, is a 404, not data.
 * The same for a member removed from a live space, with the access token they already hold.
 * Driven by the OpenAPI document, as the authorization matrix is, so a route added later is checked too.
 */
import { describe, expect, it } from "vitest";
import { call, callJson } from "../helpers";
import { operations, synthesize } from "../security/openapi-requests";
import { buildWorld, registerPeople } from "../security/world";

describe("a deleted space's resources", () => {
  it("are a 404 by every route, to every former member", { timeout: 600_000 }, async () => {
    const doc = (await callJson("/openapi.json")).body;
    const w = await buildWorld(await registerPeople());
    expect((await call(`/v1/spaces/${w.spaceId}`, { method: "DELETE", token: w.owner.accessToken, ip: w.owner.ip })).status).toBe(204);
    const failures: string[] = [];
    let cases = 0;
    for (const o of operations(doc)) {
      if (o.method !== "get" || !o.op["x-min-role"]) continue;
      const { url } = synthesize(doc, o, w.ids);
      for (const [label, user] of [["owner", w.owner], ["admin", w.admin], ["viewer", w.viewer]] as const) {
        const res = await callJson(url, { token: user.accessToken, ip: user.ip });
        cases++;
        if (res.status !== 404) failures.push(`GET ${o.path} as ${label}: ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`);
      }
    }
    expect(cases).toBeGreaterThan(30);
    expect(failures).toEqual([]);
  });

  it("are a 404 by every route to a removed member, at their very next request (no cached role)", { timeout: 600_000 }, async () => {
    const doc = (await callJson("/openapi.json")).body;
    const w = await buildWorld(await registerPeople());
    expect((await call(`/v1/spaces/${w.spaceId}/members/${w.member.id}`, { method: "DELETE", token: w.owner.accessToken, ip: w.owner.ip })).status).toBe(204);
    const failures: string[] = [];
    let cases = 0;
    for (const o of operations(doc)) {
      if (o.method !== "get" || !o.op["x-min-role"]) continue;
      const { url } = synthesize(doc, o, w.ids);
      const res = await callJson(url, { token: w.member.accessToken, ip: w.member.ip });
      cases++;
      if (res.status !== 404) failures.push(`GET ${o.path}: ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`);
    }
    expect(cases).toBeGreaterThan(30);
    expect(failures).toEqual([]);
  });
});
