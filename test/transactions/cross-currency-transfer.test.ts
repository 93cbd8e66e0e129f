/**
 * A transfer between accounts of two currencies: 10,000.00 MXN leaving a peso account and arriving as 500.00 USD.
 * It was a 422 CURRENCY_MISMATCH, so a household wrote an expense and an income, which then counted as spending
 * and income. Now it is one ledger transaction of two postings (the pesos to `world`, the dollars from it: each
 * asset still sums to zero) with the two `transfer` rows a same-currency transfer has, each in its own account's
 * currency; `toAmount` says what arrived (the API never converts), and is required between two currencies.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addMember, callJson, registerUser, type TestUser, awayFromMidnight } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { api, localDays, ok } from "../analytics/fixture";
import { createWebhook } from "../webhooks/helpers";
import { ledgerViolations } from "../invariants/ledger-invariants";

// The days this file takes are the zone's: not across its midnight (helpers.ts).
await awayFromMidnight("America/Mexico_City");

const TZ = "America/Mexico_City";
const { today, day } = localDays(TZ);

/** A peso space in Mexico City with a rate of 20 pesos a dollar, a peso account that may not overdraw, and a dollar account. */
async function household() {
  const owner = await registerUser();
  const a = api(owner);
  const spaceId = (await ok(a.post("/v1/spaces", { name: "Casa", type: "personal", currency: "MXN", timezone: TZ }))).id as string;
  await ok(a.put(`/v1/spaces/${spaceId}/rates`, { rates: [{ base: "USD", quote: "MXN", date: day(-10), rate: "20.00" }] }));
  const pesos = await createAccount(owner, spaceId, { name: "BBVA", currency: "MXN", openingBalance: "25000.00", openingBalanceDate: day(-10) });
  const dollars = await createAccount(owner, spaceId, { name: "Chase", currency: "USD" });
  const wage = (await ok(a.post("/v1/categories", { spaceId, name: "Wages", type: "income" }))).id as string;
  const food = (await ok(a.post("/v1/categories", { spaceId, name: "Food", type: "expense" }))).id as string;
  await ok(a.post("/v1/transactions", { spaceId, accountId: pesos.id, amount: "3000.00", date: day(-5), categoryId: wage, description: "Nómina" }));
  await ok(a.post("/v1/transactions", { spaceId, accountId: pesos.id, amount: "-450.50", date: day(-4), categoryId: food, description: "Super" }));
  return { owner, a, spaceId, pesos, dollars };
}

const transfer = (u: TestUser, body: Record<string, unknown>, headers?: Record<string, string>) =>
  callJson("/v1/transactions/transfer", { token: u.accessToken, ip: u.ip, body, headers });

const balance = async (u: TestUser, accountId: string) => (await ok(api(u).get(`/v1/accounts/${accountId}`))).balanceDecimal as string;

describe("a transfer between accounts of two currencies", () => {
  it("moves 10,000.00 MXN out and 500.00 USD in, in one balanced ledger transaction with two transfer rows", async () => {
    const { owner, a, spaceId, pesos, dollars } = await household();
    // A subscriber, so that the events are stored.
    await createWebhook(owner, spaceId, { events: ["transaction.created"] });
    const before = await ok(a.get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=30d`));

    const r = await transfer(owner, { spaceId, fromAccountId: pesos.id, toAccountId: dollars.id, amount: "10000.00", toAmount: "500.00", date: day(-2), description: "A dólares" });
    expect(r.status).toBe(201);
    expect(r.body.from).toMatchObject({
      accountId: pesos.id, amountDecimal: "-10000.00", currency: "MXN", type: "transfer", subtype: "transfer_out", transferAccountId: dollars.id, category: null, status: "posted",
    });
    expect(r.body.to).toMatchObject({
      accountId: dollars.id, amountDecimal: "500.00", currency: "USD", type: "transfer", subtype: "transfer_in", transferAccountId: pesos.id, category: null, status: "posted",
    });
    expect(r.body.from.ledgerTxid).toBe(r.body.to.ledgerTxid);
    expect(await balance(owner, pesos.id)).toBe("17549.50");
    expect(await balance(owner, dollars.id)).toBe("500.00");

    // One ledger transaction: the pesos to world, the dollars from it, recorded as the transfer of its two rows.
    const tx = await ok(a.get(`/v1/spaces/${spaceId}/ledger/transactions/${r.body.from.ledgerTxid}`));
    expect(tx.data.postings).toEqual([
      { source: `accounts:${pesos.id}`, destination: "world", amount: 1_000_000, asset: "MXN/2" },
      { source: "world", destination: `accounts:${dollars.id}`, amount: 50_000, asset: "USD/2" },
    ]);
    expect(tx.data.metadata).toMatchObject({ transfer: `${r.body.from.id},${r.body.to.id}` });
    expect(await ledgerViolations(spaceId)).toEqual([]);

    // Stored as shown, each row in its account's currency.
    const rows = (await env.DB.prepare("SELECT id, account_id, amount, currency, type, subtype, counterparty_account_id FROM transactions WHERE ledger_seq = ? AND space_id = ? ORDER BY amount")
      .bind(r.body.from.ledgerTxid, spaceId).all()).results;
    expect(rows).toEqual([
      { id: r.body.from.id, account_id: pesos.id, amount: -1_000_000, currency: "MXN", type: "transfer", subtype: "transfer_out", counterparty_account_id: dollars.id },
      { id: r.body.to.id, account_id: dollars.id, amount: 50_000, currency: "USD", type: "transfer", subtype: "transfer_in", counterparty_account_id: pesos.id },
    ]);

    // Neither spending nor income; at the day's rate (20) net worth is what it was.
    const after = await ok(a.get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=30d`));
    expect(after.cashFlow).toEqual(before.cashFlow);
    expect(after.cashFlow).toMatchObject({ incomeDecimal: "3000.00", expensesDecimal: "450.50" });
    expect(after.netWorth.currentDecimal).toBe(before.netWorth.currentDecimal);
    expect(after.netWorth).toMatchObject({ currentDecimal: "27549.50", complete: true });
    expect(after.topCategories.map((c: any) => [c.category, c.amountDecimal])).toEqual([["Food", "450.50"]]);

    // Each account's statement shows its own side, in its own currency.
    const usdStatement = await ok(a.get(`/v1/accounts/${dollars.id}/ledger?from=${day(-10)}`));
    expect(usdStatement).toMatchObject({ currency: "USD", closingBalance: "500.00", totalCredit: "500.00", totalDebit: "0.00" });
    expect(usdStatement.entries).toEqual([expect.objectContaining({ narration: "A dólares", credit: "500.00", runningBalance: "500.00", ledgerTxid: r.body.to.ledgerTxid })]);
    const mxnStatement = await ok(a.get(`/v1/accounts/${pesos.id}/ledger?from=${day(-10)}`));
    expect(mxnStatement).toMatchObject({ currency: "MXN", closingBalance: "17549.50" });
    expect(mxnStatement.entries.at(-1)).toMatchObject({ narration: "A dólares", debit: "10000.00", runningBalance: "17549.50" });

    // A transaction.created for each leg, in its own currency.
    const events = (await env.DB.prepare("SELECT payload FROM event_outbox WHERE space_id = ? AND type = 'transaction.created'").bind(spaceId).all<{ payload: string }>())
      .results.map((e) => JSON.parse(e.payload).data ?? JSON.parse(e.payload));
    const legs = events.filter((e) => e.transactionId === r.body.from.id || e.transactionId === r.body.to.id);
    expect(legs).toHaveLength(2);
    expect(legs.find((e) => e.transactionId === r.body.from.id)).toMatchObject({ accountId: pesos.id, amountDecimal: "-10000.00", currency: "MXN" });
    expect(legs.find((e) => e.transactionId === r.body.to.id)).toMatchObject({ accountId: dollars.id, amountDecimal: "500.00", currency: "USD" });

    // Listing by type finds the two legs and nothing else.
    const listed = await ok(a.get(`/v1/transactions?spaceId=${spaceId}&type=transfer`));
    expect(listed.transactions.map((t: any) => `${t.amountDecimal} ${t.currency}`).sort()).toEqual(["-10000.00 MXN", "500.00 USD"]);
  });

  it("is reverted whole when either leg is voided, and a second void is a 409", async () => {
    const { owner, a, spaceId, pesos, dollars } = await household();
    const r = await transfer(owner, { spaceId, fromAccountId: pesos.id, toAccountId: dollars.id, amount: "10000.00", toAmount: "500.00", date: day(-2), description: "A dólares" });
    expect(r.status).toBe(201);
    const voided = await callJson(`/v1/transactions/${r.body.to.id}`, { method: "DELETE", token: owner.accessToken, ip: owner.ip });
    expect(voided.status).toBe(200);
    expect(voided.body.transaction).toMatchObject({ id: r.body.to.id, status: "cancelled" });
    expect((await ok(a.get(`/v1/transactions/${r.body.from.id}`))).status).toBe("cancelled");
    expect(await balance(owner, pesos.id)).toBe("27549.50");
    expect(await balance(owner, dollars.id)).toBe("0.00");
    const reversal = await ok(a.get(`/v1/spaces/${spaceId}/ledger/transactions/${voided.body.reversalLedgerTxid}`));
    expect(reversal.data.postings).toEqual([
      { source: `accounts:${dollars.id}`, destination: "world", amount: 50_000, asset: "USD/2" },
      { source: "world", destination: `accounts:${pesos.id}`, amount: 1_000_000, asset: "MXN/2" },
    ]);
    const again = await callJson(`/v1/transactions/${r.body.from.id}`, { method: "DELETE", token: owner.accessToken, ip: owner.ip });
    expect([again.status, again.body.error.code]).toEqual([409, "ALREADY_REVERTED"]);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("replays a keyed retry, and refuses the key with another toAmount", async () => {
    const { owner, spaceId, pesos, dollars } = await household();
    const body = { spaceId, fromAccountId: pesos.id, toAccountId: dollars.id, amount: "10000.00", toAmount: "500.00", date: today, description: "A dólares" };
    const headers = { "Idempotency-Key": `x-${crypto.randomUUID()}` };
    const first = await transfer(owner, body, headers);
    expect(first.status).toBe(201);
    const retry = await transfer(owner, body, headers);
    expect(retry.status).toBe(201);
    expect(retry.res.headers.get("idempotency-replayed")).toBe("true");
    expect([retry.body.from.id, retry.body.to.id]).toEqual([first.body.from.id, first.body.to.id]);
    expect(retry.body.to).toMatchObject({ amountDecimal: "500.00", currency: "USD" });
    const other = await transfer(owner, { ...body, toAmount: "499.00" }, headers);
    expect([other.status, other.body.error.code]).toEqual([422, "IDEMPOTENCY_KEY_REUSED"]);
    expect(await balance(owner, pesos.id)).toBe("17549.50");
    expect(await balance(owner, dollars.id)).toBe("500.00");
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("requires a positive toAmount at the destination's scale, and refuses more than the source holds", async () => {
    const { owner, spaceId, pesos, dollars } = await household();
    const yen = await createAccount(owner, spaceId, { name: "Yen", currency: "JPY" });
    const coins = await createAccount(owner, spaceId, { name: "Coins", type: "crypto", currency: "BTC" });
    const base = { spaceId, fromAccountId: pesos.id, toAccountId: dollars.id, amount: "100.00", date: today, description: "x" };
    const refused = async (body: Record<string, unknown>) => {
      const r = await transfer(owner, body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      return r.body.error.details;
    };

    expect(await refused(base)).toEqual([{ field: "toAmount", code: "REQUIRED", message: "The accounts hold MXN and USD: send toAmount, the USD that arrived" }]);
    for (const toAmount of ["0", 0, "-5.00", -5]) {
      expect(await refused({ ...base, toAmount })).toEqual([expect.objectContaining({ field: "toAmount", code: "INVALID_AMOUNT", message: "Must be positive" })]);
    }
    expect(await refused({ ...base, toAmount: "5.001" })).toEqual([expect.objectContaining({ field: "toAmount", code: "INVALID_AMOUNT" })]);
    expect(await refused({ ...base, toAmount: "abc" })).toEqual([expect.objectContaining({ field: "toAmount", code: "INVALID_AMOUNT" })]);
    // JPY has no decimals.
    expect(await refused({ ...base, toAccountId: yen.id, toAmount: "700.5" })).toEqual([expect.objectContaining({ field: "toAmount", code: "INVALID_AMOUNT" })]);
    // `currency` is still the source's (the currency of `amount`).
    expect(await refused({ ...base, toAmount: "5.00", currency: "USD" })).toEqual([expect.objectContaining({ field: "currency", code: "CURRENCY_MISMATCH" })]);

    const toYen = await transfer(owner, { ...base, toAccountId: yen.id, toAmount: "700" });
    expect(toYen.status).toBe(201);
    expect(toYen.body.to).toMatchObject({ amountDecimal: "700", currency: "JPY" });
    // A coin for money, or money for a coin, is a trade (its gain or loss counts), either way round.
    const coin = [{ field: "toAccountId", code: "CURRENCY_MISMATCH", message: "BTC is a coin: exchanging it for another currency is a trade (its gain or loss counts), not a transfer" }];
    expect(await refused({ ...base, toAccountId: coins.id, toAmount: "0.00012345" })).toEqual(coin);
    expect(await refused({ ...base, fromAccountId: coins.id, toAccountId: pesos.id, amount: "0.00012345", toAmount: "100.00" })).toEqual(coin);

    // The peso account may not overdraw: 27,449.50 left, and 30,000.00 asked for.
    const tooMuch = await transfer(owner, { ...base, amount: "30000.00", toAmount: "1500.00" });
    expect([tooMuch.status, tooMuch.body.error.code]).toEqual([422, "INSUFFICIENT_FUNDS"]);
    expect(await balance(owner, pesos.id)).toBe("27449.50");
    expect(await balance(owner, dollars.id)).toBe("0.00");
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("between accounts of one currency takes toAmount only equal to amount", async () => {
    const { owner, spaceId, pesos } = await household();
    const savings = await createAccount(owner, spaceId, { name: "Ahorro", type: "savings", currency: "MXN" });
    const base = { spaceId, fromAccountId: pesos.id, toAccountId: savings.id, amount: "100.00", date: today, description: "Ahorro" };
    const differs = await transfer(owner, { ...base, toAmount: "99.00" });
    expect(differs.status).toBe(422);
    expect(differs.body.error.details).toEqual([{ field: "toAmount", code: "AMOUNT_MISMATCH", message: "Both accounts hold MXN: toAmount, if sent, must equal amount" }]);
    const same = await transfer(owner, { ...base, toAmount: 100 });
    expect(same.status).toBe(201);
    expect(same.body.to).toMatchObject({ amountDecimal: "100.00", currency: "MXN" });
    const without = await transfer(owner, base);
    expect(without.status).toBe(201);
    // Still one posting between the two accounts.
    const tx = await ok(api(owner).get(`/v1/spaces/${spaceId}/ledger/transactions/${same.body.from.ledgerTxid}`));
    expect(tx.data.postings).toEqual([{ source: `accounts:${pesos.id}`, destination: `accounts:${savings.id}`, amount: 10_000, asset: "MXN/2" }]);
    expect(await balance(owner, savings.id)).toBe("200.00");
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("hides another space's account as 404 and refuses a viewer with 403", async () => {
    const { owner, spaceId, pesos, dollars } = await household();
    const stranger = await household();
    const base = { spaceId, fromAccountId: pesos.id, toAccountId: dollars.id, amount: "10.00", toAmount: "0.50", date: today, description: "x" };
    const foreignTo = await transfer(owner, { ...base, toAccountId: stranger.dollars.id });
    expect(foreignTo.status).toBe(404);
    const foreignFrom = await transfer(owner, { ...base, fromAccountId: stranger.pesos.id });
    expect(foreignFrom.status).toBe(404);
    const viewer = await registerUser();
    await addMember(owner, spaceId, viewer, "viewer");
    const asViewer = await transfer(viewer, base);
    expect(asViewer.status).toBe(403);
    expect(await balance(owner, pesos.id)).toBe("27549.50");
    expect(await balance(stranger.owner, stranger.dollars.id)).toBe("0.00");
    expect(await ledgerViolations(spaceId)).toEqual([]);
    expect(await ledgerViolations(stranger.spaceId)).toEqual([]);
  });
});
