/**
 * Writes to what a space already holds, overtaken by the space's deletion or by the caller's removal or demotion
 * (deletion-races.test.ts covers creates). An account's PATCH and disconnect, apply-rules, bulk-categorize and a
 * transaction's category (and its other fields), the ledger API's metadata, a DeFi sync and a wallet's removal, a
 * recurring series' decision, and a budget's, an asset's or a webhook's deletion each checked the
 * caller's role and then wrote without looking again: the write landed in the deleted space, or for someone no longer
 * allowed to make it, and answered 200. Each now lands only while the caller still holds the role in the live space,
 * and a lost race is answered as a request made after it: 404 (deleted, removed), 403 (demoted).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import type { Services } from "../../src/env";
import { asMemberServices } from "../../src/modules/spaces/access";
import { syncWallet, type WalletRow } from "../../src/modules/defi/service";
import { type TestUser, userApi } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { racingApp } from "../racing-app";
import { spaceToDelete, spaceWith } from "./race-fixtures";
import { newInbox, receiverUrl } from "../webhooks/helpers";

const one = async <T = Record<string, unknown>>(sql: string, ...params: unknown[]) => (await env.DB.prepare(sql).bind(...params).first<T>())!;
const answer = (res: { status: number; body: any }) => ({ status: res.status, message: res.body?.error?.message });
const ledgerOp = (kind: string) => (op: any) => op.kind === kind;

describe("an account's PATCH or disconnect that another's write overtakes", () => {
  it("renames no account of a deleted space: the account's 404", { timeout: 60_000 }, async () => {
    const { owner, spaceId, deleteIt } = await spaceToDelete();
    const acc = await createAccount(owner, spaceId, { name: "Checking" });
    const racing = racingApp(null, deleteIt, { ledger: ledgerOp("updateAccount") });
    const res = await racing.patch(owner, `/v1/accounts/${acc.id}`, { name: "Renamed" });
    expect(racing.fired()).toBe(true);
    expect(answer(res)).toEqual({ status: 404, message: "Account not found" });
    expect((await one<{ name: string }>("SELECT name FROM accounts WHERE id = ?", acc.id)).name).toBe("Checking");
  });

  it("changes nothing for a member demoted to viewer meanwhile: 403", { timeout: 60_000 }, async () => {
    const { owner, other, spaceId, demoteIt } = await spaceWith("member");
    const acc = await createAccount(owner, spaceId, { name: "Checking" });
    const racing = racingApp(null, demoteIt, { ledger: ledgerOp("updateAccount") });
    const res = await racing.patch(other, `/v1/accounts/${acc.id}`, { name: "Renamed", allowOverdraft: true });
    expect(racing.fired()).toBe(true);
    expect(res.status).toBe(403);
    expect(res.body?.error?.code).toBe("FORBIDDEN");
    expect(await one("SELECT name, allow_overdraft FROM accounts WHERE id = ?", acc.id)).toEqual({ name: "Checking", allow_overdraft: 0 });
  });

  it("disconnects nothing for an admin removed meanwhile: the account's 404", { timeout: 60_000 }, async () => {
    const { owner, other, spaceId, removeIt } = await spaceWith("admin");
    const acc = await createAccount(owner, spaceId, { name: "Checking" });
    const racing = racingApp(null, removeIt, { ledger: ledgerOp("updateAccount") });
    const res = await racing.del(other, `/v1/accounts/${acc.id}`);
    expect(racing.fired()).toBe(true);
    expect(answer(res)).toEqual({ status: 404, message: "Account not found" });
    expect(await one("SELECT is_active, disconnected_at FROM accounts WHERE id = ?", acc.id)).toEqual({ is_active: 1, disconnected_at: null });
  });
});

/** A space's account with three uncategorized coffee purchases, and a category whose rule they all meet. */
async function coffeeIn(owner: TestUser, spaceId: string) {
  const a = userApi(owner);
  const acc = await createAccount(owner, spaceId, { name: "Checking", openingBalance: "100.00" });
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const t = await a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-4.50", date: `2026-11-0${i + 1}`, description: `Coffee ${i}` });
    expect(t.status).toBe(201);
    ids.push(t.body.id);
  }
  const cat = await a.post("/v1/categories", { spaceId, name: "Coffee", type: "expense", rules: [{ condition: "description_contains", value: "coffee", priority: 1 }] });
  expect(cat.status).toBe(201);
  return { ids, categoryId: cat.body.id as string };
}

const categoriesOf = async (ids: string[]) =>
  (await env.DB.prepare(`SELECT category_id FROM transactions WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id`).bind(JSON.stringify(ids)).all<{ category_id: string | null }>())
    .results.map((r) => r.category_id);

/** The ledger's reclassifications of the space (a recategorization's postings). */
const reclassifications = async (spaceId: string) =>
  (await one<{ n: number }>("SELECT COUNT(*) AS n FROM ledger_transactions WHERE space_id = ? AND metadata LIKE '%reclassification%'", spaceId)).n;

/** `n` more copies of a space's transaction `id` (rows only, as a bulk import would leave them), for changes past one ledger operation's 500. */
async function copiesOf(id: string, n: number) {
  const cols = (await env.DB.prepare("PRAGMA table_info(transactions)").all<{ name: string }>()).results.map((r) => r.name);
  const sel = cols.map((c) => (c === "id" ? "t.id || '-' || n.n" : `t.${c}`)).join(", ");
  await env.DB.prepare(`WITH RECURSIVE n(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM n WHERE n < ?2)
    INSERT INTO transactions (${cols.join(", ")}) SELECT ${sel} FROM transactions t, n WHERE t.id = ?1`).bind(id, n).run();
}

describe("a request whose first part landed before the caller was removed", () => {
  // The first part's landing is where the request takes effect: the rest lands too, and the answer says so, never a
  // 404 for a change that half stands.
  const inCategory = async (spaceId: string, categoryId: string) => (await one<{ n: number }>("SELECT COUNT(*) AS n FROM transactions WHERE space_id = ? AND category_id = ?", spaceId, categoryId)).n;

  it("apply-rules over more rows than one ledger operation moves them all and answers 200", { timeout: 120_000 }, async () => {
    const { owner, other, spaceId, removeIt } = await spaceWith("member");
    const acc = await createAccount(owner, spaceId, { name: "Checking", openingBalance: "100.00" });
    const t = await userApi(owner).post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-0.01", date: "2026-11-01", description: "Coffee" });
    expect(t.status).toBe(201);
    await copiesOf(t.body.id, 600);
    const cat = await userApi(owner).post("/v1/categories", { spaceId, name: "Coffee", type: "expense", rules: [{ condition: "description_contains", value: "coffee", priority: 1 }] });
    expect(cat.status).toBe(201);
    let ops = 0;
    const racing = racingApp(null, removeIt, { ledger: (op: any) => op.kind === "recategorize" && ++ops === 2 });
    const res = await racing.post(other, "/v1/categories/apply-rules", { spaceId, dryRun: false });
    expect(racing.fired()).toBe(true);
    expect(res.status).toBe(200);
    expect(await inCategory(spaceId, cat.body.id)).toBe(601);
  });

  it("an ML correction over more similar rows than one ledger operation moves them all and is recorded", { timeout: 120_000 }, async () => {
    const { owner, other, spaceId, removeIt } = await spaceWith("member");
    const acc = await createAccount(owner, spaceId, { name: "Checking", openingBalance: "100.00" });
    const t = await userApi(owner).post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-0.01", date: "2026-11-01", description: "Coffee", merchantName: "Starbucks" });
    expect(t.status).toBe(201);
    await copiesOf(t.body.id, 600);
    const cat = await userApi(owner).post("/v1/categories", { spaceId, name: "Coffee", type: "expense" });
    let ops = 0;
    const racing = racingApp(null, removeIt, { ledger: (op: any) => op.kind === "recategorize" && ++ops === 2 });
    const res = await racing.post(other, "/v1/ml/corrections", { transactionId: t.body.id, correctedCategoryId: cat.body.id, applyToSimilar: true });
    expect(racing.fired()).toBe(true);
    expect(res.status).toBe(201);
    expect(res.body.affectedTransactions).toBe(600);
    expect(await inCategory(spaceId, cat.body.id)).toBe(601);
    expect((await one<{ n: number }>("SELECT COUNT(*) AS n FROM ml_corrections WHERE space_id = ?", spaceId)).n).toBe(1);
  });

  it("a transaction's PATCH of its category and notes sets both and answers 200", { timeout: 60_000 }, async () => {
    const { owner, other, spaceId, removeIt } = await spaceWith("member");
    const acc = await createAccount(owner, spaceId, { name: "Checking", openingBalance: "100.00" });
    const t = await userApi(owner).post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-4.50", date: "2026-11-01", description: "Lunch" });
    const cat = await userApi(owner).post("/v1/categories", { spaceId, name: "Food", type: "expense" });
    const racing = racingApp(/update "transactions" set/i, removeIt);
    const res = await racing.patch(other, `/v1/transactions/${t.body.id}`, { categoryId: cat.body.id, notes: "team lunch" });
    expect(racing.fired()).toBe(true);
    expect(res.status).toBe(200);
    expect(await one("SELECT category_id, notes FROM transactions WHERE id = ?", t.body.id)).toEqual({ category_id: cat.body.id, notes: "team lunch" });
  });
});

describe("a recategorization that another's write overtakes", () => {
  it("apply-rules moves no transaction of a deleted space: the space's 404", { timeout: 60_000 }, async () => {
    const { owner, spaceId, deleteIt } = await spaceToDelete();
    const { ids } = await coffeeIn(owner, spaceId);
    const before = await categoriesOf(ids);
    const racing = racingApp(null, deleteIt, { ledger: ledgerOp("recategorize") });
    const res = await racing.post(owner, "/v1/categories/apply-rules", { spaceId, dryRun: false });
    expect(racing.fired()).toBe(true);
    expect(answer(res)).toEqual({ status: 404, message: "Space not found" });
    expect(await categoriesOf(ids)).toEqual(before);
    expect(await reclassifications(spaceId)).toBe(0);
  });

  it("bulk-categorize moves nothing for a member removed meanwhile: the space's 404", { timeout: 60_000 }, async () => {
    const { owner, other, spaceId, removeIt } = await spaceWith("member");
    const { ids, categoryId } = await coffeeIn(owner, spaceId);
    const before = await categoriesOf(ids);
    const racing = racingApp(null, removeIt, { ledger: ledgerOp("recategorize") });
    const res = await racing.post(other, "/v1/transactions/bulk-categorize", { spaceId, transactionIds: ids, categoryId });
    expect(racing.fired()).toBe(true);
    expect(answer(res)).toEqual({ status: 404, message: "Space not found" });
    expect(await categoriesOf(ids)).toEqual(before);
  });

  it("an ML correction recategorizes nothing for a member removed meanwhile, and records nothing: the transaction's 404", { timeout: 60_000 }, async () => {
    const { owner, other, spaceId, removeIt } = await spaceWith("member");
    const { ids, categoryId } = await coffeeIn(owner, spaceId);
    const before = await categoriesOf(ids);
    const racing = racingApp(null, removeIt, { ledger: ledgerOp("recategorize") });
    const res = await racing.post(other, "/v1/ml/corrections", { transactionId: ids[0], correctedCategoryId: categoryId, applyToSimilar: true });
    expect(racing.fired()).toBe(true);
    expect(answer(res)).toEqual({ status: 404, message: "Transaction not found" });
    expect(await categoriesOf(ids)).toEqual(before);
    expect((await one<{ n: number }>("SELECT COUNT(*) AS n FROM ml_corrections WHERE space_id = ?", spaceId)).n).toBe(0);
  });

  it("a transaction's PATCH sets no category for a member demoted to viewer meanwhile: 403", { timeout: 60_000 }, async () => {
    const { owner, other, spaceId, demoteIt } = await spaceWith("member");
    const { ids, categoryId } = await coffeeIn(owner, spaceId);
    const before = await categoriesOf(ids);
    const racing = racingApp(null, demoteIt, { ledger: ledgerOp("recategorize") });
    const res = await racing.patch(other, `/v1/transactions/${ids[0]}`, { categoryId });
    expect(racing.fired()).toBe(true);
    expect(res.status).toBe(403);
    expect(res.body?.error?.code).toBe("FORBIDDEN");
    expect(await categoriesOf(ids)).toEqual(before);
  });
});

const WALLET = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";

async function walletIn(u: TestUser, spaceId: string) {
  const res = await userApi(u).post("/v1/defi/wallets", { spaceId, address: WALLET, label: "Main" });
  expect(res.status).toBe(201);
  return res.body.wallet.id as string;
}

describe("a DeFi write that another's write overtakes", () => {
  it("a sync writes no positions into a deleted space: the space's 404", { timeout: 60_000 }, async () => {
    const { owner, spaceId, deleteIt } = await spaceToDelete();
    const walletId = await walletIn(owner, spaceId);
    const state = async () => ({
      wallet: await one("SELECT last_synced_at FROM defi_wallets WHERE id = ?", walletId),
      positions: (await env.DB.prepare("SELECT id, synced_at FROM defi_positions WHERE wallet_id = ? ORDER BY id").bind(walletId).all()).results,
    });
    const before = await state();
    expect(before.positions.length).toBeGreaterThan(0);
    const racing = racingApp(/^\s*INSERT INTO defi_positions/i, deleteIt);
    const res = await racing.post(owner, "/v1/defi/sync", { spaceId });
    expect(racing.fired()).toBe(true);
    expect(answer(res)).toEqual({ status: 404, message: "Space not found" });
    expect(await state()).toEqual(before);
  });

  it("the cron's sync writes no positions into a space deleted during its provider call", { timeout: 60_000 }, async () => {
    const { owner, spaceId, deleteIt } = await spaceToDelete();
    const walletId = await walletIn(owner, spaceId);
    const rows = async () => ({
      positions: (await env.DB.prepare("SELECT id, synced_at FROM defi_positions WHERE wallet_id = ? ORDER BY id").bind(walletId).all()).results,
      values: (await one<{ n: number }>("SELECT COUNT(*) AS n FROM defi_position_values WHERE wallet_id = ?", walletId)).n,
      gaming: (await one<{ n: number }>("SELECT COUNT(*) AS n FROM gaming_positions WHERE wallet_id = ?", walletId)).n,
    });
    const before = await rows();
    expect(before.positions.length).toBeGreaterThan(0);
    const racing = racingApp(/^\s*INSERT INTO defi_positions/i, deleteIt);
    // As the queue's consumer runs it for the 04:00 cron, a day on (so that every row it would write is a new one).
    const svc = { env: racing.env, db: createDb(racing.env.DB), clock: { now: () => Date.now() + 86_400_000 } } as Services;
    const wallet = await one<WalletRow>("SELECT * FROM defi_wallets WHERE id = ?", walletId);
    expect(await syncWallet(svc, wallet)).toMatchObject({ status: "failed", positions: 0 });
    expect(racing.fired()).toBe(true);
    expect(await rows()).toEqual(before);
  });

  it("a wallet added by a member removed before its sync is not kept: the space's 404 and no wallet", { timeout: 60_000 }, async () => {
    const { other, spaceId, removeIt } = await spaceWith("member");
    const racing = racingApp(/^\s*INSERT INTO defi_positions/i, removeIt);
    const res = await racing.post(other, "/v1/defi/wallets", { spaceId, address: WALLET, label: "Main" });
    expect(racing.fired()).toBe(true);
    expect(answer(res)).toEqual({ status: 404, message: "Space not found" });
    expect((await one<{ n: number }>("SELECT COUNT(*) AS n FROM defi_wallets WHERE space_id = ?", spaceId)).n).toBe(0);
    expect((await one<{ n: number }>("SELECT COUNT(*) AS n FROM defi_positions WHERE space_id = ?", spaceId)).n).toBe(0);
  });

  it("a wallet's removal removes nothing for a member removed meanwhile: the wallet's 404", { timeout: 60_000 }, async () => {
    const { other, spaceId, removeIt } = await spaceWith("member");
    const walletId = await walletIn(other, spaceId);
    const racing = racingApp(/^DELETE FROM gaming_earnings/i, removeIt);
    const res = await racing.del(other, `/v1/defi/wallets/${walletId}`);
    expect(racing.fired()).toBe(true);
    expect(answer(res)).toEqual({ status: 404, message: "Wallet not found" });
    expect((await one<{ n: number }>("SELECT COUNT(*) AS n FROM defi_wallets WHERE id = ?", walletId)).n).toBe(1);
  });
});

/** A space's monthly gym bill (four months of it), and the id of the series detected from it. */
async function gymSeries(owner: TestUser, spaceId: string) {
  const a = userApi(owner);
  const acc = await createAccount(owner, spaceId, { name: "Checking", openingBalance: "1000.00" });
  const now = new Date();
  for (let k = 4; k >= 1; k--) {
    const date = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - k, 10)).toISOString().slice(0, 10);
    const t = await a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-60.00", date, merchantName: "Iron Gym", description: "Iron Gym" });
    expect(t.status).toBe(201);
  }
  const list = await a.get(`/v1/analytics/recurring?spaceId=${spaceId}`);
  expect(list.status).toBe(200);
  const found = (list.body.series as { id: string; name: string }[]).find((s) => /iron gym/i.test(s.name));
  expect(found, JSON.stringify(list.body).slice(0, 500)).toBeTruthy();
  const id = found!.id;
  return id;
}

const decisionsIn = async (spaceId: string) => (await one<{ n: number }>("SELECT COUNT(*) AS n FROM recurring_decisions WHERE space_id = ?", spaceId)).n;

describe("a recurring series' decision that another's write overtakes", () => {
  it("stores no decision in a deleted space: the space's 404", { timeout: 60_000 }, async () => {
    const { owner, spaceId, deleteIt } = await spaceToDelete();
    const seriesId = await gymSeries(owner, spaceId);
    const racing = racingApp(/^\s*INSERT INTO recurring_decisions/i, deleteIt);
    const res = await racing.patch(owner, `/v1/analytics/recurring/${seriesId}`, { spaceId, action: "dismiss" });
    expect(racing.fired()).toBe(true);
    expect(answer(res)).toEqual({ status: 404, message: "Space not found" });
    expect(await decisionsIn(spaceId)).toBe(0);
  });

  it("stores none for a member demoted to viewer meanwhile: 403", { timeout: 60_000 }, async () => {
    const { owner, other, spaceId, demoteIt } = await spaceWith("member");
    const seriesId = await gymSeries(owner, spaceId);
    const racing = racingApp(/^\s*INSERT INTO recurring_decisions/i, demoteIt);
    const res = await racing.patch(other, `/v1/analytics/recurring/${seriesId}`, { spaceId, action: "confirm" });
    expect(racing.fired()).toBe(true);
    expect(res.status).toBe(403);
    expect(await decisionsIn(spaceId)).toBe(0);
  });
});

describe("the ledger's guarded write (runLedger) after a refusal of its own", () => {
  /**
   * An expense from an empty savings account (refused for funds), sent through an app that funds the account and
   * deletes the space just before the expense's `nth` try: a try made then without the guard found the funds and
   * landed in the deleted space.
   */
  async function shortExpense(nth: number) {
    const { owner, spaceId, deleteIt } = await spaceToDelete();
    const acc = await createAccount(owner, spaceId, { name: "Savings", type: "savings" });
    let tries = 0;
    const expense = (op: any) => op.kind === "commit" && op.effects?.some((e: any) => e.kind === "insertTransaction" && e.row.description === "Short");
    const racing = racingApp(null, async () => {
      const income = await userApi(owner).post("/v1/transactions", { spaceId, accountId: acc.id, amount: "10.00", date: "2026-11-01", description: "Funding" });
      expect(income.status).toBe(201);
      await deleteIt();
    }, { ledger: (op) => expense(op) && ++tries === nth });
    const res = await racing.post(owner, "/v1/transactions", { spaceId, accountId: acc.id, amount: "-5.00", date: "2026-11-02", description: "Short" });
    return { spaceId, racing, res };
  }

  it("goes again guarded: an expense refused for funds, then funded and overtaken by the deletion, lands nothing", { timeout: 60_000 }, async () => {
    const { spaceId, racing, res } = await shortExpense(2);
    expect(racing.fired()).toBe(true);
    expect(answer(res)).toEqual({ status: 404, message: "Space not found" });
    expect((await one<{ n: number }>("SELECT COUNT(*) AS n FROM transactions WHERE space_id = ? AND description = 'Short'", spaceId)).n).toBe(0);
  });

  it("is never made without its guard: a refusal of its own is answered once access is seen to hold, with no try after it", { timeout: 60_000 }, async () => {
    // Refused for funds at the first two tries; there is no third (had one gone without the guard, it would land).
    const { spaceId, racing, res } = await shortExpense(3);
    expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status: 422, code: "INSUFFICIENT_FUNDS" });
    expect(racing.fired()).toBe(false);
    expect((await one<{ n: number }>("SELECT COUNT(*) AS n FROM transactions WHERE space_id = ? AND description = 'Short'", spaceId)).n).toBe(0);
  });

  it("asMemberServices refuses services that already carry a commitGuard rather than drop it", () => {
    const svc: Services = {
      env, db: createDb(env.DB), clock: { now: () => Date.now() },
      commitGuard: { guard: { sql: "INSERT INTO write_guards (refused) SELECT 1 WHERE 0", params: [] }, holds: async () => true, refused: () => new Error("refused") },
    };
    const auth = { userId: "usr_x", sessionId: "ses_x", email: "x@example.com" } as any;
    expect(() => asMemberServices(svc, auth, "spc_x", "member")).toThrow(/commitGuard/);
  });
});

describe("a transaction's other fields and the ledger's metadata, overtaken", () => {
  it("a transaction's PATCH writes no notes into a deleted space: the transaction's 404", { timeout: 60_000 }, async () => {
    const { owner, spaceId, deleteIt } = await spaceToDelete();
    const { ids } = await coffeeIn(owner, spaceId);
    const racing = racingApp(/^update "transactions"/i, deleteIt);
    const res = await racing.patch(owner, `/v1/transactions/${ids[0]}`, { notes: "after the deletion", tags: ["late"] });
    expect(racing.fired()).toBe(true);
    expect(answer(res)).toEqual({ status: 404, message: "Transaction not found" });
    expect(await one("SELECT notes, tags FROM transactions WHERE id = ?", ids[0])).toMatchObject({ notes: null });
  });

  it("a ledger transaction's metadata is not set for a member removed meanwhile: the space's 404", { timeout: 60_000 }, async () => {
    const { owner, other, spaceId, removeIt } = await spaceWith("member");
    const { ids } = await coffeeIn(owner, spaceId);
    const seq = (await one<{ ledger_seq: number }>("SELECT ledger_seq FROM transactions WHERE id = ?", ids[0])).ledger_seq;
    const metadataOf = async () => (await one<{ metadata: string }>("SELECT metadata FROM ledger_transactions WHERE space_id = ? AND seq = ?", spaceId, seq)).metadata;
    const before = await metadataOf();
    const racing = racingApp(null, removeIt, { ledger: ledgerOp("setTransactionMetadata") });
    const res = await racing.put(other, `/v1/spaces/${spaceId}/ledger/transactions/${seq}/metadata`, { note: "late" });
    expect(racing.fired()).toBe(true);
    expect(answer(res)).toEqual({ status: 404, message: "Space not found" });
    expect(await metadataOf()).toBe(before);
  });

  it("a ledger account's metadata is not set for a member demoted to viewer meanwhile: 403", { timeout: 60_000 }, async () => {
    const { owner, other, spaceId, demoteIt } = await spaceWith("member");
    const acc = await createAccount(owner, spaceId, { name: "Checking", openingBalance: "10.00" });
    const address = `accounts:${acc.id}`;
    const metadataOf = async () => (await env.DB.prepare("SELECT metadata FROM ledger_accounts WHERE space_id = ? AND address = ?").bind(spaceId, address).first<{ metadata: string }>())?.metadata ?? null;
    const before = await metadataOf();
    const racing = racingApp(null, demoteIt, { ledger: ledgerOp("setAccountMetadata") });
    const res = await racing.post(other, `/v1/spaces/${spaceId}/ledger/accounts/${encodeURIComponent(address)}/metadata`, { note: "late" });
    expect(racing.fired()).toBe(true);
    expect(res.status).toBe(403);
    expect(await metadataOf()).toBe(before);
  });
});

describe("a deletion of a space's resource by someone removed meanwhile", () => {
  const count = async (table: string, id: string) => (await one<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE id = ?`, id)).n;

  it("deletes no budget: the budget's 404", { timeout: 60_000 }, async () => {
    const { other, spaceId, removeIt } = await spaceWith("member");
    const b = await userApi(other).post("/v1/budgets", { spaceId, name: "Food", amount: "100.00", period: "monthly" });
    expect(b.status).toBe(201);
    const racing = racingApp(/^delete from "budget_categories"/i, removeIt);
    const res = await racing.del(other, `/v1/budgets/${b.body.id}`);
    expect(racing.fired()).toBe(true);
    expect(answer(res)).toEqual({ status: 404, message: "Budget not found" });
    expect(await count("budgets", b.body.id)).toBe(1);
  });

  it("deletes no asset: the asset's 404", { timeout: 60_000 }, async () => {
    const { other, spaceId, removeIt } = await spaceWith("member");
    const a = await userApi(other).post("/v1/assets", { spaceId, name: "Boat", type: "vehicle", currency: "USD", value: "1000.00" });
    expect(a.status).toBe(201);
    const racing = racingApp(/^DELETE FROM asset_valuations/i, removeIt);
    const res = await racing.del(other, `/v1/assets/${a.body.id}`);
    expect(racing.fired()).toBe(true);
    expect(answer(res)).toEqual({ status: 404, message: "Asset not found" });
    expect(await count("manual_assets", a.body.id)).toBe(1);
  });

  it("deletes no document: the document's 404", { timeout: 60_000 }, async () => {
    const { other, spaceId, removeIt } = await spaceWith("member");
    const a = await userApi(other).post("/v1/assets", { spaceId, name: "House", type: "real_estate", currency: "USD", value: "1000.00" });
    expect(a.status).toBe(201);
    const issued = await userApi(other).post(`/v1/assets/${a.body.id}/documents/upload-url`, { filename: "deed.pdf", contentType: "application/pdf", category: "deed" });
    expect(issued.status).toBe(201);
    const racing = racingApp(/^DELETE FROM asset_documents/i, removeIt);
    const res = await racing.del(other, `/v1/assets/${a.body.id}/documents/${issued.body.documentId}`);
    expect(racing.fired()).toBe(true);
    expect(answer(res)).toEqual({ status: 404, message: "Document not found" });
    expect(await count("asset_documents", issued.body.documentId)).toBe(1);
  });

  it("deletes no webhook: the webhook's 404", { timeout: 60_000 }, async () => {
    const { other, spaceId, removeIt } = await spaceWith("admin");
    const w = await userApi(other).post("/v1/webhooks", { spaceId, url: receiverUrl(newInbox()), events: ["transaction.created"] });
    expect(w.status).toBe(201);
    const racing = racingApp(/^delete from "webhook_delivery_attempts"/i, removeIt);
    const res = await racing.del(other, `/v1/webhooks/${w.body.id}`);
    expect(racing.fired()).toBe(true);
    expect(answer(res)).toEqual({ status: 404, message: "Webhook not found" });
    expect(await count("webhook_subscriptions", w.body.id)).toBe(1);
  });
});
