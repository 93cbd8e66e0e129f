/**
 * A bank linked again (relinks.ts) and what the person did on the old account's rows: a taken-over row whose person's
 * day is not the bank's (relinks.ts `heldAgain` cuts off by the bank's day).
 */
import { describe, expect, it } from "vitest";
import { ok } from "../analytics/fixture";
import { bankRow, relinkable } from "./hand-written-fixture";

// The bank's day is compared with the new link's first day's midnight in the space's zone, which SQL does not know
// (relinks.ts): zones west and east of UTC, at the edges of the range it is exact in.
describe.each(["America/Mexico_City", "Pacific/Honolulu", "Pacific/Auckland"])("a taken-over row whose person's day is not the bank's, and the bank linked again (%s)", (tz) => {
  it("is left out by the bank's day, where the new link holds it, not by the person's: each counts once", { timeout: 60_000 }, async () => {
    const w = await relinkable(tz);
    const day = w.day;
    const budget = (await ok(w.a.post("/v1/budgets", { spaceId: w.spaceId, name: "Groceries", amount: "500.00", period: "monthly", startDate: day(-60), categoryIds: [w.category] }))).id as string;
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
