/**
 * A space past D1's 100 bound parameters a statement: 120 accounts and 110 recurring series. Detection, the list,
 * a dismissal and the forecast read and project every account and series, to the cent (no test drove the
 * forecast or detection past 100 accounts or series before).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { callJson, registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { api, inBatches, ok } from "./fixture";

afterEach(() => vi.useRealTimers());

describe("a space with more accounts and series than a statement may bind", () => {
  it("lists, decides on and forecasts all of them", { timeout: 240_000 }, async () => {
    vi.setSystemTime(Date.parse("2026-03-20T20:00:00Z"));
    const u = await registerUser();
    const a = api(u);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "Big", type: "personal", currency: "USD", timezone: "Pacific/Auckland" }))).id as string;
    const accounts: { id: string }[] = [];
    await inBatches(Array.from({ length: 120 }, (_, i) => i), 20, async (i) => {
      accounts[i] = await createAccount(u, spaceId, { name: `Account ${i}`, openingBalance: "10.00" });
    });
    const posts = Array.from({ length: 110 }, (_, i) => ["2026-01-05", "2026-02-05", "2026-03-05"].map((date) => ({ i, date }))).flat();
    await inBatches(posts, 40, ({ i, date }) => ok(a.post("/v1/transactions", { spaceId, accountId: accounts[i]!.id, amount: "-1.01", date, merchantName: `Shop ${i}`, description: "Card" })));

    const { series } = await ok(a.get(`/v1/analytics/recurring?spaceId=${spaceId}`));
    expect(series).toHaveLength(110);
    expect(series.every((s: any) => s.cadence === "monthly" && s.nextExpectedDate === "2026-04-05")).toBe(true);

    const before = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
    expect(before.accounts).toHaveLength(120);
    expect(before.recurringSeriesUsed).toBe(110);
    // Apr 5 and May 5 (Auckland's today is Mar 21): 2 × 110 × 1.01.
    expect(before.summary.totalProjectedExpensesDecimal).toBe("222.20");

    const dismissed = await callJson(`/v1/analytics/recurring/${series[0].id}`, { method: "PATCH", token: u.accessToken, ip: u.ip, body: { spaceId, action: "dismiss" } });
    expect(dismissed.status).toBe(200);
    const after = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
    expect(after).toMatchObject({ recurringSeriesUsed: 109, summary: { totalProjectedExpensesDecimal: "220.18" } });
    expect(after.accounts).toHaveLength(120);
    expect(after.accounts.filter((x: any) => x.projectedBalanceDecimal === "4.95")).toHaveLength(109);
  });
});
