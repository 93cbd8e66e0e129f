/**
 * Undoing a Dhanam transaction through the ledger API's revert is its void:
 * the reversal takes the original's date as DELETE's does, so a cancelled row
 * counts on no day (statements, net worth by date), not only from the day of
 * the revert. A revert of a ledger-API transaction with no Dhanam rows is dated
 * now, as Formance dates it.
 */
import { describe, expect, it } from "vitest";
import { callJson, createSpace, registerUser, type TestUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { ledgerViolations } from "../invariants/ledger-invariants";

const as = (u: TestUser) => ({
  get: (path: string) => callJson(path, { token: u.accessToken, ip: u.ip }),
  post: (path: string, body: unknown) => callJson(path, { token: u.accessToken, ip: u.ip, body }),
  del: (path: string) => callJson(path, { method: "DELETE", token: u.accessToken, ip: u.ip }),
});

describe("a ledger-API revert of a Dhanam transaction", () => {
  it("is dated on the original's day, as DELETE's void is: January's statement and net worth leave both cancelled rows out", async () => {
    const u = await registerUser();
    const a = as(u);
    const space = await createSpace(u);
    const acc = await createAccount(u, space.id, { openingBalance: "100" });
    const spend = async (amount: string, description: string) => {
      const r = await a.post("/v1/transactions", { spaceId: space.id, accountId: acc.id, amount, description, date: "2025-01-10" });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body;
    };
    const viaDelete = await spend("-5", "via DELETE");
    const viaRevert = await spend("-7", "via ledger revert");
    const voided = await a.del(`/v1/transactions/${viaDelete.id}`);
    expect(voided.status).toBe(200);
    const reverted = await a.post(`/v1/spaces/${space.id}/ledger/transactions/${viaRevert.ledgerTxid}/revert`, {});
    expect(reverted.status, JSON.stringify(reverted.body)).toBe(201);
    const original = await a.get(`/v1/spaces/${space.id}/ledger/transactions/${viaRevert.ledgerTxid}`);
    expect(reverted.body.data.timestamp).toBe(original.body.data.timestamp);
    expect(reverted.body.data.timestamp.slice(0, 10)).toBe("2025-01-10");

    expect((await a.get(`/v1/transactions/${viaRevert.id}`)).body.status).toBe("cancelled");
    const january = await a.get(`/v1/accounts/${acc.id}/ledger?from=2025-01-01&to=2025-01-31`);
    expect(january.body).toMatchObject({ closingBalance: "100.00", currentBalance: "100.00" });
    expect(january.body.entries.map((e: any) => e.date.slice(0, 10))).toEqual(["2025-01-10", "2025-01-10", "2025-01-10", "2025-01-10"]);
    const worth = await a.get(`/v1/analytics/net-worth?spaceId=${space.id}&from=2025-01-31&to=2025-01-31`);
    expect(worth.status, JSON.stringify(worth.body)).toBe(200);
    expect(worth.body.points.map((p: any) => p.netWorthDecimal)).toEqual(["100.00"]);
    expect(await ledgerViolations(space.id)).toEqual([]);
  });

  it("of a pure ledger-API transaction is dated now, however the original was dated", async () => {
    const u = await registerUser();
    const a = as(u);
    const space = await createSpace(u);
    const base = `/v1/spaces/${space.id}/ledger/transactions`;
    const t = await a.post(base, { postings: [{ source: "world", destination: "users:a", amount: 10, asset: "USD/2" }], timestamp: "2024-01-01T00:00:00Z" });
    expect(t.status, JSON.stringify(t.body)).toBe(201);
    const before = Date.now();
    const r = await a.post(`${base}/${t.body.data[0].txid}/revert`, {});
    expect(r.status).toBe(201);
    expect(Date.parse(r.body.data.timestamp)).toBeGreaterThanOrEqual(before - 1000);
    expect(await ledgerViolations(space.id)).toEqual([]);
  });
});
