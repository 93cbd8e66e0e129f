/**
 * A worker-signed upload streaming when its space is deleted. Its claim's renewal found no row and answered as if a
 * later PUT of the link had taken it over: 409 TOKEN_ALREADY_USED "This upload link has already been used". The
 * module's rule is that a document gone (deleted, or its space) is a 404 to anyone: the renewal that finds it gone
 * says so, and nothing of the upload stays in R2.
 */
import { exports } from "cloudflare:workers";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createSpace, enableTwoFactor, eventually, registerUser } from "../helpers";
import { as, createAsset } from "../assets/helpers";
import { docRow, pathOf, uploadUrl } from "./helpers";

/** A request body the test feeds chunk by chunk. */
function feeder() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  return { body, push: (text: string) => controller.enqueue(new TextEncoder().encode(text)), end: () => controller.close() };
}

describe("an upload streaming when its space is deleted", () => {
  for (const what of ["space", "document"] as const) {
    it(`is the document's 404 when its ${what} is deleted, and leaves nothing in R2`, { timeout: 60_000 }, async () => {
      const owner = await registerUser();
      const space = await createSpace(owner);
      const asset = await createAsset(owner, space.id);
      await enableTwoFactor(owner);
      const issued = (await uploadUrl(owner, asset.id, { filename: "deed.txt", contentType: "text/plain" })).body;
      const body = feeder();
      const put = exports.default.fetch(new Request(`http://api.test${pathOf(issued.uploadUrl)}`, {
        method: "PUT", headers: { "content-type": "text/plain", "cf-connecting-ip": "192.0.2.1" }, body: body.body, duplex: "half",
      } as RequestInit));
      body.push("the first page of the deed; ");
      await eventually(async () => (await docRow(issued.documentId))?.status === "uploading");

      const gone = what === "space"
        ? await call(`/v1/spaces/${space.id}`, { method: "DELETE", token: owner.accessToken, ip: owner.ip })
        : await call(`/v1/assets/${asset.id}/documents/${issued.documentId}`, { method: "DELETE", token: owner.accessToken, ip: owner.ip });
      expect(gone.status).toBe(204);
      await new Promise((r) => setTimeout(r, 5));
      body.push("the last page.");
      body.end();

      const res = await put;
      const answer = (await res.json()) as any;
      expect({ status: res.status, code: answer.error?.code, message: answer.error?.message })
        .toEqual({ status: 404, code: "RESOURCE_NOT_FOUND", message: "Document not found" });
      expect(await docRow(issued.documentId)).toBeNull();
      await eventually(async () => (await env.DOCS.list({ prefix: `spaces/${space.id}/` })).objects.length === 0);
      if (what === "document") expect((await as(owner).get(`/v1/assets/${asset.id}/documents`)).body.documents).toEqual([]);
    });
  }
});
