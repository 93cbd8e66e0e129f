/**
 * A new job's paydays on the 15th and the month's last day (gaps of 13 to 16 days) also fit a fortnight within its
 * tolerance: the first five paychecks (Jan 15 to Mar 15) were taken for biweekly ones, the next payday put on Mar 28
 * (it is Mar 31) and each after it three to six days early, so a rent due on the 29th looked paid for by a salary
 * that comes after it. Where both fit, the schedule the days keep closer to is taken; and the late payday of a
 * twice-monthly schedule is the month's last day when the payments are (31st, 28th), not their median (30th).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { dateOfDay, dayOfDate } from "../../src/modules/analytics/days";
import { fitCadence } from "../../src/modules/analytics/recurring";
import { api, ok } from "./fixture";

afterEach(() => vi.useRealTimers());

const fit = (dates: string[]) => fitCadence(dates.map(dayOfDate));
const PAYDAYS = ["2026-01-15", "2026-01-31", "2026-02-15", "2026-02-28", "2026-03-15"];

describe("paydays on the 15th and the month's last day", () => {
  it("are twice monthly from the first four or five, next on the month's last day", () => {
    expect(fit(PAYDAYS)).toMatchObject({ cadence: "semi-monthly", anchors: [15, 31] });
    expect(dateOfDay(fit(PAYDAYS)!.next)).toBe("2026-03-31");
    expect(fit(PAYDAYS.slice(1))).toMatchObject({ cadence: "semi-monthly" });
    expect(dateOfDay(fit(PAYDAYS.slice(1))!.next)).toBe("2026-03-31");
    // A longer history was already told apart; its late day is the month's last too.
    expect(dateOfDay(fit(["2025-10-31", "2025-11-15", "2025-11-30", "2025-12-15", "2025-12-31", ...PAYDAYS])!.next)).toBe("2026-03-31");
  });

  it("leaves every-other-Friday paydays biweekly", () => {
    expect(fit(["2026-01-02", "2026-01-16", "2026-01-30", "2026-02-13", "2026-02-27"])).toMatchObject({ cadence: "biweekly" });
    expect(fit(["2026-01-09", "2026-01-23", "2026-02-06", "2026-02-20", "2026-03-06"])).toMatchObject({ cadence: "biweekly" });
  });

  it("forecasts the rent due before the next payday as taking the account below zero", async () => {
    vi.setSystemTime(Date.parse("2026-03-20T20:00:00Z"));
    const u = await registerUser();
    const a = api(u);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "Home", type: "personal", currency: "USD", timezone: "America/Bogota" }))).id as string;
    const acc = await createAccount(u, spaceId, { name: "Checking", openingBalance: "500.00", allowOverdraft: true });
    for (const date of PAYDAYS) await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "2500.00", date: `${date}T23:30:00-05:00`, merchantName: "Acme Payroll", description: "Salary" }));
    for (const date of ["2025-11-29", "2025-12-29", "2026-01-29", "2026-02-28"]) {
      await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-3000.00", date, merchantName: "Landlord", description: "Rent" }));
    }
    const { series } = await ok(a.get(`/v1/analytics/recurring?spaceId=${spaceId}`));
    expect(series.find((s: any) => s.name === "Acme Payroll")).toMatchObject({ cadence: "semi-monthly", nextExpectedDate: "2026-03-31" });
    expect(series.find((s: any) => s.name === "Landlord")).toMatchObject({ cadence: "monthly", nextExpectedDate: "2026-03-29" });
    const f = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
    expect(f.accounts[0]).toMatchObject({ currentBalanceDecimal: "1000.00", lowestBalanceDecimal: "-2000.00", lowestBalanceDate: "2026-03-29", negativeOn: "2026-03-29" });
    expect(f.summary.totalProjectedIncomeDecimal).toBe("10000.00");
  });
});
