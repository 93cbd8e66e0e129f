/**
 * Deleting an asset: its documents' objects leave R2, every link issued before (a download of a stored file, an
 * upload not yet made) leads nowhere, the asset and its valuations are a 404 by every route, a second DELETE is the
 * 404, and a valuation refresh queued before finds nothing to do.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runValuationRefresh } from "../../src/modules/assets/refresh";
import { call, createSpace, registerUser } from "../helpers";
import { as, createAsset } from "../assets/helpers";
import { bytesOf, pathOf, put, svcAt, uploadUrl } from "../documents/helpers";

describe("a deleted asset", () => {
  it("leaves nothing reachable, in R2 or by a link issued before", { timeout: 60_000 }, async () => {
    const owner = await registerUser();
    const space = await createSpace(owner);
    const asset = await createAsset(owner, space.id);
    const a = as(owner);
    const stored = (await uploadUrl(owner, asset.id)).body;
    expect((await put(stored.uploadUrl, bytesOf(64), "application/pdf")).status).toBe(200);
    const pending = (await uploadUrl(owner, asset.id, { filename: "later.pdf" })).body;
    const download = (await a.get(`/v1/assets/${asset.id}/documents`)).body.documents.find((d: { id: string }) => d.id === stored.documentId).downloadUrl as string;
    expect((await a.post(`/v1/assets/${asset.id}/valuations`, { value: "1234.00", date: "2026-11-01" })).status).toBe(201);

    expect((await a.del(`/v1/assets/${asset.id}`)).status).toBe(204);
    const prefix = `spaces/${space.id}/assets/${asset.id}/`;
    expect((await env.DOCS.list({ prefix })).objects).toEqual([]);
    expect((await call(pathOf(download))).status).toBe(404);
    expect((await put(pending.uploadUrl, bytesOf(10), "application/pdf")).status).toBe(404);
    expect((await env.DOCS.list({ prefix })).objects).toEqual([]);
    for (const path of [`/v1/assets/${asset.id}`, `/v1/assets/${asset.id}/valuations`, `/v1/assets/${asset.id}/documents`]) {
      expect((await a.get(path)).status, path).toBe(404);
    }
    expect((await a.del(`/v1/assets/${asset.id}`)).status).toBe(404);
    const left = await env.DB.prepare("SELECT (SELECT COUNT(*) FROM asset_valuations WHERE asset_id = ?1) + (SELECT COUNT(*) FROM asset_documents WHERE asset_id = ?1) AS n").bind(asset.id).first<{ n: number }>();
    expect(left!.n).toBe(0);
    // A refresh queued before the deletion does nothing (and does not throw, so it is not retried).
    await runValuationRefresh(svcAt(Date.now()), asset.id, "2026-11-30");
  });
});
