/**
 * Rent paid on the 1st for months, then on the 5th: every payment is within the monthly tolerance (four days) of
 * the 1st, and the older ones are more, so detection fitted the 1st and the forecast put the next rent on the 1st,
 * four days before it is due (in the week before). The schedule as it is now is the one of the recent payments.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { dateOfDay, dayOfDate } from "../../src/modules/analytics/days";
import { fitCadence } from "../../src/modules/analytics/recurring";
import { api, ok } from "./fixture";

afterEach(() => vi.useRealTimers());

const month = (k: number) => {
  const t = new Date(Date.UTC(2025, k, 1));
  return `${t.getUTCFullYear()}-${String(t.getUTCMonth() + 1).padStart(2, "0")}`;
};
// 2025-01 .. 2025-08 on the 1st, 2025-09 .. 2026-03 on the 5th.
const rentDates = Array.from({ length: 15 }, (_, k) => `${month(k)}-${k < 8 ? "01" : "05"}`);

describe("a monthly bill that moved to another day of the month", () => {
  it("is next expected on the day it moved to", () => {
    const fit = fitCadence(rentDates.map(dayOfDate))!;
    expect(fit).toMatchObject({ cadence: "monthly", anchors: [5] });
    expect(dateOfDay(fit.next)).toBe("2026-04-05");
  });

  it("keeps its day when only the last payments moved to the next business day", () => {
    // The 15th, paid on the 17th twice in a row (weekends): still the 15th.
    const dates = ["2025-09-15", "2025-10-15", "2025-11-17", "2025-12-15", "2026-01-15", "2026-02-17", "2026-03-16"];
    const fit = fitCadence(dates.map(dayOfDate))!;
    expect(fit).toMatchObject({ cadence: "monthly", anchors: [15] });
    expect(dateOfDay(fit.next)).toBe("2026-04-15");
  });

  it("is listed and forecast on the new day", async () => {
    vi.setSystemTime(Date.parse("2026-03-20T20:00:00Z"));
    const u = await registerUser();
    const a = api(u);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "Home", type: "personal", currency: "USD", timezone: "America/Bogota" }))).id as string;
    const acc = await createAccount(u, spaceId, { name: "Checking", openingBalance: "20000.00" });
    for (const date of rentDates) await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-1200.00", date, merchantName: "Landlord LLC", description: "Rent" }));
    const { series } = await ok(a.get(`/v1/analytics/recurring?spaceId=${spaceId}`));
    expect(series).toHaveLength(1);
    expect(series[0]).toMatchObject({ cadence: "monthly", lastDate: "2026-03-05", nextExpectedDate: "2026-04-05" });
    const f = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
    // Weeks start 2026-03-21: the rents of 2026-04-05 and 2026-05-05 fall in the weeks of 04-04 and 05-02.
    const spent = Object.fromEntries(f.forecast.map((w: any) => [w.week, w.projectedExpensesDecimal]));
    expect(spent).toMatchObject({ "2026-03-28": "0.00", "2026-04-04": "1200.00", "2026-04-25": "0.00", "2026-05-02": "1200.00" });
    expect(f.accounts[0]).toMatchObject({ currentBalanceDecimal: "2000.00", projectedBalanceDecimal: "-400.00", negativeOn: "2026-05-05" });
  });
});
