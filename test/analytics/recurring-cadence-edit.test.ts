/**
 * Editing a detected series' cadence speaks of the payments to come: a monthly series last paid 20 days ago,
 * edited to weekly, stays active and in the forecast (it was marked inactive by the weekly rule alone, and
 * dropped from the forecast even after "confirm").
 */
import { describe, expect, it } from "vitest";
import { registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { api, localDays, ok } from "./fixture";

/** The date `months` calendar months before `date` (same day of the month; all days used here are ≤ 28). */
const monthsBefore = (date: string, months: number) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.toISOString().slice(0, 10);
};

describe("a recurring series' cadence edited by hand", () => {
  it("keeps a recently paid series active and forecast", async () => {
    const u = await registerUser();
    const a = api(u);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "R", type: "personal", currency: "USD", timezone: "UTC" }))).id as string;
    const acc = await createAccount(u, spaceId, { name: "Checking", openingBalance: "5000.00" });
    const { day } = localDays("UTC");
    // About 20 days ago, on a day of the month every month has.
    const last = [20, 21, 22, 23].map((n) => day(-n)).find((d) => Number(d.slice(8)) <= 28)!;
    for (let k = 5; k >= 0; k--) {
      await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-15.99", date: monthsBefore(last, k), merchantName: "NETFLIX.COM", description: "NETFLIX.COM" }));
    }
    const [series] = (await ok(a.get(`/v1/analytics/recurring?spaceId=${spaceId}`))).series;
    expect(series).toMatchObject({ cadence: "monthly", active: true });

    const edited = (await ok(a.patch(`/v1/analytics/recurring/${series.id}`, { spaceId, action: "edit", cadence: "weekly", amount: "-20.00" }))).series;
    expect(edited).toMatchObject({ cadence: "weekly", amountDecimal: "-20.00", active: true });
    expect(edited.nextExpectedDate > day(0)).toBe(true);
    const confirmed = (await ok(a.patch(`/v1/analytics/recurring/${series.id}`, { spaceId, action: "confirm" }))).series;
    expect(confirmed).toMatchObject({ cadence: "weekly", active: true });
    const f = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
    expect(f.recurringSeriesUsed).toBe(1);
  });
});
