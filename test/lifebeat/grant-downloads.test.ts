/**
 * A document link listed through a Life Beat grant is a use of the grant like any read: each download is in
 * the owner's audit log (under the document it served, never the link), and a grant the owner's return has
 * ended serves nothing, with no cron in between. (Downloads were served on the grant's row alone: never
 * audited, and an escalation grant's links kept working after the owner came back, until the hourly cron.)
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { listDocuments } from "../../src/modules/documents/service";
import { call, callJson } from "../helpers";
import { createAsset } from "../assets/helpers";
import { authOf, pathOf, put, svcAt, uploadUrl, WHOLE_PAGE } from "../documents/helpers";
import { as, configure, cron, DAY, HOUR, householdWorld, levelOf, MIN, relogin, sim } from "./helpers";

afterEach(() => vi.useRealTimers());

const pdf = (text: string) => new TextEncoder().encode(`%PDF-1.4 ${text}`);

async function worldWithDocument() {
  const w = await householdWorld();
  const asset = await createAsset(w.owner, w.spaceIds[0]!);
  const link = (await uploadUrl(w.owner, asset.id)).body;
  const file = pdf("the will");
  expect((await put(link.uploadUrl, file, "application/pdf")).status).toBe(200);
  return { w, asset, documentId: link.documentId as string, file };
}

const executorLink = async (w: Awaited<ReturnType<typeof householdWorld>>, assetId: string): Promise<string> => {
  const listed = await callJson(`/v1/assets/${assetId}/documents`, as(w.executor));
  expect(listed.status).toBe(200);
  return listed.body.documents[0].downloadUrl;
};

const accessLog = async (w: Awaited<ReturnType<typeof householdWorld>>) => {
  const log = await callJson(`/v1/life-beat/access-log?householdId=${w.householdId}&limit=200`, as(w.owner));
  expect(log.status).toBe(200);
  return log.body.entries as { userId: string; spaceId: string; method: string; path: string; allowed: boolean }[];
};

describe("Life Beat: document downloads through a grant", () => {
  it("are audited, one entry a download, naming the document and never the link", async () => {
    const { w, asset, documentId, file } = await worldWithDocument();
    const grant = await callJson("/v1/life-beat/emergency-access", {
      ...as(w.owner),
      body: { householdId: w.householdId, executorId: w.executorId, accessLevel: "read-only", expiresAt: new Date(Date.now() + DAY).toISOString() },
    });
    expect(grant.status).toBe(201);
    const url = await executorLink(w, asset.id);
    const before = await accessLog(w);

    for (let i = 0; i < 2; i++) {
      const dl = await call(pathOf(url));
      expect(dl.status).toBe(200);
      expect(new Uint8Array(await dl.arrayBuffer())).toEqual(file);
    }
    const after = await accessLog(w);
    const downloads = after.filter((e) => e.path === `/v1/assets/${asset.id}/documents/${documentId}`);
    expect(after.length - before.length).toBe(2);
    expect(downloads).toHaveLength(2);
    for (const e of downloads) expect(e).toMatchObject({ userId: w.executor.id, spaceId: w.spaceIds[0], method: "GET", allowed: true });
    expect(after.some((e) => e.path.includes("/downloads/"))).toBe(false);

    // A HEAD on the link reads no bytes: logged as a HEAD, not as a third download.
    const head = await call(pathOf(url), { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(file.length));
    const probed = await accessLog(w);
    expect(probed.length - after.length).toBe(1);
    expect(probed[0]).toMatchObject({ userId: w.executor.id, method: "HEAD", path: `/v1/assets/${asset.id}/documents/${documentId}` });

    // The owner's own downloads are no grant's use: nothing more is logged.
    const ownerUrl = (await callJson(`/v1/assets/${asset.id}/documents`, as(w.owner))).body.documents[0].downloadUrl;
    expect((await call(pathOf(ownerUrl))).status).toBe(200);
    expect(await accessLog(w)).toHaveLength(probed.length);
  });

  it("are the Worker's links, audited, where R2 presigned URLs are configured (R2 alone would serve those)", async () => {
    const { w, asset, documentId, file } = await worldWithDocument();
    const grant = await callJson("/v1/life-beat/emergency-access", {
      ...as(w.owner),
      body: { householdId: w.householdId, executorId: w.executorId, accessLevel: "read-only", expiresAt: new Date(Date.now() + DAY).toISOString() },
    });
    expect(grant.status).toBe(201);
    const s3 = svcAt(Date.now(), { R2_ACCOUNT_ID: "0123456789abcdef0123456789abcdef", R2_ACCESS_KEY_ID: "AKIDR2EXAMPLE0000000", R2_SECRET_ACCESS_KEY: "r2-secret-example-0123456789abcdef0123456789", R2_BUCKET_NAME: "dhanam-docs" } as Partial<Env>);
    const listing = (u: typeof w.owner) => listDocuments(s3, { ...authOf(u), request: { method: "GET", path: `/v1/assets/${asset.id}/documents` } }, asset.id, WHOLE_PAGE, "http://api.test");
    // The owner's link is R2's; the executor's is the Worker's, and serves the file with an audit row.
    expect(new URL((await listing(w.owner)).documents[0]!.downloadUrl!).host).toBe("0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com");
    const url = (await listing(w.executor)).documents[0]!.downloadUrl!;
    expect(url).toMatch(/^http:\/\/api\.test\/v1\/downloads\//);
    const before = (await accessLog(w)).length;
    const dl = await call(pathOf(url));
    expect(dl.status).toBe(200);
    expect(new Uint8Array(await dl.arrayBuffer())).toEqual(file);
    const after = await accessLog(w);
    expect(after.length - before).toBe(1);
    expect(after.filter((e) => e.path === `/v1/assets/${asset.id}/documents/${documentId}`)).toHaveLength(1);
  });

  it("are bound to the grant they were listed under: one from an ended grant stays dead under a later grant, whose own links work", async () => {
    const { w, asset, documentId, file } = await worldWithDocument();
    const grantNow = () => callJson("/v1/life-beat/emergency-access", {
      ...as(w.owner),
      body: { householdId: w.householdId, executorId: w.executorId, accessLevel: "read-only", expiresAt: new Date(Date.now() + DAY).toISOString() },
    });
    expect((await grantNow()).status).toBe(201);
    const oldUrl = await executorLink(w, asset.id);
    expect((await call(pathOf(oldUrl))).status).toBe(200);

    // The owner checks in: the grant ends, and its link with it.
    expect((await callJson("/v1/life-beat/check-in", { ...as(w.owner), body: { householdId: w.householdId } })).status).toBe(200);
    const ended = await call(pathOf(oldUrl));
    expect(ended.status).toBe(403);
    expect(((await ended.json()) as { error: { code: string } }).error.code).toBe("TOKEN_INVALID");

    // A new grant, while the old link is still within its minutes: the old link stays dead, the new one works.
    expect((await grantNow()).status).toBe(201);
    const again = await call(pathOf(oldUrl));
    expect(again.status).toBe(403);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe("TOKEN_INVALID");
    const downloads = async () => (await accessLog(w)).filter((e) => e.path === `/v1/assets/${asset.id}/documents/${documentId}`);
    // The first link's one download is audited; its refused uses served nothing and are no grant's use.
    expect(await downloads()).toHaveLength(1);
    const newUrl = await executorLink(w, asset.id);
    expect(newUrl).not.toBe(oldUrl);
    const dl = await call(pathOf(newUrl));
    expect(dl.status).toBe(200);
    expect(new Uint8Array(await dl.arrayBuffer())).toEqual(file);
    expect(await downloads()).toHaveLength(2);

    // A member's link is no grant's: it keeps working across the executor's grants.
    const ownerUrl = (await callJson(`/v1/assets/${asset.id}/documents`, as(w.owner))).body.documents[0].downloadUrl;
    expect((await call(pathOf(ownerUrl))).status).toBe(200);
    expect((await callJson("/v1/life-beat/check-in", { ...as(w.owner), body: { householdId: w.householdId } })).status).toBe(200);
    expect((await call(pathOf(ownerUrl))).status).toBe(200);
    expect((await call(pathOf(newUrl))).status).toBe(403);
  });

  it("stop at once when the owner's return ends an escalation grant, before any cron", { timeout: 120_000 }, async () => {
    const t0 = Math.ceil(Date.now() / HOUR) * HOUR + 7 * MIN;
    sim.set(t0);
    const { w, asset } = await worldWithDocument();
    await configure(w, { enabled: true, checkInInterval: "weekly", escalationDays: [1], notificationChannels: ["email"], executorId: w.executorId });
    const fired = t0 + 8 * DAY + HOUR;
    sim.set(fired);
    await cron(fired);
    expect(await levelOf(w.householdId)).toBe(1);
    await relogin(w.executor);
    const url = await executorLink(w, asset.id);
    expect((await call(pathOf(url))).status).toBe(200);

    // The owner uses the app; no cron runs; the link is still within its five minutes.
    sim.set(fired + MIN);
    await relogin(w.owner);
    expect((await callJson("/v1/spaces", as(w.owner))).status).toBe(200);
    sim.set(fired + 2 * MIN);
    const refused = await call(pathOf(url));
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("TOKEN_INVALID");
    expect(await levelOf(w.householdId)).toBe(0);
  });
});
