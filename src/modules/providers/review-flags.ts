/**
 * Review flags: a posted transaction that a sync could match to more than one
 * pending transaction (providers without a pending link, as Belvo) is left as
 * two and flagged, never merged by guess. A person lists the open flags and
 * resolves each: `merge` (the posted transaction supersedes the chosen pending
 * one, as a linked Plaid pair does) or `keep_both` (they are two transactions).
 * A flag left with nothing to resolve is closed without a resolution (spent-flags.ts).
 */
import type { AuthContext, Services } from "../../env";
import { iso } from "../../lib/clock";
import { ApiError, conflict, notFound, validationFailed } from "../../lib/errors";
import { type Currency, CURRENCY_SCALES, moneyFields } from "../../lib/money";
import { pagination } from "../../lib/pagination";
import { logError } from "../../lib/log";
import { jsonList } from "../../lib/sql";
import { isoInZone } from "../../lib/zoned-time";
import { readSpace, requireRoleOver } from "../spaces/access";
import { mergeFlagged } from "./existing-rows";
import { closeSpentFlags } from "./spent-flags";
import { firstSyncInProgress } from "./sync";
import type { ConnectionRow } from "./connections";

interface FlagRow {
  id: string;
  space_id: string;
  transaction_id: string;
  candidate_transaction_ids: string;
  reason: string;
  created_at: number;
  resolved_at: number | null;
  resolution: "merge" | "keep_both" | null;
  resolved_by: string | null;
  merged_transaction_id: string | null;
}

interface TxnRow {
  id: string;
  account_id: string;
  amount: number;
  currency: string;
  description: string;
  merchant_name: string | null;
  date: number;
  status: string;
}

/** SQL of the transactions `present` shows: those of `ids`, a subquery of transaction ids, in the space `space`. */
const txnsSql = (space: string, ids: string) =>
  `SELECT id, account_id, amount, currency, description, merchant_name, date, status FROM transactions WHERE space_id = ${space} AND id IN (${ids})`;

/** Flags as the API shows them, read again with their transactions and the space's time zone. */
async function load(svc: Services, spaceId: string, flags: FlagRow[]) {
  const db = svc.env.DB;
  const ids = [...new Set(flags.flatMap((f) => [f.transaction_id, ...(JSON.parse(f.candidate_transaction_ids) as string[])]))];
  const [space, txns] = await db.batch<Record<string, unknown>>([
    db.prepare("SELECT timezone FROM spaces WHERE id = ?").bind(spaceId),
    db.prepare(txnsSql("?", "SELECT value FROM json_each(?)")).bind(spaceId, jsonList(ids)),
  ]);
  return present((space!.results[0]?.timezone as string | undefined) ?? "UTC", flags, txns!.results as unknown as TxnRow[]);
}

function present(tz: string, flags: FlagRow[], txns: TxnRow[]) {
  const byId = new Map(txns.map((t) => [t.id, t]));
  const txn = (id: string) => {
    const t = byId.get(id);
    if (!t) return null;
    const scale = CURRENCY_SCALES[t.currency as Currency] ?? 2;
    return {
      id: t.id, accountId: t.account_id, ...moneyFields("amount", t.amount, scale), currency: t.currency,
      description: t.description, merchantName: t.merchant_name, date: isoInZone(t.date, tz), status: t.status,
    };
  };
  return flags.map((f) => ({
    id: f.id,
    spaceId: f.space_id,
    reason: f.reason,
    status: statusOf(f),
    transaction: txn(f.transaction_id),
    candidates: (JSON.parse(f.candidate_transaction_ids) as string[]).map(txn).filter((t): t is NonNullable<typeof t> => t !== null),
    resolution: f.resolution,
    mergedTransactionId: f.merged_transaction_id,
    resolvedAt: f.resolved_at === null ? null : iso(f.resolved_at),
    resolvedBy: f.resolved_by,
    createdAt: iso(f.created_at),
  }));
}

type FlagStatus = "open" | "resolved" | "closed";

/** Closed: ended without a person's resolution, because nothing was left to resolve (spent-flags.ts). */
const statusOf = (f: FlagRow): FlagStatus => (f.resolved_at === null ? "open" : f.resolution === null ? "closed" : "resolved");

const STATUS_SQL: Record<FlagStatus | "all", string> = {
  open: " AND resolved_at IS NULL",
  resolved: " AND resolved_at IS NOT NULL AND resolution IS NOT NULL",
  closed: " AND resolved_at IS NOT NULL AND resolution IS NULL",
  all: "",
};

/**
 * GET /v1/providers/review-flags: the space's flags, newest first (open ones by default), in the round
 * trip that checks the caller: the zone comes with the membership, the transactions through the page.
 */
export async function listReviewFlags(svc: Services, auth: AuthContext, q: { spaceId: string; status: FlagStatus | "all"; limit: number; offset: number }) {
  const db = svc.env.DB;
  const where = STATUS_SQL[q.status];
  const { membership, results: [page, total, txns] } = await readSpace(svc, auth, q.spaceId, "viewer", (space) => {
    const pageSql = `SELECT * FROM provider_review_flags WHERE space_id = ${space.sql}${where} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`;
    const pageParams = [...space.params, q.limit, q.offset];
    const ids = `SELECT p.transaction_id FROM page p UNION SELECT c.value FROM page p, json_each(p.candidate_transaction_ids) c`;
    return [
      db.prepare(pageSql).bind(...pageParams),
      db.prepare(`SELECT COUNT(*) AS n FROM provider_review_flags WHERE space_id = ${space.sql}${where}`).bind(...space.params),
      db.prepare(`WITH page AS (${pageSql}) ${txnsSql(space.sql, ids)}`).bind(...pageParams, ...space.params),
    ];
  });
  const flags = page!.results as unknown as FlagRow[];
  return {
    flags: flags.length ? present(membership.space.timezone, flags, txns!.results as unknown as TxnRow[]) : [],
    pagination: pagination(Number((total!.results[0] as { n: number } | undefined)?.n ?? 0), q.limit, q.offset),
  };
}

const CLOSED = "This flag was closed: none of its candidates is pending any more (one was merged or removed), or its posted transaction was removed; there is nothing left to resolve";

/**
 * POST /v1/providers/review-flags/{flagId}/resolve. The flag is claimed first
 * (a second resolution is 409), then a merge runs; if the merge fails before
 * changing anything the claim is released, so the person can try again.
 */
export async function resolveReviewFlag(svc: Services, auth: AuthContext, flagId: string, body: { action: "merge" | "keep_both"; pendingTransactionId?: string }) {
  const db = svc.env.DB;
  const flag = await db.prepare("SELECT * FROM provider_review_flags WHERE id = ?").bind(flagId).first<FlagRow>();
  if (!flag) throw notFound("Review flag");
  await requireRoleOver(svc, auth, flag.space_id, "member", "Review flag");
  if (flag.resolved_at !== null) throw conflict(flag.resolution === null ? CLOSED : `This flag was already resolved (${flag.resolution})`);
  const candidates = JSON.parse(flag.candidate_transaction_ids) as string[];
  let pendingId: string | null = null;
  if (body.action === "merge") {
    pendingId = body.pendingTransactionId ?? (candidates.length === 1 ? candidates[0]! : null);
    if (pendingId === null) {
      throw validationFailed([{ field: "pendingTransactionId", message: `Required: this flag has ${candidates.length} candidates`, code: "REQUIRED" }]);
    }
    if (!candidates.includes(pendingId)) {
      throw validationFailed([{ field: "pendingTransactionId", message: "Not one of this flag's candidate transactions", code: "INVALID" }]);
    }
  }
  const now = svc.clock.now();
  // A merge's claim names no merged transaction until the merge is done: syncs leave the rows of a claim
  // without one alone (a merge in flight), and a half-done merge stays visible as such.
  const claim = await db
    .prepare("UPDATE provider_review_flags SET resolved_at = ?, resolution = ?, resolved_by = ?, merged_transaction_id = NULL WHERE id = ? AND resolved_at IS NULL")
    .bind(now, body.action, auth.userId, flag.id)
    .run();
  if (claim.meta.changes === 0) throw conflict("This flag was already resolved");
  if (body.action === "merge") {
    const progress = { changed: false };
    try {
      const conn = await db
        .prepare("SELECT c.* FROM transactions t JOIN provider_accounts pa ON pa.account_id = t.account_id JOIN provider_connections c ON c.id = pa.connection_id WHERE t.id = ?")
        .bind(flag.transaction_id)
        .first<ConnectionRow>();
      if (!conn) throw new ApiError(409, "CONFLICT", "The flagged transaction's account is no longer linked to a provider");
      // A sync that read the rows before this claim could act on them mid-merge: wait for it. One queued after
      // this check reads the claim and leaves the flag's rows alone (applyChanges, `rowsBeingMerged`).
      if (await firstSyncInProgress(svc, [conn.id], now)) throw conflict("A sync of this connection is in progress; resolve the flag when it has finished", "SYNC_IN_PROGRESS");
      await mergeFlagged(svc, conn, flag.transaction_id, pendingId!, progress);
      await db.prepare("UPDATE provider_review_flags SET merged_transaction_id = ? WHERE id = ?").bind(pendingId, flag.id).run();
      // The merge is done; other flags whose only candidates were these rows have nothing left to resolve. Best
      // effort: the connection's next sync closes them too, and the merge's answer must not be lost to this.
      await closeSpentFlags(svc, flag.space_id).catch((err) => logError(undefined, "review_flags.close_failed", err, { spaceId: flag.space_id }));
    } catch (e) {
      if (!progress.changed) {
        await db.prepare("UPDATE provider_review_flags SET resolved_at = NULL, resolution = NULL, resolved_by = NULL, merged_transaction_id = NULL WHERE id = ? AND resolved_at = ?").bind(flag.id, now).run();
      }
      throw e;
    }
  }
  const row = (await db.prepare("SELECT * FROM provider_review_flags WHERE id = ?").bind(flag.id).first<FlagRow>())!;
  return { flag: (await load(svc, flag.space_id, [row]))[0]! };
}
