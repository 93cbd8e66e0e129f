/**
 * Deleting a space deletes its documents' files with it: the ledger stays for audit, the household's papers
 * do not. No link issued before the deletion works after it (an upload link is a 404, a download link too),
 * and an s3 upload URL R2 would still take leaves a tombstone until it has died.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createSpace, enableTwoFactor, registerUser } from "../helpers";
import { as, createAsset } from "../assets/helpers";
import { bytesOf, pathOf, put, uploadUrl } from "./helpers";

describe("a deleted space's documents", () => {
  it("are deleted from R2 with it, and the links issued before lead nowhere", async () => {
    const owner = await registerUser();
    const space = await createSpace(owner);
    const asset = await createAsset(owner, space.id);
    const done = (await uploadUrl(owner, asset.id)).body;
    expect((await put(done.uploadUrl, bytesOf(64), "application/pdf")).status).toBe(200);
    const pending = (await uploadUrl(owner, asset.id)).body;
    // An s3-mode document whose URL could still write (as issued with R2's S3 credentials).
    const s3Key = `spaces/${space.id}/assets/${asset.id}/doc_s3live0000000000000000`;
    await env.DB.prepare(
      "INSERT INTO asset_documents (id, space_id, asset_id, filename, content_type, status, max_bytes, r2_key, upload_mode, expires_at, created_by, created_at) VALUES ('doc_s3live0000000000000000', ?, ?, 's.pdf', 'application/pdf', 'pending', 700, ?, 's3', ?, ?, ?)",
    ).bind(space.id, asset.id, s3Key, Date.now() + 600_000, owner.id, Date.now()).run();
    const listed = await as(owner).get(`/v1/assets/${asset.id}/documents`);
    const download = listed.body.documents.find((d: { id: string }) => d.id === done.documentId).downloadUrl as string;
    expect((await call(pathOf(download))).status).toBe(200);

    await enableTwoFactor(owner);
    expect((await call(`/v1/spaces/${space.id}`, { method: "DELETE", token: owner.accessToken, ip: owner.ip })).status).toBe(204);

    expect((await env.DOCS.list({ prefix: `spaces/${space.id}/` })).objects).toEqual([]);
    const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM asset_documents WHERE space_id = ?").bind(space.id).first<{ n: number }>();
    expect(rows!.n).toBe(0);
    expect((await call(pathOf(download))).status).toBe(404);
    expect((await put(pending.uploadUrl, bytesOf(10), "application/pdf")).status).toBe(404);
    expect(await env.DOCS.head(`spaces/${space.id}/assets/${asset.id}/${pending.documentId}`)).toBeNull();
    const tombstones = await env.DB.prepare("SELECT r2_key, bytes FROM document_tombstones WHERE space_id = ?").bind(space.id).all();
    expect(tombstones.results).toEqual([{ r2_key: s3Key, bytes: 700 }]);
  });
});
