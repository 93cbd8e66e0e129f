/**
 * Rows written by hand on a bank-fed account and the bank's copies (manual-match.ts): cases a second review found
 * after a4f65b5, each through the sync engine with the figures a person reads.
 */
import { describe, expect, it } from "vitest";
import { bankRow, day, linked } from "./hand-written-fixture";
import { ok } from "../analytics/fixture";
import { ledgerViolations } from "../invariants/ledger-invariants";

describe("a hand-written row taken over, after", () => {
  it("Belvo: a pending copy that took a row over is matched to its posted copy by the bank's day, not the person's", { timeout: 60_000 }, async () => {
    const w = await linked("belvo");
    const budget = (await ok(w.a.post("/v1/budgets", { spaceId: w.spaceId, name: "Food", amount: "500.00", period: "monthly", startDate: day(-40), categoryIds: [w.category] }))).id as string;
    // Logged two days after the purchase, dated the day it was logged.
    const hand = await w.write({ amount: "-42.17", description: "Farmers market", date: day(0), categoryId: w.category, notes: "mine" });
    const open1 = bankRow("open1", day(-30), -5_000);
    const market = { merchantName: "MERCADO ROMA", description: "MERCADO ROMA" };
    await w.sync({ chk: 95_000 }, [open1, bankRow("p1", day(-2), -4_217, { pending: true, ...market })], { fromDay: day(-120) });
    expect((await w.row(hand.id))!.pid).toBe("p1");
    const spent = (await ok(w.a.get(`/v1/budgets/${budget}`))).spentDecimal as string;
    expect(spent).toBe("42.17");
    // Belvo lists the posted transaction under a new id, on the purchase's day, and the pending one no more. Before,
    // the posted copy was looked for from the person's day (two days after it): not found, the person's row was
    // reversed as removed and the copy posted without its category (the budget went from 42.17 to 0.00).
    await w.sync({ chk: 90_783 }, [open1, bankRow("q1", day(-2), -4_217, market)], { fromDay: day(-120) });
    expect.soft((await w.row(hand.id))!).toMatchObject({ pid: "q1", status: "posted", notes: "mine", category_id: w.category });
    expect.soft(await w.liveOf("q1")).toEqual([hand.id]);
    expect.soft((await ok(w.a.get(`/v1/budgets/${budget}`))).spentDecimal).toBe(spent);
    expect.soft(await w.balance()).toBe("907.83");
    expect.soft(await ledgerViolations(w.spaceId)).toEqual([]);
  });
});
