/**
 * A no-overdraft account may not be negative at the end of any instant in
 * value-date order; within one instant (a bare date's day) the order of its
 * entries is only their sequence. A void takes its original's date, so a
 * transaction and its void cancel there whichever was voided first: voiding
 * an expense, then the income that paid for it, is not refused, nor is undoing
 * a transfer after the spending it funded, nor a buy after its sell. A
 * back-dated write that leaves a later day negative still is, naming that day.
 */
import { describe, expect, it } from "vitest";
import { createSpace, registerUser, userApi } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { ledgerViolations } from "../invariants/ledger-invariants";

const as = userApi;

async function setup() {
  const u = await registerUser();
  const a = as(u);
  const space = await createSpace(u);
  const write = async (accountId: string, amount: string, date: string, description = "entry") => {
    const r = await a.post("/v1/transactions", { spaceId: space.id, accountId, amount, description, date });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.id as string;
  };
  const voided = async (id: string) => {
    const r = await a.del(`/v1/transactions/${id}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  };
  const balance = async (id: string) => (await a.get(`/v1/accounts/${id}`)).body.balanceDecimal as string;
  return { u, a, spaceId: space.id as string, write, voided, balance };
}

describe("voids on a no-overdraft account, in any order", () => {
  it("voids an income after the later expense it paid for was voided, and the account may still forbid overdraft", async () => {
    const { u, a, spaceId, write, voided, balance } = await setup();
    const acc = await createAccount(u, spaceId);
    expect(acc.allowOverdraft).toBe(false);
    const income = await write(acc.id, "100", "2025-06-01", "wrong income");
    const expense = await write(acc.id, "-100", "2025-06-02", "wrong expense");
    await voided(expense);
    // 06-01 ends at 100 - 100 and 06-02 at -100 + 100: zero at the end of every day.
    await voided(income);
    expect(await balance(acc.id)).toBe("0.00");
    const statement = await a.get(`/v1/accounts/${acc.id}/ledger?from=2025-06-01&to=2025-06-30`);
    expect(statement.body).toMatchObject({ openingBalance: "0.00", closingBalance: "0.00" });
    expect(await ledgerViolations(spaceId)).toEqual([]);
    // Its history never ended an instant below zero, so forbidding overdraft again is not refused.
    expect((await a.patch(`/v1/accounts/${acc.id}`, { allowOverdraft: true })).status).toBe(200);
    expect((await a.patch(`/v1/accounts/${acc.id}`, { allowOverdraft: false })).status).toBe(200);
  });

  it("undoes a transfer after the spending it funded was voided", async () => {
    const { u, a, spaceId, write, voided, balance } = await setup();
    const from = await createAccount(u, spaceId, { name: "From", openingBalance: "100.00" });
    const to = await createAccount(u, spaceId, { name: "To", type: "savings" });
    const transfer = await a.post("/v1/transactions/transfer", { spaceId, fromAccountId: from.id, toAccountId: to.id, amount: "100", date: "2025-06-01", description: "move" });
    expect(transfer.status, JSON.stringify(transfer.body)).toBe(201);
    const spend = await write(to.id, "-100", "2025-06-02", "spend");
    await voided(spend);
    await voided(transfer.body.from.id);
    expect([await balance(from.id), await balance(to.id)]).toEqual(["100.00", "0.00"]);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("voids a buy after its sell was voided, and not before", async () => {
    const { u, a, spaceId, voided, balance } = await setup();
    const acc = await createAccount(u, spaceId, { type: "brokerage", openingBalance: "100" });
    const trade = async (side: string, date: string, unitPrice: string) => {
      const r = await a.post("/v1/transactions", { spaceId, accountId: acc.id, description: side, date, trade: { symbol: "VTI", side, quantity: "2", unitPrice, fees: "1" } });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.id as string;
    };
    const buy = await trade("buy", "2025-06-01", "10");
    const sell = await trade("sell", "2025-06-02", "12");
    // While the sell stands, the account holds none of the units the void would take back.
    const early = await a.del(`/v1/transactions/${buy}`);
    expect(early.status).toBe(422);
    expect(early.body.error).toMatchObject({ code: "INSUFFICIENT_FUNDS" });
    await voided(sell);
    await voided(buy);
    expect(await balance(acc.id)).toBe("100.00");
    const units = await a.get(`/v1/spaces/${spaceId}/ledger/accounts/accounts:${acc.id}`);
    expect(units.body.data.balances["VTI/8"] ?? 0).toBe(0);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("still refuses a back-dated expense that leaves a later day negative, naming that day, and changes nothing", async () => {
    const { u, a, spaceId, write, balance } = await setup();
    const acc = await createAccount(u, spaceId);
    await write(acc.id, "100", "2025-06-01", "income");
    await write(acc.id, "-100", "2025-06-05", "rent");
    await write(acc.id, "100", "2025-06-10", "income");
    const before = await a.get(`/v1/accounts/${acc.id}/ledger?from=2025-06-01&to=2025-06-30`);
    // 06-03 ends at 50, but 06-05 would end at -50.
    const refused = await a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-50", description: "back-dated", date: "2025-06-03" });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe("INSUFFICIENT_FUNDS");
    expect(refused.body.error.message).toContain("2025-06-05");
    expect(refused.body.error.message).not.toContain("2025-06-03");
    // One that is negative on its own day (before the first income) names that day.
    const own = await a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-50", description: "too early", date: "2025-05-31" });
    expect(own.status).toBe(422);
    expect(own.body.error.code).toBe("INSUFFICIENT_FUNDS");
    expect(own.body.error.message).toContain("2025-05-31");
    expect(await balance(acc.id)).toBe("100.00");
    expect((await a.get(`/v1/accounts/${acc.id}/ledger?from=2025-06-01&to=2025-06-30`)).body).toEqual(before.body);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("names that day in the space's zone: east of Greenwich a local midnight is the day before in UTC (review)", async () => {
    const u = await registerUser();
    const a = as(u);
    const space = await a.post("/v1/spaces", { name: "Tokyo", type: "personal", currency: "USD", timezone: "Asia/Tokyo" });
    const acc = await createAccount(u, space.body.id);
    for (const [amount, date] of [["100", "2025-06-01"], ["-100", "2025-06-05"], ["100", "2025-06-10"]]) {
      expect((await a.post("/v1/transactions", { spaceId: space.body.id, accountId: acc.id, amount, description: "entry", date })).status).toBe(201);
    }
    const refused = await a.post("/v1/transactions", { spaceId: space.body.id, accountId: acc.id, amount: "-50", description: "back-dated", date: "2025-06-03" });
    expect(refused.status).toBe(422);
    expect(refused.body.error.message, JSON.stringify(refused.body)).toContain("2025-06-05T00:00:00.000+09:00");
  });
});
