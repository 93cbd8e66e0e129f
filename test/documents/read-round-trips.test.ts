/**
 * One D1 round trip per authenticated read (issue 10) for an asset's documents: the session, the caller's
 * role in the asset's space and the documents in one batch. In s3 mode, the pending documents whose
 * objects have appeared in R2 become uploaded in one statement, however many (the list is one JSON
 * parameter), for the list and for the cleanup cron alike.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { cleanupPendingUploads, listDocuments } from "../../src/modules/documents/service";
import { STALE_UPLOAD_GRACE_MS } from "../../src/modules/documents/tombstones";
import { countingApp } from "../counting-app";
import { addMember, createSpace, registerUser } from "../helpers";
import { createAsset } from "../assets/helpers";
import { authOf, bytesOf, docRow, pendingDocs, put, svcAt, uploadUrl, WHOLE_PAGE } from "./helpers";

const S3_VARS = {
  R2_ACCOUNT_ID: "0123456789abcdef0123456789abcdef", R2_ACCESS_KEY_ID: "AKIDR2EXAMPLE0000000",
  R2_SECRET_ACCESS_KEY: "r2-secret-example-0123456789abcdef0123456789", R2_BUCKET_NAME: "dhanam-docs",
} as Partial<Env>;

/** env.DB, noting the SQL of every statement prepared and the batches sent. */
function watchedDb() {
  const prepared: string[] = [];
  let batches = 0;
  const db = new Proxy(env.DB, {
    get: (target, prop) => {
      if (prop === "prepare") return (sql: string) => (prepared.push(sql), target.prepare(sql));
      if (prop === "batch") return (stmts: D1PreparedStatement[]) => (batches++, target.batch(stmts));
      const v = Reflect.get(target, prop);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  return { db, updates: () => prepared.filter((s) => /^\s*UPDATE/i.test(s)).length, batches: () => batches };
}

describe("GET /v1/assets/{id}/documents in one round trip", () => {
  it("lists uploaded and pending documents in one round trip; a viewer sees the same, a stranger the asset's 404 in one round trip reading none of them", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const asset = await createAsset(u, space.id);
    const issued = (await uploadUrl(u, asset.id)).body;
    expect((await put(issued.uploadUrl, bytesOf(321), "application/pdf")).status).toBe(200);
    await pendingDocs(u, space.id, asset.id, 30, "worker", Date.now() + 600_000);
    const { get } = countingApp();

    const mine = await get(u, `/v1/assets/${asset.id}/documents`);
    expect(mine).toMatchObject({ status: 200, trips: 1 });
    expect(mine.body.documents).toHaveLength(31);
    const uploaded = mine.body.documents.find((d: { id: string }) => d.id === issued.documentId);
    expect(uploaded).toMatchObject({ status: "uploaded", size: 321, filename: "appraisal-2025.pdf", downloadUrl: expect.stringContaining("/v1/downloads/") });
    expect(mine.body.documents.filter((d: { status: string }) => d.status === "pending")).toHaveLength(30);
    expect(mine.rowsRead).toBeGreaterThanOrEqual(31);

    const viewer = await registerUser();
    await addMember(u, space.id, viewer, "viewer");
    const theirs = await get(viewer, `/v1/assets/${asset.id}/documents`);
    expect(theirs).toMatchObject({ status: 200, trips: 1 });
    expect(theirs.body.documents.map((d: { id: string }) => d.id)).toEqual(mine.body.documents.map((d: { id: string }) => d.id));

    const stranger = await registerUser();
    const refused = await get(stranger, `/v1/assets/${asset.id}/documents`);
    const none = await get(stranger, "/v1/assets/ast_01doesnotexist000000000000/documents");
    expect(refused).toMatchObject({ status: 404, trips: 1, body: { error: { code: "RESOURCE_NOT_FOUND", message: "Asset not found" } } });
    expect(refused.body.error).toMatchObject({ code: none.body.error.code, message: none.body.error.message });
    expect(JSON.stringify(refused.body)).not.toContain("deed");
    expect(refused.rowsRead).toBeLessThan(20); // the checks' handful, not the asset's 31 documents
  });

  it("s3 mode: 120 arrived uploads become uploaded in one UPDATE after the read's one batch; one over its cap is deleted and stays pending", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const asset = await createAsset(u, space.id);
    const docs = await pendingDocs(u, space.id, asset.id, 125, "s3", Date.now() + 600_000, 100);
    // 120 objects arrive, one of them over the 100-byte cap; 5 never do.
    await Promise.all(docs.slice(0, 120).map((d, i) => env.DOCS.put(d.key, new Uint8Array(i === 7 ? 101 : 10 + (i % 50)))));
    const watched = watchedDb();
    const svc = svcAt(Date.now(), { ...S3_VARS, DB: watched.db });

    const listed = (await listDocuments(svc, authOf(u), asset.id, WHOLE_PAGE, "http://api.test")).documents;
    expect(watched.batches()).toBe(1);
    expect(watched.updates()).toBe(1);
    const byId = new Map(listed.map((d) => [d.id, d]));
    docs.slice(0, 120).forEach((d, i) => {
      if (i === 7) return;
      expect(byId.get(d.id)).toMatchObject({ status: "uploaded", size: 10 + (i % 50), downloadUrl: expect.stringContaining("r2.cloudflarestorage.com") });
    });
    expect(byId.get(docs[7]!.id)).toMatchObject({ status: "pending", size: null, downloadUrl: null });
    expect(await env.DOCS.head(docs[7]!.key)).toBeNull();
    for (const d of docs.slice(120)) expect(byId.get(d.id)).toMatchObject({ status: "pending", size: null });
    // The rows say what the list said.
    expect(await docRow(docs[3]!.id)).toMatchObject({ status: "uploaded", size: 13 });
    expect(await docRow(docs[7]!.id)).toMatchObject({ status: "pending", size: null });
    const counts = await env.DB.prepare("SELECT status, COUNT(*) AS n FROM asset_documents WHERE asset_id = ? GROUP BY status ORDER BY status").bind(asset.id).all();
    expect(counts.results).toEqual([{ status: "pending", n: 6 }, { status: "uploaded", n: 119 }]);

    // Nothing new in R2: the next list writes nothing.
    const again = (await listDocuments(svc, authOf(u), asset.id, WHOLE_PAGE, "http://api.test")).documents;
    expect(watched.batches()).toBe(2);
    expect(watched.updates()).toBe(1);
    expect(again).toEqual(listed); // the same clock: the same presigned links
  });

  it("s3 mode cleanup: expired uploads whose objects arrived are kept as uploaded (one UPDATE), the rest removed", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const asset = await createAsset(u, space.id);
    // Past their expiry and the grace for a PUT still arriving.
    const docs = await pendingDocs(u, space.id, asset.id, 5, "s3", Date.now() - STALE_UPLOAD_GRACE_MS - 1000, 100);
    await env.DOCS.put(docs[0]!.key, new Uint8Array(40));
    await env.DOCS.put(docs[1]!.key, new Uint8Array(60));
    await env.DOCS.put(docs[2]!.key, new Uint8Array(101)); // over its cap
    const watched = watchedDb();
    const result = await cleanupPendingUploads(svcAt(Date.now(), { ...S3_VARS, DB: watched.db }));
    // The three that never arrived lose their rows, their keys tombstoned and swept in the same run.
    expect(result).toEqual({ removed: 3, completed: 2, tombstones: 3 });
    expect(watched.updates()).toBe(1);
    expect(await docRow(docs[0]!.id)).toMatchObject({ status: "uploaded", size: 40 });
    expect(await docRow(docs[1]!.id)).toMatchObject({ status: "uploaded", size: 60 });
    for (const d of docs.slice(2)) expect(await docRow(d.id)).toBeNull();
    expect(await env.DOCS.head(docs[2]!.key)).toBeNull();
    expect(await env.DOCS.head(docs[0]!.key)).not.toBeNull();
  });
});
