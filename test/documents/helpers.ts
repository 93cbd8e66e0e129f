import { env } from "cloudflare:workers";
import { createDb } from "../../src/db/client";
import type { AuthContext, Services } from "../../src/env";
import { call, type TestUser } from "../helpers";
import { as } from "../assets/helpers";

export const svcAt = (ms: number, overrides: Partial<Env> = {}): Services => ({ env: { ...env, ...overrides } as Env, db: createDb(env.DB), clock: { now: () => ms } });
/** The user's context as the API builds it, with the session their access token names (links are bound to it). */
export const authOf = (u: TestUser): AuthContext => ({ userId: u.id, sessionId: sessionOf(u), email: u.email, twoFactorEnabled: false, stepUpAt: null });
export const sessionOf = (u: TestUser): string => JSON.parse(atob(u.accessToken.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))).sid;

/** listDocuments' page for a test's documents: the largest a client may ask for. */
export const WHOLE_PAGE = { limit: 200, offset: 0 };

export const pathOf = (url: string) => { const u = new URL(url); return u.pathname + u.search; };

export async function uploadUrl(u: TestUser, assetId: string, body: Record<string, unknown> = {}) {
  return as(u).post(`/v1/assets/${assetId}/documents/upload-url`, { filename: "appraisal-2025.pdf", contentType: "application/pdf", category: "appraisal", ...body });
}

export function put(url: string, body: BodyInit | null, contentType: string | null, headers: Record<string, string> = {}) {
  const h: Record<string, string> = { ...headers };
  if (contentType) h["content-type"] = contentType;
  return call(pathOf(url), { method: "PUT", rawBody: body ?? undefined, headers: h });
}

/**
 * A body in chunks of `chunk` bytes that tells how the Worker took it: how many bytes were pulled from it, and
 * whether it was read to its end or cancelled (seen through the Worker's loopback too).
 */
export function tracked(bytes: Uint8Array, chunk = 64 * 1024) {
  let offset = 0;
  const seen = { pulled: 0, ended: false, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) {
        seen.ended = true;
        return controller.close();
      }
      const part = bytes.slice(offset, offset + chunk);
      offset += part.length;
      seen.pulled += part.length;
      controller.enqueue(part);
    },
    cancel() {
      seen.cancelled = true;
    },
  });
  return { stream, seen };
}

/** A body with no Content-Length (sent chunked), in chunks of `chunk` bytes. */
export const chunked = (bytes: Uint8Array, chunk = 64 * 1024): ReadableStream<Uint8Array> => tracked(bytes, chunk).stream;

export function bytesOf(n: number, seed = 7): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

export async function objectsUnder(prefix: string): Promise<string[]> {
  const listed = await env.DOCS.list({ prefix });
  return listed.objects.map((o) => o.key);
}

/**
 * `n` documents of the asset straight into D1 (`upload_mode` s3 or worker), pending until `expiresAt`, each capped
 * at `maxBytes`; created a millisecond apart an hour ago, or all at `createdAt`.
 */
export async function pendingDocs(u: TestUser, spaceId: string, assetId: string, n: number, mode: "s3" | "worker", expiresAt: number, maxBytes = 100, createdAt?: number) {
  const ids = Array.from({ length: n }, (_, i) => `doc_${mode}${String(i).padStart(4, "0")}${assetId.slice(-10)}`);
  const created = Date.now() - 3_600_000;
  await env.DB.batch(ids.map((id, i) => env.DB.prepare(
    "INSERT INTO asset_documents (id, space_id, asset_id, filename, content_type, status, max_bytes, r2_key, upload_mode, expires_at, created_by, created_at) VALUES (?, ?, ?, ?, 'application/pdf', 'pending', ?, ?, ?, ?, ?, ?)",
  ).bind(id, spaceId, assetId, `secret-deed-${i}.pdf`, maxBytes, `spaces/${spaceId}/assets/${assetId}/${id}`, mode, expiresAt, u.id, createdAt ?? created + i)));
  return ids.map((id) => ({ id, key: `spaces/${spaceId}/assets/${assetId}/${id}` }));
}

export const docRow = (id: string) => env.DB.prepare("SELECT * FROM asset_documents WHERE id = ?").bind(id).first<Record<string, any>>();

/** SHA-256 hex of bytes: large arrays compared by digest (vitest's deep equality is slow on megabytes). */
export async function digest(bytes: ArrayBuffer | Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...d].map((b) => b.toString(16).padStart(2, "0")).join("");
}
