/**
 * An opening balance given no date is dated at the start of time, in the space's zone: midnight of 0001-01-02 since
 * this change. Its midnight of 0001-01-01 east of Greenwich (Asia/Kolkata's local mean time, +05:53:28) was an instant
 * of year 0 in UTC, which Python's datetime cannot hold: the SDK's `astimezone(timezone.utc)` of a listed transaction
 * raised OverflowError. Every zone's midnight of the new day is within year 1 in UTC, and the balance still precedes
 * anything a user can date (years 1800 on).
 */
import { describe, expect, it } from "vitest";
import { registerUser, userApi } from "../helpers";

const YEAR_1 = Date.parse("0001-01-01T00:00:00Z");
const YEAR_2 = Date.parse("0002-01-01T00:00:00Z");

describe("an undated opening balance", () => {
  for (const timezone of ["Asia/Kolkata", "Pacific/Kiritimati", "Pacific/Auckland", "America/Mexico_City", "Pacific/Pago_Pago", "UTC"]) {
    it(`is an instant of year 1 in UTC, before anything dated, in ${timezone}`, async () => {
      const u = await registerUser();
      const api = userApi(u);
      const space = await api.post("/v1/spaces", { name: "Casa", type: "personal", currency: "USD", timezone });
      expect(space.status).toBe(201);
      const acc = await api.post("/v1/accounts", { spaceId: space.body.id, name: "Checking", type: "checking", currency: "USD", openingBalance: "5.00" });
      expect(acc.status).toBe(201);
      const spent = await api.post("/v1/transactions", { spaceId: space.body.id, accountId: acc.body.id, amount: "-5.00", currency: "USD", description: "Old", date: "1800-01-01" });
      expect(spent.status).toBe(201);
      const list = await api.get(`/v1/transactions?spaceId=${space.body.id}&accountId=${acc.body.id}`);
      expect(list.status).toBe(200);
      const opening = list.body.transactions.find((t: { description: string }) => t.description !== "Old");
      expect(opening.date).toMatch(/^0001-01-02T00:00/);
      const instant = Date.parse(opening.date);
      expect(instant).toBeGreaterThanOrEqual(YEAR_1);
      expect(instant).toBeLessThan(YEAR_2);
    });
  }
});
