/**
 * Worker-signed transfer tokens: the capability in an upload or download URL.
 * `<base64url JSON payload>.<hex HMAC-SHA256>`, keyed by a key derived from
 * JWT_SECRET under a label of its own and bound to its kind, so an upload
 * token is never a download token and no other HMAC made from the secret can
 * stand in for one. The MAC is checked in constant time before the payload is
 * parsed, and the payload is then validated like fresh input. Each token names
 * the user it was issued to and the session they asked in (`usr`, `ses`): the
 * link works only while that person still may do what it does in the space
 * (service.ts checks it as the link is used), so removing a member, demoting
 * them or ending their sessions ends their links too. A token without them (one
 * issued before they were added) is not valid. A download link listed through a Life Beat grant also names
 * that grant (`grt`): it works only while that very grant is live, so a link from a grant that has ended
 * never works again under a later one (service.ts `serveDownload`).
 */
import { z } from "@hono/zod-openapi";
import { fromBase64, hmacSha256Hex, timingSafeEqual, toBase64Url } from "../../lib/crypto";
import { ApiError } from "../../lib/errors";
import { ALLOWED_CONTENT_TYPES } from "./config";

const KEY_LABEL = "dhanam-ledger/document-transfer-token/v1";
const keys = new Map<string, Promise<string>>();
function signingKey(secret: string): Promise<string> {
  if (!secret || secret.length < 32) throw new Error("JWT_SECRET must be at least 32 characters");
  let k = keys.get(secret);
  if (!k) keys.set(secret, (k = hmacSha256Hex(secret, KEY_LABEL)));
  return k;
}

const UploadPayload = z.object({
  k: z.literal("upload"),
  /** Document id. */
  doc: z.string().min(1).max(64),
  space: z.string().min(1).max(64),
  /** Content type the body must carry. */
  ct: z.enum(ALLOWED_CONTENT_TYPES),
  /** Most bytes the body may have. */
  max: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  /** Expiry, epoch ms. */
  exp: z.number().int().positive(),
  /** The user the link was issued to, and the session they asked for it in. */
  usr: z.string().min(1).max(64),
  ses: z.string().min(1).max(64),
}).strict();

const DownloadPayload = z.object({
  k: z.literal("download"),
  doc: z.string().min(1).max(64),
  space: z.string().min(1).max(64),
  exp: z.number().int().positive(),
  usr: z.string().min(1).max(64),
  ses: z.string().min(1).max(64),
  /** The Life Beat grant the link was listed through, when it was (none for a member's link). */
  grt: z.string().min(1).max(64).optional(),
}).strict();

export type UploadToken = z.infer<typeof UploadPayload>;
export type DownloadToken = z.infer<typeof DownloadPayload>;

async function sign(secret: string, payload: UploadToken | DownloadToken): Promise<string> {
  const body = toBase64Url(new TextEncoder().encode(JSON.stringify(payload)));
  return `${body}.${await hmacSha256Hex(await signingKey(secret), `${payload.k}.${body}`)}`;
}

export const signUploadToken = (secret: string, p: Omit<UploadToken, "k">) => sign(secret, { k: "upload", ...p });
export const signDownloadToken = (secret: string, p: Omit<DownloadToken, "k">) => sign(secret, { k: "download", ...p });

const SHAPE = /^([A-Za-z0-9_-]{1,2000})\.([0-9a-f]{64})$/;
export const invalidToken = () => new ApiError(403, "TOKEN_INVALID", "This link is not valid");
export const expiredToken = () => new ApiError(410, "TOKEN_EXPIRED", "This link has expired; request a new one");

async function open<T>(secret: string, kind: "upload" | "download", token: string, schema: z.ZodType<T>, nowMs: number): Promise<T & { exp: number }> {
  const m = SHAPE.exec(token);
  if (!m) throw invalidToken();
  const expected = await hmacSha256Hex(await signingKey(secret), `${kind}.${m[1]}`);
  if (!timingSafeEqual(m[2]!, expected)) throw invalidToken();
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(fromBase64(m[1]!.replace(/-/g, "+").replace(/_/g, "/"))));
  } catch {
    throw invalidToken();
  }
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw invalidToken();
  const data = parsed.data as T & { exp: number };
  if (data.exp <= nowMs) throw expiredToken();
  return data;
}

export const openUploadToken = (secret: string, token: string, nowMs: number) => open(secret, "upload", token, UploadPayload, nowMs);
export const openDownloadToken = (secret: string, token: string, nowMs: number) => open(secret, "download", token, DownloadPayload, nowMs);
