/**
 * Tombstones (schema `documentTombstones`): the R2 keys of deleted documents, written in the batch that
 * deletes their rows, before their objects are deleted. The objects are then deleted at once; a key whose
 * delete failed, or whose upload URL could still write after it (R2 cannot revoke a presigned URL, and once
 * the object is gone its `If-None-Match: *` passes again; a worker upload may be on its way), is deleted
 * again by the cleanup cron once `delete_after` (the URL's death) has passed. While a URL could still
 * write, its bytes count toward the space's quota and the tombstone toward its pending uploads.
 */
import { logError } from "../../lib/log";
import { IN_JSON_LIST, jsonList } from "../../lib/sql";
import type { Services } from "../../env";
import { deleteObjects } from "./storage";

/** Grace after a URL's expiry for an upload still arriving (a PUT begun before the expiry), before it counts as abandoned. */
export const STALE_UPLOAD_GRACE_MS = 60 * 60 * 1000;

/** Rounds one cleanup run takes at most: of 100 documents (each an R2 request), of 1,000 tombstones (one R2 request). */
export const CLEANUP_ROUNDS = 5;
const SWEEP_BATCH = 1000;

/**
 * A statement leaving a tombstone for each document `where` selects, to go in the batch before the statement
 * that deletes their rows. An s3 one is deleted again once its presigned URL has died, and its bytes count
 * until then; a worker upload that lands after its row is gone deletes its own object, so a worker one is due
 * at once (it only covers a failed delete).
 */
const tombstoneStatement = (db: D1Database, where: string, params: unknown[], now: number) =>
  db.prepare(
    `INSERT INTO document_tombstones (r2_key, space_id, bytes, delete_after)
       SELECT r2_key, space_id, CASE upload_mode WHEN 's3' THEN max_bytes ELSE 0 END,
              CASE upload_mode WHEN 's3' THEN max(expires_at + ${STALE_UPLOAD_GRACE_MS}, ?1) ELSE ?1 END
         FROM asset_documents WHERE ${where}
     ON CONFLICT (r2_key) DO NOTHING`,
  ).bind(now, ...params);

/**
 * The statements that delete the documents `where` selects (it names now as ?1 and `params` from ?2), each key
 * tombstoned in the same batch: what R2 holds is deleted after, by `deleteTombstoned` or the cron.
 */
export const removalStatements = (db: D1Database, where: string, params: unknown[], now: number) => [
  tombstoneStatement(db, where, params, now),
  db.prepare(`DELETE FROM asset_documents WHERE ?1 IS NOT NULL AND ${where}`).bind(now, ...params),
];

/** A tombstone's upload URL may still write (binds the space as ?1 and now as ?2): counted as a pending upload. */
export const LIVE_TOMBSTONE = "space_id = ?1 AND delete_after > ?2 AND bytes > 0";

/** Deletes one object that no row owns, leaving its tombstone (due now) for the cron if R2 fails the delete. */
export async function deleteOwnerless(svc: Services, spaceId: string, key: string): Promise<void> {
  const now = svc.clock.now();
  await svc.env.DB.prepare("INSERT INTO document_tombstones (r2_key, space_id, bytes, delete_after) VALUES (?, ?, 0, ?) ON CONFLICT (r2_key) DO NOTHING")
    .bind(key, spaceId, now)
    .run();
  await deleteTombstoned(svc, [key], now);
}

/**
 * Deletes the objects of tombstones just written, and the tombstones that are then done with (their URL is
 * dead). An R2 failure is logged and left to the cron: the tombstones stay.
 */
export async function deleteTombstoned(svc: Services, keys: string[], now: number): Promise<void> {
  if (keys.length === 0) return;
  try {
    await deleteObjects(svc.env, keys);
  } catch (err) {
    logError(undefined, "documents.delete_failed", err, { count: keys.length });
    return;
  }
  for (let i = 0; i < keys.length; i += SWEEP_BATCH) {
    await svc.env.DB.prepare(`DELETE FROM document_tombstones WHERE r2_key ${IN_JSON_LIST} AND delete_after <= ?`).bind(jsonList(keys.slice(i, i + SWEEP_BATCH)), now).run();
  }
}

/** Cron: deletes the keys of tombstones whose upload URL can no longer write, then the tombstones. */
export async function sweepTombstones(svc: Services, now: number): Promise<number> {
  let swept = 0;
  for (let round = 0; round < CLEANUP_ROUNDS; round++) {
    const { results } = await svc.env.DB.prepare(`SELECT r2_key FROM document_tombstones WHERE delete_after <= ? ORDER BY delete_after LIMIT ${SWEEP_BATCH}`)
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
    if (results.length < SWEEP_BATCH) break;
  }
  return swept;
}
