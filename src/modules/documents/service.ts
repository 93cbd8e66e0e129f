/**
 * Documents attached to manual assets, stored in R2. A browser gets a
 * short-lived upload URL and sends the file straight to it:
 *
 * - worker mode (default, works offline): `PUT /v1/uploads/{token}` with an
 *   HMAC token naming the document, its content type, its byte cap, its expiry
 *   and the user (and session) it was issued to; the body streams into R2
 *   (storage.ts) and the token works once, only while that user may still
 *   write in the space (issuerMayWrite).
 * - s3 mode (R2 S3 credentials configured, and the request declared the file's
 *   size): a presigned R2 URL (presign.ts) that binds that size; the upload is
 *   noticed when the object appears (list, cleanup cron). A presigned PUT
 *   cannot bind a range of sizes, so an upload of undeclared size goes through
 *   the Worker, which enforces the cap as the bytes stream.
 *
 * A document is `pending` until its bytes land, then `uploaded` with the size
 * R2 reports. Each space has a storage quota that counts uploaded sizes and
 * the caps reserved by unexpired pending uploads, checked in the same
 * statement that records a new upload, before any URL is issued.
 */
import { and, eq } from "drizzle-orm";
import type { AuthContext, Services } from "../../env";
import { assetDocuments } from "../../db/schema";
import { iso } from "../../lib/clock";
import { ApiError, notFound, validationFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { logError } from "../../lib/log";
import { pagination } from "../../lib/pagination";
import { jsonList, rowReader } from "../../lib/sql";
import { assetFor } from "../assets/service";
import { liveSessionSql } from "../auth/tokens";
import { batchAsMember, type Membership, memberAtLeastSql, MEMBERSHIP_SQL, membershipOf, membershipParams, type MembershipRow } from "../spaces/access";
import { grantEnded, LIVE_GRANT_SQL, useEmergencyGrant } from "../lifebeat/grant-access";
import { type DocumentConfig, type DocumentContentType, documentConfig, mediaEssence } from "./config";
import { contentDisposition, shownFilename } from "./disposition";
import { presignDownload, presignUpload, uploadHeaders } from "./presign";
import { CLAIM_IDLE_MS, CLAIM_KEY_SQL, claimKeeper, ClaimTakenOver, CLAIMABLE_SQL, type HeldClaim, releaseClaim } from "./upload-claim";
import { streamToR2 } from "./storage";
import { CLEANUP_ROUNDS, deleteOwnerless, deleteTombstoned, LIVE_TOMBSTONE, removalStatements, STALE_UPLOAD_GRACE_MS, sweepTombstones } from "./tombstones";
import { type DownloadToken, openDownloadToken, openUploadToken, signDownloadToken, signUploadToken } from "./tokens";

export type DocumentRow = typeof assetDocuments.$inferSelect;

const toRow = rowReader(assetDocuments);

const objectKey = (spaceId: string, assetId: string, documentId: string) => `spaces/${spaceId}/assets/${assetId}/${documentId}`;

export const quotaExceeded = (used: number, requested: number, quota: number) =>
  new ApiError(422, "QUOTA_EXCEEDED", `This space's document storage quota of ${quota} bytes would be exceeded`, [
    { field: "size", message: `${used} bytes are used or reserved by pending uploads; this upload needs up to ${requested} more`, code: "QUOTA_EXCEEDED" },
  ]);

/** Uploads that may be pending in a space at once: listing their asset's documents asks R2 about each s3 one. */
export const MAX_PENDING_UPLOADS = 50;

/**
 * Bytes a space uses: uploaded sizes, the caps of uploads still under way and the tombstones' bytes. Binds
 * (spaceId, now). A worker-mode upload stops counting at its expiry (the Worker claims a PUT before then); an
 * s3-mode one only once the cron has looked for its object after the grace, since R2 tells this API nothing
 * when a presigned PUT lands.
 */
const USED_SQL = `SELECT COALESCE(SUM(CASE WHEN status = 'uploaded' THEN size ELSE max_bytes END), 0)
    + (SELECT COALESCE(SUM(bytes), 0) FROM document_tombstones WHERE ${LIVE_TOMBSTONE}) AS used
  FROM asset_documents WHERE space_id = ?1 AND (status <> 'pending' OR upload_mode = 's3' OR expires_at > ?2)`;

/** Uploads pending in a space, counted as USED_SQL counts them, with the deleted ones whose URL may still write. Binds (spaceId, now). */
const PENDING_SQL = `SELECT (SELECT COUNT(*) FROM asset_documents WHERE space_id = ?1 AND status = 'pending' AND (upload_mode = 's3' OR expires_at > ?2))
    + (SELECT COUNT(*) FROM document_tombstones WHERE ${LIVE_TOMBSTONE})`;

/**
 * The user a worker-signed upload link was issued to may still write in its space, as the link is used: the
 * session they asked for it in is live (not revoked, not expired; an account's sessions go with it) and they are
 * a member of the live space with a role that may add documents (not removed, not demoted to viewer; an
 * emergency grant only reads). The same conditions issueUploadUrl's access check read. Binds now as ?1, the
 * space as ?3, the user as ?4 and the session as ?5.
 */
const ISSUER_MAY_WRITE = `${liveSessionSql("?5", "?4", "?1")} AND ${memberAtLeastSql("?3", "?4", "member")}`;

/** An upload whose claim a later PUT of the same link took over, its own having gone quiet. */
const linkTakenOver = () => new ApiError(409, "TOKEN_ALREADY_USED", "This upload link has already been used");

/** A link whose user can no longer do what it does in the space (removed, demoted, signed out): as good as forged. */
const issuerLostAccess = () => new ApiError(403, "TOKEN_INVALID", "This link is no longer valid: the member it was issued to can no longer use it in this space");

export async function spaceUsage(svc: Services, spaceId: string): Promise<number> {
  const r = await svc.env.DB.prepare(USED_SQL).bind(spaceId, svc.clock.now()).first<{ used: number }>();
  return r?.used ?? 0;
}

export async function issueUploadUrl(
  svc: Services,
  auth: AuthContext,
  assetId: string,
  input: { filename: string; contentType: DocumentContentType; category?: string; size?: number },
  baseUrl: string,
) {
  const { asset } = await assetFor(svc, auth, assetId, "member");
  const cfg = documentConfig(svc.env);
  if (input.size !== undefined && input.size > cfg.maxFileBytes) {
    throw validationFailed([{ field: "size", message: `Files may be at most ${cfg.maxFileBytes} bytes`, code: "FILE_TOO_LARGE" }]);
  }
  const reserve = input.size ?? cfg.maxFileBytes;
  const now = svc.clock.now();
  const id = newId("doc", now);
  const expiresAt = now + cfg.uploadTtlMs;
  const key = objectKey(asset.spaceId, asset.id, id);
  const s3 = input.size === undefined ? null : cfg.s3;
  const mode: "s3" | "worker" = s3 ? "s3" : "worker";
  // The checks and the reservation are one statement: two concurrent requests cannot both slip under a limit.
  const reserveRow = () => svc.env.DB.prepare(
    `INSERT INTO asset_documents (id, space_id, asset_id, filename, category, content_type, status, max_bytes, size, r2_key, upload_mode, expires_at, created_by, created_at)
     SELECT ?3, ?1, ?4, ?5, ?6, ?7, 'pending', ?8, NULL, ?9, ?10, ?11, ?12, ?2
      WHERE (${USED_SQL}) + ?8 <= ?13 AND (${PENDING_SQL}) < ?14
        -- Not for an asset, or a space, deleted since it was read: its row would count and could not be removed.
        AND EXISTS (SELECT 1 FROM manual_assets WHERE id = ?4) AND EXISTS (SELECT 1 FROM spaces WHERE id = ?1 AND deleted_at IS NULL)`,
  ).bind(asset.spaceId, now, id, asset.id, input.filename, input.category ?? null, input.contentType, reserve, key, mode, expiresAt, auth.userId, cfg.spaceQuotaBytes, MAX_PENDING_UPLOADS).run();
  let inserted = await reserveRow();
  // Refused: s3 uploads that have landed since anyone looked still count as pending (R2 does not say when a
  // presigned PUT lands). Ask R2 about the space's, and try once more if any arrived.
  if (!inserted.meta.changes && (await noticeArrivals(svc, asset.spaceId)) > 0) inserted = await reserveRow();
  if (!inserted.meta.changes) {
    const [used, pending, exists] = await svc.env.DB.batch<{ n: number }>([
      svc.env.DB.prepare(USED_SQL.replace("AS used", "AS n")).bind(asset.spaceId, now),
      svc.env.DB.prepare(`SELECT (${PENDING_SQL}) AS n`).bind(asset.spaceId, now),
      svc.env.DB.prepare("SELECT COUNT(*) AS n FROM manual_assets a JOIN spaces s ON s.id = a.space_id WHERE a.id = ? AND s.deleted_at IS NULL").bind(asset.id),
    ]);
    if (exists!.results[0]!.n === 0) throw notFound("Asset");
    if (pending!.results[0]!.n >= MAX_PENDING_UPLOADS) {
      throw validationFailed([{ field: "assetId", message: `At most ${MAX_PENDING_UPLOADS} uploads may be pending in a space; finish or delete some first`, code: "LIMIT_REACHED" }]);
    }
    throw quotaExceeded(used!.results[0]!.n, reserve, cfg.spaceQuotaBytes);
  }
  const uploadUrl = s3
    ? await presignUpload(s3, key, input.contentType, now, cfg.uploadTtlMs / 1000, input.size!)
    : `${baseUrl}/v1/uploads/${await signUploadToken(svc.env.JWT_SECRET, { doc: id, space: asset.spaceId, ct: input.contentType, max: reserve, exp: expiresAt, usr: auth.userId, ses: auth.sessionId })}`;
  const headers: Record<string, string> = s3 ? uploadHeaders(input.contentType) : { "Content-Type": input.contentType };
  return { uploadUrl, documentId: id, expiresAt: iso(expiresAt), method: "PUT" as const, headers, maxBytes: reserve, mode };
}

/** `PUT /v1/uploads/{token}`: the body, streamed into R2 once. */
export async function receiveUpload(svc: Services, token: string, request: Request) {
  const now = svc.clock.now();
  const t = await openUploadToken(svc.env.JWT_SECRET, token, now);
  const type = mediaEssence(request.headers.get("content-type"));
  if (type !== t.ct) throw new ApiError(415, "UNSUPPORTED_MEDIA_TYPE", `This upload takes Content-Type ${t.ct}`);
  const lengthHeader = request.headers.get("content-length");
  if (lengthHeader !== null && !/^\d{1,16}$/.test(lengthHeader)) throw new ApiError(400, "BAD_REQUEST", "Malformed Content-Length");
  const contentLength = lengthHeader === null ? (request.body ? null : 0) : Number(lengthHeader);
  // An empty file is no document (and would cost nothing against the quota).
  if (contentLength === 0) throw new ApiError(400, "BAD_REQUEST", "The body is empty: a document has at least one byte");
  // Claim the document: one request at a time moves it out of `pending` (or takes over a claim its holder left idle:
  // upload-claim.ts), and only while the user the link was issued to may still write in the space (checked in the
  // same statement, so no removal slips in between).
  const claimed = await svc.env.DB.prepare(
    `UPDATE asset_documents SET status = 'uploading', claimed_at = ?1, r2_key = ${CLAIM_KEY_SQL}
      WHERE id = ?2 AND space_id = ?3 AND ${CLAIMABLE_SQL} AND upload_mode = 'worker' AND expires_at > ?1
        AND created_by = ?4 AND ${ISSUER_MAY_WRITE}
      RETURNING r2_key, max_bytes, content_type`,
  ).bind(now, t.doc, t.space, t.usr, t.ses).first<{ r2_key: string; max_bytes: number; content_type: string }>();
  if (!claimed) {
    const why = await svc.env.DB.prepare(`SELECT (${ISSUER_MAY_WRITE}) AS may_write, (SELECT status FROM asset_documents WHERE id = ?2) AS status`)
      .bind(now, t.doc, t.space, t.usr, t.ses).first<{ may_write: number; status: string | null }>();
    // A document gone (deleted, or its space) is a 404 to anyone, as before; then the lost access.
    if (!why?.status) throw notFound("Document");
    if (!why.may_write) throw issuerLostAccess();
    if (why.status === "pending") throw new ApiError(410, "TOKEN_EXPIRED", "This link has expired; request a new one");
    throw new ApiError(409, "TOKEN_ALREADY_USED", "This upload link has already been used");
  }
  const cap = Math.min(t.max, claimed.max_bytes);
  const claim: HeldClaim = { docId: t.doc, at: now };
  // Gives the link back: the same (unexpired) URL may be tried again.
  const release = () => releaseClaim(svc.env.DB, claim);
  let size: number;
  try {
    const body = request.body ?? new Response(new Uint8Array(0)).body!;
    const through = claimKeeper(svc.env.DB, claim, () => svc.clock.now());
    ({ size } = await streamToR2(svc.env.DOCS, claimed.r2_key, body, { cap, contentLength, contentType: t.ct, customMetadata: { documentId: t.doc }, through }));
  } catch (err) {
    if (err instanceof ClaimTakenOver) {
      // The claim is gone with its row when the document is (deleted, or its space): that is a 404 to anyone, as the
      // claim's own refusal says; the object, if any of it landed, goes with it. Otherwise a later PUT took it over.
      if (await svc.db.select({ id: assetDocuments.id }).from(assetDocuments).where(eq(assetDocuments.id, t.doc)).get()) throw linkTakenOver();
      await deleteOwnerless(svc, t.space, claimed.r2_key);
      throw notFound("Document");
    }
    await release();
    throw err;
  }
  // The size is R2's, not the client's.
  const head = await svc.env.DOCS.head(claimed.r2_key);
  const real = head?.size ?? size;
  if (real === 0) {
    // A chunked body with no bytes: as empty as one that said so.
    await svc.env.DOCS.delete(claimed.r2_key);
    await release();
    throw new ApiError(400, "BAD_REQUEST", "The body is empty: a document has at least one byte");
  }
  const done = svc.clock.now();
  // The access again, as the document lands: a large file takes a while, and a member removed meanwhile must not add it.
  const updated = await svc.env.DB.prepare(
    `UPDATE asset_documents SET status = 'uploaded', size = ?6, uploaded_at = ?1
      WHERE id = ?2 AND space_id = ?3 AND status = 'uploading' AND claimed_at = ?7 AND ${ISSUER_MAY_WRITE}`,
  ).bind(done, t.doc, t.space, t.usr, t.ses, real, claim.at).run();
  if (!updated.meta.changes) {
    const row = await svc.db.select({ status: assetDocuments.status, claimedAt: assetDocuments.claimedAt }).from(assetDocuments).where(eq(assetDocuments.id, t.doc)).get();
    // Taken over after its last byte (idle past CLAIM_IDLE_MS since): its object is its own key's, which nothing names.
    if (row && (row.status !== "uploading" || row.claimedAt !== claim.at)) {
      await svc.env.DOCS.delete(claimed.r2_key).catch((err) => logError(undefined, "documents.delete_failed", err, { count: 1 }));
      throw linkTakenOver();
    }
    if (row) {
      // The member lost access while the bytes were on their way: the object goes and the row is pending again,
      // refused to this link and removed with its key by the cleanup once expired (as any unused link).
      await svc.env.DOCS.delete(claimed.r2_key).catch((err) => logError(undefined, "documents.delete_failed", err, { count: 1 }));
      await release();
      throw issuerLostAccess();
    }
    // Deleted while the bytes were on their way.
    await deleteOwnerless(svc, t.space, claimed.r2_key);
    throw notFound("Document");
  }
  return { documentId: t.doc, status: "uploaded" as const, size: real, uploadedAt: iso(done) };
}

/**
 * s3 mode: R2's size of each pending document whose object has appeared (R2 is asked for all of them at
 * once). An object over the document's cap is deleted and its document stays pending.
 */
async function arrivedSizes(svc: Services, docs: DocumentRow[]): Promise<Map<string, number>> {
  const pending = docs.filter((d) => d.uploadMode === "s3" && d.status === "pending");
  const sizes = await Promise.all(
    pending.map(async (doc): Promise<[string, number] | null> => {
      const head = await svc.env.DOCS.head(doc.r2Key);
      if (!head) return null;
      if (head.size > doc.maxBytes) {
        await svc.env.DOCS.delete(doc.r2Key);
        return null;
      }
      return [doc.id, head.size];
    }),
  );
  return new Map(sizes.filter((s) => s !== null));
}

/** s3 mode: marks the space's pending uploads whose objects have arrived `uploaded`; how many did. */
async function noticeArrivals(svc: Services, spaceId: string): Promise<number> {
  const { results } = await svc.env.DB.prepare(`SELECT * FROM asset_documents WHERE space_id = ? AND status = 'pending' AND upload_mode = 's3' LIMIT ${MAX_PENDING_UPLOADS}`)
    .bind(spaceId)
    .all<Record<string, unknown>>();
  if (results.length === 0) return 0;
  return (await reconcile(svc, results.map(toRow))).filter((d) => d.status === "uploaded").length;
}

/**
 * s3 mode: the documents, those whose objects have appeared now `uploaded` with R2's size. The rows change in
 * one statement (the arrivals as one JSON parameter), only while still pending.
 */
async function reconcile(svc: Services, docs: DocumentRow[]): Promise<DocumentRow[]> {
  const arrived = await arrivedSizes(svc, docs);
  if (arrived.size === 0) return docs;
  const now = svc.clock.now();
  await svc.env.DB.prepare(
    `UPDATE asset_documents SET status = 'uploaded', size = j.value ->> '$[1]', uploaded_at = ?1
       FROM json_each(?2) j WHERE asset_documents.id = j.value ->> '$[0]' AND asset_documents.status = 'pending'`,
  ).bind(now, JSON.stringify([...arrived])).run();
  return docs.map((d) => (arrived.has(d.id) ? { ...d, status: "uploaded", size: arrived.get(d.id)!, uploadedAt: now } : d));
}

/**
 * A document's download link. R2's presigned URL when s3 is configured, except for a reader through a Life Beat
 * grant (`viaGrant`): theirs is always the Worker's link, as every use of a grant is audited and ends with it,
 * and a presigned URL would be served by R2 alone. Their link names the grant (`grantId`), and works only while
 * that grant does (`linkAccess`).
 */
async function downloadUrl(svc: Services, auth: AuthContext, cfg: DocumentConfig, doc: DocumentRow, baseUrl: string, now: number, grantId: string | undefined) {
  const exp = now + cfg.downloadTtlMs;
  const url = cfg.s3 && grantId === undefined
    ? await presignDownload(cfg.s3, doc.r2Key, contentDisposition(doc.filename, doc.contentType), doc.contentType, now, cfg.downloadTtlMs / 1000)
    : `${baseUrl}/v1/downloads/${await signDownloadToken(svc.env.JWT_SECRET, { doc: doc.id, space: doc.spaceId, exp, usr: auth.userId, ses: auth.sessionId, ...(grantId === undefined ? {} : { grt: grantId }) })}`;
  return { url, exp };
}

/** An asset's documents, a page at a time: each uploaded one costs a signed download URL. */
export async function listDocuments(svc: Services, auth: AuthContext, assetId: string, q: { limit: number; offset: number }, baseUrl: string) {
  const db = svc.env.DB;
  const { membership, results: [found, count] } = await assetFor(svc, auth, assetId, "viewer", (asset) => [
    db.prepare(`SELECT * FROM asset_documents WHERE asset_id = ${asset.sql} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`).bind(...asset.params, q.limit, q.offset),
    db.prepare(`SELECT COUNT(*) AS n FROM asset_documents WHERE asset_id = ${asset.sql}`).bind(...asset.params),
  ]);
  const cfg = documentConfig(svc.env);
  const now = svc.clock.now();
  // Which rows change depends on what R2 holds for the pending ones the read found: a second round trip, only when an s3 upload has arrived.
  const rows = await reconcile(svc, (found!.results as Record<string, unknown>[]).map(toRow));
  const documents = [];
  for (const d of rows) {
    // An upload in flight or abandoned is listed as pending; an expired pending one is left to the cleanup cron.
    const uploaded = d.status === "uploaded";
    const link = uploaded ? await downloadUrl(svc, auth, cfg, d, baseUrl, now, membership.grantId) : null;
    documents.push({
      // A name stored before bidirectional (or C1) controls were refused is shown without them (as its download names it).
      id: d.id, assetId: d.assetId, filename: shownFilename(d.filename) || "document", category: d.category, contentType: d.contentType,
      status: uploaded ? ("uploaded" as const) : ("pending" as const), size: uploaded ? d.size : null,
      uploadedAt: d.uploadedAt === null ? null : iso(d.uploadedAt), createdAt: iso(d.createdAt),
      downloadUrl: link?.url ?? null, downloadUrlExpiresAt: link ? iso(link.exp) : null,
    });
  }
  return { documents, pagination: pagination((count!.results[0] as { n: number } | undefined)?.n ?? 0, q.limit, q.offset) };
}

export async function deleteDocument(svc: Services, auth: AuthContext, assetId: string, documentId: string) {
  const { asset } = await assetFor(svc, auth, assetId, "member");
  const doc = await svc.db.select().from(assetDocuments).where(and(eq(assetDocuments.id, documentId), eq(assetDocuments.assetId, asset.id))).get();
  if (!doc) throw notFound("Document");
  // The row goes with a tombstone for its key, then the object: a worker-mode upload that finishes later finds
  // no row and removes its object; what R2 still holds or may yet take is the tombstone's (tombstones.ts).
  const now = svc.clock.now();
  // Only while the caller is still a member of the live space: one removed meanwhile deletes nothing (the document's
  // 404, as a request after the removal gets).
  await batchAsMember(svc, auth, asset.spaceId, "member", removalStatements(svc.env.DB, "id = ?2", [doc.id], now), { resource: "Document" });
  await deleteTombstoned(svc, [doc.r2Key], now);
}

/**
 * A space's documents, gone with the space: `statements` (tombstones for their keys, then their rows) go in
 * the batch that deletes the space, so no link issued before keeps working and no upload slips in between;
 * then `deleteFiles` deletes what R2 holds (the cron retries what fails, tombstones.ts).
 */
export async function spaceDocumentsRemoval(svc: Services, spaceId: string, now: number) {
  const db = svc.env.DB;
  const { results } = await db.prepare("SELECT r2_key FROM asset_documents WHERE space_id = ?").bind(spaceId).all<{ r2_key: string }>();
  return {
    statements: removalStatements(db, "space_id = ?2", [spaceId], now),
    deleteFiles: () => deleteTombstoned(svc, results.map((r) => r.r2_key), now),
  };
}

/**
 * What a download link reads through: `m` (the user's access now) for a member's link; for a link listed through a
 * Life Beat grant, that very grant while it is live (`grant`, LIVE_GRANT_SQL's row), never another. So a link from a
 * grant that ended (a check-in, revocation, expiry) stays dead under a later grant, and a member's link (no `grt`)
 * serves no one whose access has become a grant's. Null: the link no longer works.
 */
function linkAccess(t: DownloadToken, m: Membership | null, grant: { id: string; source: string } | undefined): Membership | null {
  if (!m) return null;
  if (t.grt === undefined) return m.grantId === undefined ? m : null;
  if (!grant || grant.id !== t.grt) return null;
  return { ...m, role: "viewer", grantId: grant.id, grantSource: grant.source };
}

/**
 * `GET /v1/downloads/{token}`: the object's bytes, streamed, as an attachment. A `HEAD` (routed here too) is logged as
 * one, not as a download: the owner's audit log says whether the file was read.
 */
export async function serveDownload(svc: Services, token: string, method = "GET"): Promise<Response> {
  const now = svc.clock.now();
  const t = await openDownloadToken(svc.env.JWT_SECRET, token, now);
  // The link works only while the user it was issued to may still read the space (member of any role, or a live
  // emergency grant) in the session they listed it in: a household that removes someone ends their links at once.
  // A link listed through a grant is checked against that grant (`linkAccess`); `?` = NULL finds no grant.
  const db = svc.env.DB;
  const [session, member, found, grant] = await db.batch([
    db.prepare(`SELECT ${liveSessionSql("?", "?", "?")} AS live`).bind(t.ses, t.usr, now),
    db.prepare(MEMBERSHIP_SQL).bind(...membershipParams(t.space, t.usr, now)),
    db.prepare("SELECT * FROM asset_documents WHERE id = ? AND space_id = ?").bind(t.doc, t.space),
    db.prepare(LIVE_GRANT_SQL).bind(t.grt ?? null, t.space, t.usr, now),
  ]);
  const raw = found!.results[0] as Record<string, unknown> | undefined;
  if (!raw) throw notFound("Document");
  const m = linkAccess(t, membershipOf(t.space, member!.results[0] as MembershipRow | undefined), grant!.results[0] as { id: string; source: string } | undefined);
  if (!(session!.results[0] as { live: number } | undefined)?.live || !m) throw issuerLostAccess();
  const doc = toRow(raw);
  if (doc.status !== "uploaded") throw notFound("Document");
  if (m.grantId) {
    // Read through a Life Beat grant: a grant the owner's return has ended serves nothing, and every download is
    // in the owner's audit log, under the document it served (never the link, which is a credential while it lives).
    const caller = { userId: t.usr, request: { method: method === "HEAD" ? "HEAD" : "GET", path: `/v1/assets/${doc.assetId}/documents/${doc.id}` } };
    if (await grantEnded(svc, caller, m.grantId, m.grantSource)) throw issuerLostAccess();
    await useEmergencyGrant(svc, caller, m, "viewer");
  }
  // A HEAD reads the object's metadata only.
  const obj = method === "HEAD" ? await svc.env.DOCS.head(doc.r2Key) : await svc.env.DOCS.get(doc.r2Key);
  if (!obj) throw notFound("Document");
  return new Response("body" in obj ? (obj as R2ObjectBody).body : null, {
    status: 200,
    headers: {
      "Content-Type": doc.contentType,
      "Content-Length": String(obj.size),
      "Content-Disposition": contentDisposition(doc.filename, doc.contentType),
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
      // User-supplied bytes from our origin: should a browser show one in a tab (some open PDFs and text attachments
      // inline), it is a sandboxed page that runs no script and loads nothing.
      "Content-Security-Policy": "default-src 'none'; sandbox",
      ETag: obj.httpEtag,
    },
  });
}

/**
 * Cron: removes uploads that never arrived. An expired worker-mode `pending` document (or an `uploading` one
 * an hour past its expiry: its request died) loses its row and any partial object; an s3-mode one is looked
 * for an hour past its expiry (a PUT begun before it may still be arriving) and kept as uploaded if its object
 * arrived. Then the keys of tombstones whose URL is dead are deleted.
 */
export async function cleanupPendingUploads(svc: Services): Promise<{ removed: number; completed: number; tombstones: number }> {
  const now = svc.clock.now();
  const db = svc.env.DB;
  // Expired worker-mode links never claimed: no R2 request to make, so all of them at once (up to a bound a
  // statement can carry), their keys tombstoned for the sweep below in case anything is there.
  const expiredLinks = `id IN (SELECT id FROM asset_documents WHERE status = 'pending' AND upload_mode = 'worker' AND expires_at <= ?2 LIMIT ${EXPIRED_LINKS_AT_ONCE})`;
  const [, links] = await db.batch(removalStatements(db, expiredLinks, [now], now));
  let removed = links!.meta.changes ?? 0;
  // Each pass's failure is its own: an R2 hiccup while looking for arrivals must not hold back the sweep.
  const settled = await settleStaleUploads(svc, now).catch((err) => {
    logError(undefined, "documents.cleanup_failed", err);
    return { removed: 0, completed: 0 };
  });
  removed += settled.removed;
  const tombstones = await sweepTombstones(svc, now).catch((err) => {
    logError(undefined, "documents.sweep_failed", err);
    return 0;
  });
  return { removed, completed: settled.completed, tombstones };
}

/**
 * s3-mode uploads past their grace (R2 is asked whether each arrived: kept as uploaded if so) and worker ones
 * whose request died mid-upload (no byte for CLAIM_IDLE_MS: one still streaming renews its claim, upload-claim.ts);
 * the rest lose their rows, their keys tombstoned for the sweep.
 */
async function settleStaleUploads(svc: Services, now: number): Promise<{ removed: number; completed: number }> {
  const db = svc.env.DB;
  let removed = 0;
  let completed = 0;
  for (let round = 0; round < CLEANUP_ROUNDS; round++) {
    const { results } = await db.prepare(
      `SELECT * FROM asset_documents
        WHERE (status = 'pending' AND upload_mode = 's3' AND expires_at <= ?1) OR (status = 'uploading' AND expires_at <= ?1 AND claimed_at <= ?2)
        ORDER BY expires_at LIMIT 100`,
    ).bind(now - STALE_UPLOAD_GRACE_MS, now - CLAIM_IDLE_MS).all<Record<string, unknown>>();
    if (results.length === 0) break;
    const after = await reconcile(svc, results.map(toRow));
    completed += after.filter((d) => d.status === "uploaded").length;
    const gone = after.filter((d) => d.status !== "uploaded");
    if (gone.length) {
      // Rows and keys go together, in one batch and only while still not uploaded (a listing may have just
      // noticed an arrival): the sweep below deletes the objects.
      const stillGone = `id IN (SELECT value FROM json_each(?2)) AND status IN ('pending', 'uploading')`;
      const [, res] = await db.batch(removalStatements(db, stillGone, [jsonList(gone.map((d) => d.id))], now));
      removed += res!.meta.changes ?? 0;
    }
    if (results.length < 100) break;
  }
  return { removed, completed };
}

/** Expired worker-mode links one cleanup run removes at most (each a row and a tombstone, no R2 request). */
const EXPIRED_LINKS_AT_ONCE = 5000;
