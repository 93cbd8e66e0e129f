import { z } from "@hono/zod-openapi";
import { hasVisibleCharacter, noBidiControl } from "../../lib/visible-text";
import { Pagination } from "../accounts/schemas";
import { ALLOWED_CONTENT_TYPES } from "./config";

// No control characters (C0, DEL and C1: U+0085 is a line break, U+009B a terminal's CSI once the file is saved),
// no line or paragraph separators, no path separators, no bidirectional controls (they disguise an extension), and
// something to see: the name is shown and sent back in Content-Disposition.
const FILENAME = /^[^\u0000-\u001f\u007f-\u009f\u2028\u2029/\\]+$/;

export const UploadUrlBody = z
  .object({
    filename: z.string().trim().min(1).max(255).regex(FILENAME, { message: "No control characters or path separators" }).refine(...noBidiControl)
      .refine(hasVisibleCharacter, { message: "Must contain a visible character", params: { code: "INVALID_VALUE" } }).openapi({ example: "appraisal-2025.pdf" }),
    contentType: z.enum(ALLOWED_CONTENT_TYPES).openapi({ example: "application/pdf" }),
    category: z.string().trim().min(1).max(60).optional().openapi({ example: "appraisal" }),
    // At least one byte: an empty file is no document, and a link for none could not be used.
    size: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional().openapi({
      description:
        "Declared size in bytes: only it counts toward the quota while the upload is pending (default: the per-file cap). In worker mode the upload may not exceed it; in s3 mode the URL's signature binds Content-Length to it, so the body must be exactly this size. Without it the URL is worker mode even when R2's S3 credentials are configured, since a presigned URL cannot bound an undeclared size",
    }),
  })
  .strict()
  .openapi("UploadUrlRequest");

export const UploadUrlSchema = z
  .object({
    uploadUrl: z.string(),
    documentId: z.string(),
    expiresAt: z.string(),
    method: z.literal("PUT"),
    headers: z.record(z.string(), z.string()).openapi({ description: "Headers the PUT must carry: Content-Type, and in s3 mode If-None-Match: * (the URL writes the object once)" }),
    maxBytes: z.number().int(),
    mode: z.enum(["worker", "s3"]).openapi({ description: "s3: a presigned R2 URL (R2's S3 credentials configured and `size` declared); worker: this API's `PUT /v1/uploads/{token}`" }),
  })
  .openapi("UploadUrl");

export const DocumentSchema = z
  .object({
    id: z.string(),
    assetId: z.string(),
    filename: z.string(),
    category: z.string().nullable(),
    contentType: z.string(),
    status: z.enum(["pending", "uploaded"]),
    size: z.number().int().nullable().openapi({ description: "Bytes, read from the stored object; null until uploaded" }),
    uploadedAt: z.string().nullable(),
    createdAt: z.string(),
    downloadUrl: z.string().nullable(),
    downloadUrlExpiresAt: z.string().nullable(),
  })
  .openapi("Document");

export const DocumentListSchema = z.object({ documents: z.array(DocumentSchema), pagination: Pagination }).openapi("DocumentList");

export const UploadResultSchema = z
  .object({ documentId: z.string(), status: z.literal("uploaded"), size: z.number().int(), uploadedAt: z.string() })
  .openapi("UploadResult");

export const DocumentParams = z.object({
  assetId: z.string().min(1).max(64).openapi({ param: { name: "assetId", in: "path" } }),
  documentId: z.string().min(1).max(64).openapi({ param: { name: "documentId", in: "path" } }),
});
export const TokenParam = z.object({ token: z.string().min(1).max(2100).openapi({ param: { name: "token", in: "path" } }) });
