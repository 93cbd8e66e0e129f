/**
 * Repairing a Belvo connection whose bank wants its login again (the user changed the password): the new password
 * goes to the same Belvo link (PUT /api/links/{id}/), so the connection keeps its link, accounts and history, where
 * disconnecting and connecting again made new ones (QA 12-D). A password the bank refuses changes nothing.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addMember, call, callJson, createSpace, registerUser } from "../helpers";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { getConnection, openCredentials } from "../../src/modules/providers/connections";
import { app } from "../../src/app";
import { registerSandboxHandler } from "../../src/lib/outbound";
import { enqueueSync, runSyncJob } from "../../src/modules/providers/sync";
import { as, directServices, liveRows, ownerWithSpace, syncNow, waitForJob } from "./helpers";

async function sandbox(path: string, link: string) {
  const res = await call(`/sandbox/belvo/sandbox/links/${path}`, { body: { link } });
  expect(res.status).toBe(200);
}

describe("POST /v1/providers/belvo/repair", () => {
  it("gives the same link a new password: active again, a sync queued, no row twice, and the next generation imported", { timeout: 90_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const username = `ana.${crypto.randomUUID().slice(0, 8)}`;
    const linked = await callJson("/v1/providers/belvo/connect", { ...as(owner), body: { spaceId, institution: "banamex", username, password: "old-pw" } });
    expect(linked.status).toBe(201);
    expect((await waitForJob(linked.body.jobId)).status).toBe("completed");
    const connectionId: string = linked.body.connection.id;
    const { svc } = directServices();
    const linkId = (await getConnection(svc, connectionId))!.external_id!;
    const before = await liveRows(spaceId);
    expect(before.length).toBeGreaterThan(10);

    // The bank stops taking the login: the next sync leaves the connection waiting for it.
    await sandbox("invalidate", linkId);
    await syncNow(connectionId);
    expect((await getConnection(svc, connectionId))!.status).toBe("reauth_required");
    // Connecting the same login again is refused, and says how to repair it.
    const again = await callJson("/v1/providers/belvo/connect", { ...as(owner), body: { spaceId, institution: "banamex", username, password: "new-pw" } });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain("POST /v1/providers/belvo/repair");

    // A password the bank refuses: 422 with Belvo's code, and nothing changes.
    const refused = await callJson("/v1/providers/belvo/repair", { ...as(owner), body: { spaceId, connectionId, password: "invalid" } });
    expect([refused.status, refused.body.error.code, refused.body.error.details[0].code]).toEqual([422, "PROVIDER_ERROR", "login_error"]);
    let conn = (await getConnection(svc, connectionId))!;
    expect(conn.status).toBe("reauth_required");
    expect((await openCredentials<{ password: string }>(env, conn)).password).toBe("old-pw");

    const repaired = await callJson("/v1/providers/belvo/repair", { ...as(owner), body: { spaceId, connectionId, password: "new-pw" } });
    expect(repaired.status).toBe(200);
    expect(repaired.body.connection).toMatchObject({ id: connectionId, status: "active" });
    expect(JSON.stringify(repaired.body)).not.toContain("new-pw");
    expect((await waitForJob(repaired.body.jobId)).status).toBe("completed");
    conn = (await getConnection(svc, connectionId))!;
    expect([conn.status, conn.external_id]).toEqual(["active", linkId]); // the same link
    expect((await openCredentials<{ password: string; username: string }>(env, conn))).toMatchObject({ password: "new-pw", username });
    const after = await liveRows(spaceId);
    expect(after.map((r) => r.pid)).toEqual(before.map((r) => r.pid)); // nothing twice, nothing lost
    const accounts = await env.DB.prepare("SELECT COUNT(*) AS n FROM provider_accounts WHERE connection_id = ?").bind(connectionId).first<{ n: number }>();
    expect(accounts!.n).toBe(2);

    // And it syncs on: the bank's next day arrives.
    await sandbox("advance", linkId);
    await syncNow(connectionId);
    const later = await liveRows(spaceId);
    expect(new Set(later.map((r) => r.pid)).size).toBe(later.length);
    expect(later.length).toBeGreaterThan(after.length);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("is for a space's admins, on a Belvo connection of that space that is not disconnected", { timeout: 60_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const linked = await callJson("/v1/providers/belvo/connect", { ...as(owner), body: { spaceId, institution: "banamex", username: `luis.${crypto.randomUUID().slice(0, 8)}`, password: "pw" } });
    expect((await waitForJob(linked.body.jobId)).status).toBe("completed");
    const connectionId: string = linked.body.connection.id;
    const body = { spaceId, connectionId, password: "pw2" };

    const member = await registerUser();
    await addMember(owner, spaceId, member, "member");
    expect((await callJson("/v1/providers/belvo/repair", { ...as(member), body })).status).toBe(403);
    // Another admin, even the space's: the bank's answer would tell them whether a guess at the password is right.
    const admin = await registerUser();
    await addMember(owner, spaceId, admin, "admin");
    const other = await callJson("/v1/providers/belvo/repair", { ...as(admin), body: { ...body, password: "invalid" } });
    expect([other.status, other.body.error.code]).toEqual([403, "FORBIDDEN"]);
    const stranger = await registerUser();
    expect((await callJson("/v1/providers/belvo/repair", { ...as(stranger), body })).status).toBe(404);
    // The stranger's own space does not reach this space's connection either.
    const own = await createSpace(stranger);
    const foreign = await callJson("/v1/providers/belvo/repair", { ...as(stranger), body: { ...body, spaceId: own.id } });
    expect([foreign.status, foreign.body.error.code]).toEqual([404, "RESOURCE_NOT_FOUND"]);
    // Not a Belvo connection: a Plaid one of the same space.
    const plaid = await callJson("/v1/providers/plaid/exchange-token", { ...as(owner), body: { spaceId, publicToken: `public-sandbox-${crypto.randomUUID()}` } });
    expect((await callJson("/v1/providers/belvo/repair", { ...as(owner), body: { ...body, connectionId: plaid.body.connection.id } })).status).toBe(404);

    expect((await callJson(`/v1/providers/connections/${connectionId}`, { ...as(owner), method: "DELETE" })).status).toBe(200);
    const gone = await callJson("/v1/providers/belvo/repair", { ...as(owner), body });
    expect([gone.status, gone.body.error.details[0].code]).toEqual([422, "DISCONNECTED"]);
    const bad = await callJson("/v1/providers/belvo/repair", { ...as(owner), body: { spaceId, connectionId, password: "" } });
    expect(bad.status).toBe(422);
  });

  it("is not undone by a sync that was running with the old password: its refusal is retried with the new one", { timeout: 60_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const linked = await callJson("/v1/providers/belvo/connect", { ...as(owner), body: { spaceId, institution: "banamex", username: `eva.${crypto.randomUUID().slice(0, 8)}`, password: "old-pw" } });
    expect((await waitForJob(linked.body.jobId)).status).toBe("completed");
    const connectionId: string = linked.body.connection.id;
    const { svc, sent } = directServices();
    const linkId = (await getConnection(svc, connectionId))!.external_id!;
    await sandbox("invalidate", linkId);
    // A sync starts with the old password; while Belvo is still answering it, the user repairs the connection.
    // The attempt reads accounts and transactions at once: both carry the old password, and both are answered as the
    // bank answers it, once the repair is in.
    let repairedJob: string | null = null;
    let repairing: Promise<void> | null = null;
    let intercepted = 0;
    registerSandboxHandler(async (request, e) => {
      const path = new URL(request.url).pathname;
      if (intercepted < 2 && (path.endsWith("/api/accounts/") || path.endsWith("/api/transactions/"))) {
        intercepted++;
        repairing ??= (async () => {
          const repaired = await callJson("/v1/providers/belvo/repair", { ...as(owner), body: { spaceId, connectionId, password: "new-pw" } });
          if (repaired.status !== 200) throw new Error(`repair: ${repaired.status} ${JSON.stringify(repaired.body)}`);
          repairedJob = repaired.body.jobId;
        })();
        await repairing;
        return Response.json([{ code: "token_required", message: "A new login is required to access the institution" }], { status: 428 });
      }
      return app.fetch(request, e);
    });
    try {
      const conn = (await getConnection(svc, connectionId))!;
      const { jobId } = await enqueueSync(svc, conn, "manual");
      await runSyncJob(svc, { jobId, attempt: 1 });
      expect(repairedJob).toBe(jobId); // the repair found this sync running and named it
      // The refusal was of the old password: the connection stays active and the job is retried, not failed.
      expect((await getConnection(svc, connectionId))!.status).toBe("active");
      const job = await env.DB.prepare("SELECT status FROM jobs WHERE id = ?").bind(jobId).first<{ status: string }>();
      expect(job!.status).toBe("queued");
      const retry = sent.find((m) => m.body.jobId === jobId && m.body.attempt === 2);
      expect(retry).toBeDefined();
      await runSyncJob(svc, retry!.body);
      expect((await env.DB.prepare("SELECT status FROM jobs WHERE id = ?").bind(jobId).first<{ status: string }>())!.status).toBe("completed");
      expect((await getConnection(svc, connectionId))!.status).toBe("active");
      expect(await ledgerViolations(spaceId)).toEqual([]);
    } finally {
      registerSandboxHandler((request, e) => app.fetch(request, e));
    }
  });
});
