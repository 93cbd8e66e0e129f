/**
 * A bill due at the month's end and paid on the next 1st when the end falls on a weekend has days such as 31, 1,
 * 31, 1: their median day of the month is the 16th, a fortnight from every payment, and such a bill was no series
 * at all. The typical day is also read across the month's turn.
 */
import { describe, expect, it } from "vitest";
import { registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { dateOfDay, dayOfDate } from "../../src/modules/analytics/days";
import { fitCadence } from "../../src/modules/analytics/recurring";
import { api, localDays, ok } from "./fixture";

const days = (dates: string[]) => dates.map(dayOfDate);

describe("a monthly schedule across the month's turn", () => {
  it("fits month-end payments that half the time post on the 1st", () => {
    const fit = fitCadence(days(["2025-01-31", "2025-03-01", "2025-03-31", "2025-05-01", "2025-05-31", "2025-07-01"]))!;
    expect(fit).toMatchObject({ cadence: "monthly" });
    // The next one is July's end, or the 1st after it: either is within a day of the schedule.
    expect(["2025-07-31", "2025-08-01"]).toContain(dateOfDay(fit.next));
  });

  it("fits a 1st-of-the-month payment that half the time posts on the last business day before", () => {
    const fit = fitCadence(days(["2025-01-01", "2025-01-31", "2025-03-01", "2025-03-31", "2025-05-01", "2025-05-30"]))!;
    expect(fit).toMatchObject({ cadence: "monthly" });
  });

  it("keeps fitting plain month-end and mid-month schedules as before", () => {
    expect(fitCadence(days(["2025-01-31", "2025-02-28", "2025-03-31", "2025-04-30", "2025-05-31"]))).toMatchObject({ cadence: "monthly", anchors: [31] });
    expect(fitCadence(days(["2025-01-16", "2025-02-16", "2025-03-17", "2025-04-16", "2025-05-16"]))).toMatchObject({ cadence: "monthly", anchors: [16] });
  });

  it("lists such a bill as a monthly series", async () => {
    const u = await registerUser();
    const a = api(u);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "T", type: "personal", currency: "USD", timezone: "UTC" }))).id as string;
    const acc = await createAccount(u, spaceId, { name: "Checking", openingBalance: "1000.00" });
    // The ends of the months 14 to 5 months before this one, every other one paid on the next 1st.
    const t = new Date(localDays("UTC").baseUtc);
    const monthEnd = (k: number) => Date.UTC(t.getUTCFullYear(), t.getUTCMonth() - k + 1, 0);
    const dates = [14, 13, 12, 11, 10, 9, 8, 7, 6, 5].map((k) => new Date(monthEnd(k) + (k % 2 ? 86_400_000 : 0)).toISOString().slice(0, 10));
    for (const date of dates) {
      await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-45.00", date, merchantName: "Metro Water", description: "Water bill" }));
    }
    const { series } = await ok(a.get(`/v1/analytics/recurring?spaceId=${spaceId}`));
    expect(series.find((s: any) => s.name === "Metro Water")).toMatchObject({ cadence: "monthly", occurrences: 10 });
  });
});
