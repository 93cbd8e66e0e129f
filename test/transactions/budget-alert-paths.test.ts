/**
 * Every path that changes what a budget has spent runs the threshold alert
 * check: voiding or reverting a refund, recategorizing by hand, in bulk, by
 * rules and by a model correction. Each scenario starts below the threshold
 * and crosses it only through the path under test, and the category change is
 * also the ledger's: the category counterparties move by the same amount.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { registerUser, userApi } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { ledgerViolations } from "../invariants/ledger-invariants";

const THRESHOLD_EVENT = "budget.alert.threshold_exceeded";

const as = userApi;

async function setup() {
  const u = await registerUser();
  const a = as(u);
  const space = await a.post("/v1/spaces", { name: "Home", type: "personal", currency: "USD" });
  expect(space.status).toBe(201);
  const spaceId = space.body.id as string;
  const acc = await createAccount(u, spaceId, { openingBalance: "1000.00" });
  const cats = (await a.get(`/v1/categories?spaceId=${spaceId}`)).body as { id: string; name: string }[];
  const cat = (name: string) => cats.find((c) => c.name === name)!.id;
  const groceries = cat("Groceries");
  const budget = await a.post("/v1/budgets", { spaceId, name: "Groceries", amount: "100.00", period: "monthly", categoryIds: [groceries], alertThreshold: 80 });
  expect(budget.status).toBe(201);
  const budgetId = budget.body.id as string;
  /** A transaction dated now, in this budget period. */
  const tx = async (body: Record<string, unknown>) => {
    const r = await a.post("/v1/transactions", { spaceId, accountId: acc.id, description: "purchase", date: new Date().toISOString(), ...body });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };
  const alerts = async () =>
    (await env.DB.prepare("SELECT payload FROM event_outbox WHERE space_id = ? AND type = ?").bind(spaceId, THRESHOLD_EVENT).all<{ payload: string }>())
      .results.map((r) => JSON.parse(r.payload));
  const spent = async () => (await a.get(`/v1/budgets/${budgetId}`)).body.spent as number;
  /** The ledger balance of a counterparty address in USD minor units (0 for an address never used). */
  const ledgerBalance = async (address: string) => {
    const r = await a.get(`/v1/spaces/${spaceId}/ledger/accounts/${address}`);
    expect(r.status).toBe(200);
    return (r.body.data.balances["USD/2"] as number | undefined) ?? 0;
  };
  const expectOneAlert = async (currentSpent: number) => {
    const events = await alerts();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ budgetId, spaceId, budgetAmount: 100, threshold: 80, currentSpent });
  };
  return { a, spaceId, acc, cat, groceries, budgetId, tx, alerts, spent, ledgerBalance, expectOneAlert };
}

describe("budget threshold alerts on every path that changes spent", () => {
  it("voiding a refund raises spent over the threshold and alerts once", async () => {
    const { a, spaceId, groceries, tx, alerts, spent, expectOneAlert } = await setup();
    const refund = await tx({ amount: 50, description: "Refund", categoryId: groceries });
    await tx({ amount: -120, description: "Big shop", categoryId: groceries });
    expect(await spent()).toBe(70);
    expect(await alerts()).toEqual([]);

    const voided = await a.del(`/v1/transactions/${refund.id}`);
    expect(voided.status).toBe(200);
    expect(voided.body.transaction.status).toBe("cancelled");
    expect(await spent()).toBe(120);
    await expectOneAlert(120);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("reverting a refund through the ledger API cancels its row, raises spent and alerts once", async () => {
    const { a, spaceId, groceries, tx, alerts, spent, expectOneAlert } = await setup();
    const refund = await tx({ amount: 50, description: "Refund", categoryId: groceries });
    await tx({ amount: -120, description: "Big shop", categoryId: groceries });
    expect(await spent()).toBe(70);
    expect(await alerts()).toEqual([]);

    const reverted = await a.post(`/v1/spaces/${spaceId}/ledger/transactions/${refund.ledgerTxid}/revert`, {});
    expect(reverted.status, JSON.stringify(reverted.body)).toBe(201);
    expect((await a.get(`/v1/transactions/${refund.id}`)).body.status).toBe("cancelled");
    expect(await spent()).toBe(120);
    await expectOneAlert(120);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("recategorizing an uncategorized expense into the budget's category alerts once and moves the amount between ledger categories; voiding it restores both", async () => {
    const { a, spaceId, groceries, tx, alerts, spent, ledgerBalance, expectOneAlert } = await setup();
    const uncategorizedBefore = await ledgerBalance("expense:uncategorized");
    const groceriesBefore = await ledgerBalance(`expense:${groceries}`);
    const t = await tx({ amount: -90, description: "zzqx 4411" });
    expect(t.category).toBeNull();
    expect(await spent()).toBe(0);
    expect(await ledgerBalance("expense:uncategorized")).toBe(uncategorizedBefore + 9000);

    const patched = await a.patch(`/v1/transactions/${t.id}`, { categoryId: groceries });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ category: { id: groceries }, categorySource: "manual", amount: -90 });
    expect(await spent()).toBe(90);
    await expectOneAlert(90);
    expect((await a.get(`/v1/spaces/${spaceId}/ledger/accounts/expense:${groceries}`)).body.data.balances).toEqual({ "USD/2": groceriesBefore + 9000 });
    expect(await ledgerBalance("expense:uncategorized")).toBe(uncategorizedBefore);
    expect(await ledgerViolations(spaceId)).toEqual([]);

    expect((await a.del(`/v1/transactions/${t.id}`)).status).toBe(200);
    expect(await ledgerBalance(`expense:${groceries}`)).toBe(groceriesBefore);
    expect(await ledgerBalance("expense:uncategorized")).toBe(uncategorizedBefore);
    expect(await spent()).toBe(0);
    expect(await alerts()).toHaveLength(1);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("bulk-categorizing expenses from another category into the budget's alerts once and moves the amounts in the ledger; voiding them restores both", async () => {
    const { a, spaceId, cat, groceries, tx, alerts, spent, ledgerBalance, expectOneAlert } = await setup();
    const fun = cat("Entertainment");
    const funBefore = await ledgerBalance(`expense:${fun}`);
    const groceriesBefore = await ledgerBalance(`expense:${groceries}`);
    const t1 = await tx({ amount: -45, description: "Cinema", categoryId: fun });
    const t2 = await tx({ amount: "-40.50", description: "Concert", categoryId: fun });
    expect(await spent()).toBe(0);
    expect(await ledgerBalance(`expense:${fun}`)).toBe(funBefore + 8550);

    const bulk = await a.post("/v1/transactions/bulk-categorize", { spaceId, transactionIds: [t1.id, t2.id], categoryId: groceries });
    expect(bulk.status).toBe(200);
    expect(bulk.body).toEqual({ updated: 2, notFound: 0 });
    expect(await spent()).toBe(85.5);
    await expectOneAlert(85.5);
    expect((await a.get(`/v1/spaces/${spaceId}/ledger/accounts/expense:${groceries}`)).body.data.balances).toEqual({ "USD/2": groceriesBefore + 8550 });
    expect(await ledgerBalance(`expense:${fun}`)).toBe(funBefore);
    expect(await ledgerViolations(spaceId)).toEqual([]);

    for (const t of [t1, t2]) expect((await a.del(`/v1/transactions/${t.id}`)).status).toBe(200);
    expect(await ledgerBalance(`expense:${groceries}`)).toBe(groceriesBefore);
    expect(await ledgerBalance(`expense:${fun}`)).toBe(funBefore);
    expect(await alerts()).toHaveLength(1);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("applying a category rule that moves an expense into the budget's category alerts once and moves the amount in the ledger", async () => {
    const { a, spaceId, groceries, tx, alerts, spent, ledgerBalance, expectOneAlert } = await setup();
    const t = await tx({ amount: -90, description: "weekly shop", merchantName: "Whole Foods Market" });
    expect(t.category).toBeNull();
    expect(await ledgerBalance("expense:uncategorized")).toBe(9000);
    const rule = await a.patch(`/v1/categories/${groceries}`, { rules: [{ condition: "merchant_contains", value: "whole foods", priority: 10 }] });
    expect(rule.status, JSON.stringify(rule.body)).toBe(200);
    expect(await spent()).toBe(0);
    expect(await alerts()).toEqual([]);

    const run = await a.post("/v1/categories/apply-rules", { spaceId });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ dryRun: false, updated: 1 });
    expect((await a.get(`/v1/transactions/${t.id}`)).body).toMatchObject({ category: { id: groceries }, categorySource: "rule" });
    expect(await spent()).toBe(90);
    await expectOneAlert(90);
    expect((await a.get(`/v1/spaces/${spaceId}/ledger/accounts/expense:${groceries}`)).body.data.balances).toEqual({ "USD/2": 9000 });
    expect(await ledgerBalance("expense:uncategorized")).toBe(0);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("deleting a category with reassignTo the budget's category alerts once and moves the amount in the ledger", async () => {
    const { a, spaceId, groceries, tx, alerts, spent, ledgerBalance, expectOneAlert } = await setup();
    const market = await a.post("/v1/categories", { spaceId, name: "Market", type: "expense" });
    expect(market.status).toBe(201);
    const t = await tx({ amount: -90, description: "weekly shop", categoryId: market.body.id });
    expect(await ledgerBalance(`expense:${market.body.id}`)).toBe(9000);
    expect(await spent()).toBe(0);
    expect(await alerts()).toEqual([]);

    const del = await a.del(`/v1/categories/${market.body.id}?reassignTo=${groceries}`);
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ deleted: market.body.id, reassignedTo: groceries, movedTransactions: 1, movedRules: 0 });
    expect((await a.get(`/v1/transactions/${t.id}`)).body.category.id).toBe(groceries);
    expect(await spent()).toBe(90);
    await expectOneAlert(90);
    expect((await a.get(`/v1/spaces/${spaceId}/ledger/accounts/expense:${groceries}`)).body.data.balances).toEqual({ "USD/2": 9000 });
    expect(await ledgerBalance(`expense:${market.body.id}`)).toBe(0);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("a model correction applied to similar merchants that moves them into the budget's category alerts once and moves the amounts in the ledger", async () => {
    const { a, spaceId, groceries, tx, alerts, spent, ledgerBalance, expectOneAlert } = await setup();
    const first = await tx({ amount: -30, description: "card purchase", merchantName: "SQ *CORNER GROCER #12" });
    const second = await tx({ amount: -30, description: "card purchase", merchantName: "Corner Grocer #99" });
    const third = await tx({ amount: -30, description: "card purchase", merchantName: "CORNER GROCER" });
    for (const t of [first, second, third]) expect(t.category).toBeNull();
    expect(await ledgerBalance("expense:uncategorized")).toBe(9000);
    expect(await spent()).toBe(0);

    // The corrected transaction alone (30) stays below 80: only the similar ones carry spent over.
    const corr = await a.post("/v1/ml/corrections", { transactionId: first.id, correctedCategoryId: groceries, applyToSimilar: true });
    expect(corr.status, JSON.stringify(corr.body)).toBe(201);
    expect(corr.body.affectedTransactions).toBe(2);
    for (const t of [first, second, third]) expect((await a.get(`/v1/transactions/${t.id}`)).body.category.id).toBe(groceries);
    expect(await spent()).toBe(90);
    await expectOneAlert(90);
    expect((await a.get(`/v1/spaces/${spaceId}/ledger/accounts/expense:${groceries}`)).body.data.balances).toEqual({ "USD/2": 9000 });
    expect(await ledgerBalance("expense:uncategorized")).toBe(0);
    expect(await alerts()).toHaveLength(1);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });
});
