import { describe, expect, it } from "vitest";
import { callJson, createSpace, registerUser } from "./helpers";
import { createAccount } from "./accounts/helpers";

const ZONES = ["Pacific/Kiritimati", "Etc/GMT+12", "Asia/Tokyo", "America/Santiago", "Pacific/Apia", "+14:00"];
const DATES = ["0000-01-01", "0001-01-01", "1800-01-01", "9999-12-31", "0000-02-29", "2024-02-29"];

describe("review: odd dates", () => {
  it("never 500s", async () => {
    const u = await registerUser();
    const fails: string[] = [];
    const shown: string[] = [];
    const go = async (path: string, opts: any = {}) => {
      const r = await callJson(path, { token: u.accessToken, ip: u.ip, ...opts });
      if (r.status >= 500) fails.push(`${opts.method ?? (opts.body ? "POST" : "GET")} ${path} ${JSON.stringify(opts.body ?? "")} -> ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      return r;
    };
    for (const tz of ZONES) {
      const sp = await go("/v1/spaces", { body: { name: "S", type: "personal", currency: "USD", timezone: tz } });
      if (sp.status !== 201) { shown.push(`space ${tz}: ${sp.status} ${JSON.stringify(sp.body).slice(0, 200)}`); continue; }
      const spaceId = sp.body.id;
      const acc = await go("/v1/accounts", { body: { spaceId, name: "C", type: "checking", currency: "USD", openingBalance: "1000", openingBalanceDate: "0000-01-01" } });
      if (acc.status !== 201) shown.push(`acc ${tz}: ${acc.status} ${JSON.stringify(acc.body).slice(0, 300)}`);
      const acc2 = await go("/v1/accounts", { body: { spaceId, name: "D", type: "checking", currency: "USD", openingBalance: "1000" } });
      const accountId = acc2.body.id;
      for (const d of DATES) {
        const t = await go("/v1/transactions", { body: { spaceId, accountId, amount: "-1.00", description: "x", date: d } });
        shown.push(`${tz} ${d} -> ${t.status} ${t.body?.date ?? JSON.stringify(t.body?.error?.details ?? t.body).slice(0, 150)}`);
        await go("/v1/transactions/transfer", { body: { spaceId, fromAccountId: accountId, toAccountId: acc.body.id ?? accountId, amount: "1", description: "x", date: d } });
        await go(`/v1/transactions?spaceId=${spaceId}&startDate=${d}&endDate=${d}`);
        await go(`/v1/accounts/${accountId}/ledger?from=${d}&to=${d}`);
        await go(`/v1/accounts/${accountId}/ledger?from=${d}`);
        await go(`/v1/accounts/${accountId}/transactions?startDate=${d}&endDate=${d}`);
        await go(`/v1/trades?spaceId=${spaceId}&from=${d}&to=${d}`);
        await go(`/v1/analytics/net-worth?spaceId=${spaceId}&from=${d}&to=${d}`);
        await go(`/v1/analytics/net-worth?spaceId=${spaceId}&to=${d}&interval=month`);
        await go(`/v1/rates?base=MXN&quote=EUR&date=${d}`);
        const b = await go("/v1/budgets", { body: { spaceId, name: "B", amount: "10", period: "quarterly", startDate: d } });
        if (b.status === 201) await go(`/v1/budgets/${b.body.id}`);
        const b2 = await go("/v1/budgets", { body: { spaceId, name: "B", amount: "10", period: "monthly", startDate: "0000-01-31", endDate: d } });
        if (b2.status === 201) await go(`/v1/budgets/${b2.body.id}`);
        await go(`/v1/spaces/${spaceId}/rates`, { method: "PUT", body: { rates: [{ base: "EUR", quote: "USD", date: d, rate: "1.1" }] } });
      }
      await go(`/v1/budgets?spaceId=${spaceId}`);
      await go(`/v1/analytics/dashboard?spaceId=${spaceId}&period=1y`);
      await go(`/v1/analytics/forecast?spaceId=${spaceId}`);
      await go(`/v1/analytics/recurring?spaceId=${spaceId}`);
      await go(`/v1/accounts/summary?spaceId=${spaceId}`);
      await go(`/v1/transactions?spaceId=${spaceId}`);
      await go(`/v1/spaces/${spaceId}/ledger/logs/verify`);
    }
    console.log(shown.join("\n"));
    console.log("FAILS\n" + fails.join("\n"));
    expect(fails).toEqual([]);
  }, 120_000);
});
