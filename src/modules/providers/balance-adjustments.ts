/**
 * A sync's last step: the institution's balance against the ledger's. The ledger holds the posted balance
 * plus the live pending rows, and any difference is posted as an explicit adjustment from
 * `equity:adjustments`, one of three kinds:
 *
 * - **The opening balance.** On an account's first reconciliation (all its rows came with this sync, none
 *   adjusted before) the difference is what the account held before the history the provider gave. It is
 *   dated just before the account's earliest transaction, so statements and net worth over that history
 *   start from it rather than from zero.
 * - **A restated opening.** A later sync may bring rows from before the opening (Plaid's historical update
 *   after a 30-day first pull, a Belvo history). The opening was then too high or low by their sum, and every
 *   day between them and the opening read off by it. The old opening is reverted at its own date and the new
 *   one (the old less those rows) is posted just before the earliest of them, in one ledger batch: never one
 *   without the other.
 * - **A drift** seen now, dated now: any other difference, and an opening the ledger refuses to date back
 *   (an account that may not go below zero on some past day), rather than failing every sync after it.
 */
import type { Services } from "../../env";
import { ApiError, isConflict } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { assetOf, type Currency, CURRENCY_SCALES, formatMinor } from "../../lib/money";
import { IN_JSON_LIST, jsonList } from "../../lib/sql";
import { balancesOf, type AccountRow } from "../accounts/service";
import { accountAddress } from "../ledger/addresses";
import { runLedger } from "../ledger/client";
import type { SideEffect } from "../ledger/operations";
import type { TxIntent } from "../ledger/types";
import type { ExistingRow, NormalAccount, SyncStats } from "./sync-types";
import type { ConnectionRow } from "./connections";
import { receivesCopies, unclearedSql } from "./manual-match";

/** The live opening of an account and the rows a later sync brought from before it. */
interface OpeningState {
  seq: number;
  amount: number;
  date: number;
  /** The earliest live row dated before the opening (null: none). */
  earliest: number | null;
  /** Their sum, in minor units. */
  older: number;
}

/**
 * Reconciles each reported account with a balance. `since` is when this sync started: rows created before
 * it were there before the sync, so the account's first reconciliation is past.
 */
export async function adjustBalances(
  svc: Services, conn: ConnectionRow, reported: NormalAccount[], byExt: Map<string, AccountRow>, groups: Map<string, ExistingRow[]>, stats: SyncStats, since: number,
  /**
   * `unclearedFrom` (manual-match.ts): hand-written rows dated from it on still wait for the bank, on an account whose
   * feed sends cash rows (`receivesCopies`).
   */
  handFrom: number,
): Promise<void> {
  const withBalance = reported.filter((a) => a.balanceMinor !== null && byExt.has(a.externalId));
  if (withBalance.length === 0) return;
  const accs = withBalance.map((a) => byExt.get(a.externalId)!);
  const balances = await balancesOf(svc, conn.space_id, accs);
  // On top of the bank's posted balance: its pending rows, and the rows written by hand that the bank has not sent yet.
  const pending = await svc.env.DB.prepare(
    `SELECT t.account_id, SUM(t.amount) AS total FROM transactions t
      WHERE t.account_id ${IN_JSON_LIST} AND (t.status = 'pending' OR (t.account_id ${IN_JSON_LIST} AND ${unclearedSql("t")})) GROUP BY t.account_id`,
  )
    .bind(jsonList(accs.map((a) => a.id)), jsonList(accs.filter((a) => receivesCopies(a.type)).map((a) => a.id)), handFrom)
    .all<{ account_id: string; total: number }>();
  const pendingOf = new Map(pending.results.map((r) => [r.account_id, r.total]));
  const now = svc.clock.now();
  for (const a of withBalance) {
    const acc = byExt.get(a.externalId)!;
    const expected = a.balanceMinor! + (pendingOf.get(acc.id) ?? 0);
    const diff = expected - balances.get(acc.id)!;
    if (diff === 0) continue;
    const prior = (groups.get(`balance`) ?? []).filter((r) => r.account_id === acc.id).length;
    const held = await svc.env.DB.prepare(
      `SELECT (SELECT COUNT(*) FROM transactions WHERE account_id = ?1 AND provider_transaction_id LIKE 'balance#%') AS n,
              (SELECT MIN(date) FROM transactions WHERE account_id = ?1) AS first,
              EXISTS (SELECT 1 FROM transactions WHERE account_id = ?1 AND created_at < ?2) AS before`,
    ).bind(acc.id, since).first<{ n: number; first: number | null; before: number }>();
    let n = Math.max(prior, held?.n ?? 0) + 1;
    const adjust = new Adjustment(svc, conn, acc, a.balanceMinor!, now);
    // The first reconciliation: every row of the account came with this sync, and none was adjusted before.
    if (n === 1 && held?.before === 0) {
      const opening = held.first != null ? Math.min(now, held.first - 1) : now;
      if (await adjust.postBackOrNow(diff, opening, n)) stats.adjustments++;
      continue;
    }
    let drift = diff;
    const restated = await restateOpening(svc, adjust, n, now);
    if (restated !== null) {
      stats.adjustments++;
      n++;
      drift += restated;
    }
    if (drift !== 0 && (await adjust.postBackOrNow(drift, now, n))) stats.adjustments++;
  }
}

/**
 * Restates the account's opening when rows from before it are in the ledger now: the opening less their sum,
 * just before the earliest. Returns that sum (the part of the difference it accounts for), or null when
 * there is nothing to restate or the ledger refuses to (the difference is then a drift, posted now).
 */
async function restateOpening(svc: Services, adjust: Adjustment, n: number, now: number): Promise<number | null> {
  // An opening is the adjustment dated before it was made (a drift is dated when made); a later one is live.
  const state = await svc.env.DB.prepare(
    `SELECT o.ledger_seq AS seq, o.amount, o.date,
            b.earliest, COALESCE(b.older, 0) AS older
       FROM transactions o,
            -- The provider's own posted rows: the bank's balance is posted (pending rows are reconciled on top of
            -- it), and a row written here by hand (or a transfer) is the user's, a drift if anything, never the bank's history.
            (SELECT MIN(date) AS earliest, SUM(amount) AS older FROM transactions
              WHERE account_id = ?1 AND status = 'posted' AND provider_transaction_id IS NOT NULL AND provider_transaction_id NOT LIKE 'balance#%'
                AND date < (SELECT MAX(date) FROM transactions
                             WHERE account_id = ?1 AND status != 'cancelled' AND provider_transaction_id LIKE 'balance#%' AND date < created_at)) b
      WHERE o.account_id = ?1 AND o.status != 'cancelled' AND o.provider_transaction_id LIKE 'balance#%' AND o.date < o.created_at
      ORDER BY o.date DESC LIMIT 1`,
  ).bind(adjust.account.id).first<OpeningState>();
  if (!state || state.earliest === null || state.older === 0) return null;
  const restatedAt = Math.min(now, state.earliest - 1);
  const amount = state.amount - state.older;
  try {
    await runLedger(svc, {
      kind: "revert", spaceId: adjust.conn.space_id, seq: state.seq, atEffectiveDate: true,
      metadata: { kind: "opening_restated", provider: adjust.conn.provider },
      then: amount === 0 ? [] : [adjust.intent(amount, restatedAt, n)],
      // Whichever order keeps the account between today's balance and the restated one at every step: an account
      // that may not overdraw is checked after each transaction of the batch, not only at its end.
      thenFirst: amount >= 0,
      effects: [{ kind: "voidTransactionsOf", seq: state.seq }, ...(amount === 0 ? [] : [adjust.row(amount, restatedAt, n, 0)])],
    });
  } catch (e) {
    // Refused (a day below zero on an account that may not overdraw, the opening reverted meanwhile): the
    // difference stays a drift. An unknown failure fails the sync, which is retried.
    if (e instanceof ApiError && e.status < 500) return null;
    throw e;
  }
  return state.older;
}

/** One account's adjustments at one sync: their ledger transaction and Dhanam row. */
class Adjustment {
  constructor(
    private readonly svc: Services,
    readonly conn: ConnectionRow,
    readonly account: AccountRow,
    private readonly reportedMinor: number,
    private readonly now: number,
  ) {}

  private get currency() {
    return this.account.currency as Currency;
  }

  private get reported() {
    return formatMinor(this.reportedMinor, CURRENCY_SCALES[this.currency]);
  }

  intent(amount: number, at: number, n: number): TxIntent {
    const address = accountAddress(this.account.id);
    const asset = assetOf(this.currency);
    return {
      postings: [amount > 0 ? { source: "equity:adjustments", destination: address, amount, asset } : { source: address, destination: "equity:adjustments", amount: -amount, asset }],
      reference: `sync:${this.conn.id}:${this.account.id}:balance#${n}`, timestamp: at,
      metadata: { kind: "balance_adjustment", provider: this.conn.provider, reported: this.reported },
    };
  }

  row(amount: number, at: number, n: number, txIndex: number): SideEffect {
    return {
      kind: "insertTransaction", txIndex,
      row: {
        id: newId("txn", this.now), spaceId: this.conn.space_id, accountId: this.account.id, amount, currency: this.currency,
        description: adjustmentText(this.conn.institution_name ?? this.conn.provider, this.reported, this.currency, at < this.now),
        merchantName: null, normalizedMerchant: null, date: at, type: "other", subtype: "adjustment", status: "posted", categoryId: null, categorySource: null,
        tags: "[]", notes: null, location: null, counterpartyAccountId: null, trade: null, providerTransactionId: `balance#${n}`, createdAt: this.now, updatedAt: this.now,
      },
    };
  }

  /**
   * Posts `amount` at `at`; if the ledger refuses it dated back (not a repeat of this reference), now, as a
   * drift would be. Returns whether this call posted it (false: an earlier try of this sync already had).
   */
  async postBackOrNow(amount: number, at: number, n: number): Promise<boolean> {
    const post = (when: number) =>
      runLedger(this.svc, { kind: "commit", spaceId: this.conn.space_id, txs: [this.intent(amount, when, n)], effects: [this.row(amount, when, n, 0)] });
    try {
      try {
        await post(at);
      } catch (e) {
        if (at === this.now || isConflict(e) || !(e instanceof ApiError) || e.status >= 500) throw e;
        await post(this.now);
      }
      return true;
    } catch (e) {
      if (!isConflict(e)) throw e;
      return false;
    }
  }
}

/** An adjustment's description: an opening balance (dated before the history) says so. */
const adjustmentText = (institution: string, reported: string, currency: string, opening: boolean) =>
  opening
    ? `Opening balance before the history ${institution} gave (it reports ${reported} ${currency} now)`
    : `Balance adjustment: ${institution} reports ${reported} ${currency}`;
