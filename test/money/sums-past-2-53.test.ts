/**
 * Every stored amount and balance is an exact double (at most 2^53 - 1 minor units), but sums of several can
 * pass 2^53, where a double rounds. Totals are summed in bigints and written with every digit: the accounts
 * summary's per-currency totals, a budget's spending over several categories, and the ledger's balances
 * summed over many addresses (a JSON number with all its digits).
 */
import { describe, expect, it } from "vitest";
import { call, callJson, createSpace, registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { ledgerViolations } from "../invariants/ledger-invariants";

describe("sums past 2^53 minor units", () => {
  it("the accounts summary's total", async () => {
    const u = await registerUser();
    const as = { token: u.accessToken, ip: u.ip };
    const space = await createSpace(u);
    await createAccount(u, space.id, { openingBalance: "90071992547409.91" });
    const b = await createAccount(u, space.id, { name: "B" });
    const income = await callJson("/v1/transactions", { ...as, body: { spaceId: space.id, accountId: b.id, amount: "0.02", description: "Interest", date: "2024-01-01" } });
    expect(income.status).toBe(201);
    const summary = await callJson(`/v1/accounts/summary?spaceId=${space.id}`, as);
    expect(summary.status).toBe(200);
    expect(summary.body.totalBalanceByCurrency.USD).toBe("90071992547409.93");
    expect(await ledgerViolations(space.id)).toEqual([]);
  });

  it("a budget's spending over two categories, and its remaining", async () => {
    const u = await registerUser();
    const as = { token: u.accessToken, ip: u.ip };
    const space = await createSpace(u);
    const category = async (name: string) => (await callJson("/v1/categories", { ...as, body: { spaceId: space.id, name, type: "expense" } })).body.id as string;
    const [c1, c2] = [await category("Big"), await category("Small")];
    const card1 = await createAccount(u, space.id, { name: "Card 1", type: "credit_card" });
    const card2 = await createAccount(u, space.id, { name: "Card 2", type: "credit_card" });
    const today = new Date().toISOString().slice(0, 10);
    for (const [accountId, amount, categoryId] of [[card1.id, "-90071992547409.91", c1], [card2.id, "-0.02", c2]]) {
      const r = await callJson("/v1/transactions", { ...as, body: { spaceId: space.id, accountId, amount, description: "Spend", date: today, categoryId } });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    const budget = await callJson("/v1/budgets", { ...as, body: { spaceId: space.id, name: "All", amount: "10", period: "monthly", categoryIds: [c1, c2] } });
    expect(budget.status, JSON.stringify(budget.body)).toBe(201);
    expect(budget.body).toMatchObject({ spentDecimal: "90071992547409.93", remainingDecimal: "-90071992547399.93", status: "exceeded" });
    const read = await callJson(`/v1/budgets/${budget.body.id}`, as);
    expect(read.body).toMatchObject({ spentDecimal: "90071992547409.93", remainingDecimal: "-90071992547399.93" });
    expect(read.body.categories.map((c: { spentDecimal: string }) => c.spentDecimal).sort()).toEqual(["0.02", "90071992547409.91"]);
    expect(await ledgerViolations(space.id)).toEqual([]);
  });

  it("the ledger's balances summed over addresses, as a JSON number with all its digits", async () => {
    const u = await registerUser();
    const as = { token: u.accessToken, ip: u.ip };
    const space = await createSpace(u);
    const post = (postings: unknown[]) => callJson(`/v1/spaces/${space.id}/ledger/transactions`, { ...as, body: { postings } });
    expect((await post([{ source: "income:salary", destination: "users:a", amount: 9007199254740991, asset: "USD/2" }])).status).toBe(201);
    expect((await post([{ source: "income:bonus", destination: "users:b", amount: 2, asset: "USD/2" }])).status).toBe(201);
    const res = await call(`/v1/spaces/${space.id}/ledger/balances?address=users:*`, as);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('"USD/2":9007199254740993');
    const all = await callJson(`/v1/spaces/${space.id}/ledger/balances`, as);
    expect(all.body.data).toEqual({ "USD/2": 0 });
    expect(await ledgerViolations(space.id)).toEqual([]);
  });

  it("the ledger's balances summed past 2^63 (where SQLite's SUM overflows), and to zero over the space", { timeout: 60_000 }, async () => {
    const u = await registerUser();
    const as = { token: u.accessToken, ip: u.ip };
    const space = await createSpace(u);
    // 1,100 addresses at the largest balance: 1,100 × (2^53 − 1) is past 2^63.
    for (let batch = 0; batch < 11; batch++) {
      const postings = Array.from({ length: 100 }, (_, i) => ({ source: `income:s${batch}x${i}`, destination: `users:u${batch}x${i}`, amount: 9007199254740991, asset: "USD/2" }));
      const r = await callJson(`/v1/spaces/${space.id}/ledger/transactions`, { ...as, body: { postings } });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    const users = await call(`/v1/spaces/${space.id}/ledger/balances?address=users:*`, as);
    expect(users.status).toBe(200);
    expect(await users.text()).toContain(`"USD/2":${1100n * 9007199254740991n}`);
    const income = await call(`/v1/spaces/${space.id}/ledger/balances?address=income:*`, as);
    expect(await income.text()).toContain(`"USD/2":-${1100n * 9007199254740991n}`);
    const all = await callJson(`/v1/spaces/${space.id}/ledger/balances`, as);
    expect(all.status).toBe(200);
    expect(all.body.data).toEqual({ "USD/2": 0 });
  });

  it("a JSON number of 16 significant digits is written with all of them, beside its decimal string", async () => {
    const u = await registerUser();
    const as = { token: u.accessToken, ip: u.ip };
    const space = await createSpace(u);
    const acc = await createAccount(u, space.id, { name: "Big" });
    const created = await call("/v1/transactions", { ...as, body: { spaceId: space.id, accountId: acc.id, amount: "90071992547409.91", description: "Sale", date: "2024-01-01" } });
    expect(created.status).toBe(201);
    const text = async (path: string) => {
      const r = await call(path, as);
      expect(r.status, path).toBe(200);
      return r.text();
    };
    const id = ((await created.json()) as { id: string }).id;
    // A double would write 90071992547409.9: a cent off.
    expect(await text(`/v1/transactions/${id}`)).toContain('"amount":90071992547409.91,"amountDecimal":"90071992547409.91"');
    expect(await text(`/v1/accounts/${acc.id}`)).toContain('"balance":90071992547409.91,');
    // The spaces' account summaries have the exact string beside the number, as every other money number has.
    expect(await text("/v1/spaces")).toContain('"balance":90071992547409.91,"balanceDecimal":"90071992547409.91"');
    expect(await text(`/v1/spaces/${space.id}`)).toContain('"balance":90071992547409.91,"balanceDecimal":"90071992547409.91"');
    // A cached answer (the forecast's) is written as it was computed.
    const forecast = async () => (await call(`/v1/analytics/forecast?spaceId=${space.id}`, as)).text();
    expect(await forecast()).toContain('"currentBalance":90071992547409.91');
    const cached = await forecast();
    expect(cached).toContain('"hit":true');
    expect(cached).toContain('"currentBalance":90071992547409.91');
    // An amount a double holds is a plain number, trailing zeros of the scale aside.
    const small = await callJson("/v1/transactions", { ...as, body: { spaceId: space.id, accountId: acc.id, amount: "-12.30", description: "Coffee", date: "2024-01-02" } });
    expect(await text(`/v1/transactions/${small.body.id}`)).toContain('"amount":-12.3,"amountDecimal":"-12.30"');
    expect(await ledgerViolations(space.id)).toEqual([]);
  });

  it("the spaces list's account balances carry balanceDecimal at each currency's scale", async () => {
    const u = await registerUser();
    const as = { token: u.accessToken, ip: u.ip };
    const space = await createSpace(u);
    await createAccount(u, space.id, { name: "Cash", openingBalance: "12.30" });
    await createAccount(u, space.id, { name: "Yen", currency: "JPY", openingBalance: "1500" });
    await createAccount(u, space.id, { name: "Cold", type: "crypto", currency: "BTC", openingBalance: "0.00012" });
    const list = await callJson("/v1/spaces", as);
    expect(list.status).toBe(200);
    const accounts = list.body.find((s: { id: string }) => s.id === space.id).accounts as { name: string; balance: number; balanceDecimal: string }[];
    const byName = Object.fromEntries(accounts.map((a) => [a.name, [a.balance, a.balanceDecimal]]));
    expect(byName).toEqual({ Cash: [12.3, "12.30"], Yen: [1500, "1500"], Cold: [0.00012, "0.00012000"] });
  });
});
