/**
 * The authorization matrix, driven by the OpenAPI document: for every route,
 * an anonymous caller gets 401, a member of another space 404, a viewer 403 on
 * anything above viewer, and the role the route declares (`x-min-role`) a 2xx.
 * A route the app serves but the document does not list fails the test.
 */
import { describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { callJson, registerUser, type TestUser } from "../helpers";
import { operations, synthesize, type Operation } from "./openapi-requests";
import { buildWorld, registerPeople, type World } from "./world";

const UNDOCUMENTED_BY_DESIGN = new Set(["GET /openapi.json", "GET /docs"]);

describe("authorization matrix", async () => {
  const doc = (await callJson("/openapi.json")).body;
  const ops = operations(doc);

  it("documents every route the app serves", () => {
    const documented = new Set(ops.map((o) => `${o.method.toUpperCase()} ${o.path}`));
    const served = app.routes
      .filter((r) => r.method !== "ALL")
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`)
      .filter((r) => !UNDOCUMENTED_BY_DESIGN.has(r))
      // The third parties' simulators (src/sandbox): not the API, and 404 outside sandbox mode.
      .filter((r) => !r.split(" ")[1]!.startsWith("/sandbox/"));
    const missing = [...new Set(served)].filter((r) => !documented.has(r));
    expect(missing).toEqual([]);
  });

  it("holds for every documented route", { timeout: 1_200_000 }, async () => {
    let people = await registerPeople();
    const shared = await buildWorld(people);
    let writeWorlds = 0;
    const failures: string[] = [];
    let cases = 0;
    const check = async (label: string, o: Operation, w: World, user: TestUser | null, expected: (s: number) => boolean, want: string) => {
      const { url, body } = synthesize(doc, o, w.ids);
      const res = await callJson(url, { method: o.method.toUpperCase(), body, token: user?.accessToken, ip: user?.ip ?? "198.51.100.7" });
      cases++;
      if (!expected(res.status)) failures.push(`${o.method.toUpperCase()} ${o.path} as ${label}: got ${res.status}, want ${want} ${JSON.stringify(res.body?.error ?? "")}`);
    };
    const is2xx = (s: number) => s >= 200 && s < 300;

    for (const o of ops) {
      const secured = Array.isArray(o.op.security) && o.op.security.length > 0;
      if (!secured) continue;
      const minRole: string | undefined = o.op["x-min-role"];
      // Writes get a world of their own (without a retraining job, which only the job read needs).
      // Each world's setup spends some of its people's budgets: the hourly `general` one (1,000 requests) and the
      // owner's daily member adds (30, three a world): new people every 8 worlds, so no run meets either limit.
      if (o.method !== "get" && ++writeWorlds % 8 === 0) people = await registerPeople();
      const w = o.method === "get" ? shared : await buildWorld(people, { retrainJob: false });
      await check("anonymous", o, w, null, (s) => s === 401, "401");
      if (!minRole) {
        // Account-level routes (logout, 2FA) change the caller's own session: use a throwaway user for writes.
        const caller = o.method === "get" ? w.outsider : await registerUser();
        await check("a signed-in user", o, w, caller, (s) => s !== 401 && s !== 403 && s < 500, "not 401/403/5xx");
        continue;
      }
      await check("a member of another space", o, w, w.outsider, (s) => s === 404, "404");
      if (minRole !== "viewer") await check("viewer", o, w, w.viewer, (s) => s === 403, "403");
      const right = o.op["x-requires-2fa"] || minRole === "owner" ? w.owner : minRole === "admin" ? w.admin : minRole === "member" ? w.member : w.viewer;
      await check(`${minRole}${o.op["x-requires-2fa"] ? " with 2FA" : ""}`, o, w, right, is2xx, "2xx");
    }
    console.log(`authorization matrix: ${ops.filter((o) => o.op.security?.length).length} secured routes of ${ops.length}, ${cases} cases`);
    expect(failures).toEqual([]);
  });
});
