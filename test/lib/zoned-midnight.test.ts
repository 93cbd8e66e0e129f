/**
 * When a day starts in a zone: at local midnight; at the clock change where daylight saving skips
 * midnight; at the first of two midnights where clocks went back across it; and, for a day a zone skipped
 * whole, where the next day starts (it has no instant of its own).
 */
import { describe, expect, it } from "vitest";
import { zonedDate, zonedMidnight } from "../../src/lib/zoned-time";

const at = (y: number, m: number, d: number, tz: string) => new Date(zonedMidnight({ y, m, d }, tz)).toISOString();

describe("zonedMidnight", () => {
  it("is local midnight on an ordinary day, and the clock change where midnight was skipped", () => {
    expect(at(2026, 3, 8, "America/New_York")).toBe("2026-03-08T05:00:00.000Z");
    expect(at(2026, 11, 1, "America/New_York")).toBe("2026-11-01T04:00:00.000Z");
    // Santiago sprang forward from 00:00 to 01:00 on 2022-09-11: the day began at 01:00 -03.
    expect(at(2022, 9, 11, "America/Santiago")).toBe("2022-09-11T04:00:00.000Z");
  });

  it("is the first of two midnights (Lisbon set clocks back from 01:00 to 00:00 on 1976-09-26)", () => {
    expect(at(1976, 9, 26, "Europe/Lisbon")).toBe("1976-09-25T23:00:00.000Z");
    expect(zonedDate(Date.parse("1976-09-25T23:00:00Z") - 60_000, "Europe/Lisbon")).toEqual({ y: 1976, m: 9, d: 25 });
  });

  it("is where the next day starts for a day the zone skipped (Apia went from 2011-12-29 to 2011-12-31)", () => {
    expect(at(2011, 12, 30, "Pacific/Apia")).toBe("2011-12-30T10:00:00.000Z");
    expect(at(2011, 12, 31, "Pacific/Apia")).toBe("2011-12-30T10:00:00.000Z");
    expect(zonedDate(Date.parse("2011-12-30T09:59:00Z"), "Pacific/Apia")).toEqual({ y: 2011, m: 12, d: 29 });
  });
});
