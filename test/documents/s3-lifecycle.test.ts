/**
 * s3 mode's accounting: R2 tells this API nothing when a presigned PUT lands and cannot revoke a URL, so
 * an s3 upload's reservation counts until the cleanup cron has looked for its object, a document deleted
 * while its URL could still write leaves a tombstone (its key and bytes) until the URL has died, and a
 * space holds at most MAX_PENDING_UPLOADS pending uploads (each an R2 request when its asset is listed).
 * What R2 stores for a presigned PUT is simulated with the DOCS binding.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/lib/errors";
import { cleanupPendingUploads, deleteDocument, issueUploadUrl, listDocuments, MAX_PENDING_UPLOADS, spaceUsage } from "../../src/modules/documents/service";
import { STALE_UPLOAD_GRACE_MS } from "../../src/modules/documents/tombstones";
import { createSpace, registerUser } from "../helpers";
import { as, createAsset } from "../assets/helpers";
import { authOf, bytesOf, put, svcAt, uploadUrl, WHOLE_PAGE } from "./helpers";

const S3_VARS = {
  R2_ACCOUNT_ID: "0123456789abcdef0123456789abcdef", R2_ACCESS_KEY_ID: "AKIDR2EXAMPLE0000000", R2_SECRET_ACCESS_KEY: "r2-secret-example-0123456789abcdef0123456789",
  R2_BUCKET_NAME: "dhanam-docs", DOCUMENT_SPACE_QUOTA_BYTES: "1000", DOCUMENT_MAX_BYTES: "1000",
} as Partial<Env>;
const TTL = 15 * 60_000;

async function setup() {
  const u = await registerUser();
  const space = await createSpace(u);
  const asset = await createAsset(u, space.id);
  const issue = (at: number, size = 1000) =>
    issueUploadUrl(svcAt(at, S3_VARS), authOf(u), asset.id, { filename: "deed.pdf", contentType: "application/pdf", size }, "http://api.test");
  const keyOf = (docId: string) => `spaces/${space.id}/assets/${asset.id}/${docId}`;
  const usage = (at: number) => spaceUsage(svcAt(at, S3_VARS), space.id);
  const tombstones = async () =>
    (await env.DB.prepare("SELECT r2_key, bytes FROM document_tombstones WHERE space_id = ?").bind(space.id).all<{ r2_key: string; bytes: number }>()).results;
  return { u, space, asset, issue, keyOf, usage, tombstones };
}

const refusal = (p: Promise<unknown>) => p.then(() => null, (e: ApiError) => ({ status: e.status, code: e.details[0]?.code ?? e.code }));

describe("s3 mode: what R2 may still hold is counted and removed", () => {
  it("a document deleted while its URL could still write keeps its key and bytes until the URL has died", async () => {
    const s = await setup();
    const t0 = Date.now();
    const issued = await s.issue(t0);
    expect(issued.mode).toBe("s3");
    await deleteDocument(svcAt(t0 + 1000, S3_VARS), authOf(s.u), s.asset.id, issued.documentId);
    expect(await s.tombstones()).toEqual([{ r2_key: s.keyOf(issued.documentId), bytes: 1000 }]);
    // The URL still works at R2 (its If-None-Match: * passes, the object being gone): the bytes it may write still count.
    await env.DOCS.put(s.keyOf(issued.documentId), bytesOf(1000));
    expect(await s.usage(t0 + 2000)).toBe(1000);
    expect(await refusal(s.issue(t0 + 2000))).toEqual({ status: 422, code: "QUOTA_EXCEEDED" });
    expect((await listDocuments(svcAt(t0 + 2000, S3_VARS), authOf(s.u), s.asset.id, WHOLE_PAGE, "http://api.test")).documents).toEqual([]);
    // Before the URL has died (its expiry, plus the grace for a PUT under way), the cron leaves it.
    await cleanupPendingUploads(svcAt(t0 + TTL + STALE_UPLOAD_GRACE_MS - 1000, S3_VARS));
    expect(await env.DOCS.head(s.keyOf(issued.documentId))).not.toBeNull();
    // After, it deletes the object and the tombstone, and the quota is free again.
    const after = t0 + TTL + STALE_UPLOAD_GRACE_MS + 1000;
    expect((await cleanupPendingUploads(svcAt(after, S3_VARS))).tombstones).toBe(1);
    expect(await env.DOCS.head(s.keyOf(issued.documentId))).toBeNull();
    expect(await s.tombstones()).toEqual([]);
    expect(await s.usage(after)).toBe(0);
  });

  it("deleting an asset leaves tombstones for its documents whose URLs could still write, and none for the rest", async () => {
    const s = await setup();
    const t0 = Date.now() - TTL - STALE_UPLOAD_GRACE_MS - 60_000;
    const old = await s.issue(t0, 300); // its URL is long dead
    await env.DOCS.put(s.keyOf(old.documentId), bytesOf(300));
    const live = await s.issue(Date.now(), 400);
    const res = await as(s.u).del(`/v1/assets/${s.asset.id}`);
    expect(res.status).toBe(204);
    expect(await s.tombstones()).toEqual([{ r2_key: s.keyOf(live.documentId), bytes: 400 }]);
    expect(await env.DOCS.head(s.keyOf(old.documentId))).toBeNull();
    expect(await s.usage(Date.now())).toBe(400);
  });

  it("a document deleted after its URL died leaves no tombstone", async () => {
    const s = await setup();
    const t0 = Date.now();
    const issued = await s.issue(t0, 500);
    await env.DOCS.put(s.keyOf(issued.documentId), bytesOf(500));
    const later = t0 + TTL + STALE_UPLOAD_GRACE_MS + 1000;
    await deleteDocument(svcAt(later, S3_VARS), authOf(s.u), s.asset.id, issued.documentId);
    expect(await s.tombstones()).toEqual([]);
    expect(await s.usage(later)).toBe(0);
  });

  it("an s3 reservation counts past its expiry until the cron has looked for its object: kept if it arrived, released if not", async () => {
    const s = await setup();
    const t0 = Date.now();
    const arrived = await s.issue(t0, 600);
    await env.DOCS.put(s.keyOf(arrived.documentId), bytesOf(600)); // the browser PUT it in time
    const abandoned = await s.issue(t0, 400);
    // Expired, but R2 may hold (or still be receiving) their bytes: no new reservation slips in.
    const expired = t0 + TTL + 60_000;
    expect(await s.usage(expired)).toBe(1000);
    // (The refusal looked for arrivals: the one that arrived is uploaded now, its 600 bytes still counted.)
    expect(await refusal(s.issue(expired, 1))).toEqual({ status: 422, code: "QUOTA_EXCEEDED" });
    // The cron within the grace leaves the other; after it, it is released.
    expect(await cleanupPendingUploads(svcAt(expired, S3_VARS))).toMatchObject({ removed: 0, completed: 0 });
    const after = t0 + TTL + STALE_UPLOAD_GRACE_MS + 1000;
    expect(await cleanupPendingUploads(svcAt(after, S3_VARS))).toMatchObject({ removed: 1, completed: 0 });
    expect(await s.usage(after)).toBe(600);
    const docs = (await listDocuments(svcAt(after, S3_VARS), authOf(s.u), s.asset.id, WHOLE_PAGE, "http://api.test")).documents;
    expect(docs.map((d) => [d.id, d.status, d.size])).toEqual([[arrived.documentId, "uploaded", 600]]);
    expect(abandoned.documentId).not.toBe(arrived.documentId);
  });

  it(`holds at most ${MAX_PENDING_UPLOADS} pending uploads in a space; an expired worker-mode one stops counting`, async () => {
    const s = await setup();
    const t0 = Date.now();
    const vars = { ...S3_VARS, DOCUMENT_SPACE_QUOTA_BYTES: "100000" } as Partial<Env>;
    const issue = (at: number, size?: number) =>
      issueUploadUrl(svcAt(at, vars), authOf(s.u), s.asset.id, { filename: "r.pdf", contentType: "application/pdf", ...(size === undefined ? {} : { size }) }, "http://api.test");
    // One worker-mode upload (no size), then s3 ones up to the limit.
    expect((await issue(t0)).mode).toBe("worker");
    for (let i = 1; i < MAX_PENDING_UPLOADS; i++) expect((await issue(t0, 10)).mode).toBe("s3");
    expect(await refusal(issue(t0, 10))).toEqual({ status: 422, code: "LIMIT_REACHED" });
    // The worker-mode link has expired: its place is free. The s3 ones still count (the cron has not looked).
    expect((await issue(t0 + TTL + 1000, 10)).mode).toBe("s3");
    expect(await refusal(issue(t0 + TTL + 1000, 10))).toEqual({ status: 422, code: "LIMIT_REACHED" });
    // Through the API the same: a 422 naming the limit.
    const res = await as(s.u).post(`/v1/assets/${s.asset.id}/documents/upload-url`, { filename: "r.pdf", contentType: "application/pdf", size: 10 });
    expect(res.status).toBe(422);
    expect(res.body.error.details[0].code).toBe("LIMIT_REACHED");
  });
});

describe("uploads that landed unnoticed", () => {
  it("are looked for when the pending limit refuses a link: arrived ones no longer count as pending", async () => {
    const s = await setup();
    const t0 = Date.now();
    const vars = { ...S3_VARS, DOCUMENT_SPACE_QUOTA_BYTES: "100000" } as Partial<Env>;
    const issue = () => issueUploadUrl(svcAt(t0, vars), authOf(s.u), s.asset.id, { filename: "r.pdf", contentType: "application/pdf", size: 10 }, "http://api.test");
    for (let i = 0; i < MAX_PENDING_UPLOADS; i++) {
      const issued = await issue();
      await env.DOCS.put(s.keyOf(issued.documentId), bytesOf(10)); // the browser's PUT, which R2 does not report
    }
    // No listing, no cron: the 51st link is issued all the same, and the 50 are uploaded.
    expect((await issue()).mode).toBe("s3");
    const counts = await env.DB.prepare("SELECT status, COUNT(*) AS n FROM asset_documents WHERE asset_id = ? GROUP BY status ORDER BY status").bind(s.asset.id).all();
    expect(counts.results).toEqual([{ status: "pending", n: 1 }, { status: "uploaded", n: MAX_PENDING_UPLOADS }]);
  });
});

describe("removals that R2 or a race could leave behind", () => {
  it("counts a deleted s3 upload whose URL may still write as pending: deleting cannot make room past the limit", async () => {
    const s = await setup();
    const t0 = Date.now();
    const vars = { ...S3_VARS, DOCUMENT_SPACE_QUOTA_BYTES: "100000" } as Partial<Env>;
    for (let i = 0; i < MAX_PENDING_UPLOADS; i++) {
      const issued = await issueUploadUrl(svcAt(t0, vars), authOf(s.u), s.asset.id, { filename: "r.pdf", contentType: "application/pdf", size: 1 }, "http://api.test");
      await deleteDocument(svcAt(t0, vars), authOf(s.u), s.asset.id, issued.documentId);
    }
    expect((await s.tombstones()).length).toBe(MAX_PENDING_UPLOADS);
    const next = issueUploadUrl(svcAt(t0, vars), authOf(s.u), s.asset.id, { filename: "r.pdf", contentType: "application/pdf", size: 1 }, "http://api.test");
    expect(await refusal(next)).toEqual({ status: 422, code: "LIMIT_REACHED" });
    // Once those URLs have died they count no more, and the cron deletes their keys.
    const later = t0 + TTL + STALE_UPLOAD_GRACE_MS + 1000;
    expect((await issueUploadUrl(svcAt(later, vars), authOf(s.u), s.asset.id, { filename: "r.pdf", contentType: "application/pdf", size: 1 }, "http://api.test")).mode).toBe("s3");
    expect(await s.tombstones()).toHaveLength(MAX_PENDING_UPLOADS);
    // (The sweep is of every space: other tests' tombstones may be due too.)
    expect((await cleanupPendingUploads(svcAt(later, vars))).tombstones).toBeGreaterThanOrEqual(MAX_PENDING_UPLOADS);
    expect(await s.tombstones()).toEqual([]);
  });

  it("removes every expired worker link in one run, and still looks at the s3 uploads behind them", async () => {
    const s = await setup();
    const past = Date.now() - TTL - STALE_UPLOAD_GRACE_MS - 60_000;
    await env.DB.batch(Array.from({ length: 350 }, (_, i) => env.DB.prepare(
      "INSERT INTO asset_documents (id, space_id, asset_id, filename, content_type, status, max_bytes, r2_key, upload_mode, expires_at, created_by, created_at) VALUES (?, ?, ?, 'x.pdf', 'application/pdf', 'pending', 10, ?, 'worker', ?, ?, ?)",
    ).bind(`doc_link${i}`, s.space.id, s.asset.id, `spaces/${s.space.id}/assets/${s.asset.id}/doc_link${i}`, past - i, s.u.id, past)));
    const victim = await s.issue(past + 1000, 1000); // an s3 reservation, expired past its grace, never arrived
    const result = await cleanupPendingUploads(svcAt(Date.now(), S3_VARS));
    expect(result.removed).toBeGreaterThanOrEqual(351);
    const left = await env.DB.prepare("SELECT COUNT(*) AS n FROM asset_documents WHERE asset_id = ?").bind(s.asset.id).first<{ n: number }>();
    expect(left!.n).toBe(0);
    expect(await s.usage(Date.now())).toBe(0);
    expect(victim.mode).toBe("s3");
  });

  it("keeps a tombstone when R2 fails the delete, and the cron deletes the object later", async () => {
    const s = await setup();
    const issued = (await uploadUrl(s.u, s.asset.id, { size: 64 })).body;
    expect((await put(issued.uploadUrl, bytesOf(64), "application/pdf")).status).toBe(200);
    const failing = { ...env.DOCS, delete: async () => { throw new Error("R2 unavailable"); } } as unknown as R2Bucket;
    await deleteDocument(svcAt(Date.now(), { DOCS: failing }), authOf(s.u), s.asset.id, issued.documentId);
    expect(await env.DOCS.head(s.keyOf(issued.documentId))).not.toBeNull();
    expect(await s.tombstones()).toEqual([{ r2_key: s.keyOf(issued.documentId), bytes: 0 }]);
    await cleanupPendingUploads(svcAt(Date.now() + 1000));
    expect(await env.DOCS.head(s.keyOf(issued.documentId))).toBeNull();
    expect(await s.tombstones()).toEqual([]);
  });

  it("issues no link for an asset deleted after it was read (the row would count and could not be removed)", async () => {
    const s = await setup();
    // The asset goes between the access check and the reservation's insert.
    const db = new Proxy(env.DB, {
      get(target, prop) {
        if (prop !== "prepare") return Reflect.get(target, prop).bind?.(target) ?? Reflect.get(target, prop);
        return (sql: string) => {
          const st = target.prepare(sql);
          if (!sql.startsWith("INSERT INTO asset_documents")) return st;
          return { bind: (...args: unknown[]) => ({ run: async () => {
            await target.prepare("DELETE FROM manual_assets WHERE id = ?").bind(s.asset.id).run();
            return st.bind(...args).run();
          } }) };
        };
      },
    }) as D1Database;
    const issue = issueUploadUrl(svcAt(Date.now(), { DB: db }), authOf(s.u), s.asset.id, { filename: "a.pdf", contentType: "application/pdf" }, "http://api.test");
    expect(await refusal(issue)).toEqual({ status: 404, code: "RESOURCE_NOT_FOUND" });
    const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM asset_documents WHERE asset_id = ?").bind(s.asset.id).first<{ n: number }>();
    expect(rows!.n).toBe(0);
  });

  it("refuses an empty body: a document has at least one byte", async () => {
    const s = await setup();
    const issued = (await uploadUrl(s.u, s.asset.id, { size: 64 })).body;
    expect((await put(issued.uploadUrl, new Uint8Array(0), "application/pdf")).status).toBe(400);
    expect((await put(issued.uploadUrl, bytesOf(64), "application/pdf")).status).toBe(200);
  });
});
