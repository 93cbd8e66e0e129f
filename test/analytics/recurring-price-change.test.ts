/**
 * Bills change price. A series' payments are told from one-offs at the same merchant by their distance from the
 * typical amount of the payments about them, not of the whole history: against one median, a subscription that went
 * from 9.99 to 15.49 kept its old payments, dropped every new one and showed as cancelled while still being paid, and
 * a bill rising 5% a month lost its latest payments.
 */
import { describe, expect, it } from "vitest";
import { registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { api, localDays, ok } from "./fixture";

const { monthDay } = localDays("UTC");

describe("a recurring series whose price changed", () => {
  it("keeps its payments at the new price, stays active, and is expected at the new price", async () => {
    const u = await registerUser();
    const a = api(u);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "P", type: "personal", currency: "USD", timezone: "UTC" }))).id as string;
    const acc = await createAccount(u, spaceId, { name: "Checking", openingBalance: "10000.00" });
    const pay = (k: number, amount: string, merchantName: string) =>
      ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount, date: monthDay(-k), merchantName, description: merchantName }));
    // Twelve months at 9.99, then eleven at 15.49 (55% more), the last a month ago.
    for (let k = 23; k >= 1; k--) await pay(k, k > 11 ? "-9.99" : "-15.49", "Streamflix");
    // A utility bill 5% more each month for 16 months: 50.00 up to 103.95.
    const power = Array.from({ length: 16 }, (_, i) => `-${(Math.round(5000 * 1.05 ** i) / 100).toFixed(2)}`);
    for (const [i, amount] of power.entries()) await pay(16 - i, amount, "City Power");
    // A one-off at the subscription's merchant is still not one of its payments.
    await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-100.00", date: monthDay(-5, 10), merchantName: "Streamflix", description: "Streamflix gift card" }));

    const { series } = await ok(a.get(`/v1/analytics/recurring?spaceId=${spaceId}`));
    const stream = series.find((s: any) => s.name === "Streamflix");
    expect(stream).toMatchObject({ cadence: "monthly", occurrences: 23, active: true, amountDecimal: "-15.49", lastDate: monthDay(-1) });
    expect(stream.amountRange).toMatchObject({ minDecimal: "-15.49", maxDecimal: "-9.99" });
    expect(power.at(-1)).toBe("-103.95");
    const bill = series.find((s: any) => s.name === "City Power");
    expect(bill).toMatchObject({ cadence: "monthly", occurrences: 16, active: true, lastDate: monthDay(-1) });
    expect(bill.amountRange).toMatchObject({ minDecimal: "-103.95", maxDecimal: "-50.00" });
  });
});
