/**
 * The emergency-access matrix, driven by the OpenAPI document like the
 * authorization matrix: with a live grant, the executor gets 2xx on every
 * read route a viewer may call in the household's spaces, 403 on every write
 * (and on reads that need more than a viewer), and 404 on everything in a
 * space outside the household. Every use lands in the owner's audit log.
 */
import { describe, expect, it } from "vitest";
import { callJson, registerUser } from "../helpers";
import { operations, synthesize } from "../security/openapi-requests";
import { buildWorld, registerPeople } from "../security/world";
import { as, invitationToken } from "./helpers";

/** Keys that would carry credentials, tokens or 2FA material, anywhere in a response body. */
function secretKeys(body: unknown, out: string[] = []): string[] {
  if (Array.isArray(body)) body.forEach((b) => secretKeys(b, out));
  else if (body && typeof body === "object") {
    for (const [k, v] of Object.entries(body)) {
      // A crypto token's ticker ("token": "SAND", "votingPowerToken": "SAND"), or a null, is not a credential.
      const ticker = v === null || (typeof v === "string" && /^[A-Z0-9]{2,12}$/.test(v));
      if (/secret|password|totp|token|credential|backup|apikey|accessKey/i.test(k) && !ticker) out.push(k);
      secretKeys(v, out);
    }
  }
  return out;
}

describe("emergency access matrix", () => {
  it("reads 2xx, writes 403 in the household's spaces; 404 outside", { timeout: 300_000 }, async () => {
    const doc = (await callJson("/openapi.json")).body;
    const ops = operations(doc).filter((o) => o.op["x-min-role"]);
    const people = await registerPeople();
    const inside = await buildWorld(people, { retrainJob: true });
    const outside = await buildWorld(people, { retrainJob: false });
    const owner = inside.owner;

    const hh = await callJson("/v1/households", { ...as(owner), body: { name: "Matrix", spaceIds: [inside.spaceId] } });
    expect(hh.status).toBe(201);
    const executor = await registerUser();
    const inv = await callJson(`/v1/households/${hh.body.id}/members`, { ...as(owner), body: { email: executor.email, relationship: "friend", role: "executor" } });
    expect(inv.status).toBe(201);
    expect((await callJson(`/v1/households/invitations/${await invitationToken(executor.email)}/accept`, { ...as(executor), method: "POST" })).status).toBe(200);

    // Before any grant, the executor is an outsider to the space.
    expect((await callJson(`/v1/spaces/${inside.spaceId}`, as(executor))).status).toBe(404);
    const grant = await callJson("/v1/life-beat/emergency-access", {
      ...as(owner),
      body: { householdId: hh.body.id, executorId: inv.body.id, accessLevel: "read-only", expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
    });
    expect(grant.status).toBe(201);
    expect(grant.body).toMatchObject({ accessLevel: "read-only", source: "manual", status: "active" });
    const wrongLevel = await callJson("/v1/life-beat/emergency-access", {
      ...as(owner),
      body: { householdId: hh.body.id, executorId: inv.body.id, accessLevel: "read-write", expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
    });
    expect(wrongLevel.status).toBe(422);

    const before = (await callJson(`/v1/transactions?spaceId=${inside.spaceId}`, as(owner))).body.pagination.total;
    const failures: string[] = [];
    let reads = 0;
    let writes = 0;
    for (const o of ops) {
      const label = `${o.method.toUpperCase()} ${o.path}`;
      const readable = o.method === "get" && o.op["x-min-role"] === "viewer";
      const inReq = synthesize(doc, o, inside.ids);
      const r = await callJson(inReq.url, { method: o.method.toUpperCase(), body: inReq.body, ...as(executor) });
      if (readable) {
        reads++;
        const leaked = secretKeys(r.body);
        if (leaked.length) failures.push(`${label} inside: shows ${leaked.join(", ")} to the executor`);
        if (r.status < 200 || r.status >= 300) failures.push(`${label} inside: got ${r.status}, want 2xx ${JSON.stringify(r.body?.error ?? "")}`);
      } else {
        writes++;
        if (r.status !== 403) failures.push(`${label} inside: got ${r.status}, want 403 ${JSON.stringify(r.body?.error ?? "")}`);
      }
      const outReq = synthesize(doc, o, outside.ids);
      const x = await callJson(outReq.url, { method: o.method.toUpperCase(), body: outReq.body, ...as(executor) });
      if (x.status !== 404) failures.push(`${label} outside: got ${x.status}, want 404`);
    }
    console.log(`emergency matrix: ${reads} read routes 2xx, ${writes} refused, ${ops.length} routes outside 404`);
    expect(failures).toEqual([]);
    expect(reads).toBeGreaterThan(15);

    // The space's data did not change: the owner's view of the transaction list is as before.
    const list = await callJson(`/v1/transactions?spaceId=${inside.spaceId}`, as(owner));
    expect(list.body.pagination.total).toBe(before);

    // Audit: every allowed read and every refused write, by the executor.
    const log = await callJson(`/v1/life-beat/access-log?householdId=${hh.body.id}&limit=200`, as(owner));
    expect(log.status).toBe(200);
    expect(log.body.pagination.total).toBeGreaterThanOrEqual(reads);
    expect(log.body.entries.filter((e: any) => e.allowed).length).toBeGreaterThanOrEqual(reads);
    expect(log.body.entries.every((e: any) => e.userId === executor.id && e.spaceId === inside.spaceId)).toBe(true);
  });
});
