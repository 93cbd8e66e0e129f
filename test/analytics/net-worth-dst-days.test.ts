/**
 * Net-worth days across clock changes (QA-FX): each point is the end of the space's local day, so an entry an hour
 * either side of a transition counts on the day its wall clock says. São Paulo's DST began at midnight (2018-11-04:
 * 00:00 did not exist) and ended at midnight (2019-02-16 had 25 hours); Mexico City's last change was 2022-10-30
 * (none in April 2023); New York's are at 02:00. Daily, weekly and monthly series end on those days.
 */
import { describe, expect, it } from "vitest";
import { registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { api, ok } from "./fixture";

// Each entry's amount is a distinct power of ten, so a point's figure says which entries it counted.
const cases = [
  {
    tz: "America/Sao_Paulo", from: "2018-11-02", to: "2019-02-18",
    at: ["2018-11-04T02:59:00Z", "2018-11-04T03:30:00Z", "2019-02-17T01:30:00Z", "2019-02-17T02:30:00Z", "2019-02-17T03:30:00Z"],
    day: ["2018-11-02=0.00", "2018-11-03=1.00", "2018-11-04=11.00", "2019-02-16=1111.00", "2019-02-17=11111.00"],
    week: ["2018-11-05=11.00", "2019-02-18=11111.00"], month: ["2018-11-30=11.00", "2019-02-18=11111.00"],
  },
  {
    tz: "America/Mexico_City", from: "2022-10-28", to: "2023-04-03",
    at: ["2022-10-30T05:30:00Z", "2022-10-31T05:30:00Z", "2022-10-31T06:30:00Z", "2023-04-02T05:30:00Z", "2023-04-02T06:30:00Z"],
    day: ["2022-10-28=0.00", "2022-10-30=11.00", "2022-10-31=111.00", "2023-04-01=1111.00", "2023-04-02=11111.00"],
    week: ["2022-10-31=111.00", "2023-04-03=11111.00"], month: ["2022-10-31=111.00", "2023-04-03=11111.00"],
  },
  {
    tz: "America/New_York", from: "2024-03-08", to: "2024-11-05",
    at: ["2024-03-10T04:30:00Z", "2024-03-10T05:30:00Z", "2024-11-03T03:30:00Z", "2024-11-03T04:30:00Z", "2024-11-04T04:30:00Z", "2024-11-04T05:30:00Z"],
    day: ["2024-03-08=0.00", "2024-03-09=1.00", "2024-03-10=11.00", "2024-11-02=111.00", "2024-11-03=11111.00", "2024-11-04=111111.00"],
    week: ["2024-03-12=11.00", "2024-11-05=111111.00"], month: ["2024-03-31=11.00", "2024-11-05=111111.00"],
  },
];

describe("net-worth days across clock changes", () => {
  for (const c of cases) {
    it(c.tz, { timeout: 60_000 }, async () => {
      const owner = await registerUser();
      const a = api(owner);
      const spaceId = (await ok(a.post("/v1/spaces", { name: "x", type: "personal", currency: "USD", timezone: c.tz }))).id;
      const acc = await createAccount(owner, spaceId, { name: "usd", type: "checking", currency: "USD", openingBalance: "0", openingBalanceDate: "2018-01-01" });
      let amount = 1;
      for (const date of c.at) {
        await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: String(amount), description: "x", date }));
        amount *= 10;
      }
      for (const interval of ["day", "week", "month"] as const) {
        const body = await ok(a.get(`/v1/analytics/net-worth?spaceId=${spaceId}&from=${c.from}&to=${c.to}&interval=${interval}`));
        const points = body.points as { date: string; netWorthDecimal: string }[];
        // The points where the figure changes (and the first).
        const changes = points.filter((p, i) => i === 0 || p.netWorthDecimal !== points[i - 1]!.netWorthDecimal).map((p) => `${p.date}=${p.netWorthDecimal}`);
        expect(changes, interval).toEqual(c[interval]);
        expect(points.at(-1)!.date).toBe(c.to);
      }
    });
  }
});
