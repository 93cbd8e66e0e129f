/**
 * A linked account's first balance adjustment is its opening balance: what it held before the history the
 * provider gave. It is dated just before the account's earliest imported transaction, so the account's
 * statement and the space's net worth over that history start from it; dated at the sync (as it was), every
 * day of the history read short by the whole opening balance. A later difference is a drift seen now, and
 * is dated now.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { applyChanges } from "../../src/modules/providers/apply";
import { emptyStats, type NormalAccount, type NormalTxn } from "../../src/modules/providers/sync-types";
import { createConnection, getConnection } from "../../src/modules/providers/connections";
import { callJson } from "../helpers";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { as, directServices, linkPlaid, ownerWithSpace, syncNow, waitForJob } from "./helpers";

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
    // The ledger drifts from the bank by 5.00 (a row the bank does not have, written by hand a month ago: past the days
    // such a row waits for the bank's copy, manual-match.ts), and the next sync sees it.
    const drift = await callJson("/v1/transactions", { ...as(owner), body: { spaceId, accountId, amount: "-5.00", description: "not at the bank", date: new Date(Date.now() - 30 * DAY).toISOString() } });
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

describe("a difference seen after the first reconciliation", () => {
  // The sync engine fed directly (applyChanges, as the sync job runs it), so each sync's rows and balance are chosen.
  const account = (balanceMinor: number | null): NormalAccount => ({ externalId: "ext-1", name: "Savings", type: "savings", subtype: null, currency: "USD", mask: "0001", balanceMinor });
  const row = (id: string, date: string, amountMinor: number): NormalTxn => ({ id, accountExternalId: "ext-1", amountMinor, date, description: `row ${id}`, merchantName: null, pending: false, pendingId: null });
  async function linked() {
    const { owner, spaceId } = await ownerWithSpace();
    const { svc } = directServices();
    const made = await createConnection(svc, { spaceId, provider: "plaid", status: "active", externalId: `item-${crypto.randomUUID()}`, institutionName: "Bank", credentials: { accessToken: "x", itemId: "y" }, createdBy: owner.id });
    const conn = (await getConnection(svc, made.id))!;
    const sync = (balance: number | null, rows: NormalTxn[]) => applyChanges(svc, conn, { accounts: [account(balance)], upserts: rows, removed: [], matchPendingHeuristically: false }, emptyStats());
    const accountIdOf = async (pid: string) =>
      (await env.DB.prepare("SELECT account_id FROM transactions WHERE provider_transaction_id = ? AND space_id = ?").bind(pid, spaceId).first<{ account_id: string }>())!.account_id;
    const adjustments = async (accountId: string) =>
      (await env.DB.prepare("SELECT amount, date, description FROM transactions WHERE account_id = ? AND subtype = 'adjustment' ORDER BY created_at").bind(accountId).all<{ amount: number; date: number; description: string }>()).results;
    return { owner, spaceId, sync, accountIdOf, adjustments };
  }

  it("is a drift dated now, though the first sync matched the bank and posted no adjustment", async () => {
    const w = await linked();
    await w.sync(8000, [row("d1", "2025-01-02", 10000), row("d2", "2025-01-05", -2000)]); // the whole history; the bank agrees
    const accountId = await w.accountIdOf("d1");
    expect(await w.adjustments(accountId)).toEqual([]);
    const before = Date.now();
    await w.sync(7500, []); // months later, 5.00 less at the bank: a fee the feed never listed
    const [drift] = await w.adjustments(accountId);
    expect(drift).toMatchObject({ amount: -500, description: expect.stringMatching(/^Balance adjustment: Bank reports 75\.00 USD$/) });
    expect(drift!.date).toBeGreaterThanOrEqual(before);
    expect(await ledgerViolations(w.spaceId)).toEqual([]);
  });

  it("is posted on an account that may not overdraw; an opening the ledger refuses to date back is posted now", async () => {
    const w = await linked();
    await w.sync(8000, [row("o1", "2025-01-02", 10000), row("o2", "2025-01-05", -2000)]);
    const accountId = await w.accountIdOf("o1");
    expect((await callJson(`/v1/accounts/${accountId}`, { ...as(w.owner), method: "PATCH", body: { allowOverdraft: false } })).status).toBe(200);
    await w.sync(7500, []); // dated back, -5.00 before the first row would be below zero: it is dated now and fits
    expect((await callJson(`/v1/accounts/${accountId}`, as(w.owner))).body.balanceDecimal).toBe("75.00");

    // An opening of -50.00 (the bank had the account below zero before its history) on an account linked, made
    // no-overdraft by its owner, then synced: dated back it is refused, so it is posted now, and the sync goes on.
    const v = await linked();
    await v.sync(null, []); // the link: the account, no rows, no balance yet
    const linkedId = (await env.DB.prepare("SELECT id FROM accounts WHERE space_id = ? AND provider != 'manual'").bind(v.spaceId).first<{ id: string }>())!.id;
    expect((await callJson(`/v1/accounts/${linkedId}`, { ...as(v.owner), method: "PATCH", body: { allowOverdraft: false } })).status).toBe(200);
    const before = Date.now();
    await v.sync(5000, [row("n1", "2025-03-01", 10000)]); // opening = 50.00 - 100.00 = -50.00
    const [opening] = await v.adjustments(linkedId);
    expect(opening).toMatchObject({ amount: -5000, description: expect.stringMatching(/^Balance adjustment: Bank reports 50\.00 USD$/) });
    expect(opening!.date).toBeGreaterThanOrEqual(before);
    expect((await callJson(`/v1/accounts/${linkedId}`, as(v.owner))).body.balanceDecimal).toBe("50.00");
    expect(await ledgerViolations(v.spaceId)).toEqual([]);
    expect(await ledgerViolations(w.spaceId)).toEqual([]);
  });

  it("restates the opening when a later sync brings rows from before it (a historical update)", async () => {
    const w = await linked();
    // The first pull: 30 days. The bank holds 800.00 after them, so the opening (dated before them) is 900.00.
    await w.sync(80000, [row("r1", "2025-06-10", -5000), row("r2", "2025-06-20", -5000)]);
    const accountId = await w.accountIdOf("r1");
    const [first] = await w.adjustments(accountId);
    expect(first).toMatchObject({ amount: 90000 });
    // Plaid's historical update: two older rows (+300.00 pay, -100.00 rent) and today's balance unchanged. The account
    // held 900.00 - 200.00 = 700.00 before them: the opening moves there, and no drift is posted.
    await w.sync(80000, [row("h1", "2025-03-01", 30000), row("h2", "2025-04-01", -10000), row("r1", "2025-06-10", -5000), row("r2", "2025-06-20", -5000)]);
    const rows = (await env.DB.prepare("SELECT amount, date, status, description FROM transactions WHERE account_id = ? AND subtype = 'adjustment' ORDER BY created_at, date")
      .bind(accountId).all<{ amount: number; date: number; status: string; description: string }>()).results;
    const h1 = (await env.DB.prepare("SELECT date FROM transactions WHERE account_id = ? AND provider_transaction_id = 'h1'").bind(accountId).first<{ date: number }>())!;
    expect(rows).toEqual([
      { ...first, status: "cancelled" },
      { amount: 70000, date: h1.date - 1, status: "posted", description: expect.stringMatching(/^Opening balance before the history Bank gave/) },
    ]);
    expect((await callJson(`/v1/accounts/${accountId}`, as(w.owner))).body.balanceDecimal).toBe("800.00");
    // The statement over the whole history: 700.00, +300 = 1,000.00, -100 = 900.00, then the 30 days down to 800.00.
    const statement = await callJson(`/v1/accounts/${accountId}/ledger?from=2025-01-01`, as(w.owner));
    expect(statement.status).toBe(200);
    expect(statement.body.entries.map((e: { narration: string; runningBalance: string }) => [e.narration.split(" (")[0], e.runningBalance])).toEqual([
      ["Opening balance before the history Bank gave", "700.00"],
      ["row h1", "1000.00"],
      ["row h2", "900.00"],
      // The old opening and its reversal, at the old opening's own instant: they cancel out.
      ["Opening balance before the history Bank gave", "1800.00"],
      [expect.stringMatching(/^Reversal of ledger transaction \d+$/), "900.00"],
      ["row r1", "850.00"],
      ["row r2", "800.00"],
    ]);
    expect(statement.body.closingBalance).toBe("800.00");
    // The ledger's own record: the old opening reverted at its date, the new one posted in the same batch.
    const ledger = await callJson(`/v1/spaces/${w.spaceId}/ledger/transactions?pageSize=10`, as(w.owner));
    const reverted = ledger.body.cursor.data.filter((t: { reverted: boolean }) => t.reverted);
    expect(reverted).toHaveLength(1);
    expect(await ledgerViolations(w.spaceId)).toEqual([]);

    // The next sync finds nothing to restate and nothing drifted.
    await w.sync(80000, []);
    expect((await w.adjustments(accountId)).length).toBe(2);
  });

  it("restates less than the whole difference when the bank also drifted, and posts the rest now", async () => {
    const w = await linked();
    await w.sync(80000, [row("s1", "2025-06-10", -5000)]); // opening 850.00
    const accountId = await w.accountIdOf("s1");
    const before = Date.now();
    // An older row of -100.00 and a fee of 2.50 the feed never listed: the bank holds 797.50.
    await w.sync(79750, [row("s0", "2025-02-01", -10000)]);
    const rows = (await env.DB.prepare("SELECT amount, date, status FROM transactions WHERE account_id = ? AND subtype = 'adjustment' ORDER BY created_at, provider_transaction_id")
      .bind(accountId).all<{ amount: number; date: number; status: string }>()).results;
    expect(rows.map((r) => [r.amount, r.status])).toEqual([[85000, "cancelled"], [95000, "posted"], [-250, "posted"]]);
    expect(rows[2]!.date).toBeGreaterThanOrEqual(before);
    expect((await callJson(`/v1/accounts/${accountId}`, as(w.owner))).body.balanceDecimal).toBe("797.50");
    expect(await ledgerViolations(w.spaceId)).toEqual([]);
  });

  it("leaves the opening alone when the ledger refuses to restate it, and posts the difference now", async () => {
    const w = await linked();
    await w.sync(1000, [row("u1", "2025-06-10", -5000)]); // opening 60.00
    const accountId = await w.accountIdOf("u1");
    expect((await callJson(`/v1/accounts/${accountId}`, { ...as(w.owner), method: "PATCH", body: { allowOverdraft: false } })).status).toBe(200);
    // An older income of 100.00: restated, the opening would be -40.00, below zero on an account that may not overdraw.
    const before = Date.now();
    await w.sync(1000, [row("u0", "2025-02-01", 10000)]);
    const rows = (await env.DB.prepare("SELECT amount, date, status FROM transactions WHERE account_id = ? AND subtype = 'adjustment' ORDER BY created_at")
      .bind(accountId).all<{ amount: number; date: number; status: string }>()).results;
    expect(rows.map((r) => [r.amount, r.status])).toEqual([[6000, "posted"], [-10000, "posted"]]);
    expect(rows[1]!.date).toBeGreaterThanOrEqual(before);
    expect((await callJson(`/v1/accounts/${accountId}`, as(w.owner))).body.balanceDecimal).toBe("10.00");
    expect(await ledgerViolations(w.spaceId)).toEqual([]);
  });

  it("restates from the provider's posted rows only: not a pending row, not a row written by hand (a drift, as before)", async () => {
    const w = await linked();
    await w.sync(80000, [row("r1", "2025-06-10", -5000), row("r2", "2025-06-20", -5000)]); // opening 900.00
    const accountId = await w.accountIdOf("r1");
    // An older posted row (+300.00) and a pending one (-20.00, on top of the bank's posted 800.00): the opening is 600.00.
    await w.sync(80000, [row("h1", "2025-03-01", 30000), { ...row("p1", "2025-06-05", -2000), pending: true }]);
    const live = async () => (await env.DB.prepare("SELECT amount, status FROM transactions WHERE account_id = ? AND subtype = 'adjustment' AND status = 'posted' ORDER BY created_at")
      .bind(accountId).all<{ amount: number }>()).results.map((r) => r.amount);
    expect(await live()).toEqual([60000]);
    await w.sync(78000, [{ ...row("p1", "2025-06-05", -2000), pending: false }]); // it posts
    expect(await live()).toEqual([60000]);
    expect((await callJson(`/v1/accounts/${accountId}`, as(w.owner))).body.balanceDecimal).toBe("780.00");
    // A row the user writes by hand, dated before the opening, is theirs: a drift at the next sync, not a new opening.
    expect((await callJson("/v1/transactions", { ...as(w.owner), body: { spaceId: w.spaceId, accountId, amount: "-10.00", description: "cash", date: "2025-01-05" } })).status).toBe(201);
    await w.sync(78000, []);
    expect(await live()).toEqual([60000, 1000]);
    expect(await ledgerViolations(w.spaceId)).toEqual([]);
  });

  it("restates an account that may not overdraw when its history never goes below zero", async () => {
    const w = await linked();
    await w.sync(40000, [row("n1", "2025-06-10", -50000)]); // opening 900.00, 400.00 now
    const accountId = await w.accountIdOf("n1");
    expect((await callJson(`/v1/accounts/${accountId}`, { ...as(w.owner), method: "PATCH", body: { allowOverdraft: false } })).status).toBe(200);
    await w.sync(40000, [row("n0", "2025-03-01", 10000)]); // 800.00 before it: 800 -> 900 -> 400, never below zero
    const rows = (await env.DB.prepare("SELECT amount, status FROM transactions WHERE account_id = ? AND subtype = 'adjustment' ORDER BY created_at, status")
      .bind(accountId).all<{ amount: number; status: string }>()).results;
    expect(rows.map((r) => [r.amount, r.status])).toEqual([[90000, "cancelled"], [80000, "posted"]]);
    expect(await ledgerViolations(w.spaceId)).toEqual([]);
  });
});

