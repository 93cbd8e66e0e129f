import { env } from "cloudflare:workers";
import { createDb } from "../../src/db/client";
import type { AuthContext, Services } from "../../src/env";
import { call, type TestUser } from "../helpers";
import { as } from "../assets/helpers";

export const svcAt = (ms: number, overrides: Partial<Env> = {}): Services => ({ env: { ...env, ...overrides } as Env, db: createDb(env.DB), clock: { now: () => ms } });
export const authOf = (u: TestUser): AuthContext => ({ userId: u.id, sessionId: "test", email: u.email, twoFactorEnabled: false, stepUpAt: null });

export const pathOf = (url: string) => { const u = new URL(url); return u.pathname + u.search; };

export async function uploadUrl(u: TestUser, assetId: string, body: Record<string, unknown> = {}) {
  return as(u).post(`/v1/assets/${assetId}/documents/upload-url`, { filename: "appraisal-2025.pdf", contentType: "application/pdf", category: "appraisal", ...body });
}

export function put(url: string, body: BodyInit | null, contentType: string | null, headers: Record<string, string> = {}) {
  const h: Record<string, string> = { ...headers };
  if (contentType) h["content-type"] = contentType;
  return call(pathOf(url), { method: "PUT", rawBody: body ?? undefined, headers: h });
}

/** A body with no Content-Length (sent chunked), in chunks of `chunk` bytes. */
export function chunked(bytes: Uint8Array, chunk = 64 * 1024): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + chunk));
      offset += chunk;
    },
  });
}

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

export const docRow = (id: string) => env.DB.prepare("SELECT * FROM asset_documents WHERE id = ?").bind(id).first<Record<string, any>>();

/** SHA-256 hex of bytes: large arrays compared by digest (vitest's deep equality is slow on megabytes). */
export async function digest(bytes: ArrayBuffer | Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...d].map((b) => b.toString(16).padStart(2, "0")).join("");
}
