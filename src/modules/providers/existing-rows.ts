/**
 * What a sync does to rows a provider id already owns (its group): reading the groups, reconciling a changed amount or
 * status with a correcting entry, superseding a pending row by its posted one, reverting a copy the bank removed or a
 * duplicate, voiding the copies of rows the person had voided before a relink, and merging a review flag a person
 * resolved.
 */
import type { Services } from "../../env";
import { ApiError } from "../../lib/errors";
import { truncateText } from "../../lib/exact-json";
import { dateIn } from "../../lib/dates";
import { newId } from "../../lib/ids";
import { type Currency, CURRENCY_SCALES, formatMinor } from "../../lib/money";
import { IN_JSON_LIST, jsonList } from "../../lib/sql";
import { GUARD_PREFIX } from "../../lib/batch-guard";
import { runLedger } from "../ledger/client";
import type { AccountRow } from "../accounts/service";
import { cashflowPostings } from "../transactions/postings";
import type { ConnectionRow } from "./connections";
import { type NormalTxn, type SyncStats, emptyStats, type ExistingRow, baseOf } from "./sync-types";
import { type Planned, commitPlanned } from "./sync-commits";
import { accountFromRow } from "./sync-accounts";

/** Every synced row of the accounts, grouped by provider transaction id (corrections with their transaction). */
export async function loadGroups(svc: Services, accountIds: string[]): Promise<Map<string, ExistingRow[]>> {
  const groups = new Map<string, ExistingRow[]>();
  if (accountIds.length === 0) return groups;
  const rows = await svc.env.DB.prepare(
    `SELECT id, account_id, provider_transaction_id AS pid, amount, status, ledger_seq, category_id, category_source, type, date, normalized_merchant, currency, provider_day
       FROM transactions WHERE account_id ${IN_JSON_LIST} AND provider_transaction_id IS NOT NULL`,
  )
    .bind(jsonList(accountIds))
    .all<ExistingRow>();
  for (const r of rows.results) {
    const base = baseOf(r.pid);
    groups.set(base, [...(groups.get(base) ?? []), r]);
  }
  return groups;
}

async function isVoided(svc: Services, transactionId: string): Promise<boolean> {
  const row = await svc.env.DB.prepare("SELECT status FROM transactions WHERE id = ?").bind(transactionId).first<{ status: string }>().catch(() => null);
  return row?.status === "cancelled";
}

/**
 * Reverses each live row of a provider's group (removed at the provider, or a copy another row stands for); a repeat is
 * a no-op. True when this call reversed any.
 */
export async function revertCopy(
  svc: Services, conn: ConnectionRow, rows: Pick<ExistingRow, "ledger_seq" | "category_id" | "status">[], metadata: Record<string, string>, touched: Set<string>,
): Promise<boolean> {
  let reverted = false;
  for (const r of rows) {
    // Before the reversal: one whose answer is lost may have committed all the same (see commitPlanned).
    if (r.category_id) touched.add(r.category_id);
    try {
      await runLedger(svc, { kind: "revert", spaceId: conn.space_id, seq: r.ledger_seq, atEffectiveDate: true, metadata, effects: [{ kind: "voidTransactionsOf", seq: r.ledger_seq }] });
      reverted = true;
    } catch (e) {
      if (!(e instanceof ApiError && e.code === "ALREADY_REVERTED")) throw e;
    }
  }
  for (const r of rows) r.status = "cancelled";
  return reverted;
}

/**
 * Voids new rows whose old copies the person voided (relink-carry.ts): the reversal of each, named as the person's void
 * is (`voidOf`; `followsVoidOf`, the old row), no reversal of the sync's own, so that a bank linked once more carries
 * the void again.
 */
export async function voidCarried(svc: Services, conn: ConnectionRow, rows: { id: string; oldId: string }[], touched: Set<string>) {
  if (rows.length === 0) return;
  const { results } = await svc.env.DB.prepare(`SELECT id, ledger_seq, category_id FROM transactions WHERE id ${IN_JSON_LIST}`)
    .bind(jsonList(rows.map((r) => r.id)))
    .all<{ id: string; ledger_seq: number; category_id: string | null }>();
  for (const r of results) {
    const oldId = rows.find((x) => x.id === r.id)!.oldId;
    await revertCopy(svc, conn, [{ ...r, status: "posted" }], { voidOf: r.id, followsVoidOf: oldId }, touched);
  }
}

/**
 * Whether row `t`'s ledger entry was reversed by a revert of the person's own (a void), not by a sync (the bank's
 * removal, `removedByProvider`; a merge into another copy, `mergedInto`). For a query whose transactions row is `t`.
 */
export const REVERSED_BY_PERSON = `EXISTS (
  SELECT 1 FROM ledger_transactions l JOIN ledger_transactions v ON v.space_id = l.space_id AND v.seq = l.reverted_by_seq
   WHERE l.space_id = t.space_id AND l.seq = t.ledger_seq
     AND json_extract(v.metadata, '$.removedByProvider') IS NULL AND json_extract(v.metadata, '$.mergedInto') IS NULL)`;

/**
 * Of these rows (voided ones), those the person voided: reversed by a revert of their own (the transactions' void), not
 * by a sync (the bank's removal, a merge into another copy): REVERSED_BY_PERSON, as relink-carry.ts tells them apart.
 */
export async function voidedByPerson(svc: Services, rowIds: string[]): Promise<Set<string>> {
  if (rowIds.length === 0) return new Set();
  const { results } = await svc.env.DB.prepare(
    `SELECT t.id FROM transactions t WHERE t.id ${IN_JSON_LIST} AND t.status = 'cancelled' AND ${REVERSED_BY_PERSON}`,
  )
    .bind(jsonList(rowIds))
    .all<{ id: string }>();
  return new Set(results.map((r) => r.id));
}

/**
 * The accounts' pending rows the person voided while pending (their void marks `voidedPending`, the row's provider id
 * then) that still bear that id: not yet carried to a posting (carryVoidToPosted gives them the posted id). For
 * providers without a pending link (Belvo), whose postings are matched to them by guess (pending-match.ts).
 */
export async function voidedPendingRows(svc: Services, accountIds: string[], groups: Map<string, ExistingRow[]>): Promise<ExistingRow[]> {
  if (accountIds.length === 0) return [];
  const { results } = await svc.env.DB.prepare(
    `SELECT t.id FROM transactions t
       JOIN ledger_transactions l ON l.space_id = t.space_id AND l.seq = t.ledger_seq
       JOIN ledger_transactions v ON v.space_id = l.space_id AND v.seq = l.reverted_by_seq
      WHERE t.account_id ${IN_JSON_LIST} AND t.status = 'cancelled'
        AND json_extract(v.metadata, '$.voidedPending') = t.provider_transaction_id`,
  )
    .bind(jsonList(accountIds))
    .all<{ id: string }>();
  const ids = new Set(results.map((r) => r.id));
  return [...groups.values()].flat().filter((r) => ids.has(r.id) && !r.pid.includes("#"));
}

/**
 * A pending row the person voided, posted by the bank under a new id naming it: the voided rows take the posted id (and
 * stay voided), so the posting is the person's void again, as a row voided and sent again is (and as a void carries
 * over a relink). Nothing is posted; the balance adjustment keeps the account the bank's, as after any void.
 */
export async function carryVoidToPosted(svc: Services, rows: ExistingRow[], pendingId: string, postedId: string, now: number) {
  const db = svc.env.DB;
  await db.batch(
    rows.map((r) =>
      db.prepare("UPDATE transactions SET provider_transaction_id = ?, updated_at = ? WHERE id = ? AND provider_transaction_id = ? AND status = 'cancelled'")
        .bind(postedId + r.pid.slice(pendingId.length), now, r.id, r.pid),
    ),
  );
}

/**
 * The copies of rows the person voided that a sync posted after a relink and a crash kept it from voiding (their
 * ledger entry carries `carriedVoidOf` and stands unreverted), on the accounts that took over others: voided now, as
 * the sync that posted them meant to. `groups`' rows are marked voided too, so the rest of the sync leaves them so.
 */
export async function finishCarriedVoids(
  svc: Services, conn: ConnectionRow, groups: Map<string, ExistingRow[]>, relinkedAccountIds: string[], touched: Set<string>,
) {
  if (relinkedAccountIds.length === 0) return;
  const { results } = await svc.env.DB.prepare(
    `SELECT t.id, json_extract(lt.metadata, '$.carriedVoidOf') AS old_id
       FROM transactions t JOIN ledger_transactions lt ON lt.space_id = t.space_id AND lt.seq = t.ledger_seq
      WHERE t.account_id ${IN_JSON_LIST} AND t.status != 'cancelled' AND lt.reverted_by_seq IS NULL
        AND json_extract(lt.metadata, '$.carriedVoidOf') IS NOT NULL`,
  )
    .bind(jsonList(relinkedAccountIds))
    .all<{ id: string; old_id: string }>();
  if (results.length === 0) return;
  const byId = new Map([...groups.values()].flat().map((r) => [r.id, r]));
  for (const { id, old_id } of results) {
    const row = byId.get(id);
    if (row) await revertCopy(svc, conn, [row], { voidOf: id, followsVoidOf: old_id }, touched);
  }
}

/**
 * The pending row (and its corrections) take the posted transaction's id and status in place: edits stay. A row the
 * person voided since the sync read it (its reversal landed meanwhile) stays voided: returns the ids of those.
 */
export async function supersede(svc: Services, rows: ExistingRow[], pendingId: string, postedId: string, now: number): Promise<Set<string>> {
  const db = svc.env.DB;
  const done = await db.batch<{ id: string; status: string }>(
    rows.map((r) =>
      db
        .prepare(
          "UPDATE transactions SET provider_transaction_id = ?, status = CASE WHEN ? AND status != 'cancelled' THEN 'posted' ELSE status END, updated_at = ? WHERE id = ? AND provider_transaction_id = ? RETURNING id, status",
        )
        .bind(postedId + r.pid.slice(pendingId.length), r.pid === pendingId ? 1 : 0, now, r.id, r.pid),
    ),
  );
  return new Set(done.flatMap((d) => d.results).filter((r) => r.status === "cancelled").map((r) => r.id));
}

/**
 * Brings a group in line with the provider's latest word: the status, and any
 * amount difference as a correcting entry. True when anything changed.
 *
 * The group keeps the day it was first seen (a pending row's is the day of the purchase; banks post a day or
 * two later), and a correction is dated on that day too: a tip added at posting belongs to its purchase, not
 * to another day, and never to another budget period.
 */
export async function reconcile(
  svc: Services, conn: ConnectionRow, acc: AccountRow, t: NormalTxn, rows: ExistingRow[], stats: SyncStats, touched: Set<string>,
  /** Every row of the group, voided ones too: a correction's number never reuses a voided one's (its reference is taken). */
  all: ExistingRow[] = rows,
): Promise<boolean> {
  let changed = false;
  const primary = rows.find((r) => !r.pid.includes("#")) ?? rows[0]!;
  const status = t.pending ? "pending" : "posted";
  const now = svc.clock.now();
  if (primary.status !== status && primary.status !== "cancelled") {
    // Not over a void that landed since the sync read the row (the ledger has it reversed).
    await svc.env.DB.prepare("UPDATE transactions SET status = ?, updated_at = ? WHERE id = ? AND status != 'cancelled'").bind(status, now, primary.id).run();
    primary.status = status;
    changed = true;
  }
  const effective = rows.reduce((s, r) => s + r.amount, 0);
  const diff = t.amountMinor - effective;
  if (diff !== 0) {
    const n = Math.max(0, ...[...rows, ...all].map((r) => Number(/#c(\d+)$/.exec(r.pid)?.[1] ?? 0))) + 1;
    const pid = `${t.id}#c${n}`;
    const currency = acc.currency as Currency;
    const id = newId("txn", now);
    const planned: Planned = {
      reference: `sync:${conn.id}:${pid}`,
      postings: cashflowPostings(acc.id, currency, diff, primary.category_id, false),
      row: {
        id, spaceId: conn.space_id, accountId: acc.id, amount: diff, currency, description: truncateText(`Correction: ${t.description}`, 500),
        merchantName: t.merchantName, normalizedMerchant: primary.normalized_merchant, date: primary.date, type: diff < 0 ? "expense" : "income",
        subtype: null, status, categoryId: primary.category_id, categorySource: primary.category_source, tags: "[]", notes: `Amount corrected by ${conn.provider} from ${formatMinor(effective, CURRENCY_SCALES[currency])} to ${formatMinor(t.amountMinor, CURRENCY_SCALES[currency])}`,
        location: null, counterpartyAccountId: null, trade: null, providerTransactionId: pid, createdAt: now, updatedAt: now,
      },
    };
    let done: string[];
    try {
      done = await commitPlanned(whilePrimaryLive(svc, primary.id), conn, [planned], stats, null, touched);
    } catch (err) {
      // Voided by the person since the sync read it: nothing is corrected over their void (the tip would count alone).
      if (!(err instanceof PrimaryVoided)) throw err;
      primary.status = "cancelled";
      return changed;
    }
    if (done.length) {
      rows.push({ ...primary, id, pid, amount: diff });
      stats.corrections++;
      changed = true;
    }
  }
  return changed;
}

/** A correction's transaction was voided before the correction landed. */
class PrimaryVoided extends Error {}

/**
 * `svc` whose ledger commits land only while transaction `primaryId` is not voided (in the commit's own batch, after
 * any void the ledger ran before it), besides the services' own guard (a sync's: its space is live); a commit refused
 * for the void throws PrimaryVoided.
 */
function whilePrimaryLive(svc: Services, primaryId: string): Services {
  const base = svc.commitGuard;
  const voidedSql = "EXISTS (SELECT 1 FROM transactions WHERE id = ? AND status = 'cancelled')";
  let voided = false;
  return {
    ...svc,
    commitGuard: {
      guard: base
        ? { sql: `${GUARD_PREFIX}1 WHERE EXISTS (${base.guard.sql.slice(GUARD_PREFIX.length - "SELECT ".length)}) OR ${voidedSql}`, params: [...base.guard.params, primaryId] }
        : { sql: `${GUARD_PREFIX}1 WHERE ${voidedSql}`, params: [primaryId] },
      holds: async () => {
        if (base && !(await base.holds())) return false;
        voided = (await svc.env.DB.prepare(`SELECT 1 AS voided WHERE ${voidedSql}`).bind(primaryId).first()) !== null;
        return !voided;
      },
      refused: () => (voided ? new PrimaryVoided(`transaction ${primaryId} was voided`) : base!.refused()),
      changes: base?.changes,
    },
  };
}

/**
 * A person's answer to an ambiguous match (review flag): the posted transaction supersedes the chosen
 * pending one exactly as a linked pair does in a sync. The posted duplicate is reverted, the pending row
 * takes the posted transaction's id and status in place (its category, tags and notes stay), and an
 * amount difference is posted as a correcting entry. The caller has claimed the flag first (one merge).
 * Returns whether any step changed the ledger before a failure (`changed`), for the caller's cleanup.
 */
export async function mergeFlagged(svc: Services, conn: ConnectionRow, postedTxnId: string, pendingTxnId: string, progress: { changed: boolean }): Promise<void> {
  const db = svc.env.DB;
  const [space, acc] = await Promise.all([
    db.prepare("SELECT timezone FROM spaces WHERE id = ?").bind(conn.space_id).first<{ timezone: string }>(),
    db.prepare("SELECT a.* FROM transactions t JOIN accounts a ON a.id = t.account_id WHERE t.id = ?").bind(postedTxnId).first<Record<string, unknown>>(),
  ]);
  if (!acc) throw new ApiError(409, "CONFLICT", "The flagged transaction no longer exists");
  const account = accountFromRow(acc);
  const tz = space?.timezone ?? "UTC";
  const groups = await loadGroups(svc, [account.id]);
  const all = [...groups.values()].flat();
  const posted = all.find((r) => r.id === postedTxnId);
  const pending = all.find((r) => r.id === pendingTxnId);
  if (!posted || !pending || pending.account_id !== posted.account_id) throw new ApiError(409, "CONFLICT", "The pending transaction is not in the flagged transaction's account");
  if (pending.status !== "pending" || posted.status === "cancelled" || pending.pid.includes("#") || posted.pid.includes("#")) {
    throw new ApiError(409, "CONFLICT", "These transactions changed since they were flagged (posted, merged or removed); there is nothing to merge");
  }
  const postedPid = posted.pid;
  const pendingPid = pending.pid;
  const details = await db.prepare("SELECT description, merchant_name FROM transactions WHERE id = ?").bind(posted.id).first<{ description: string; merchant_name: string | null }>();
  // What the institution says the transaction is: the posted group's live amount (its corrections included).
  const postedRows = (groups.get(postedPid) ?? []).filter((r) => r.status !== "cancelled");
  const postedAmount = postedRows.reduce((sum, r) => sum + r.amount, 0);
  // An inactive account (its bank disconnected) takes a reversal but no new entry: a merge that needs a correcting entry
  // (the posted amount is not the pending one's) would reverse the duplicate and then lose the difference. Refused before
  // anything changes; the person can void the row they do not want instead.
  const pendingAmount = (groups.get(pending.pid) ?? []).filter((r) => r.status !== "cancelled").reduce((sum, r) => sum + r.amount, 0);
  if (!account.isActive && postedAmount !== pendingAmount) {
    throw new ApiError(409, "CONFLICT", "The account is disconnected or inactive and the posted amount differs from the pending one: a merge would need a correcting entry the account no longer takes; void the duplicate instead");
  }
  // The order matters if a step fails. Reversing the duplicate first and then failing to supersede would leave the
  // pending row alone, and the next sync, no longer finding it listed, would reverse it too (the money kept only as a
  // balance adjustment, the person's row lost). Superseding first can be undone: if the reversal then fails, the
  // rows take back their pending ids and the claim is released, so the person can simply try again.
  // 1. The pending row becomes the posted transaction in place, as a linked pair does in a sync.
  const rows = (groups.get(pendingPid) ?? []).filter((r) => r.status !== "cancelled");
  const before = rows.map((r) => ({ id: r.id, pid: r.pid, status: r.status }));
  await supersede(svc, rows, pendingPid, postedPid, svc.clock.now());
  progress.changed = true;
  for (const r of rows) {
    r.pid = postedPid + r.pid.slice(pendingPid.length);
    if (r.id === pending.id) r.status = "posted";
  }
  // 2. The posted duplicate leaves the ledger (a reversal, never a deletion).
  let reversed = 0;
  for (const r of postedRows) {
    try {
      await runLedger(svc, {
        kind: "revert", spaceId: conn.space_id, seq: r.ledger_seq, atEffectiveDate: true,
        metadata: { mergedInto: pendingTxnId, provider: `${conn.provider}:${postedPid}` }, effects: [{ kind: "voidTransactionsOf", seq: r.ledger_seq }],
      });
    } catch (e) {
      // An unknown outcome (the ledger's answer lost, its batch maybe committed) is settled by the row itself:
      // the reversal voids it in that same batch.
      const settled = (e instanceof ApiError && e.code === "ALREADY_REVERTED") || (await isVoided(svc, r.id));
      if (!settled) {
        if (reversed === 0) {
          const undo = before.map((b) =>
            db.prepare("UPDATE transactions SET provider_transaction_id = ?, status = ? WHERE id = ? AND provider_transaction_id = ?").bind(b.pid, b.status, b.id, postedPid + b.pid.slice(pendingPid.length)),
          );
          // If the undo fails too, the claim stays (progress.changed) and the original error is the one reported.
          await db.batch(undo).then(() => (progress.changed = false), () => {});
        }
        throw e;
      }
    }
    reversed++;
    r.status = "cancelled";
  }
  // 3. Any difference (a tip) as a correcting entry in the pending row's category.
  const t: NormalTxn = {
    id: postedPid, accountExternalId: account.providerAccountId ?? "", amountMinor: postedAmount, date: dateIn(posted.date, tz),
    description: details?.description ?? "", merchantName: details?.merchant_name ?? null, pending: false, pendingId: pendingPid,
  };
  await reconcile(svc, conn, account, t, rows, emptyStats(), new Set(), [...(groups.get(postedPid) ?? []), ...rows]);
}
