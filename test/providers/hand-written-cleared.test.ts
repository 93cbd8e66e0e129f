/**
 * A row written by hand on a bank-fed account, and the bank's own copy of it (QA-6 F7; manual-match.ts). The hand-written
 * row waits for the bank for ten days: the balance adjustment leaves it standing meanwhile, and the bank's copy takes it
 * over in place when it comes (the person's category, notes and description stay), so the purchase counts once in the
 * balance, cash flow and budgets. It counted twice before: the bank's copy was posted again, while an adjustment had
 * cancelled the hand-written one in the balance only.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { bankRow, DAY, day, linked } from "./hand-written-fixture";
import { localDays, ok } from "../analytics/fixture";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { plaidSandboxInternals } from "../../src/sandbox/plaid";
import { as, directServices, jobStats, linkPlaid, ownerWithSpace, plaidAccessToken, plaidControl, waitForJob } from "./helpers";
import { callJson } from "../helpers";

describe("a row written by hand on a bank-fed account", () => {
  it("waits for the bank, and the bank's copy takes it over: counted once in the balance, cash flow and the budget", { timeout: 60_000 }, async () => {
    const w = await linked();
    expect(await w.adjustments()).toEqual([100_000]); // the opening
    const budget = (await ok(w.a.post("/v1/budgets", { spaceId: w.spaceId, name: "Food", amount: "500.00", period: "monthly", startDate: day(-40), categoryIds: [w.category] }))).id as string;
    const spentBefore = (await ok(w.a.get(`/v1/budgets/${budget}`))).spentDecimal as string;
    const dashboard = async () => (await ok(w.a.get(`/v1/analytics/dashboard?spaceId=${w.spaceId}&period=30d`))).cashFlow.expensesDecimal as string;
    const expensesBefore = await dashboard();

    const hand = await w.write({ amount: "-42.17", description: "Farmers market", date: day(0), categoryId: w.category, notes: "tomatoes for the party", tags: ["party"] });
    expect(await w.balance()).toBe("907.83");

    // A sync before the bank has it: the bank still reports 950.00, and nothing cancels the hand-written row.
    const early = await w.sync({ chk: 95_000 }, []);
    expect(early.adjustments).toBe(0);
    expect(await w.adjustments()).toEqual([100_000]);
    expect(await w.balance()).toBe("907.83");

    // The bank posts it the next day, under its own id and text: the hand-written row becomes it.
    const posted = await w.sync({ chk: 90_783 }, [bankRow("b1", day(1), -4_217)]);
    expect(posted).toMatchObject({ created: 0, updated: 1, adjustments: 0 });
    expect(await w.liveOf("b1")).toEqual([hand.id]);
    expect(await w.row(hand.id)).toMatchObject({
      pid: "b1", status: "posted", amount: -4_217, description: "Farmers market", merchant_name: "Merchant b1", notes: "tomatoes for the party",
      category_id: w.category, category_source: "manual",
    });
    const shown = await ok(w.a.get(`/v1/transactions/${hand.id}`));
    expect(shown).toMatchObject({ amountDecimal: "-42.17", description: "Farmers market", tags: ["party"], status: "posted" });
    expect(await w.balance()).toBe("907.83");
    expect(await w.adjustments()).toEqual([100_000]);
    expect((await ok(w.a.get(`/v1/budgets/${budget}`))).spentDecimal).toBe((Number(spentBefore) + 42.17).toFixed(2));
    expect(Number(await dashboard()) * 100).toBeCloseTo(Number(expensesBefore) * 100 + 4_217, 6);

    // The bank says the same again: nothing moves.
    const again = await w.sync({ chk: 90_783 }, [bankRow("b1", day(1), -4_217)]);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 1, adjustments: 0 });
    expect(await w.liveOf("b1")).toEqual([hand.id]);
    expect(await w.balance()).toBe("907.83");
    expect(await ledgerViolations(w.spaceId)).toEqual([]);
  });

  it("pairs one to one, nearest day first, takes no other amount, account or voided row, and takes a transfer's side", { timeout: 60_000 }, async () => {
    const w = await linked();
    // A second bank account of the same connection, and hand-written rows of 20.00 on both.
    await w.sync({ chk: 95_000, sav: 10_000 }, []);
    const savings = await w.accountIdOf("sav");
    const older = await w.write({ amount: "-20.00", description: "coffee beans", date: day(-2) });
    const newer = await w.write({ amount: "-20.00", description: "lunch", date: day(0) });
    const other = await w.write({ amount: "-20.01", description: "almost", date: day(0) });
    const voided = await w.write({ amount: "-33.00", description: "mistake", date: day(0) });
    expect((await w.a.del(`/v1/transactions/${voided.id}`)).status).toBe(200);
    const onSavings = await ok(w.a.post("/v1/transactions", { spaceId: w.spaceId, accountId: savings, amount: "-20.00", description: "savings fee", date: day(0) }));
    const transfer = await ok(w.a.post("/v1/transactions/transfer", { spaceId: w.spaceId, fromAccountId: w.checking, toAccountId: savings, amount: "15.00", currency: "USD", date: day(0), description: "to savings" }));

    // The bank sends one 20.00 dated today, a 33.00 and a 15.00 transfer out: the 20.00 is today's hand-written row, and
    // the 15.00 the transfer's checking side (it stays a transfer, in no cash flow).
    await w.sync({ chk: 95_000 - 2_000 - 3_300 - 1_500, sav: 10_000 }, [bankRow("c1", day(0), -2_000), bankRow("c2", day(0), -3_300), bankRow("c3", day(0), -1_500)]);
    expect((await w.row(newer.id))!.pid).toBe("c1");
    expect((await w.row(older.id))!.pid).toBeNull();
    expect((await w.row(other.id))!.pid).toBeNull();
    expect((await w.row(voided.id))!).toMatchObject({ pid: null, status: "cancelled" });
    expect((await w.row(onSavings.id))!.pid).toBeNull();
    expect(await w.liveOf("c2")).not.toEqual([]); // posted as new
    expect(await w.liveOf("c3")).toEqual([transfer.from.id]);
    // A second 20.00, dated yesterday: the older row (two days from it). A third has none left and is posted as new.
    await w.sync({ chk: 95_000 - 2_000 - 3_300 - 1_500 - 2_000, sav: 10_000 }, [bankRow("c4", day(-1), -2_000)]);
    expect((await w.row(older.id))!.pid).toBe("c4");
    await w.sync({ chk: 95_000 - 2_000 - 3_300 - 1_500 - 4_000, sav: 10_000 }, [bankRow("c5", day(0), -2_000)]);
    const c5 = await w.liveOf("c5");
    expect(c5).toHaveLength(1);
    expect([older.id, newer.id, other.id, onSavings.id]).not.toContain(c5[0]);
    expect(await ledgerViolations(w.spaceId)).toEqual([]);
  });

  it("stops waiting after ten days: the next sync's adjustment cancels one the bank has not sent, and a late copy still takes it over", { timeout: 60_000 }, async () => {
    const w = await linked();
    await w.write({ amount: "-10.00", description: "ten days ago", date: day(-10) });
    await w.sync({ chk: 95_000 }, []);
    expect(await w.adjustments()).toEqual([100_000]); // still waiting
    const stale = await w.write({ amount: "-7.00", description: "eleven days ago", date: day(-11) });
    await w.sync({ chk: 95_000 }, []);
    expect(await w.adjustments()).toEqual([100_000, 700]); // this one no longer waits
    await w.sync({ chk: 94_300 }, [bankRow("late", day(-1), -700)]);
    expect((await w.row(stale.id))!.pid).toBe("late");
    expect(await w.liveOf("late")).toEqual([stale.id]);
    // The adjustments even out: 950.00, less the bank's 7.00, less the 10.00 still waiting.
    expect(await w.adjustments()).toEqual([100_000, 700, -700]);
    expect(await w.balance()).toBe("933.00");
    expect(await ledgerViolations(w.spaceId)).toEqual([]);
  });

  it("taken over by the bank's pending copy, it follows the bank: posted with a tip as a correction in its category", { timeout: 60_000 }, async () => {
    const w = await linked();
    const hand = await w.write({ amount: "-40.00", description: "dinner", date: day(0), categoryId: w.category });
    await w.sync({ chk: 95_000 }, [bankRow("p1", day(0), -4_000, { pending: true })]);
    expect((await w.row(hand.id))!).toMatchObject({ pid: "p1", status: "pending" });
    expect(await w.balance()).toBe("910.00");
    // It posts with a 6.00 tip, naming the pending copy.
    await w.sync({ chk: 90_400 }, [bankRow("q1", day(1), -4_600, { pendingId: "p1" })]);
    expect((await w.row(hand.id))!).toMatchObject({ pid: "q1", status: "posted", amount: -4_000, category_id: w.category });
    const group = (await env.DB.prepare("SELECT amount, category_id, provider_transaction_id AS pid FROM transactions WHERE space_id = ? AND provider_transaction_id LIKE 'q1%' AND status != 'cancelled' ORDER BY provider_transaction_id")
      .bind(w.spaceId).all()).results;
    expect(group).toEqual([{ amount: -4_000, category_id: w.category, pid: "q1" }, { amount: -600, category_id: w.category, pid: "q1#c1" }]);
    expect(await w.balance()).toBe("904.00");
    expect(await w.adjustments()).toEqual([100_000]);
    expect(await ledgerViolations(w.spaceId)).toEqual([]);
  });

  it("taken over from a listing (Belvo) under an earlier day than its own, it stays when the window slides past the bank's day", { timeout: 60_000 }, async () => {
    const w = await linked("belvo");
    const budget = (await ok(w.a.post("/v1/budgets", { spaceId: w.spaceId, name: "Food", amount: "500.00", period: "monthly", startDate: day(-40), categoryIds: [w.category] }))).id as string;
    // Logged today, dated today; the bank lists the purchase two days earlier.
    const hand = await w.write({ amount: "-25.00", description: "market", date: day(0), categoryId: w.category });
    await w.sync({ chk: 92_500 }, [bankRow("open1", day(-30), -5_000), bankRow("b1", day(-2), -2_500)], { fromDay: day(-120) });
    expect((await w.row(hand.id))!).toMatchObject({ pid: "b1", status: "posted" });
    const spent = (await ok(w.a.get(`/v1/budgets/${budget}`))).spentDecimal as string;
    expect(Number(spent)).toBeGreaterThanOrEqual(25);
    // 119 days on, the listing starts at day(-1) (120 days before then), so it no longer holds b1 (day -2), while the
    // row's own day (0) is inside the window: the bank removed nothing, and the purchase stays (it was reversed at its
    // day, 25.00 gone from that month's budget and cash flow, and the balance adjusted back to the bank's).
    const later = Date.now() + 119 * DAY;
    const { svc: laterSvc } = directServices(() => later);
    const stats = await w.sync({ chk: 92_500 }, [], { fromDay: new Date(later - 120 * DAY).toISOString().slice(0, 10), svc: laterSvc });
    expect(stats).toMatchObject({ removed: 0, adjustments: 0 });
    expect((await w.row(hand.id))!).toMatchObject({ pid: "b1", status: "posted" });
    expect((await ok(w.a.get(`/v1/budgets/${budget}`))).spentDecimal).toBe(spent);
    expect(await w.balance()).toBe("925.00");
    expect(await ledgerViolations(w.spaceId)).toEqual([]);
  });

  it("through Plaid's simulator: the user logs a purchase, the bank sends it a day later, one row", { timeout: 120_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const linked = await linkPlaid(owner, spaceId, `public-sandbox-hand-written.${crypto.randomUUID()}`); // one seed: the same bank data every run
    expect((await waitForJob(linked.jobId)).status).toBe("completed");
    const accessToken = await plaidAccessToken(linked.connection.id);
    const item = (await env.DB.prepare("SELECT * FROM sandbox_plaid_items WHERE access_token = ?").bind(accessToken).first<any>())!;
    // What the bank will send next: a new posted purchase (on the checking account or the card) that it does not have yet,
    // of an amount no other new row of that account has. A Spotify charge is always 10.99: had the bank also sent a
    // pending 10.99 that day, the hand-written row would rightly be taken over by that one (the flake of stop 44).
    const now = plaidSandboxInternals.stateAt(item, item.generation);
    const fresh = [...plaidSandboxInternals.stateAt(item, item.generation + 1).values()].filter((t) => !now.has(t.id));
    const sameAmount = (t: { account: string; cents: number }) => fresh.filter((o) => o.account === t.account && o.cents === t.cents).length;
    const next = fresh.find((t) => !t.pending && !t.pendingId && t.cents > 0 && sameAmount(t) === 1)!;
    expect(next).toBeDefined();
    const account = (await env.DB.prepare("SELECT id FROM accounts WHERE space_id = ? AND provider_account_id = ?").bind(spaceId, plaidSandboxInternals.accountIds(item)[next.account]).first<{ id: string }>())!.id;
    const amount = `-${(next.cents / 100).toFixed(2)}`;
    const hand = await callJson("/v1/transactions", { ...as(owner), body: { spaceId, accountId: account, amount, description: "what I bought", date: localDays("UTC").today, notes: "mine" } });
    expect(hand.status).toBe(201);

    await plaidControl("transactions/advance", { access_token: accessToken, generations: 1 });
    const res = await callJson("/v1/accounts/sync", { ...as(owner), body: { spaceId, force: true } });
    expect(res.status).toBe(202);
    expect((await waitForJob(res.body.jobId)).status).toBe("completed");
    expect((await jobStats(res.body.jobId)).stats).toMatchObject({ adjustments: 0 });
    const copies = (await env.DB.prepare("SELECT id, description, notes FROM transactions WHERE space_id = ? AND provider_transaction_id = ? AND status != 'cancelled'")
      .bind(spaceId, next.id).all()).results;
    expect(copies).toEqual([{ id: hand.body.id, description: "what I bought", notes: "mine" }]);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });
});
