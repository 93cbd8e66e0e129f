import { createRoute, z } from "@hono/zod-openapi";
import { access, bearer, createRouter, errors, json, jsonBody } from "../../lib/openapi";
import { guards } from "../../middleware/auth";
import { AssetIdParam, PageQuery } from "../assets/schemas";
import { discardBody } from "../../lib/discard-body";
import { ALLOWED_CONTENT_TYPES, documentConfig } from "./config";
import { DocumentListSchema, DocumentParams, TokenParam, UploadResultSchema, UploadUrlBody, UploadUrlSchema } from "./schemas";
import * as documents from "./service";

/** Asset documents: mounted at /v1/assets. */
export const documentRoutes = createRouter();
const tags = ["Documents"];
const user = { middleware: guards.user, security: bearer };
const origin = (url: string) => new URL(url).origin;

documentRoutes.openapi(
  createRoute({
    ...access("member"), ...user, method: "post", path: "/{assetId}/documents/upload-url", tags,
    summary: "A short-lived URL the browser PUTs the file to (worker-signed, or a presigned R2 URL when R2 S3 credentials are configured)",
    request: { params: AssetIdParam, body: jsonBody(UploadUrlBody) },
    responses: { 201: json(UploadUrlSchema, "Upload URL issued; the document is pending until the bytes land"), ...errors(401, 403, 404, 422, 429) },
  }),
  async (c) => c.json(await documents.issueUploadUrl(c.get("services"), c.get("auth"), c.req.valid("param").assetId, c.req.valid("json"), origin(c.req.url)), 201),
);

documentRoutes.openapi(
  createRoute({
    ...access("viewer"), ...user, method: "get", path: "/{assetId}/documents", tags, summary: "Documents of an asset, newest first, with sizes and short-lived download URLs",
    request: { params: AssetIdParam, query: PageQuery },
    responses: { 200: json(DocumentListSchema, "Documents"), ...errors(401, 404, 422, 429) },
  }),
  async (c) => c.json(await documents.listDocuments(c.get("services"), c.get("auth"), c.req.valid("param").assetId, c.req.valid("query"), origin(c.req.url)), 200),
);

documentRoutes.openapi(
  createRoute({
    ...access("member"), ...user, method: "delete", path: "/{assetId}/documents/{documentId}", tags, summary: "Delete a document and its R2 object",
    request: { params: DocumentParams },
    responses: { 204: { description: "Deleted" }, ...errors(401, 403, 404, 422, 429) },
  }),
  async (c) => {
    const p = c.req.valid("param");
    await documents.deleteDocument(c.get("services"), c.get("auth"), p.assetId, p.documentId);
    return c.body(null, 204);
  },
);

/** Signed transfer URLs: mounted at /v1. The token is the credential; no bearer token. */
export const transferRoutes = createRouter();

// A refused upload (expired, reused, wrong type, over its cap, ...) is answered without reading all of its bytes;
// read the rest anyway (up to the largest file allowed) so that the client's connection stays usable for its next request.
transferRoutes.use("/uploads/*", async (c, next) => {
  await next();
  if (c.res.status >= 400) await discardBody(c.req.raw, documentConfig(c.env).maxFileBytes);
});

transferRoutes.openapi(
  createRoute({
    method: "put", path: "/uploads/{token}", tags, summary: "Upload a document's bytes to a worker-signed URL (once, before it expires)",
    description: `The body is the file, with the Content-Type the URL was issued for (${ALLOWED_CONTENT_TYPES.join(", ")}). It streams into R2; past the URL's byte cap the answer is 413 and nothing is stored.`,
    request: {
      params: TokenParam,
      body: { required: true, content: Object.fromEntries(ALLOWED_CONTENT_TYPES.map((t) => [t, { schema: z.string().openapi({ format: "binary" }) }])) },
    },
    responses: {
      200: json(UploadResultSchema, "Stored"),
      ...errors(400, 403, 404, 409, 410, 413, 415, 422),
    },
  }),
  async (c) => c.json(await documents.receiveUpload(c.get("services"), c.req.valid("param").token, c.req.raw), 200),
);

transferRoutes.openapi(
  createRoute({
    method: "get", path: "/downloads/{token}", tags, summary: "Download a document through a short-lived signed URL",
    request: { params: TokenParam },
    responses: {
      200: { description: "The file, as an attachment", content: Object.fromEntries(ALLOWED_CONTENT_TYPES.map((t) => [t, { schema: z.string().openapi({ format: "binary" }) }])) },
      ...errors(403, 404, 410, 422),
    },
  }),
  (c) => documents.serveDownload(c.get("services"), c.req.valid("param").token, c.req.method),
);
