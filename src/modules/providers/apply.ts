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
 *   and an amount difference (a tip) is posted as a correcting entry. One naming a pending row the person voided
 *   is voided as that row was (it takes the row's id; nothing is posted), as a voided row sent again stays voided.
 * - modified amount: a correcting entry for the difference; never an edit.
 * - removed: reversal of every live row of the group.
 * - the balance the institution reports: an explicit adjustment entry for any
 *   difference from the ledger, never an overwrite.
 */
import type { Services } from "../../env";
import { isConflict } from "../../lib/errors";
import { truncateText } from "../../lib/exact-json";
import { dateIn, instantIn } from "../../lib/dates";
import { newIds } from "../../lib/ids";
import { addDays, parseYmd, ymdString } from "../../lib/zoned-time";
import { type Currency, CURRENCY_SCALES } from "../../lib/money";
import { normalizeMerchant } from "../ml/normalize";
import type { AccountRow } from "../accounts/service";
import { cashflowPostings, worldTransferPostings } from "../transactions/postings";
import { adjustBalances } from "./balance-adjustments";
import type { Categorizer } from "../categories/auto";
import { batchCategorizer } from "./categorize";
import type { ConnectionRow } from "./connections";
import { rowsBeingMerged } from "./merge-claims";
import { type HandWritten, type Incoming, MANUAL_DAYS_BEFORE, readHandWritten, releaseHandWritten, takeOverHandWritten, unclearedFrom } from "./manual-match";
import { matchPending } from "./pending-match";
import { type CarrySubject, relinkCarry } from "./relink-carry";
import { closeSpentFlags } from "./spent-flags";
import { wellFormedChanges } from "./well-formed";
import { type NormalTxn, type SyncChanges, type SyncStats, type ExistingRow } from "./sync-types";
import { COMMIT_CHUNK, type Planned, commitPlanned, commitTrades } from "./sync-commits";
import { ensureAccounts } from "./sync-accounts";
import { carryVoidToPosted, finishCarriedVoids, loadGroups, revertCopy, voidCarried, voidedByPerson, voidedPendingRows, supersede, reconcile } from "./existing-rows";


/** A one-argument function remembered per argument (a sync's thousands of rows share a few hundred days). */
function memoized<T>(fn: (key: string) => T): (key: string) => T {
  const seen = new Map<string, T>();
  return (key) => {
    if (!seen.has(key)) seen.set(key, fn(key));
    return seen.get(key)!;
  };
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
): Promise<{ accountIds: string[]; added: Map<string, number> }> {
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
  // A void of a carried copy that a crash kept an earlier run from making, made first (only relinks carry voids).
  await finishCarriedVoids(svc, conn, groups, accountIds.filter((id) => (predecessors.get(id)?.length ?? 0) > 0), touched);
  phase("loadMs");
  // A group holding a row of a merge in flight is left as it is for this sync (the next one sees the merge done).
  const inMerge = (pid: string) => (groups.get(pid) ?? []).some((r) => merging.has(r.id));
  const live = (pid: string) => (groups.get(pid) ?? []).filter((r) => r.status !== "cancelled");
  const now = svc.clock.now();
  // The Dhanam transactions this sync created, by account (each account's account.sync.completed says its own).
  const added = new Map<string, number>();
  const countAdded = (accountIds: string[]) => {
    for (const a of accountIds) added.set(a, (added.get(a) ?? 0) + 1);
  };

  // A pending transaction that a posted one of this same sync names is superseded, not removed.
  const supersededIds = new Set(changes.upserts.map((t) => t.pendingId).filter((x): x is string => !!x));
  const stillPending = new Set(changes.upserts.filter((t) => t.pending).map((t) => t.id));

  // Heuristic matches (providers without the link): an exact match wins, then a unique one within the tolerance;
  // anything ambiguous is left as two and flagged (pending-match.ts).
  let heuristic = new Map<string, ExistingRow>();
  let ambiguous = new Map<string, string[]>();
  let voidedMatch = new Map<string, ExistingRow>();
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
    const dayOf = (r: ExistingRow) => (r.provider_day ? Date.parse(`${r.provider_day}T00:00:00Z`) : instantDay(r.date, tz));
    ({ matched: heuristic, ambiguous } = matchPending(posted, pendingRows, dayOf));
    // Pending rows the person voided whose pending copy the bank no longer lists: a posting that is one of them, among
    // those no live pending row may be, stays the person's void (below), as a posting naming its pending row does.
    // Only a sure match (one posting for one row); in doubt the posting is a new transaction, never voided by guess.
    const listedNow = new Set(changes.upserts.map((t) => t.id));
    const voidedRows = (await voidedPendingRows(svc, accountIds, groups)).filter((r) => !listedNow.has(r.pid) && !merging.has(r.id));
    if (voidedRows.length > 0) voidedMatch = matchPending(posted.filter((t) => !heuristic.has(t.id) && !ambiguous.has(t.id)), voidedRows, dayOf).matched;
  }

  // A posted transaction becomes its pending copy in place (its category, tags and notes stay), a tip a correction.
  const postOverPending = async (t: NormalTxn, acc: AccountRow, pendingRow: string) => {
    const rows = live(pendingRow);
    const voidedMeanwhile = await supersede(svc, rows, pendingRow, t.id, now);
    groups.set(t.id, rows.map((r) => ({ ...r, pid: t.id + r.pid.slice(pendingRow.length), status: voidedMeanwhile.has(r.id) ? "cancelled" : r.pid === pendingRow ? "posted" : r.status })));
    groups.delete(pendingRow);
    stats.updated++;
    // Voided by the person while this sync ran: the posting is their void now (as one voided before it was read).
    if (!live(t.id).some((r) => r.pid === t.id)) return;
    await reconcile(svc, conn, acc, t, live(t.id), stats, touched, groups.get(t.id));
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

  // Pending rows the person voided that a posting of this sync names: the void is theirs, and it stays (below).
  const voidedPending = await voidedByPerson(svc, changes.upserts.flatMap((t) => {
    if (t.pending || !t.pendingId || groups.has(t.id) || live(t.pendingId).length > 0) return [];
    const primary = (groups.get(t.pendingId) ?? []).find((r) => r.pid === t.pendingId);
    return primary ? [primary.id] : [];
  }));

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
        if (!mine.some((r) => r.pid === t.id)) {
          // Removed earlier and reported again: it stays reversed (the reversal is the record). So does one the person
          // voided whose correcting entries (a tip) stand: not corrected again up to the bank's amount (the void counted
          // again as a correction); the balance adjustment keeps the account the bank's, as after any void.
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
      // The posted copy of a pending row the person voided (naming it, or matched to it by guess): voided too (it
      // takes the row's id), nothing posted.
      const named = t.pendingId && !t.pending && (groups.get(t.pendingId) ?? []).some((r) => r.pid === t.pendingId && voidedPending.has(r.id));
      const voidedOf = named ? t.pendingId! : voidedMatch.get(t.id)?.pid;
      if (voidedOf) {
        const voidedRows = groups.get(voidedOf) ?? [];
        await carryVoidToPosted(svc, voidedRows, voidedOf, t.id, now);
        groups.set(t.id, voidedRows.map((r) => ({ ...r, pid: t.id + r.pid.slice(voidedOf.length) })));
        groups.delete(voidedOf);
        stats.unchanged++;
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
    const incoming: Incoming[] = [...toCreate.map((t) => ({ t, day: t.date })), ...tips.map((x) => ({ t: x.t, day: dateIn(live(x.pendingRow)[0]!.date, tz) }))].map(({ t, day }) => {
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
        ...(carry?.voided ? { carriedVoidOf: carry.fromId } : {}),
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
    const accountOfRow = new Map(planned.map((p) => [p.row.id, p.row.accountId]));
    countAdded(committedList.map((id) => accountOfRow.get(id)!));
    // A copy of a row the person voided on the old account is voided as theirs was (relink-carry.ts), each by its
    // reversal, after its commit (a reversal names what it reverts): the balance adjustment below then keeps the
    // account the bank's, as the old account's did after the person's void. A crash between leaves the copy posted
    // with its mark (`carriedVoidOf`), and the next run voids it first (finishCarriedVoids).
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
    countAdded((await commitTrades(svc, conn, newTrades.slice(i, i + COMMIT_CHUNK), wanted as (ext: string) => AccountRow, tz, now, stats)).map((r) => r.accountId));
  }

  // A listing: what is no longer listed in its window was removed at the provider. A row keeps the day it was first
  // seen (a hand-written row the bank took over, the person's; a pending row, the purchase's), which may be up to
  // MANUAL_DAYS_BEFORE days after the day the bank lists it under: in those first days of the window, a row the bank
  // no longer lists may only have slid out of it, and is left alone (one really removed was seen gone while younger).
  const removed = [...changes.removed];
  if (changes.snapshot) {
    // Each account's window, by our account id: only accounts the snapshot names (sync-types.ts) and this sync applies.
    const windowFrom = new Map<string, number>();
    for (const [ext, fromDay] of Object.entries(changes.snapshot.fromDayByAccount)) {
      const acc = wanted(ext);
      if (acc) windowFrom.set(acc.id, instantIn(ymdString(addDays(parseYmd(fromDay), MANUAL_DAYS_BEFORE)), tz));
    }
    const listed = new Set([...changes.upserts.map((t) => t.id), ...(changes.leftOutIds ?? [])]);
    for (const [pid, rows] of groups) {
      if (pid === "balance" || listed.has(pid)) continue;
      if (rows.some((r) => !r.pid.includes("#") && r.status !== "cancelled" && windowFrom.has(r.account_id) && r.date >= windowFrom.get(r.account_id)!)) removed.push(pid);
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
  return { accountIds, added };
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
      ? [{ accountId: r.account_id, day: r.provider_day ?? dateIn(r.date, tz), amountMinor: r.amount, currency: r.currency, merchant: r.normalized_merchant }]
      : [],
  );
}

function instantDay(ms: number, tz: string): number {
  // The calendar day of the pending row in the space's zone, as UTC midnight of that day.
  return Date.parse(`${dateIn(ms, tz)}T00:00:00Z`);
}

