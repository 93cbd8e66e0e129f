/**
 * Document limits and modes, from configuration (wrangler.toml [vars]; the R2
 * S3 secret from `wrangler secret put R2_SECRET_ACCESS_KEY`).
 */
import { ApiError } from "../../lib/errors";

/** Content types a document may have: PDF, common images (HEIC included), CSV and plain text. */
export const ALLOWED_CONTENT_TYPES = ["application/pdf", "image/png", "image/jpeg", "image/webp", "image/heic", "text/csv", "text/plain"] as const;
export type DocumentContentType = (typeof ALLOWED_CONTENT_TYPES)[number];

export interface DocumentConfig {
  maxFileBytes: number;
  spaceQuotaBytes: number;
  uploadTtlMs: number;
  downloadTtlMs: number;
  /** Set when R2's S3 API credentials are configured: upload and download URLs are presigned R2 URLs. */
  s3: S3Config | null;
}

export interface S3Config {
  accountId: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
}

function positiveInt(env: Env, name: keyof Env, fallback: number): number {
  const raw = (env as unknown as Record<string, unknown>)[name as string];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) throw new ApiError(500, "INTERNAL_ERROR", `Configuration ${String(name)} must be a positive integer`);
  return n;
}

/** An optional secret: absent from the generated Env type because it is not required. */
export const optionalSecret = (env: Env, name: string): string | undefined => {
  const v = (env as unknown as Record<string, unknown>)[name];
  return typeof v === "string" && v.length > 0 ? v : undefined;
};

export function documentConfig(env: Env): DocumentConfig {
  const accountId = env.R2_ACCOUNT_ID ?? "";
  const accessKeyId = env.R2_ACCESS_KEY_ID ?? "";
  const secretAccessKey = optionalSecret(env, "R2_SECRET_ACCESS_KEY") ?? "";
  const bucket = env.R2_BUCKET_NAME ?? "";
  return {
    maxFileBytes: positiveInt(env, "DOCUMENT_MAX_BYTES", 25 * 1024 * 1024),
    spaceQuotaBytes: positiveInt(env, "DOCUMENT_SPACE_QUOTA_BYTES", 1024 * 1024 * 1024),
    uploadTtlMs: positiveInt(env, "DOCUMENT_UPLOAD_URL_TTL_SECONDS", 900) * 1000,
    downloadTtlMs: positiveInt(env, "DOCUMENT_DOWNLOAD_URL_TTL_SECONDS", 300) * 1000,
    s3: accountId && accessKeyId && secretAccessKey && bucket ? { accountId, bucket, accessKeyId, secretAccessKey } : null,
  };
}

/** A media type's essence: lower case, without parameters (`text/plain; charset=utf-8` → `text/plain`). */
export const mediaEssence = (value: string | null | undefined) => (value ?? "").split(";")[0]!.trim().toLowerCase();
