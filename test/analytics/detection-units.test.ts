/** Pieces of the analytics under the routes: local days across DST, cadence fitting, largest remainder. */
import { describe, expect, it } from "vitest";
import { dateIn } from "../../src/lib/dates";
import { largestRemainder } from "../../src/modules/analytics/dashboard";
import { dayOfDate, DayIndexer, dateOfDay } from "../../src/modules/analytics/days";
import { fitCadence, nextAfter } from "../../src/modules/analytics/recurring";
import { frac } from "../../src/modules/rates/exact";

describe("DayIndexer", () => {
  it("agrees with the zone's calendar at every hour across DST changes", () => {
    for (const tz of ["America/New_York", "America/Santiago", "Europe/London", "Asia/Kolkata", "America/Havana", "Australia/Lord_Howe", "UTC"]) {
      const from = Date.parse("2024-01-01T00:00:00Z");
      const to = Date.parse("2025-01-01T00:00:00Z");
      const ix = new DayIndexer(tz, from, to);
      for (let t = from; t < to; t += 7 * 3_600_000 + 17 * 60_000) expect(ix.date(t), `${tz} ${new Date(t).toISOString()}`).toBe(dateIn(t, tz));
    }
  });
});

const days = (dates: string[]) => dates.map(dayOfDate);

describe("cadence fitting", () => {
  it("tells weekly, biweekly, semi-monthly, monthly and yearly apart", () => {
    const weekly = Array.from({ length: 8 }, (_, i) => dayOfDate("2024-03-04") + 7 * i + (i === 3 ? 1 : 0));
    expect(fitCadence(weekly)?.cadence).toBe("weekly");
    const biweekly = Array.from({ length: 10 }, (_, i) => dayOfDate("2024-03-01") + 14 * i);
    expect(fitCadence(biweekly)?.cadence).toBe("biweekly");
    const semi = days(["2024-01-01", "2024-01-15", "2024-02-01", "2024-02-15", "2024-03-01", "2024-03-15", "2024-04-01", "2024-04-15", "2024-05-01", "2024-05-15", "2024-06-03", "2024-06-14"]);
    const fit = fitCadence(semi);
    expect(fit?.cadence).toBe("semi-monthly");
    expect(dateOfDay(fit!.next)).toBe("2024-07-01");
    // Later occurrences step to the typical days, not every 15 days.
    let d = fit!.next;
    const later: string[] = [];
    for (let i = 0; i < 4; i++) later.push(dateOfDay((d = nextAfter("semi-monthly", d, d + 1, fit!.anchors))));
    expect(later).toEqual(["2024-07-15", "2024-08-01", "2024-08-15", "2024-09-01"]);
    expect(dateOfDay(nextAfter("monthly", dayOfDate("2024-06-03"), dayOfDate("2024-06-04"), [1]))).toBe("2024-07-01");
    const monthly = days(["2024-01-31", "2024-02-29", "2024-03-29", "2024-04-30", "2024-05-31"]);
    expect(fitCadence(monthly)?.cadence).toBe("monthly");
    expect(fitCadence(days(["2022-06-10", "2023-06-12", "2024-06-10"]))?.cadence).toBe("yearly");
  });

  it("finds nothing in irregular dates", () => {
    expect(fitCadence(days(["2024-01-03", "2024-02-11", "2024-02-12", "2024-04-20", "2024-09-01"]))).toBeNull();
    expect(fitCadence(days(["2024-01-01", "2024-03-01"]))).toBeNull();
  });
});

describe("largest remainder", () => {
  it("sums exactly to the total", () => {
    const parts = largestRemainder([frac(1n), frac(1n), frac(1n)], 1000n);
    expect(parts).toEqual([334n, 333n, 333n]);
    expect(largestRemainder([frac(0n)], 1000n)).toEqual([0n]);
  });
});
