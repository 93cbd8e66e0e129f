/**
 * A linked account's first balance adjustment is its opening balance: what it held before the history the
 * provider gave. It is dated just before the account's earliest imported transaction, so the account's
 * statement and the space's net worth over that history start from it; dated at the sync (as it was), every
 * day of the history read short by the whole opening balance. A later difference is a drift seen now, and
 * is dated now.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callJson } from "../helpers";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { as, linkPlaid, ownerWithSpace, syncNow, waitForJob } from "./helpers";

const DAY = 86_400_000;

describe("a linked account's opening balance", () => {
  it("is dated before its imported history, and the statement over that history starts from it", { timeout: 60_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const linked = await linkPlaid(owner, spaceId);
    expect((await waitForJob(linked.jobId)).status).toBe("completed");
    const adjustment = (await env.DB.prepare("SELECT account_id, amount, date, description FROM transactions WHERE space_id = ? AND subtype = 'adjustment'")
      .bind(spaceId).first<{ account_id: string; amount: number; date: number; description: string }>())!;
    const accountId = adjustment.account_id;
    const history = (await env.DB.prepare("SELECT amount, date FROM transactions WHERE account_id = ? AND subtype IS NOT 'adjustment' AND status != 'cancelled' ORDER BY date")
      .bind(accountId).all<{ amount: number; date: number }>()).results;
    expect(history.length).toBeGreaterThan(20);
    expect(adjustment.date).toBe(history[0]!.date - 1);
    expect(adjustment.description).toMatch(/^Opening balance before the history First Platypus Bank gave \(it reports [0-9.]+ USD now\)$/);

    // The statement from the history's first day opens at the opening balance, runs through every imported
    // row, and closes at the bank's balance.
    const account = (await callJson(`/v1/accounts/${accountId}`, as(owner))).body;
    const firstDay = new Date(history[0]!.date - 2 * DAY).toISOString().slice(0, 10);
    const statement = await callJson(`/v1/accounts/${accountId}/ledger?from=${firstDay}`, as(owner));
    expect(statement.status).toBe(200);
    const cents = (s: string) => Math.round(Number(s) * 100);
    expect(statement.body.openingBalance).toBe("0.00");
    expect(statement.body.entries[0]).toMatchObject({ ledgerTxid: expect.any(Number), narration: adjustment.description });
    expect(cents(statement.body.entries[0].runningBalance)).toBe(adjustment.amount);
    const second = statement.body.entries[1];
    expect(cents(second.runningBalance)).toBe(adjustment.amount + cents(second.credit) - cents(second.debit));
    expect(Date.parse(second.date)).toBeGreaterThan(adjustment.date);
    expect(statement.body.closingBalance).toBe(account.balanceDecimal);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("is the first adjustment only: a later difference from the bank is dated at the sync that saw it", { timeout: 60_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const linked = await linkPlaid(owner, spaceId);
    expect((await waitForJob(linked.jobId)).status).toBe("completed");
    const { account_id: accountId } = (await env.DB.prepare("SELECT account_id FROM transactions WHERE space_id = ? AND subtype = 'adjustment'").bind(spaceId).first<{ account_id: string }>())!;
    // The ledger drifts from the bank by 5.00 (a row the bank does not have), and the next sync sees it.
    const drift = await callJson("/v1/transactions", { ...as(owner), body: { spaceId, accountId, amount: "-5.00", description: "not at the bank", date: new Date().toISOString() } });
    expect(drift.status).toBe(201);
    const before = Date.now();
    await syncNow(linked.connection.id);
    const rows = (await env.DB.prepare("SELECT amount, date, description FROM transactions WHERE account_id = ? AND subtype = 'adjustment' ORDER BY date").bind(accountId).all<{ amount: number; date: number; description: string }>()).results;
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({ amount: 500, description: expect.stringMatching(/^Balance adjustment: First Platypus Bank reports /) });
    expect(rows[1]!.date).toBeGreaterThanOrEqual(before);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });
});
