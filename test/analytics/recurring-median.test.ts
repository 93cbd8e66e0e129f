/**
 * A series' typical amount is the median of its amounts; of an even count, the middle of two is rounded half to even
 * as every money figure: Math.round rounded a half up, so mirror-image series of 9.99 and 10.00 came out as a typical
 * −9.99 spent and 10.00 earned (QA 13-4).
 */
import { describe, expect, it } from "vitest";
import { registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { api, localDays, ok } from "./fixture";

const { day } = localDays("UTC");

describe("a recurring series' typical amount", () => {
  it("rounds a half-cent median to even, the same for money in and out", async () => {
    const u = await registerUser();
    const a = api(u);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "M", type: "personal", currency: "USD", timezone: "UTC" }))).id as string;
    const acc = await createAccount(u, spaceId, { name: "Checking", openingBalance: "1000.00" });
    for (let k = 10; k >= 1; k--) {
      const cents = k % 2 ? "9.99" : "10.00";
      await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: `-${cents}`, date: day(-7 * k + 1), merchantName: "Coffee Out", description: "Coffee Out" }));
      await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: cents, date: day(-7 * k + 2), merchantName: "Coffee In", description: "Coffee In" }));
    }
    const { series } = await ok(a.get(`/v1/analytics/recurring?spaceId=${spaceId}`));
    const out = series.find((x: any) => x.direction === "expense");
    const inc = series.find((x: any) => x.direction === "income");
    expect(out).toMatchObject({ amountDecimal: "-10.00", amount: -10 });
    expect(inc).toMatchObject({ amountDecimal: "10.00", amount: 10 });
  });
});
