/**
 * Applying what a provider reports to the ledger, idempotently.
 *
 * Every synced Dhanam row carries its provider transaction id; the rows a
 * provider id owns (the transaction itself and any correcting entries, named
 * `<id>#c<n>`) are its "group", and the group's live amounts sum to what the
 * institution last said. Each ledger write has a reference derived from that
 * state (`sync:<connection>:<id>`, `...#c<n>`), so a retried or concurrent
 * sync that repeats a write is refused by the ledger instead of doubling it.
 *
 * - new transaction: categorized (rules, then the model) and posted; in an account that took over a
 *   disconnected one (a bank linked again), the user's category, notes and tags of the old copy come first
 *   (relink-carry.ts).
 * - posted transaction naming its pending one (`pendingId`), or matched to it
 *   by amount, date and merchant for providers without the link: the pending
 *   row becomes the posted one in place (its category, tags and notes stay),
 *   and an amount difference (a tip) is posted as a correcting entry.
 * - modified amount: a correcting entry for the difference; never an edit.
 * - removed: reversal of every live row of the group.
 * - the balance the institution reports: an explicit adjustment entry for any
 *   difference from the ledger, never an overwrite.
 */
import type { Services } from "../../env";
import { ApiError, isConflict } from "../../lib/errors";
import { truncateText } from "../../lib/exact-json";
import { instantIn } from "../../lib/dates";
import { newId, newIds } from "../../lib/ids";
import { addDays, parseYmd, ymdString, zonedDate } from "../../lib/zoned-time";
import { assetOf, type Currency, CURRENCY_SCALES, formatMinor } from "../../lib/money";
import { IN_JSON_LIST, jsonList } from "../../lib/sql";
import { accountAddress } from "../ledger/addresses";
import { runLedger } from "../ledger/client";
import { bumpForecastEpoch } from "../analytics/forecast-epoch";
import type { SideEffect } from "../ledger/operations";
import type { Posting, TxIntent } from "../ledger/types";
import { normalizeMerchant } from "../ml/normalize";
import type { AccountRow } from "../accounts/service";
import type { AccountType } from "../accounts/schemas";
import { cashflowPostings, worldTransferPostings } from "../transactions/postings";
import { type OutboxRow, queueFanout } from "../webhooks/publish";
import { transactionCreatedEvent } from "../webhooks/transaction-events";
import { adjustBalances } from "./balance-adjustments";
import type { Categorizer } from "../categories/auto";
import { batchCategorizer } from "./categorize";
import type { ConnectionRow } from "./connections";
import { rowsBeingMerged } from "./merge-claims";
import { type HandWritten, type Incoming, MANUAL_DAYS_BEFORE, readHandWritten, releaseHandWritten, takeOverHandWritten, unclearedFrom } from "./manual-match";
import { matchPending } from "./pending-match";
import { type CarrySubject, predecessorIds, predecessorsSql, relinkCarry } from "./relink-carry";
import { closeSpentFlags } from "./spent-flags";
import { wellFormedChanges } from "./well-formed";

export interface NormalAccount {
  externalId: string;
  name: string;
  type: AccountType;
  subtype: string | null;
  currency: Currency;
  mask: string | null;
  /** What the institution says the account holds, excluding pending transactions (minor units); null if unknown. */
  balanceMinor: number | null;
}

export interface NormalTxn {
  id: string;
  accountExternalId: string;
  /** Signed minor units from the account's point of view: negative leaves the account. */
  amountMinor: number;
  /** YYYY-MM-DD, the day the institution gives. */
  date: string;
  description: string;
  merchantName: string | null;
  pending: boolean;
  /** The pending transaction this posted one replaces, when the provider says so (Plaid). */
  pendingId: string | null;
}

/** A cash-and-asset exchange (Bitso): one ledger transaction, a row per account it touches. */
export interface NormalTrade {
  id: string;
  date: string;
  description: string;
  /** Legs: each moves `amountMinor` (signed, the account's view) of the account's currency against `world`. */
  legs: { accountExternalId: string; amountMinor: number; fee: boolean; side: "buy" | "sell" }[];
  record: Record<string, string>;
}

export interface SyncChanges {
  accounts: NormalAccount[];
  upserts: NormalTxn[];
  removed: string[];
  trades?: NormalTrade[];
  /** Match posted to pending by amount, date and merchant (providers without a pending link). */
  matchPendingHeuristically: boolean;
  /**
   * The upserts are everything the provider holds from `fromDay` on (a listing, not a change feed, as
   * Belvo's): a synced transaction of those accounts in that window that is no longer listed was removed.
   */
  snapshot?: { fromDay: string };
}

export interface SyncStats {
  created: number;
  updated: number;
  unchanged: number;
  errors: number;
  removed: number;
  corrections: number;
  adjustments: number;
  flagged: number;
}

export const emptyStats = (): SyncStats => ({ created: 0, updated: 0, unchanged: 0, errors: 0, removed: 0, corrections: 0, adjustments: 0, flagged: 0 });

export interface ExistingRow {
  id: string;
  account_id: string;
  pid: string;
  amount: number;
  status: string;
  ledger_seq: number;
  category_id: string | null;
  category_source: string | null;
  type: string;
  date: number;
  normalized_merchant: string | null;
  currency: string;
  /** The provider's day of a hand-written row its copy took over (manual-match.ts), which keeps the person's date. */
  provider_day: string | null;
}

/** Ledger transactions per commit when posting many new rows (the ledger object takes up to 100 in one write). */
const COMMIT_CHUNK = 100;
/** Commits of one sync sent to the ledger object at a time. */
const COMMITS_IN_FLIGHT = 4;

const baseOf = (pid: string) => pid.split("#")[0]!;

/** A one-argument function remembered per argument (a sync's thousands of rows share a few hundred days). */
function memoized<T>(fn: (key: string) => T): (key: string) => T {
  const seen = new Map<string, T>();
  return (key) => {
    if (!seen.has(key)) seen.set(key, fn(key));
    return seen.get(key)!;
  };
}

interface Planned {
  row: Omit<typeof import("../../db/schema").transactions.$inferInsert, "ledgerSeq">;
  postings: Posting[];
  reference: string;
  /** Pending rows this new row may duplicate (an ambiguous match): flagged for a person, in the row's own commit. */
  reviewCandidates?: string[];
}

export async function applyChanges(
  svc: Services,
  conn: ConnectionRow,
  changes: SyncChanges,
  stats: SyncStats,
  opts: {
    onlyAccountIds?: string[];
    timings?: Record<string, number>;
    /**
     * Gets the categories of every row this sync posts (new rows, corrections) or voids, for the budget alert
     * check after it (sync.ts). The caller's set, so what was written before a failure is known too.
     */
    touchedCategories?: Set<string>;
  } = {},
): Promise<{ accountIds: string[]; createdIds: string[] }> {
  changes = wellFormedChanges(conn.provider, changes);
  const touched = opts.touchedCategories ?? new Set<string>();
  // Rows created before this are an earlier sync's: an account with none is reconciled for the first time.
  const started = svc.clock.now();
  let mark = Date.now();
  const phase = (name: string) => {
    const t = Date.now();
    if (opts.timings) opts.timings[name] = (opts.timings[name] ?? 0) + t - mark;
    mark = t;
  };
  const space = await svc.env.DB.prepare("SELECT timezone FROM spaces WHERE id = ?").bind(conn.space_id).first<{ timezone: string }>();
  const tz = space?.timezone ?? "UTC";
  const { byExt: accountsByExt, predecessors } = await ensureAccounts(svc, conn, changes.accounts);
  const wanted = (ext: string) => {
    const a = accountsByExt.get(ext);
    return a && a.isActive && (!opts.onlyAccountIds?.length || opts.onlyAccountIds.includes(a.id)) ? a : null;
  };
  const accountIds = [...accountsByExt.values()].filter((a) => wanted(a.providerAccountId!)).map((a) => a.id);
  phase("accountsMs");
  const [groups, merging] = await Promise.all([loadGroups(svc, accountIds), rowsBeingMerged(svc, conn.space_id)]);
  phase("loadMs");
  // A group holding a row of a merge in flight is left as it is for this sync (the next one sees the merge done).
  const inMerge = (pid: string) => (groups.get(pid) ?? []).some((r) => merging.has(r.id));
  const live = (pid: string) => (groups.get(pid) ?? []).filter((r) => r.status !== "cancelled");
  const now = svc.clock.now();
  const createdIds: string[] = [];

  // A pending transaction that a posted one of this same sync names is superseded, not removed.
  const supersededIds = new Set(changes.upserts.map((t) => t.pendingId).filter((x): x is string => !!x));
  const stillPending = new Set(changes.upserts.filter((t) => t.pending).map((t) => t.id));

  // Heuristic matches (providers without the link): an exact match wins, then a unique one within the tolerance;
  // anything ambiguous is left as two and flagged (pending-match.ts).
  let heuristic = new Map<string, ExistingRow>();
  let ambiguous = new Map<string, string[]>();
  if (changes.matchPendingHeuristically) {
    const pendingRows = [...groups.values()].flat().filter((r) => r.status === "pending" && !r.pid.includes("#") && !stillPending.has(r.pid) && !merging.has(r.id));
    const posted = changes.upserts.flatMap((t) => {
      const acc = t.pending || t.pendingId || groups.has(t.id) ? null : wanted(t.accountExternalId);
      if (!acc) return [];
      const merchant = normalizeMerchant(t.merchantName ?? t.description);
      return [{ id: t.id, accountId: acc.id, amountMinor: t.amountMinor, day: Date.parse(`${t.date}T00:00:00Z`), merchant, scale: CURRENCY_SCALES[acc.currency as Currency] }];
    });
    // A pending row that took over one written by hand keeps the person's day, up to days from the bank's: it is
    // matched by the bank's day (`provider_day`), as the bank's own pending rows are.
    ({ matched: heuristic, ambiguous } = matchPending(posted, pendingRows, (r) => (r.provider_day ? Date.parse(`${r.provider_day}T00:00:00Z`) : instantDay(r.date, tz))));
  }

  // A posted transaction becomes its pending copy in place (its category, tags and notes stay), a tip a correction.
  const postOverPending = async (t: NormalTxn, acc: AccountRow, pendingRow: string) => {
    const rows = live(pendingRow);
    await supersede(svc, rows, pendingRow, t.id, now);
    groups.set(t.id, rows.map((r) => ({ ...r, pid: t.id + r.pid.slice(pendingRow.length), status: r.pid === pendingRow ? "posted" : r.status })));
    groups.delete(pendingRow);
    await reconcile(svc, conn, acc, t, live(t.id), stats, touched, groups.get(t.id));
    stats.updated++;
  };
  // A copy the bank removed that had taken over a row written by hand: the row is given back to the person, never
  // reversed (manual-match.ts); the bank's own corrections of it are. Before the new rows, which may take it over again.
  const giveBack = async (pid: string) => {
    const rows = live(pid);
    const own = rows.find((r) => !r.pid.includes("#") && r.provider_day !== null);
    if (!own) return false;
    const corrections = rows.filter((r) => r !== own);
    if (corrections.length > 0) await revertCopy(svc, conn, corrections, { removedByProvider: `${conn.provider}:${pid}` }, touched);
    await releaseHandWritten(svc, own.id, pid);
    groups.delete(pid);
    return true;
  };
  for (const pid of changes.removed) if (!supersededIds.has(pid) && !inMerge(pid)) await giveBack(pid);

  // Postings of another amount than their pending copy (a tip), decided with the new rows: the person may have written
  // the whole amount by hand, and then the hand-written row is the transaction and the pending copy a duplicate of it.
  const tipped = new Map<string, { t: NormalTxn; acc: AccountRow; pendingRow: string }>();

  let toCreate: NormalTxn[] = [];
  for (const t of changes.upserts) {
    const acc = wanted(t.accountExternalId);
    if (!acc) continue;
    try {
      if (inMerge(t.id) || (t.pendingId && inMerge(t.pendingId))) {
        stats.unchanged++;
        continue;
      }
      const mine = live(t.id);
      if (mine.length > 0 || groups.has(t.id)) {
        if (mine.length === 0) {
          // Removed earlier and reported again: it stays reversed (the reversal is the record).
          stats.unchanged++;
          continue;
        }
        // A tip merged into a row written by hand (below) whose pending copy's reversal a crash stopped: finished now.
        if (!t.pending && t.pendingId && live(t.pendingId).length > 0 && mine.some((r) => r.provider_day !== null)) {
          await revertCopy(svc, conn, live(t.pendingId), { mergedInto: mine[0]!.id, provider: `${conn.provider}:${t.pendingId}` }, touched);
        }
        const changed = await reconcile(svc, conn, acc, t, mine, stats, touched, groups.get(t.id));
        if (changed) stats.updated++;
        else stats.unchanged++;
        continue;
      }
      const pendingRow = t.pendingId && live(t.pendingId).length > 0 ? t.pendingId : heuristic.get(t.id)?.pid;
      if (!t.pending && pendingRow) {
        const rows = live(pendingRow);
        // Not when the pending copy is itself a row written by hand that the bank took over (it has the bank's day).
        if (rows.reduce((sum, r) => sum + r.amount, 0) !== t.amountMinor && rows.every((r) => r.provider_day === null)) {
          tipped.set(t.id, { t, acc, pendingRow });
          continue;
        }
        await postOverPending(t, acc, pendingRow);
        continue;
      }
      toCreate.push(t);
    } catch (e) {
      if (!isConflict(e)) throw e;
      stats.unchanged++;
    }
  }

  // New rows, categorized in one round trip (with the read of the rows written by hand they may be) and posted in chunks.
  phase("loopMs");
  const subjectsOf = (list: NormalTxn[]) =>
    list.map((t) => {
      const acc = wanted(t.accountExternalId)!;
      return {
        subject: { merchantName: t.merchantName, description: t.description, amountMinor: Math.abs(t.amountMinor), scale: CURRENCY_SCALES[acc.currency as Currency], accountId: acc.id },
        signedAmount: t.amountMinor,
      };
    });
  let categorize: Categorizer = () => null;
  if (toCreate.length > 0 || tipped.size > 0) {
    const tips = [...tipped.values()];
    const all = subjectsOf([...toCreate, ...tips.map((x) => x.t)]);
    const incoming: Incoming[] = [...toCreate.map((t) => ({ t, day: t.date })), ...tips.map((x) => ({ t: x.t, day: dayIn(live(x.pendingRow)[0]!.date, tz) }))].map(({ t, day }) => {
      const acc = wanted(t.accountExternalId)!;
      return {
        // A tipped posting pairs from its purchase's day, its pending copy's.
        id: t.id, accountId: acc.id, currency: acc.currency, amountMinor: t.amountMinor, day, bankDay: t.date, pending: t.pending,
        merchantName: t.merchantName, merchant: normalizeMerchant(t.merchantName ?? t.description), ruleCategoryId: null,
      };
    });
    let hand: HandWritten;
    [categorize, hand] = await Promise.all([batchCategorizer(svc, conn.space_id, all), readHandWritten(svc, tz, incoming, predecessors)]);
    phase("categorizerMs");
    // A row the person wrote by hand and the bank now sends: the hand-written row becomes the bank's in place
    // (manual-match.ts), nothing is posted again; one a concurrent run of this sync took or posted meanwhile is there.
    incoming.forEach((t, i) => {
      const auto = t.amountMinor === 0 ? null : categorize(all[i]!.subject, t.amountMinor);
      t.ruleCategoryId = auto?.source === "rule" ? auto.categoryId : null;
    });
    const { taken } = await takeOverHandWritten(svc, conn.space_id, tz, incoming, hand, predecessors);
    for (const [pid, row] of taken) {
      groups.set(pid, [row]);
      stats.updated++;
    }
    for (const pid of hand.present) if (!taken.has(pid)) stats.unchanged++;
    if (taken.size > 0 || hand.present.size > 0) toCreate = toCreate.filter((t) => !taken.has(t.id) && !hand.present.has(t.id));
    // A tip: the hand-written row of the whole amount is the transaction now, and the pending copy before the tip, its
    // duplicate, is reversed (after the take-over: a crash between is finished by the next sync, above). Without one,
    // the posting becomes its pending copy, as any other.
    for (const { t, acc, pendingRow } of tips) {
      if (hand.present.has(t.id)) continue;
      try {
        const row = taken.get(t.id);
        if (row) await revertCopy(svc, conn, live(pendingRow), { mergedInto: row.id, provider: `${conn.provider}:${pendingRow}` }, touched);
        else await postOverPending(t, acc, pendingRow);
      } catch (e) {
        if (!isConflict(e)) throw e;
        stats.unchanged++;
      }
    }
    phase("handWrittenMs");
  }

  if (toCreate.length > 0) {
    const subjects = subjectsOf(toCreate);
    // A bank linked again: its new rows take the user's category, notes and tags from the old account's copies
    // (relink-carry.ts; no read unless one of these accounts took over another).
    const merchants = toCreate.map((t) => normalizeMerchant(t.merchantName ?? t.description));
    const carrySubjects = toCreate.map((t, i) => {
      const acc = wanted(t.accountExternalId)!;
      return { accountId: acc.id, day: t.date, amountMinor: t.amountMinor, currency: acc.currency, merchant: merchants[i]! };
    });
    const carried = await relinkCarry(svc, tz, predecessors, carrySubjects, successorRows(groups, predecessors, tz, new Set(changes.removed)));
    phase("carryMs");
    const dayStart = memoized((day: string) => instantIn(day, tz));
    const ids = newIds("txn", toCreate.length, now);
    const voided: { id: string; oldId: string }[] = [];
    const planned: Planned[] = toCreate.map((t, i) => {
      const acc = wanted(t.accountExternalId)!;
      const currency = acc.currency as Currency;
      const carry = carried[i];
      // The old copy was a side of a transfer the person wrote: the new one is that side again (relink-carry.ts), no
      // cash flow, whatever the rules or the model would file the bank's text under.
      const transfer = carry?.transfer ?? null;
      const auto = t.amountMinor === 0 || transfer ? null : categorize(subjects[i]!.subject, t.amountMinor);
      // The old copy's category set by hand wins over the rules and the model, and stays the user's; one the rules
      // set stays unless a rule hits now (relink-carry.ts).
      const kept = carry?.categoryId && (carry.categorySource === "manual" || auto?.source !== "rule") ? carry : null;
      const categoryId = transfer ? null : kept ? kept.categoryId : (auto?.categoryId ?? null);
      const categorySource = transfer ? null : kept ? kept.categorySource : (auto?.source ?? null);
      const id = ids[i]!;
      if (carry?.voided) voided.push({ id, oldId: carry.fromId });
      return {
        reference: `sync:${conn.id}:${t.id}`,
        postings: transfer ? worldTransferPostings(acc.id, currency, t.amountMinor) : cashflowPostings(acc.id, currency, t.amountMinor, categoryId, false),
        reviewCandidates: ambiguous.get(t.id),
        row: {
          id, spaceId: conn.space_id, accountId: acc.id, amount: t.amountMinor, currency, description: truncateText(t.description, 500) || "(no description)",
          merchantName: t.merchantName, normalizedMerchant: merchants[i]!, date: dayStart(t.date),
          type: transfer ? "transfer" : t.amountMinor < 0 ? "expense" : "income", subtype: transfer ? (t.amountMinor < 0 ? "transfer_out" : "transfer_in") : null,
          status: t.pending ? "pending" : "posted", categoryId, categorySource, tags: carry?.tags ?? "[]", notes: carry?.notes ?? null, location: null,
          counterpartyAccountId: transfer?.counterpartyAccountId ?? null, trade: null, providerTransactionId: t.id, createdAt: now, updatedAt: now,
        },
      };
    });
    phase("planMs");
    const committedList = await commitPlanned(svc, conn, planned, stats, tz, touched);
    phase("commitMs");
    createdIds.push(...committedList);
    // A copy of a row the person voided on the old account is voided as theirs was (relink-carry.ts), each by its
    // reversal, after its commit (a reversal names what it reverts): the balance adjustment below then keeps the
    // account the bank's, as the old account's did after the person's void. A crash between leaves the copy posted,
    // as the bank sent it, for the person to void again.
    if (voided.length > 0) {
      const committed = new Set(committedList);
      await voidCarried(svc, conn, voided.filter((v) => committed.has(v.id)), touched);
    }
  }

  const newTrades = (changes.trades ?? []).filter((trade) => {
    if (groups.has(trade.id)) {
      stats.unchanged++;
      return false;
    }
    return trade.legs.every((l) => wanted(l.accountExternalId));
  });
  for (let i = 0; i < newTrades.length; i += COMMIT_CHUNK) {
    createdIds.push(...(await commitTrades(svc, conn, newTrades.slice(i, i + COMMIT_CHUNK), wanted as (ext: string) => AccountRow, tz, now, stats)));
  }

  // A listing: what is no longer listed in its window was removed at the provider. A row keeps the day it was first
  // seen (a hand-written row the bank took over, the person's; a pending row, the purchase's), which may be up to
  // MANUAL_DAYS_BEFORE days after the day the bank lists it under: in those first days of the window, a row the bank
  // no longer lists may only have slid out of it, and is left alone (one really removed was seen gone while younger).
  const removed = [...changes.removed];
  if (changes.snapshot) {
    const from = instantIn(ymdString(addDays(parseYmd(changes.snapshot.fromDay), MANUAL_DAYS_BEFORE)), tz);
    const listed = new Set(changes.upserts.map((t) => t.id));
    for (const [pid, rows] of groups) {
      if (pid === "balance" || listed.has(pid)) continue;
      if (rows.some((r) => !r.pid.includes("#") && r.status !== "cancelled" && r.date >= from && accountIds.includes(r.account_id))) removed.push(pid);
    }
  }
  // Pending rows an ambiguous posted transaction might be: left in place for a person to resolve, not reversed.
  const flaggedPending = new Set([...ambiguous.values()].flat());
  if (removed.length > 0) {
    // ...and so are those of earlier syncs' flags, until a person resolves them.
    const earlier = await svc.env.DB.prepare("SELECT candidate_transaction_ids FROM provider_review_flags WHERE space_id = ? AND resolved_at IS NULL").bind(conn.space_id).all<{ candidate_transaction_ids: string }>();
    for (const f of earlier.results) for (const id of JSON.parse(f.candidate_transaction_ids) as string[]) flaggedPending.add(id);
  }

  // Removed transactions are reversed (unless a posted one of this sync superseded them).
  for (const pid of removed) {
    if (supersededIds.has(pid) || inMerge(pid)) continue;
    if ((groups.get(pid) ?? []).some((r) => flaggedPending.has(r.id))) continue;
    const rows = live(pid);
    if (rows.length === 0) continue;
    if (await giveBack(pid)) {
      stats.removed++;
      continue;
    }
    if (await revertCopy(svc, conn, rows, { removedByProvider: `${conn.provider}:${pid}` }, touched)) stats.removed++;
  }
  // A flag whose pending rows this sync made posted (or whose posted row it removed) has nothing left to resolve.
  if (changes.matchPendingHeuristically) await closeSpentFlags(svc, conn.space_id);

  phase("restMs");
  // An account with a merge in flight is reconciled by the next sync: its balance is between two states now.
  const accountsInMerge = new Set([...groups.values()].flat().filter((r) => merging.has(r.id)).map((r) => r.account_id));
  const settled = changes.accounts.filter((a) => wanted(a.externalId) && !accountsInMerge.has(accountsByExt.get(a.externalId)?.id ?? ""));
  await adjustBalances(svc, conn, settled, accountsByExt, groups, stats, started, unclearedFrom(svc.clock.now(), tz));
  phase("balancesMs");
  return { accountIds, createdIds };
}

/**
 * The rows accounts that took over others already hold from the provider (each group's first row, each of which
 * took an old row when it came), as relink-carry.ts pairs them, but those removed or voided: a bank that drops a
 * pending copy and sends it posted under a new id without naming it gives the new one the old row's work (second
 * review). Nothing for a sync of accounts that took over none.
 */
function successorRows(groups: Map<string, ExistingRow[]>, predecessors: Map<string, string[]>, tz: string, removedNow: Set<string>): CarrySubject[] {
  if (![...predecessors.values()].some((p) => p.length > 0)) return [];
  return [...groups.values()].flat().flatMap((r) =>
    // Removed in this sync too: removals are applied after the new rows.
    !r.pid.includes("#") && r.status !== "cancelled" && !removedNow.has(r.pid) && (predecessors.get(r.account_id)?.length ?? 0) > 0
      ? [{ accountId: r.account_id, day: r.provider_day ?? dayIn(r.date, tz), amountMinor: r.amount, currency: r.currency, merchant: r.normalized_merchant }]
      : [],
  );
}

function instantDay(ms: number, tz: string): number {
  // The calendar day of the pending row in the space's zone, as UTC midnight of that day.
  return Date.parse(`${dayIn(ms, tz)}T00:00:00Z`);
}

/**
 * The connection's accounts by the provider's id, created on first sight (idempotently: a retried creation replays),
 * and by Dhanam id the accounts each took over (relink-carry.ts), newest first.
 */
async function ensureAccounts(svc: Services, conn: ConnectionRow, list: NormalAccount[]): Promise<{ byExt: Map<string, AccountRow>; predecessors: Map<string, string[]> }> {
  const db = svc.env.DB;
  // With each account, the accounts it took over (a bank linked again), whose rows its imports take the user's work from.
  const predecessors = new Map<string, string[]>();
  const known = async () =>
    (
      await db
        .prepare(
          `SELECT a.*, ${predecessorsSql("a")} AS predecessors FROM provider_accounts pa JOIN accounts a ON a.id = pa.account_id WHERE pa.connection_id = ?`,
        )
        .bind(conn.id)
        .all<Record<string, unknown>>()
    ).results.map((r) => {
      predecessors.set(r.id as string, predecessorIds(r.predecessors as string | null));
      return accountFromRow(r);
    });
  let rows = await known();
  const have = new Set(rows.map((r) => r.providerAccountId));
  const missing = list.filter((a) => !have.has(a.externalId));
  for (const a of missing) {
    const now = svc.clock.now();
    const row: AccountRow = {
      id: newId("acc", now), spaceId: conn.space_id, name: truncateText(a.name, 120), type: a.type, subtype: a.subtype, currency: a.currency,
      provider: conn.provider, providerAccountId: a.externalId, institutionName: conn.institution_name, accountNumberMask: a.mask ? `****${a.mask.slice(-4)}` : null,
      routingNumberMask: null, isActive: true, allowOverdraft: true, lastSyncedAt: null, disconnectedAt: null, transactionCount: 0, createdAt: now, updatedAt: now,
    };
    const key = `provider-account:${conn.id}:${a.externalId}`;
    const { returns } = await runLedger(svc, {
      kind: "commit", spaceId: conn.space_id, txs: [], effects: [{ kind: "insertAccount", row }],
      idempotency: { key, fingerprint: key }, returns: { accountId: row.id },
    });
    await db
      .prepare("INSERT OR IGNORE INTO provider_accounts (account_id, connection_id, space_id, provider_account_id, created_at) VALUES (?, ?, ?, ?, ?)")
      .bind(returns.accountId as string, conn.id, conn.space_id, a.externalId, now)
      .run();
  }
  if (missing.length) {
    // A cached forecast lists the space's accounts: one computed before these is not served after them.
    await bumpForecastEpoch(db, conn.space_id).run();
    rows = await known();
  }
  return { byExt: new Map(rows.map((r) => [r.providerAccountId!, r])), predecessors };
}

function accountFromRow(r: Record<string, unknown>): AccountRow {
  return {
    id: r.id as string, spaceId: r.space_id as string, name: r.name as string, type: r.type as string, subtype: r.subtype as string | null,
    currency: r.currency as string, provider: r.provider as string, providerAccountId: r.provider_account_id as string | null,
    institutionName: r.institution_name as string | null, accountNumberMask: r.account_number_mask as string | null,
    routingNumberMask: r.routing_number_mask as string | null, isActive: r.is_active === 1, allowOverdraft: r.allow_overdraft === 1,
    lastSyncedAt: r.last_synced_at as number | null, disconnectedAt: r.disconnected_at as number | null,
    transactionCount: r.transaction_count as number, createdAt: r.created_at as number, updatedAt: r.updated_at as number,
  };
}

/** Every synced row of the accounts, grouped by provider transaction id (corrections with their transaction). */
async function loadGroups(svc: Services, accountIds: string[]): Promise<Map<string, ExistingRow[]>> {
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
async function revertCopy(
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
async function voidCarried(svc: Services, conn: ConnectionRow, rows: { id: string; oldId: string }[], touched: Set<string>) {
  if (rows.length === 0) return;
  const { results } = await svc.env.DB.prepare(`SELECT id, ledger_seq, category_id FROM transactions WHERE id ${IN_JSON_LIST}`)
    .bind(jsonList(rows.map((r) => r.id)))
    .all<{ id: string; ledger_seq: number; category_id: string | null }>();
  for (const r of results) {
    const oldId = rows.find((x) => x.id === r.id)!.oldId;
    await revertCopy(svc, conn, [{ ...r, status: "posted" }], { voidOf: r.id, followsVoidOf: oldId }, touched);
  }
}

/** The pending row (and its corrections) take the posted transaction's id and status in place: edits stay. */
async function supersede(svc: Services, rows: ExistingRow[], pendingId: string, postedId: string, now: number) {
  const db = svc.env.DB;
  await db.batch(
    rows.map((r) =>
      db
        .prepare("UPDATE transactions SET provider_transaction_id = ?, status = CASE WHEN ? THEN 'posted' ELSE status END, updated_at = ? WHERE id = ? AND provider_transaction_id = ?")
        .bind(postedId + r.pid.slice(pendingId.length), r.pid === pendingId ? 1 : 0, now, r.id, r.pid),
    ),
  );
}

/**
 * Brings a group in line with the provider's latest word: the status, and any
 * amount difference as a correcting entry. True when anything changed.
 *
 * The group keeps the day it was first seen (a pending row's is the day of the purchase; banks post a day or
 * two later), and a correction is dated on that day too: a tip added at posting belongs to its purchase, not
 * to another day, and never to another budget period.
 */
async function reconcile(
  svc: Services, conn: ConnectionRow, acc: AccountRow, t: NormalTxn, rows: ExistingRow[], stats: SyncStats, touched: Set<string>,
  /** Every row of the group, voided ones too: a correction's number never reuses a voided one's (its reference is taken). */
  all: ExistingRow[] = rows,
): Promise<boolean> {
  let changed = false;
  const primary = rows.find((r) => !r.pid.includes("#")) ?? rows[0]!;
  const status = t.pending ? "pending" : "posted";
  const now = svc.clock.now();
  if (primary.status !== status && primary.status !== "cancelled") {
    await svc.env.DB.prepare("UPDATE transactions SET status = ?, updated_at = ? WHERE id = ?").bind(status, now, primary.id).run();
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
    const done = await commitPlanned(svc, conn, [planned], stats, null, touched);
    if (done.length) {
      rows.push({ ...primary, id, pid, amount: diff });
      stats.corrections++;
      changed = true;
    }
  }
  return changed;
}

/**
 * Posts planned rows in chunks; a chunk refused for a reference already used is retried row by row. Returns the ids
 * committed. New rows are announced, their dates in the space's zone `announceIn`; corrections (null) are not.
 * Each chunk's categories go into `touched` before it is sent: a write whose answer is lost may have committed,
 * and its retry would find the rows already there and write nothing, so the failed run's check must cover them
 * (checking a category whose spending did not change writes nothing).
 */
async function commitPlanned(
  svc: Services, conn: ConnectionRow, planned: Planned[], stats: SyncStats, announceIn: string | null, touched: Set<string>,
): Promise<string[]> {
  const countCreated = announceIn !== null;
  const done: string[] = [];
  const announced: OutboxRow[] = [];
  const commit = async (chunk: Planned[]) => {
    for (const p of chunk) if (p.row.categoryId) touched.add(p.row.categoryId);
    const txs: TxIntent[] = chunk.map((p) => ({
      postings: p.postings, reference: p.reference, timestamp: p.row.date,
      metadata: { dhanamTransactionId: p.row.id, provider: conn.provider, providerTransactionId: p.row.providerTransactionId ?? "" },
    }));
    const effects: SideEffect[] = chunk.map((p, i) => ({ kind: "insertTransaction", txIndex: i, row: p.row }));
    // New transactions are announced in the same batch (corrections are not new transactions).
    const eventIds = countCreated ? newIds("evt", chunk.length, svc.clock.now()) : [];
    const events = announceIn !== null ? chunk.map((p, i) => createdEvent(conn, p.row, announceIn, p.row.createdAt, eventIds[i]!)) : [];
    for (const row of events) effects.push({ kind: "insertEvent", row });
    const flags = chunk.filter((p) => p.reviewCandidates?.length);
    for (const p of flags) {
      effects.push({
        kind: "insertReviewFlag",
        row: { id: newId("flg", p.row.createdAt), spaceId: conn.space_id, transactionId: p.row.id, candidateTransactionIds: JSON.stringify(p.reviewCandidates), reason: "possible_pending_duplicate", createdAt: p.row.createdAt },
      });
    }
    await runLedger(svc, { kind: "commit", spaceId: conn.space_id, txs, effects });
    done.push(...chunk.map((p) => p.row.id));
    announced.push(...events);
    if (countCreated) stats.created += chunk.length;
    stats.flagged += flags.length;
  };
  const commitChunk = async (chunk: Planned[]) => {
    try {
      await commit(chunk);
    } catch (e) {
      if (!isConflict(e)) throw e;
      for (const p of chunk) {
        try {
          await commit([p]);
        } catch (e2) {
          if (!isConflict(e2)) throw e2;
          // Already posted by an earlier or concurrent run of this sync.
          stats.unchanged++;
        }
      }
    }
  };
  const chunks: Planned[][] = [];
  for (let i = 0; i < planned.length; i += COMMIT_CHUNK) chunks.push(planned.slice(i, i + COMMIT_CHUNK));
  // A few chunks in flight: the ledger object commits those that wait together (group commit), one D1 batch for them.
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) await commitChunk(chunks[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(COMMITS_IN_FLIGHT, chunks.length) }, worker));
  await queueFanout(svc, announced);
  return done;
}

/** Trades as ledger transactions, many per commit; a chunk refused for a reference already used is retried one by one. */
async function commitTrades(
  svc: Services, conn: ConnectionRow, trades: NormalTrade[], accountOf: (ext: string) => AccountRow, tz: string, now: number, stats: SyncStats,
): Promise<string[]> {
  const build = (list: NormalTrade[]) => {
    const txs: TxIntent[] = [];
    const effects: SideEffect[] = [];
    const ids: string[] = [];
    for (const trade of list) {
      const date = instantIn(trade.date, tz);
      const postings: Posting[] = [];
      const txIndex = txs.length;
      trade.legs.forEach((l, i) => {
        if (l.amountMinor === 0) return;
        const acc = accountOf(l.accountExternalId);
        const asset = assetOf(acc.currency as Currency);
        const address = accountAddress(acc.id);
        const counterparty = l.fee ? "expense:fees" : "world";
        postings.push(l.amountMinor < 0 ? { source: address, destination: counterparty, amount: -l.amountMinor, asset } : { source: counterparty, destination: address, amount: l.amountMinor, asset });
        const id = newId("txn", now);
        ids.push(id);
        effects.push({
          kind: "insertTransaction", txIndex,
          row: {
            id, spaceId: conn.space_id, accountId: acc.id, amount: l.amountMinor, currency: acc.currency, description: l.fee ? `Fee: ${trade.description}` : trade.description,
            merchantName: conn.institution_name, normalizedMerchant: null, date, type: l.fee ? "fee" : "trade", subtype: l.fee ? "commission" : l.side, status: "posted",
            categoryId: null, categorySource: null, tags: "[]", notes: null, location: null, counterpartyAccountId: null,
            trade: l.fee ? null : JSON.stringify(trade.record), providerTransactionId: i === 0 ? trade.id : `${trade.id}#leg${i}`, createdAt: now, updatedAt: now,
          },
        });
      });
      if (postings.length) txs.push({ postings, reference: `sync:${conn.id}:${trade.id}`, timestamp: date, metadata: { provider: conn.provider, providerTradeId: trade.id } });
    }
    return { txs, effects, ids };
  };
  const announced: OutboxRow[] = [];
  const commit = async (list: NormalTrade[]) => {
    const { txs, effects, ids } = build(list);
    if (txs.length === 0) return [];
    // Each leg's Dhanam transaction (the trade and its fee) is announced in the same batch, like synced cash rows.
    const rows = effects.flatMap((e) => (e.kind === "insertTransaction" ? [e.row] : []));
    const eventIds = newIds("evt", rows.length, svc.clock.now());
    const events = rows.map((row, i) => createdEvent(conn, row, tz, row.createdAt, eventIds[i]!));
    for (const row of events) effects.push({ kind: "insertEvent", row });
    await runLedger(svc, { kind: "commit", spaceId: conn.space_id, txs, effects });
    announced.push(...events);
    stats.created += txs.length;
    return ids;
  };
  const out: string[] = [];
  try {
    out.push(...(await commit(trades)));
  } catch (e) {
    if (!isConflict(e)) throw e;
    for (const t of trades) {
      try {
        out.push(...(await commit([t])));
      } catch (e2) {
        if (!isConflict(e2)) throw e2;
        stats.unchanged++;
      }
    }
  }
  await queueFanout(svc, announced);
  return out;
}

/** The `transaction.created` event of a synced row, for the ledger batch that posts it (webhooks/transaction-events.ts). */
const createdEvent = (conn: ConnectionRow, row: Planned["row"], tz: string, now: number, id: string): OutboxRow =>
  transactionCreatedEvent(row, { provider: conn.provider, connectionId: conn.id }, tz, now, id);

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
    id: postedPid, accountExternalId: account.providerAccountId ?? "", amountMinor: postedAmount, date: dayIn(posted.date, tz),
    description: details?.description ?? "", merchantName: details?.merchant_name ?? null, pending: false, pendingId: pendingPid,
  };
  await reconcile(svc, conn, account, t, rows, emptyStats(), new Set(), [...(groups.get(postedPid) ?? []), ...rows]);
}

const dayIn = (ms: number, tz: string) => ymdString(zonedDate(ms, tz));
