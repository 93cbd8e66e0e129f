/**
 * Tombstones (schema `documentTombstones`): the R2 keys of s3-mode documents deleted while their presigned
 * upload URL could still write. R2 cannot revoke a presigned URL, and once the object is gone its
 * `If-None-Match: *` passes again, so such a key is kept, its bytes counted toward the space's quota, until
 * the cleanup cron deletes it after the URL has died.
 */
import { logError } from "../../lib/log";
import { IN_JSON_LIST, jsonList } from "../../lib/sql";
import type { Services } from "../../env";
import { deleteObjects } from "./storage";

/** Grace after a URL's expiry for an upload still arriving (a PUT begun before the expiry), before it counts as abandoned. */
export const STALE_UPLOAD_GRACE_MS = 60 * 60 * 1000;

/** Rounds of 100 documents (and of 100 tombstones) one cleanup run takes at most: each is an R2 request. */
export const CLEANUP_ROUNDS = 3;

/**
 * A statement leaving a tombstone for each s3-mode document `where` selects whose upload URL could still
 * write, to go in the batch before the statement that deletes their rows.
 */
export const tombstoneStatement = (db: D1Database, where: string, params: unknown[], now: number) =>
  db.prepare(
    `INSERT INTO document_tombstones (r2_key, space_id, bytes, delete_after)
       SELECT r2_key, space_id, max_bytes, expires_at + ${STALE_UPLOAD_GRACE_MS} FROM asset_documents
        WHERE ${where} AND upload_mode = 's3' AND expires_at + ${STALE_UPLOAD_GRACE_MS} > ?
     ON CONFLICT (r2_key) DO NOTHING`,
  ).bind(...params, now);

/** Cron: deletes the keys of tombstones whose upload URL can no longer write, then the tombstones. */
export async function sweepTombstones(svc: Services, now: number): Promise<number> {
  let swept = 0;
  for (let round = 0; round < CLEANUP_ROUNDS; round++) {
    const { results } = await svc.env.DB.prepare("SELECT r2_key FROM document_tombstones WHERE delete_after <= ? ORDER BY delete_after LIMIT 100")
      .bind(now)
      .all<{ r2_key: string }>();
    if (results.length === 0) break;
    const keys = results.map((r) => r.r2_key);
    try {
      await deleteObjects(svc.env, keys);
    } catch (err) {
      logError(undefined, "documents.tombstone_delete_failed", err, { count: keys.length });
      break;
    }
    const res = await svc.env.DB.prepare(`DELETE FROM document_tombstones WHERE r2_key ${IN_JSON_LIST}`).bind(jsonList(keys)).run();
    swept += res.meta.changes ?? 0;
    if (results.length < 100) break;
  }
  return swept;
}
