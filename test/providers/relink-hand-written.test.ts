/**
 * A bank linked again (relinks.ts) and what the person did on the old account's rows: a transfer written by hand that
 * the bank's copy took over (relink-carry.ts carries it as a transfer), a taken-over row whose person's day is not the
 * bank's (relinks.ts `heldAgain` cuts off by the bank's day), and a bank row the person voided (its new copy is voided).
 */
import { describe, expect, it } from "vitest";
import { ok } from "../analytics/fixture";
import { ledgerViolations } from "../invariants/ledger-invariants";
import type { NormalAccount } from "../../src/modules/providers/sync-types";
import type { Services } from "../../src/env";
import { applyChanges } from "../../src/modules/providers/apply";
import { getConnection } from "../../src/modules/providers/connections";
import { emptyStats } from "../../src/modules/providers/sync-types";
import { account, bankRow, day, relinkable } from "./hand-written-fixture";
import { directServices, ledgerBinding } from "./helpers";

describe("a transfer written by hand on a bank-fed account, and the bank linked again", () => {
  it("taken over by the bank's copy: the new link's copy is a transfer too, never spending, and the other account's leg is not doubled", { timeout: 60_000 }, async () => {
    const w = await relinkable();
    const first = await w.connect();
    await first.sync(95_000, [bankRow("o0", day(-20), -5_000)]);
    const old = await first.checking();
    const jar = (await ok(w.a.post("/v1/accounts", { spaceId: w.spaceId, name: "Savings jar", type: "savings", currency: "USD", openingBalance: "0.00" }))).id as string;
    await ok(w.a.post("/v1/transactions/transfer", { spaceId: w.spaceId, fromAccountId: old, toAccountId: jar, amount: "500.00", currency: "USD", date: day(-3), description: "to the jar" }));
    const xfer = { description: "ONLINE TRANSFER TO SAV", merchantName: null };
    await first.sync(45_000, [bankRow("o0", day(-20), -5_000), bankRow("o1", day(-2), -50_000, xfer)]);
    expect(await w.byPid("o1")).toMatchObject({ account_id: old, type: "transfer" });
    // A rule the space made since files the bank's text under a budgeted category: the person's transfer still wins.
    const savings = (await ok(w.a.post("/v1/categories", { spaceId: w.spaceId, name: "Saving", type: "expense", rules: [{ condition: "description_contains", value: "ONLINE TRANSFER" }] }))).id as string;
    // A month from day(-25), whose current period always holds days -20 to 0 (one from day(-60) left day -2 out from
    // Feb 28 to Apr 29, and the 0.00 below held whatever the copy was).
    const budget = (await ok(w.a.post("/v1/budgets", { spaceId: w.spaceId, name: "Saving", amount: "1000.00", period: "monthly", startDate: day(-25), categoryIds: [savings] }))).id as string;
    const before = { cash: await w.cashFlow(), old: await w.balanceOf(old), jar: await w.balanceOf(jar) };
    expect(before).toEqual({ cash: { income: "0.00", expenses: "50.00" }, old: "450.00", jar: "500.00" });

    await w.disconnect(first.id);
    const second = await w.connect();
    await second.sync(45_000, [bankRow("n0", day(-20), -5_000), bankRow("n1", day(-2), -50_000, xfer)]);
    const successor = await second.checking();
    expect({ cash: await w.cashFlow(), old: await w.balanceOf(old), jar: await w.balanceOf(jar) }).toEqual(before);
    expect(await w.balanceOf(successor)).toBe("450.00");
    expect((await ok(w.a.get(`/v1/budgets/${budget}`))).spentDecimal).toBe("0.00");
    // The copy is the transfer's side on the new account, to the jar, and the jar holds the 500.00 once.
    expect(await w.byPid("n1")).toMatchObject({ account_id: successor, type: "transfer", subtype: "transfer_out", category_id: null, counterparty_account_id: jar, status: "posted" });
    const shown = await ok(w.a.get(`/v1/transactions/${(await w.byPid("n1"))!.id}`));
    expect(shown).toMatchObject({ type: "transfer", transferAccountId: jar, amountDecimal: "-500.00", category: null });
    expect(await ledgerViolations(w.spaceId)).toEqual([]);
  });

  it("still waiting when the bank is linked again (money in from the jar): the new copy is a transfer, not income", { timeout: 60_000 }, async () => {
    const w = await relinkable();
    const first = await w.connect();
    await first.sync(95_000, [bankRow("o0", day(-20), -5_000)]);
    const old = await first.checking();
    const jar = (await ok(w.a.post("/v1/accounts", { spaceId: w.spaceId, name: "Savings jar", type: "savings", currency: "USD", openingBalance: "800.00" }))).id as string;
    await ok(w.a.post("/v1/transactions/transfer", { spaceId: w.spaceId, fromAccountId: jar, toAccountId: old, amount: "300.00", currency: "USD", date: day(-1), description: "from the jar" }));
    const before = { cash: await w.cashFlow(), jar: await w.balanceOf(jar) };
    expect(before).toEqual({ cash: { income: "0.00", expenses: "50.00" }, jar: "500.00" });

    await w.disconnect(first.id);
    const second = await w.connect();
    await second.sync(125_000, [bankRow("n0", day(-20), -5_000), bankRow("n1", day(0), 30_000, { description: "TRANSFER FROM SAV", merchantName: null })]);
    const successor = await second.checking();
    expect({ cash: await w.cashFlow(), jar: await w.balanceOf(jar) }).toEqual(before);
    expect(await w.balanceOf(successor)).toBe("1250.00");
    // The old row took the copy's id (manual-match.ts); the copy is the transfer's side on the new account.
    expect(await w.byPid("n1", old)).toMatchObject({ type: "transfer", subtype: "transfer_in" });
    expect(await w.byPid("n1", successor)).toMatchObject({ type: "transfer", subtype: "transfer_in", counterparty_account_id: jar, status: "posted" });
    expect(await ledgerViolations(w.spaceId)).toEqual([]);
  });

  it("between two accounts of the bank, both linked again: each new copy is its side of the transfer, naming the other's successor", { timeout: 60_000 }, async () => {
    const w = await relinkable();
    const savings: NormalAccount = { externalId: "sav", name: "Savings", type: "savings", subtype: null, currency: "USD", mask: "0002", balanceMinor: 30_000 };
    const first = await w.connect();
    await first.sync(95_000, [bankRow("o0", day(-20), -5_000)], [], [savings]);
    const [oldChecking, oldSavings] = [await first.checking(), await first.accountOf("sav")];
    await ok(w.a.post("/v1/transactions/transfer", { spaceId: w.spaceId, fromAccountId: oldChecking, toAccountId: oldSavings, amount: "200.00", currency: "USD", date: day(-3), description: "to savings" }));
    const xfer = { description: "TRANSFER", merchantName: null };
    await first.sync(75_000, [bankRow("o0", day(-20), -5_000), bankRow("o1", day(-2), -20_000, xfer), bankRow("s1", day(-2), 20_000, { ...xfer, accountExternalId: "sav" })], [], [{ ...savings, balanceMinor: 50_000 }]);
    expect([(await w.byPid("o1"))!.type, (await w.byPid("s1"))!.type]).toEqual(["transfer", "transfer"]);
    const before = await w.cashFlow();
    expect(before).toEqual({ income: "0.00", expenses: "50.00" });

    await w.disconnect(first.id);
    const second = await w.connect();
    await second.sync(75_000, [bankRow("n0", day(-20), -5_000), bankRow("n1", day(-2), -20_000, xfer), bankRow("m1", day(-2), 20_000, { ...xfer, accountExternalId: "sav" })], [], [{ ...savings, balanceMinor: 50_000 }]);
    const [newChecking, newSavings] = [await second.checking(), await second.accountOf("sav")];
    expect(await w.cashFlow()).toEqual(before);
    expect(await w.byPid("n1")).toMatchObject({ account_id: newChecking, type: "transfer", subtype: "transfer_out", counterparty_account_id: newSavings });
    expect(await w.byPid("m1")).toMatchObject({ account_id: newSavings, type: "transfer", subtype: "transfer_in", counterparty_account_id: newChecking });
    expect([await w.balanceOf(newChecking), await w.balanceOf(newSavings)]).toEqual(["750.00", "500.00"]);
    expect(await ledgerViolations(w.spaceId)).toEqual([]);
  });
});

// The bank's day is compared with the new link's first day's midnight in the space's zone, which SQL does not know
// (relinks.ts): zones west and east of UTC, at the edges of the range it is exact in.
describe.each(["America/Mexico_City", "Pacific/Honolulu", "Pacific/Auckland"])("a taken-over row whose person's day is not the bank's, and the bank linked again (%s)", (tz) => {
  it("is left out by the bank's day, where the new link holds it, not by the person's: each counts once", { timeout: 60_000 }, async () => {
    const w = await relinkable(tz);
    const day = w.day;
    // A month from day(-10): its current period always holds the rows of the last five days. One from day(-60) began
    // its current period at day(-1) or day(0) from Feb 28 to Apr 29 (two months after day(-60) are 59-61 days there),
    // and the spent was 0.00 then.
    const budget = (await ok(w.a.post("/v1/budgets", { spaceId: w.spaceId, name: "Groceries", amount: "500.00", period: "monthly", startDate: day(-10), categoryIds: [w.category] }))).id as string;
    const first = await w.connect();
    await first.sync(95_000, [bankRow("o0", day(-20), -5_000)]);
    const old = await first.checking();
    // Logged two days before the bank posts it (on the new link's first day), and one logged a day after the bank's
    // day (the day before the new link's first), each with the person's category.
    const early = await ok(w.a.post("/v1/transactions", { spaceId: w.spaceId, accountId: old, amount: "-42.00", description: "market", date: day(-5), categoryId: w.category }));
    const late = await ok(w.a.post("/v1/transactions", { spaceId: w.spaceId, accountId: old, amount: "-17.00", description: "bakery", date: day(-2), categoryId: w.category }));
    const early1 = bankRow("o1", day(-3), -4_200, { merchantName: "Market", description: "MARKET" });
    const late1 = bankRow("o2", day(-4), -1_700, { merchantName: "Bakery", description: "BAKERY" });
    await first.sync(89_100, [bankRow("o0", day(-20), -5_000), early1, late1]);
    expect([(await w.byPid("o1"))!.id, (await w.byPid("o2"))!.id]).toEqual([early.id, late.id]);
    const spent = async () => (await ok(w.a.get(`/v1/budgets/${budget}`))).spentDecimal as string;
    const before = { cash: await w.cashFlow(), spent: await spent() };
    expect(before).toEqual({ cash: { income: "0.00", expenses: "109.00" }, spent: "59.00" });

    await w.disconnect(first.id);
    const second = await w.connect();
    // The new link's history begins on the market's bank day: it holds the market, not the bakery.
    await second.sync(89_100, [{ ...early1, id: "n1" }]);
    expect({ cash: await w.cashFlow(), spent: await spent() }).toEqual(before);
  });
});

describe("a bank row the person voided on the old account, and the bank linked again", () => {
  it("its new copy is voided too; the new account's balance is the bank's, as the old one's was", { timeout: 60_000 }, async () => {
    const w = await relinkable();
    const first = await w.connect();
    await first.sync(95_000, [bankRow("o0", day(-20), -5_000)]);
    const old = await first.checking();
    // The person says this charge is no expense of theirs (a duplicate of one they track elsewhere, a mistake).
    const wrong = bankRow("o1", day(-4), -2_500, { merchantName: "Cafe Luna", description: "CAFE LUNA" });
    await first.sync(92_500, [bankRow("o0", day(-20), -5_000), wrong]);
    expect((await w.a.del(`/v1/transactions/${(await w.byPid("o1"))!.id}`)).status).toBe(200);
    // The bank still holds it: the next sync's adjustment says so in the balance, and cash flow leaves it out.
    await first.sync(92_500, [bankRow("o0", day(-20), -5_000), wrong]);
    const before = await w.cashFlow();
    expect({ cash: before, old: await w.balanceOf(old) }).toEqual({ cash: { income: "0.00", expenses: "50.00" }, old: "925.00" });

    await w.disconnect(first.id);
    const second = await w.connect();
    await second.sync(92_500, [bankRow("n0", day(-20), -5_000), { ...wrong, id: "n1" }]);
    expect(await w.byPid("n1")).toMatchObject({ status: "cancelled" });
    expect(await w.cashFlow()).toEqual(before);
    expect(await w.balanceOf(await second.checking())).toBe("925.00");
    // Reported again, it stays voided.
    await second.sync(92_500, [bankRow("n0", day(-20), -5_000), { ...wrong, id: "n1" }]);
    expect(await w.byPid("n1")).toMatchObject({ status: "cancelled" });
    expect(await w.cashFlow()).toEqual(before);
    expect(await w.balanceOf(await second.checking())).toBe("925.00");
    expect(await ledgerViolations(w.spaceId)).toEqual([]);
  });

  it("a crash between posting the new copy and voiding it: the retry of the sync voids it first", { timeout: 60_000 }, async () => {
    const w = await relinkable();
    const first = await w.connect();
    await first.sync(95_000, [bankRow("o0", day(-20), -5_000)]);
    const wrong = bankRow("o1", day(-4), -2_500, { merchantName: "Cafe Luna", description: "CAFE LUNA" });
    await first.sync(92_500, [bankRow("o0", day(-20), -5_000), wrong]);
    expect((await w.a.del(`/v1/transactions/${(await w.byPid("o1"))!.id}`)).status).toBe(200);
    await first.sync(92_500, [bankRow("o0", day(-20), -5_000), wrong]);
    const before = await w.cashFlow();
    expect(before).toEqual({ income: "0.00", expenses: "50.00" });

    await w.disconnect(first.id);
    const second = await w.connect();
    const { svc } = directServices();
    const conn = (await getConnection(svc, second.id))!;
    let crashed = false;
    const crashing: Services = { ...svc, env: { ...svc.env, SPACE_LEDGER: ledgerBinding(async (op, execute) => {
      if (op.kind === "revert" && !crashed) {
        crashed = true;
        throw new Error("simulated crash before the void");
      }
      return execute(op);
    }) } };
    const changes = { accounts: [account("chk", 92_500)], upserts: [bankRow("n0", day(-20), -5_000), { ...wrong, id: "n1" }], removed: [], matchPendingHeuristically: false };
    await expect(applyChanges(crashing, conn, changes, emptyStats())).rejects.toThrow("simulated crash");
    expect(await w.byPid("n1")).toMatchObject({ status: "posted" });
    // The retry (the provider's cursor did not move: the same changes).
    await second.sync(92_500, changes.upserts);
    expect(await w.byPid("n1")).toMatchObject({ status: "cancelled" });
    expect(await w.cashFlow()).toEqual(before);
    expect(await w.balanceOf(await second.checking())).toBe("925.00");
    // And a third run changes nothing.
    await second.sync(92_500, changes.upserts);
    expect(await w.cashFlow()).toEqual(before);
    expect(await ledgerViolations(w.spaceId)).toEqual([]);
  });

  it("of two equal charges the person voided one: a new link that sends one keeps it live, one that sends both voids one", { timeout: 60_000 }, async () => {
    const w = await relinkable();
    const first = await w.connect();
    const twin = (id: string) => bankRow(id, day(-4), -2_500, { merchantName: "Cafe Luna", description: "CAFE LUNA" });
    await first.sync(90_000, [bankRow("o0", day(-20), -5_000), twin("o1"), twin("o2")]);
    // The bank listed one charge twice; the person voids the one that comes first of equal rows (relink-carry.ts orders
    // them by date, then id).
    const firstOfTwins = [(await w.byPid("o1"))!.id, (await w.byPid("o2"))!.id].sort()[0]!;
    expect((await w.a.del(`/v1/transactions/${firstOfTwins}`)).status).toBe(200);
    await first.sync(90_000, [bankRow("o0", day(-20), -5_000), twin("o1"), twin("o2")]);
    const before = await w.cashFlow();
    expect(before).toEqual({ income: "0.00", expenses: "75.00" });

    await w.disconnect(first.id);
    const second = await w.connect();
    await second.sync(92_500, [bankRow("n0", day(-20), -5_000), twin("n1")]);
    expect(await w.byPid("n1")).toMatchObject({ status: "posted" });
    expect(await w.cashFlow()).toEqual(before);

    await w.disconnect(second.id);
    const third = await w.connect();
    await third.sync(90_000, [bankRow("m0", day(-20), -5_000), twin("m1"), twin("m2")]);
    expect([(await w.byPid("m1"))!.status, (await w.byPid("m2"))!.status].sort()).toEqual(["cancelled", "posted"]);
    expect(await w.cashFlow()).toEqual(before);
    expect(await ledgerViolations(w.spaceId)).toEqual([]);
  });

  it("a row the bank removed is no void of the person's: a new link's copy of the same charge is posted", { timeout: 60_000 }, async () => {
    const w = await relinkable();
    const first = await w.connect();
    const charge = (id: string, pending = false) => bankRow(id, day(-2), -2_500, { merchantName: "Cafe Luna", description: "CAFE LUNA", pending });
    await first.sync(95_000, [bankRow("o0", day(-20), -5_000), charge("p1", true)]);
    // The bank drops the pending row without sending it posted before the bank is linked again.
    await first.sync(95_000, [bankRow("o0", day(-20), -5_000)], ["p1"]);
    expect(await w.byPid("p1")).toMatchObject({ status: "cancelled" });
    await w.disconnect(first.id);
    const second = await w.connect();
    await second.sync(92_500, [bankRow("n0", day(-20), -5_000), charge("n1")]);
    expect(await w.byPid("n1")).toMatchObject({ status: "posted" });
    expect(await w.cashFlow()).toEqual({ income: "0.00", expenses: "75.00" });
  });
});
