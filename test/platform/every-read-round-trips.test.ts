/**
 * One D1 round trip per authenticated read (issue 10), for every authenticated GET route of the OpenAPI
 * document: each route is called twice (the first call may fill a cache) as the role it needs, over a
 * populated space, and its round trips are counted on the request's D1 (its sessions and the binding
 * itself). A route not in READ_TRIPS fails the test, so a new read is counted from its first day.
 */
import { describe, expect, it } from "vitest";
import { createAccount } from "../accounts/helpers";
import { countingApp } from "../counting-app";
import { callJson, type TestUser } from "../helpers";
import { operations, synthesize } from "../security/openapi-requests";
import { buildWorld } from "../security/world";

/**
 * Round trips of each route, first call / second call. One is the rule. The two routes above it fill a
 * cache on their first call, after their read: the forecast computes and stores the day's forecast (its
 * reads ride in the first batch; the write needs the computation), and a rate of a day not stored yet is
 * fetched from the provider and stored, then read again in the store's batch.
 */
const READ_TRIPS: Record<string, [number, number]> = {
  "/v1/auth/me": [1, 1],
  "/v1/auth/sessions": [1, 1],
  "/v1/spaces": [1, 1],
  "/v1/spaces/{spaceId}": [1, 1],
  "/v1/spaces/{spaceId}/members": [1, 1],
  "/v1/spaces/{spaceId}/ledger/transactions": [1, 1],
  "/v1/spaces/{spaceId}/ledger/transactions/{txid}": [1, 1],
  "/v1/spaces/{spaceId}/ledger/accounts": [1, 1],
  "/v1/spaces/{spaceId}/ledger/accounts/{address}": [1, 1],
  "/v1/spaces/{spaceId}/ledger/balances": [1, 1],
  "/v1/spaces/{spaceId}/ledger/stats": [1, 1],
  "/v1/spaces/{spaceId}/ledger/logs": [1, 1],
  "/v1/spaces/{spaceId}/ledger/logs/verify": [1, 1],
  "/v1/accounts": [1, 1],
  "/v1/accounts/summary": [1, 1],
  "/v1/accounts/{accountId}": [1, 1],
  "/v1/accounts/{accountId}/transactions": [1, 1],
  "/v1/accounts/{accountId}/ledger": [1, 1],
  "/v1/transactions": [1, 1],
  "/v1/transactions/{id}": [1, 1],
  "/v1/trades": [1, 1],
  "/v1/categories": [1, 1],
  "/v1/budgets": [1, 1],
  "/v1/budgets/{id}": [1, 1],
  "/v1/ml/corrections": [1, 1],
  "/v1/ml/jobs/{jobId}": [1, 1],
  "/v1/webhooks": [1, 1],
  "/v1/webhooks/{id}": [1, 1],
  "/v1/webhooks/{id}/deliveries": [1, 1],
  "/v1/esg/scores": [1, 1],
  "/v1/defi/positions": [1, 1],
  "/v1/gaming/portfolio": [1, 1],
  "/v1/gaming/platforms": [1, 1],
  "/v1/gaming/earnings": [1, 1],
  "/v1/gaming/nfts": [1, 1],
  "/v1/gaming/platforms/{platform}/positions": [1, 1],
  "/v1/analytics/dashboard": [1, 1],
  "/v1/analytics/net-worth": [1, 1],
  "/v1/analytics/recurring": [1, 1],
  "/v1/analytics/forecast": [2, 1], // the cache is filled on the first call
  "/v1/rates": [2, 1], // the day's rates are fetched and stored on the first call
  "/v1/spaces/{spaceId}/rates": [1, 1],
  "/v1/projections": [1, 1],
  "/v1/projections/scenarios": [1, 1],
  "/v1/assets": [1, 1],
  "/v1/assets/{assetId}": [1, 1],
  "/v1/assets/{assetId}/valuations": [1, 1],
  "/v1/assets/{assetId}/documents": [1, 1],
  "/v1/real-estate/{assetId}/zestimate": [1, 1],
  "/v1/collectibles/categories": [1, 1],
  "/v1/collectibles/search": [1, 1],
  "/v1/households": [1, 1],
  "/v1/households/{householdId}": [1, 1],
  "/v1/life-beat": [1, 1],
  "/v1/life-beat/access-log": [1, 1],
  "/v1/providers/connections": [1, 1],
  "/v1/providers/review-flags": [1, 1],
  "/v1/sync-jobs/{jobId}": [1, 1],
};

/** Authenticated GET routes that are not reads of the API's data. */
const NOT_COUNTED = new Set([
  "/v1/downloads/{token}", // a signed download link, checked by its signature, not a session
]);

describe("D1 round trips of every authenticated read", () => {
  it("match the table, route by route", { timeout: 300_000 }, async () => {
    const w = await buildWorld();
    const { owner } = w;
    const sp = w.spaceId;
    const as = (u: TestUser) => ({ token: u.accessToken, ip: u.ip });
    const ok = async (p: Promise<{ status: number; body: any }>, what: string) => {
      const r = await p;
      if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    const ids = w.ids as Record<string, any>;
    const day = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString().slice(0, 10);
    // Data for every read to find something: categorized spending this month, a monthly bill, a salary,
    // a coin, a stock, a valuation, a correction, a rate, a saved projection, a DeFi wallet, a household.
    for (const [i, d] of [1, 2, 3, 5].entries()) {
      await ok(callJson("/v1/transactions", { ...as(owner), body: { spaceId: sp, accountId: ids.accountId, categoryId: ids.categoryId, amount: -(12 + i), description: `Coffee ${i}`, date: day(d) } }), "spending");
    }
    for (const m of [0, 1, 2, 3]) {
      await ok(callJson("/v1/transactions", { ...as(owner), body: { spaceId: sp, accountId: ids.accountId, amount: "-15.99", description: "Netflix", date: day(3 + 30 * m) } }), "bill");
    }
    await ok(callJson("/v1/transactions", { ...as(owner), body: { spaceId: sp, accountId: ids.accountId, amount: 2500, description: "Salary", date: day(4) } }), "salary");
    await createAccount(owner, sp, { name: "Bitcoin", type: "crypto", currency: "BTC", openingBalance: "0.025" });
    const broker = await createAccount(owner, sp, { name: "Brokerage", type: "brokerage", openingBalance: "1000.00" });
    await ok(callJson("/v1/transactions", { ...as(owner), body: { spaceId: sp, accountId: broker.id, description: "Apple", date: day(6), trade: { symbol: "AAPL", side: "buy", quantity: "2", unitPrice: "190", fees: "0" } } }), "stock");
    await ok(callJson(`/v1/assets/${ids.assetId}/valuations`, { ...as(owner), body: { value: "860000.00", date: day(1) } }), "valuation");
    await ok(callJson("/v1/ml/corrections", { ...as(owner), body: { transactionId: ids.transactionId, correctedCategoryId: ids.categoryId } }), "correction");
    await ok(callJson(`/v1/spaces/${sp}/rates`, { method: "PUT", ...as(owner), body: { rates: [{ base: "USD", quote: "MXN", date: day(1), rate: "17.05" }] } }), "rate");
    await ok(callJson("/v1/projections", { ...as(owner), body: { spaceId: sp, years: 10, scenarios: 100, seed: 1, annualIncome: 60000, annualExpenses: 40000 } }), "projection");
    await ok(callJson("/v1/defi/wallets", { ...as(owner), body: { spaceId: sp, address: "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed" } }), "wallet");
    ids.householdId = (await ok(callJson("/v1/households", { ...as(owner), body: { name: "Round trips", spaceIds: [sp] } }), "household")).id;
    ids.platform = "sandbox";

    const { get } = countingApp();
    const doc = (await callJson("/openapi.json")).body;
    const reads = operations(doc).filter((o) => o.method === "get" && Array.isArray(o.op.security) && o.op.security.length > 0 && !NOT_COUNTED.has(o.path));
    const measured: Record<string, [number, number]> = {};
    const failed: string[] = [];
    for (const o of reads) {
      const role: string | undefined = o.op["x-min-role"];
      const ownersOnly = o.op["x-requires-2fa"] || role === "owner" || o.path.startsWith("/v1/households") || o.path.startsWith("/v1/life-beat");
      const user = ownersOnly ? w.owner : role === "admin" ? w.admin : w.member;
      let { url } = synthesize(doc, o, ids);
      if (o.path === "/v1/collectibles/search") url = "/v1/collectibles/search?category=sneaker&q=jordan";
      const first = await get(user, url);
      const second = await get(user, url);
      if (first.status !== 200 || second.status !== 200) failed.push(`${url}: ${first.status} ${JSON.stringify(first.body).slice(0, 200)}`);
      measured[o.path] = [first.trips, second.trips];
    }
    expect(failed).toEqual([]);
    expect(measured).toEqual(READ_TRIPS);
    // The counter counts: a read of the space's transactions is one round trip, not none.
    expect(measured["/v1/transactions"]).toEqual([1, 1]);
  });
});
