/**
 * A series whose cadence is edited by hand keeps its last occurrence's day of the month (a month-end
 * schedule stays at each month's end, never drifting 31 → 30 → 30), and is active while its new or its detected cadence says so.
 * Detection runs on fixed rows at a fixed instant (seriesOf with the cash flows and decisions given).
 */
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { env } from "cloudflare:workers";
import type { Services } from "../../src/env";
import { dateOfDay } from "../../src/modules/analytics/days";
import { anchorsFrom, nextAfter, type TxnRow } from "../../src/modules/analytics/recurring";
import { type Decision, seriesOf } from "../../src/modules/analytics/recurring-service";

const dayOf = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;
const space = { id: "spc_recurringedit00000000000", currency: "USD", timezone: "UTC" };
const svcAt = (ms: number): Services => ({ env, db: createDb(env.DB), clock: { now: () => ms } });
const row = (date: string, i: number): TxnRow => ({
  id: `txn_${i}`, account_id: "acc_1", amount: -2000, currency: "USD", date: Date.parse(`${date}T12:00:00Z`),
  merchant_name: "Club Dues", normalized_merchant: "club dues", description: "Club Dues", category_id: null,
});

describe("an edited cadence", () => {
  it("steps a month-end series to each month's end", () => {
    const last = dayOf("2026-10-31");
    const anchors = anchorsFrom("monthly", last);
    expect(anchors).toEqual([31]);
    const steps: string[] = [];
    for (let d = last, i = 0; i < 5; i++) steps.push(dateOfDay((d = nextAfter("monthly", d, d + 1, anchors))));
    expect(steps).toEqual(["2026-11-30", "2026-12-31", "2027-01-31", "2027-02-28", "2027-03-31"]);
    expect(anchorsFrom("semi-monthly", dayOf("2026-10-30"))).toEqual([15, 30]);
    expect(anchorsFrom("weekly", last)).toBeUndefined();
  });

  it("is what the series answers after a PATCH to monthly: next on the month's end, and active by the new cadence", async () => {
    // Weekly dues ending on Oct 31; on Dec 5 a weekly series is long over (inactive), a monthly one is not.
    const rows = ["2026-10-10", "2026-10-17", "2026-10-24", "2026-10-31"].map(row);
    const now = Date.parse("2026-12-05T15:00:00Z");
    const [detected] = await seriesOf(svcAt(now), space, now, undefined, { rows, decisions: new Map() });
    expect(detected).toMatchObject({ cadence: "weekly", active: false });
    const decision: Decision = { series_key: detected!.id, status: "edited", name: null, amount: null, cadence: "monthly", updated_at: now };
    const [edited] = await seriesOf(svcAt(now), space, now, undefined, { rows, decisions: new Map([[detected!.id, decision]]) });
    expect(dateOfDay(edited!.nextDay)).toBe("2026-12-31");
    expect(edited!.active).toBe(true);
    expect(edited!.anchors).toEqual([31]);
    // A day earlier, Nov 30's (not paid, 4 days ago: within a monthly series' grace) is still the next expected.
    const dayBefore = now - 86_400_000;
    const [late] = await seriesOf(svcAt(dayBefore), space, dayBefore, undefined, { rows, decisions: new Map([[detected!.id, decision]]) });
    expect(dateOfDay(late!.nextDay)).toBe("2026-11-30");
  });
});
