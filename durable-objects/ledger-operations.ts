/**
 * The ledger operations besides a commit: reverts, recategorizations, a category's retirement, account
 * changes and metadata. Each is checked against the object's state and committed through the same path
 * as a commit (ledger-core.ts); SpaceLedger (space-ledger.ts) schedules them one at a time.
 */
import { formatMinor } from "../src/lib/money";
import { IN_JSON_LIST, jsonList } from "../src/lib/sql";
import { isDhanamOwnedAddress } from "../src/modules/ledger/account-rules";
import { reversePostings } from "../src/modules/ledger/engine";
import { instantEndsSql } from "../src/modules/ledger/value-dates";
import { REREAD_FROM_START_SQL } from "../src/modules/providers/reread";
import type { LedgerOp, LedgerResult } from "../src/modules/ledger/operations";
import { type CategorizedRow, counterpartyOf, ledgerCounterparty, reclassPosting } from "../src/modules/ledger/reclassification";
import { type CommittedTx, type LedgerFailure, MAX_METADATA_KEYS, type Posting } from "../src/modules/ledger/types";
import { type ChainState, fail, type Intent, LedgerCore, type PendingLog, retiredCategory } from "./ledger-core";

/** A Dhanam row as the ledger reads it to (re)classify it. */
interface RowForLedger extends CategorizedRow {
  id: string;
  status: string;
  category_source: string | null;
  ledger_seq: number;
  date: number;
}
const ROW_COLUMNS = "id, account_id AS accountId, amount, currency, type, category_id AS categoryId, category_source, status, ledger_seq, date";

/** A merge that would leave more keys than one transaction or account may hold: refused, as a write sending them is. */
function tooManyKeys(merged: Record<string, string>, what: string): { ok: false; error: LedgerFailure } | null {
  const n = Object.keys(merged).length;
  if (n <= MAX_METADATA_KEYS) return null;
  return {
    ok: false,
    error: {
      status: 422, code: "VALIDATION_FAILED", message: `${what === "account" ? "An" : "A"} ${what} holds at most ${MAX_METADATA_KEYS} metadata keys; this would leave ${n}`,
      details: [{ field: "metadata", message: `At most ${MAX_METADATA_KEYS} keys with those already set`, code: "TOO_BIG" }],
    },
  };
}

/** A ledger transaction may hold this many postings (the ledger API's own limit). */
const MAX_POSTINGS_PER_TX = 500;

export abstract class LedgerOperations extends LedgerCore {
  protected dispatch(op: LedgerOp, chain: ChainState): Promise<LedgerResult> {
    switch (op.kind) {
      case "commit":
        return this.commit(op, chain, op.txs, op.preview ?? false);
      case "revert":
        return this.revert(op, chain);
      case "recategorize":
        return this.recategorize(op, chain);
      case "retireCategory":
        return this.retireCategory(op, chain);
      case "restoreCategory":
        this.releaseRetirement(op.categoryId, op.deletion);
        return Promise.resolve({ ok: true, replayed: false, transactions: [], returns: {} });
      case "updateAccount":
        return this.updateAccount(op, chain);
      case "setTransactionMetadata":
        return this.setTransactionMetadata(op, chain);
      case "setAccountMetadata":
        return this.setAccountMetadata(op, chain);
    }
  }

  /**
   * Reverts a transaction, on its own date when it backs Dhanam rows (then
   * it is their void). If those rows were recategorized since, their amounts
   * first move back to the counterparties the original posted to, so the
   * revert is an exact mirror and every category nets to zero.
   */
  protected async revert(op: Extract<LedgerOp, { kind: "revert" }>, chain: ChainState): Promise<LedgerResult> {
    const original = await this.findTx(op.seq);
    if (!original) return fail(404, "RESOURCE_NOT_FOUND", `Transaction ${op.seq} not found`);
    if (original.reverted) return fail(409, "ALREADY_REVERTED", `Transaction ${op.seq} has already been reverted`);
    if (original.reverts !== null) return fail(409, "ALREADY_REVERTED", `Transaction ${op.seq} is itself a revert`);
    const rows = await this.db
      .prepare(`SELECT ${ROW_COLUMNS} FROM transactions WHERE space_id = ? AND ledger_seq = ? AND status != 'cancelled'`)
      .bind(this.spaceId, op.seq)
      .all<RowForLedger>();
    // Undoing a transaction that backs Dhanam rows voids them, whoever asks (DELETE or the ledger API's
    // revert): a void's reversal takes the original's date, so statements and net worth by date leave the
    // cancelled rows out on every day, not only from the day of the revert. A pure ledger transaction's
    // revert is dated now (Formance's default) unless the caller asks for the original's date.
    const timestamp = op.atEffectiveDate || rows.results.length > 0 ? original.timestamp : undefined;
    // A transaction on Dhanam addresses with no rows of its own is a reclassification: it follows its rows'
    // categories, and undoing it alone would part the ledger from them.
    const touchesDhanam = original.postings.some((p) => isDhanamOwnedAddress(p.source) || isDhanamOwnedAddress(p.destination));
    if (rows.results.length === 0 && touchesDhanam) {
      return fail(409, "CONFLICT", `Transaction ${op.seq} reclassifies Dhanam transactions; change their category instead of reverting it`);
    }
    const back: Posting[] = [];
    for (const row of rows.results) {
      const posted = ledgerCounterparty(row, original.postings);
      if (posted && counterpartyOf(row) !== posted) back.push(reclassPosting(row, counterpartyOf(row), posted));
    }
    const intents: Intent[] = [];
    if (back.length > 0) intents.push({ postings: back, metadata: { kind: "reclassification", reason: `revert of ${op.seq}` }, timestamp });
    const compensating: Intent = { postings: reversePostings(original.postings), metadata: op.metadata, timestamp, revertOf: original };
    const then = op.then ?? [];
    // The caller asked for the compensating transaction (and what follows it, if anything does).
    if (then.length === 0) return this.commit(op, chain, [...intents, compensating], false, [], intents.length);
    const firstThen = op.thenFirst ? intents.length : intents.length + 1;
    const ordered = op.thenFirst ? [...intents, ...then, compensating] : [...intents, compensating, ...then];
    const effects = op.effects?.map((e) => (e.kind === "insertTransaction" ? { ...e, txIndex: firstThen + e.txIndex } : e));
    return this.commit({ ...op, effects }, chain, ordered, false, [], op.thenFirst ? ordered.length - 1 : intents.length);
  }

  /**
   * Sets Dhanam rows' categories and, for rows whose category the ledger
   * carries, posts one reclassification moving each amount from the old
   * category's counterparty to the new one's, in the same batch.
   */
  protected async recategorize(op: Extract<LedgerOp, { kind: "recategorize" }>, chain: ChainState): Promise<LedgerResult> {
    if (op.changes.some((c) => c.categoryId !== null && this.retired.has(c.categoryId))) return retiredCategory();
    const ids = [...new Set(op.changes.map((c) => c.transactionId))];
    const rows = new Map(
      (
        await this.db
          .prepare(`SELECT ${ROW_COLUMNS} FROM transactions WHERE space_id = ? AND id ${IN_JSON_LIST}`)
          .bind(this.spaceId, jsonList(ids))
          .all<RowForLedger>()
      ).results.map((r) => [r.id, r]),
    );
    const seqs = [...new Set([...rows.values()].map((r) => r.ledger_seq))];
    const postingsBySeq = new Map(
      seqs.length === 0 ? [] : (
        await this.db
          .prepare(`SELECT seq, postings FROM ledger_transactions WHERE space_id = ? AND seq ${IN_JSON_LIST}`)
          .bind(this.spaceId, jsonList(seqs))
          .all<{ seq: number; postings: string }>()
      ).results.map((r) => [r.seq, JSON.parse(r.postings) as Posting[]]),
    );
    const now = Date.now();
    const changed: string[] = [];
    // Looked up per change: a list's includes() made moving 23,202 rows quadratic (seconds of the space's object).
    const seen = new Set<string>();
    const groups = new Map<string, { categoryId: string | null; source: string | null; ids: string[] }>();
    // Reclassifications take the date of the transactions they move, so category flows per period agree with budgets.
    const postingsByDate = new Map<number, Posting[]>();
    for (const c of op.changes) {
      const row = rows.get(c.transactionId);
      if (!row || seen.has(row.id)) continue;
      if (c.unlessManual && row.category_source === "manual") continue;
      if (c.whileCategoryId !== undefined && row.categoryId !== c.whileCategoryId) continue;
      if (row.categoryId === c.categoryId && row.category_source === c.categorySource) continue;
      changed.push(row.id);
      seen.add(row.id);
      const key = `${c.categoryId}\u0000${c.categorySource}`;
      const group = groups.get(key) ?? { categoryId: c.categoryId, source: c.categorySource, ids: [] };
      group.ids.push(row.id);
      groups.set(key, group);
      if (row.status === "cancelled" || !ledgerCounterparty(row, postingsBySeq.get(row.ledger_seq) ?? [])) continue;
      const from = counterpartyOf(row);
      const to = counterpartyOf({ ...row, categoryId: c.categoryId });
      if (from === to) continue;
      const onDate = postingsByDate.get(row.date);
      if (onDate) onDate.push(reclassPosting(row, from, to));
      else postingsByDate.set(row.date, [reclassPosting(row, from, to)]);
    }
    const updates = [...groups.values()].map((g) =>
      this.db
        .prepare(`UPDATE transactions SET category_id = ?, category_source = ?, updated_at = ? WHERE space_id = ? AND id ${IN_JSON_LIST}`)
        .bind(g.categoryId, g.source, now, this.spaceId, jsonList(g.ids)),
    );
    const intents: Intent[] = [];
    for (const [timestamp, postings] of [...postingsByDate].sort((a, b) => a[0] - b[0])) {
      for (let i = 0; i < postings.length; i += MAX_POSTINGS_PER_TX) {
        intents.push({ postings: postings.slice(i, i + MAX_POSTINGS_PER_TX), metadata: { kind: "reclassification" }, timestamp });
      }
    }
    if (updates.length === 0) return { ok: true, replayed: false, transactions: [], returns: { changed } };
    return this.commit({ ...op, returns: { changed } }, chain, intents, false, updates);
  }

  /**
   * Begins a category's deletion in order with the space's writes: rows in it
   * are refused from here on, and the rows that use it move to `reassignTo`
   * (their amounts reclassified), or the deletion is refused while any do.
   *
   * A deletion already begun here into another target is refused: it is a
   * concurrent merge whose checks passed before the first one removed the
   * category, and the rows it would answer for have gone to the first one's
   * target. The same deletion again (a retry, also after the Worker's
   * follow-up D1 batch failed) goes on: it finds nothing left to move, and
   * the caller finishes the rest. The record is this object's memory, as the
   * refusal of rows is; once the category's row is gone, the Worker's own
   * look-up answers a later deletion (404).
   */
  protected async retireCategory(op: Extract<LedgerOp, { kind: "retireCategory" }>, chain: ChainState): Promise<LedgerResult> {
    if (op.reassignTo !== undefined && this.retired.has(op.reassignTo)) return retiredCategory();
    const into = op.reassignTo ?? null;
    const begun = this.retired.get(op.categoryId);
    if (begun !== undefined && begun.into !== into) return alreadyRetired(op.categoryId, begun.into);
    const mark = begun ?? { into, holders: new Set<string>() };
    mark.holders.add(op.deletion);
    this.retired.set(op.categoryId, mark);
    // A refused deletion leaves the category as it was: live, unless another deletion of it holds it. So does one
    // whose batch failed (its outcome unknown: the Worker, answered 503, deletes nothing, and a retry goes again).
    try {
      const using = await this.db
        .prepare("SELECT id, category_source FROM transactions WHERE space_id = ? AND category_id = ?")
        .bind(this.spaceId, op.categoryId)
        .all<{ id: string; category_source: "manual" | "rule" | "ml" | null }>();
      const n = using.results.length;
      if (n > 0 && op.reassignTo === undefined) {
        this.releaseRetirement(op.categoryId, op.deletion);
        return fail(409, "CONFLICT", n === 1 ? "1 transaction uses this category; pass ?reassignTo=<categoryId> to move it first" : `${n} transactions use this category; pass ?reassignTo=<categoryId> to move them first`);
      }
      if (n === 0) return { ok: true, replayed: false, transactions: [], returns: { moved: "0" } };
      const changes = using.results.map((r) => ({ transactionId: r.id, categoryId: op.reassignTo!, categorySource: r.category_source ?? "manual" }));
      // The move carries the deletion's guard (and asks for its own refusals when the deletion does).
      const { guard, answerRefusals } = op;
      const moved = await this.recategorize({ kind: "recategorize", spaceId: op.spaceId, changes, ...(guard ? { guard } : {}), ...(answerRefusals ? { answerRefusals } : {}) }, chain);
      if (!moved.ok) this.releaseRetirement(op.categoryId, op.deletion);
      return moved.ok ? { ...moved, returns: { ...moved.returns, moved: String(n) } } : moved;
    } catch (err) {
      this.releaseRetirement(op.categoryId, op.deletion);
      throw err;
    }
  }

  /** A deletion of the category gives back its hold on the retired mark; the mark goes with the last hold. */
  protected releaseRetirement(categoryId: string, deletion: string): void {
    const mark = this.retired.get(categoryId);
    if (!mark) return;
    mark.holders.delete(deletion);
    if (mark.holders.size === 0) this.retired.delete(categoryId);
  }

  /**
   * Changes an account's flags in order with the writes that check them: the
   * ledger refuses to forbid overdraft while the account is below zero.
   */
  protected async updateAccount(op: Extract<LedgerOp, { kind: "updateAccount" }>, chain: ChainState): Promise<LedgerResult> {
    const address = `accounts:${op.accountId}`;
    const row = await this.db
      .prepare("SELECT currency, type, is_active, allow_overdraft, disconnected_at FROM accounts WHERE space_id = ? AND id = ?")
      .bind(this.spaceId, op.accountId)
      .first<{ currency: string; type: string; is_active: number; allow_overdraft: number; disconnected_at: number | null }>();
    if (!row) return fail(404, "RESOURCE_NOT_FOUND", "Account not found");
    const { set } = op;
    if (set.allowOverdraft === false && row.allow_overdraft === 1) {
      // The rule it is to hold from now on must hold over its history: the balance at the end of every
      // instant in value-date order, per asset, at or above zero (the balance now is the last of them). The
      // ends of instants, as the ledger checks (value-dates.ts): an expense and its void of one day are no dip.
      const lowest = await this.db
        .prepare(
          `SELECT asset, MIN(run) AS lowest FROM (${instantEndsSql("space_id = ? AND address = ?", "asset")})
             GROUP BY asset HAVING MIN(run) < 0 LIMIT 1`,
        )
        .bind(this.spaceId, address)
        .first<{ asset: string; lowest: number }>();
      if (lowest) {
        // The asset's own notation (USD/2) says its scale: the lowest balance is shown in major units, as the account's balance is.
        const [code, scale] = lowest.asset.split("/");
        const shown = `${formatMinor(lowest.lowest, Number(scale ?? 0))} ${code}`;
        return {
          ok: false,
          error: {
            status: 409, code: "CONFLICT", message: `Account ${op.accountId} is or was below zero (${shown} at its lowest); it cannot forbid overdraft over that history`,
            details: [{ field: "allowOverdraft", message: `The account's balance was ${shown} at its lowest`, code: "CONFLICT" }],
          },
        };
      }
    }
    const now = Date.now();
    const active = set.isActive ?? row.is_active === 1;
    const disconnectedAt = set.isActive === undefined ? row.disconnected_at : set.isActive ? null : (row.disconnected_at ?? now);
    const cols: [string, string | number | null][] = [["updated_at", now], ["is_active", active ? 1 : 0], ["disconnected_at", disconnectedAt]];
    if (set.allowOverdraft !== undefined) cols.push(["allow_overdraft", set.allowOverdraft ? 1 : 0]);
    if (set.name !== undefined) cols.push(["name", set.name]);
    if (set.institutionName !== undefined) cols.push(["institution_name", set.institutionName]);
    const update = this.db
      .prepare(`UPDATE accounts SET ${cols.map(([c]) => `${c} = ?`).join(", ")} WHERE space_id = ? AND id = ?`)
      .bind(...cols.map(([, v]) => v), this.spaceId, op.accountId);
    // The log records rule changes with the sequence they take effect at: the invariants checker (and an
    // auditor) can tell which entries an account's overdraft rule applied to.
    const rules = { ...(set.allowOverdraft === undefined ? {} : { allowOverdraft: set.allowOverdraft }), ...(set.isActive === undefined ? {} : { isActive: set.isActive }) };
    const logs: PendingLog[] = Object.keys(rules).length === 0 ? [] : [
      { type: "SET_ACCOUNT_RULES", data: JSON.stringify({ accountId: op.accountId, ...rules, fromSeq: chain.nextSeq }) },
    ];
    // A provider account switched back on: its connection's feed is read again from the start (providers/reread.ts),
    // decided here on the account's state in order with other switches, and committed with the switch.
    const reread = set.isActive === true && row.is_active === 0 ? [this.db.prepare(REREAD_FROM_START_SQL).bind(op.accountId)] : [];
    const result: LedgerResult = { ok: true, replayed: false, transactions: [], returns: {} };
    await this.persist(op, chain, [update, ...reread], logs, result, now);
    this.accounts.set(address, {
      currency: row.currency, type: row.type, active, allowOverdraft: set.allowOverdraft ?? row.allow_overdraft === 1,
    });
    return result;
  }

  protected async setTransactionMetadata(op: Extract<LedgerOp, { kind: "setTransactionMetadata" }>, chain: ChainState): Promise<LedgerResult> {
    const tx = await this.findTx(op.seq);
    if (!tx) return fail(404, "RESOURCE_NOT_FOUND", `Transaction ${op.seq} not found`);
    const merged = { ...tx.metadata, ...op.metadata };
    const tooMany = tooManyKeys(merged, "transaction");
    if (tooMany) return tooMany;
    const now = Date.now();
    const updated: CommittedTx = { ...tx, metadata: merged };
    const result: LedgerResult = { ok: true, replayed: false, transactions: [updated], returns: op.returns ?? {} };
    await this.persist(
      op,
      chain,
      [this.db.prepare("UPDATE ledger_transactions SET metadata = ? WHERE space_id = ? AND seq = ?").bind(JSON.stringify(merged), this.spaceId, op.seq)],
      [{ type: "SET_METADATA", data: JSON.stringify({ targetType: "TRANSACTION", targetId: op.seq, metadata: op.metadata }) }],
      result,
      now,
    );
    return result;
  }

  protected async setAccountMetadata(op: Extract<LedgerOp, { kind: "setAccountMetadata" }>, chain: ChainState): Promise<LedgerResult> {
    const row = await this.db
      .prepare("SELECT metadata FROM ledger_accounts WHERE space_id = ? AND address = ?")
      .bind(this.spaceId, op.address)
      .first<{ metadata: string }>();
    const merged = { ...(row ? JSON.parse(row.metadata) : {}), ...op.metadata };
    const tooMany = tooManyKeys(merged, "account");
    if (tooMany) return tooMany;
    const now = Date.now();
    const result: LedgerResult = { ok: true, replayed: false, transactions: [], returns: op.returns ?? {} };
    await this.persist(
      op,
      chain,
      [
        this.db
          .prepare(
            "INSERT INTO ledger_accounts (space_id, address, metadata, first_seq, created_at) VALUES (?, ?, ?, NULL, ?) ON CONFLICT (space_id, address) DO UPDATE SET metadata = excluded.metadata",
          )
          .bind(this.spaceId, op.address, JSON.stringify(merged), now),
      ],
      [{ type: "SET_METADATA", data: JSON.stringify({ targetType: "ACCOUNT", targetId: op.address, metadata: op.metadata }) }],
      result,
      now,
    );
    return result;
  }
}

/** The answer to a deletion of a category whose deletion into another target (`into`; null: none) began first. */
const alreadyRetired = (categoryId: string, into: string | null) =>
  fail(
    409,
    "CONFLICT",
    into === null
      ? `Category ${categoryId} was already deleted without reassignTo; it cannot be merged now`
      : `Category ${categoryId} was already merged into ${into}; only that deletion (reassignTo=${into}) can be repeated`,
  );
