/**
 * Bitso's amounts as Bitso writes them, through the real connect, client and sync (the simulator's answers altered on
 * their way in). Bitso keeps pesos to 8 decimals or more, in trades and balances ("1013.540958479115" in its
 * documentation's user_trades example, "-10000.00026500" and a balance of "15000.00100210" in the answers its Java
 * SDK recorded), and its documentation writes a trade's fee negative ("-10.237750697") where every recorded answer
 * writes it positive. Such an amount failed the whole sync (INVALID_AMOUNT: "not exact in MXN"), and a negative fee
 * was dropped: no fee row, the trade's net wrong. Now an amount finer than the currency's unit is rounded to it,
 * half-even; a fee is charged once whichever its sign; and what the roundings leave against Bitso's balance is the
 * sync's balance adjustment, of at most a cent. What is not a decimal at all still fails the sync.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type Rewrite, rewritingSandbox } from "./rewriting-sandbox";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { callJson, createSpace, registerUser } from "../helpers";
import { as, waitForJob } from "./helpers";

// The simulator's answers to a key (its Authorization names `who`), rewritten per test (rewriting-sandbox.ts).
const sandbox = rewritingSandbox();

/** A decimal of any number of places in units of 10^-places, worked out here on its digits. */
const units = (s: string, places: number) => {
  const [whole, frac = ""] = s.replace(/^-/, "").split(".");
  expect(frac.length).toBeLessThanOrEqual(places);
  return BigInt(whole! + frac.padEnd(places, "0")) * (s.startsWith("-") ? -1n : 1n);
};
/** Units of 10^-places in cents, half-even. */
const toCents = (u: bigint, places: number) => {
  const d = 10n ** BigInt(places - 2);
  const neg = u < 0n;
  const a = neg ? -u : u;
  let q = a / d;
  const twice = 2n * (a % d);
  if (twice > d || (twice === d && q % 2n === 1n)) q += 1n;
  return neg ? -q : q;
};
const text = (c: bigint, scale = 2) => {
  const a = (c < 0n ? -c : c).toString().padStart(scale + 1, "0");
  return `${c < 0n ? "-" : ""}${a.slice(0, -scale)}.${a.slice(-scale)}`;
};

const trade = (t: Record<string, unknown>) => ({ maker_side: "buy", oid: `o${t.tid}`, ...t });

/** Bitso's documented user_trades example, its amounts as written (docs.bitso.com/bitso-api/docs/user-trades). */
const DOCUMENTED = { book: "btc_mxn", major: "-0.25232073", minor: "1013.540958479115", fees_amount: "-10.237750697", fees_currency: "mxn", price: "4057.45", side: "sell" };
/** An answer Bitso's Java SDK recorded (tid 996413): pesos to 8 decimals, no fee. */
const RECORDED_BUY = { book: "btc_mxn", major: "0.27397261", minor: "-10000.00026500", fees_amount: "0.00000000", fees_currency: "btc", price: "36500.00", side: "buy" };
/** The form of a buy ccxt recorded from the live API: the fee in the coin, positive, apart from `major`. */
const COIN_FEE_BUY = { book: "btc_mxn", major: "0.00020020", minor: "-11.33047916", fees_amount: "0.00000020", fees_currency: "btc", price: "56595.80", side: "buy" };

async function connect(alter: (key: string) => Rewrite[]) {
  const owner = await registerUser();
  const space = await createSpace(owner, { currency: "MXN" });
  const apiKey = `key-${crypto.randomUUID()}`;
  sandbox.list = alter(`Bitso ${apiKey}:`);
  const res = await callJson("/v1/providers/bitso/connect", { ...as(owner), body: { spaceId: space.id, apiKey, apiSecret: "s" } });
  return { owner, spaceId: space.id as string, res };
}

/** The live rows of the trade `tid`: its legs in order (minor, major, fee), by type, currency and amount. */
const legsOf = async (spaceId: string, tid: number) =>
  (await env.DB.prepare("SELECT type, currency, amount FROM transactions WHERE space_id = ?1 AND (provider_transaction_id = ?2 OR provider_transaction_id LIKE ?2 || '#leg%') AND status != 'cancelled' ORDER BY provider_transaction_id")
    .bind(spaceId, `trade:${tid}`)
    .all<{ type: string; currency: string; amount: number }>()).results;

const accountsOf = async (owner: Parameters<typeof as>[0], spaceId: string) =>
  Object.fromEntries(((await callJson(`/v1/accounts?spaceId=${spaceId}&provider=bitso`, as(owner))).body.accounts as any[]).map((a) => [a.currency, a]));

describe("Bitso's amounts as Bitso writes them", () => {
  it("a sync takes the documented and recorded trades and balances: finer amounts rounded half-even, a fee of either sign charged once", { timeout: 90_000 }, async () => {
    let oldest = "";
    const { owner, spaceId, res } = await connect((who) => [
      { path: "/v3/balance/", who, alter: (b) => ({ ...b, payload: { balances: b.payload.balances.map((x: any) => (x.currency === "mxn" ? { ...x, total: "15000.00100210", available: "15000.00100210" } : x)) } }) },
      {
        path: "/v3/user_trades/", who,
        alter: (b) => {
          // Older than the simulator's trades (a lower id, an earlier day), in Bitso's order: newest first.
          oldest = b.payload[b.payload.length - 1].created_at;
          const before = (days: number) => new Date(Date.parse(oldest.replace("+0000", "Z")) - days * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "+0000");
          return { ...b, payload: [...b.payload, trade({ ...DOCUMENTED, tid: 51_758, created_at: before(1) }), trade({ ...COIN_FEE_BUY, tid: 51_757, created_at: before(2) }), trade({ ...RECORDED_BUY, tid: 51_756, created_at: before(3) })] };
        },
      },
    ]);
    expect(res.status).toBe(201);
    const shown = Object.fromEntries(res.body.accounts.map((a: any) => [a.symbol, a]));
    expect(shown.MXN.balanceDecimal).toBe("15000.00");
    const job = await waitForJob(res.body.jobId);
    expect([job.status, job.error]).toEqual(["completed", null]);
    expect(oldest).not.toBe("");

    // The documented sale: the pesos it brought (1013.540958479115 → 1013.54), the coin it took, and its fee written
    // negative, charged as a fee row (10.237750697 → 10.24): the wallet's net is 1003.30.
    expect(await legsOf(spaceId, 51_758)).toEqual([
      { type: "trade", currency: "MXN", amount: 101_354 },
      { type: "trade", currency: "BTC", amount: -25_232_073 },
      { type: "fee", currency: "MXN", amount: -1_024 },
    ]);
    // The fee in the coin, positive, apart from the coin bought: 0.00020020 bought, 0.00000020 charged.
    expect(await legsOf(spaceId, 51_757)).toEqual([
      { type: "trade", currency: "MXN", amount: -1_133 },
      { type: "trade", currency: "BTC", amount: 20_020 },
      { type: "fee", currency: "BTC", amount: -20 },
    ]);
    // -10000.00026500 → -10000.00; no fee, no fee row.
    expect(await legsOf(spaceId, 51_756)).toEqual([
      { type: "trade", currency: "MXN", amount: -1_000_000 },
      { type: "trade", currency: "BTC", amount: 27_397_261 },
    ]);

    // The trade history says the same: the gross, the fee charged (positive, in its currency) and the net.
    const listed = new Map(((await callJson(`/v1/trades?spaceId=${spaceId}`, as(owner))).body as any[]).map((r) => [r.tradedQuantity, r]));
    expect(listed.get("0.25232073")).toMatchObject({ transactionType: "SELL", grossAmount: "1013.54", fees: "10.24", feesCurrency: "MXN", netAmount: "1003.30", tradedPrice: "4057.45" });
    expect(listed.get("0.00020020")).toMatchObject({ transactionType: "BUY", grossAmount: "11.33", fees: "0.00000020", feesCurrency: "BTC", netAmount: "-11.33" });
    expect(listed.get("0.27397261")).toMatchObject({ transactionType: "BUY", grossAmount: "10000.00", fees: "0.00000000", netAmount: "-10000.00" });

    // Each wallet holds what Bitso reports, to its unit.
    const accounts = await accountsOf(owner, spaceId);
    expect(accounts.MXN.balanceDecimal).toBe("15000.00");
    expect(accounts.BTC.balanceDecimal).toBe(shown.BTC.balanceDecimal);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("a fee Bitso writes negative is charged as the same fee written positive: a fee row, the trade's net less it", { timeout: 90_000 }, async () => {
    const { owner, spaceId, res } = await connect((who) => [
      {
        path: "/v3/user_trades/", who,
        alter: (b) => {
          const at = b.payload[b.payload.length - 1].created_at;
          const sale = { book: "btc_mxn", major: "-0.00100000", minor: "1700.00", price: "1700000.00", fees_currency: "mxn", side: "sell", created_at: at };
          return { ...b, payload: [...b.payload, trade({ ...sale, tid: 61_002, fees_amount: "-11.05" }), trade({ ...sale, tid: 61_001, fees_amount: "11.05" })] };
        },
      },
    ]);
    expect(res.status).toBe(201);
    expect((await waitForJob(res.body.jobId)).status).toBe("completed");
    for (const tid of [61_001, 61_002]) {
      expect(await legsOf(spaceId, tid), String(tid)).toEqual([
        { type: "trade", currency: "MXN", amount: 170_000 },
        { type: "trade", currency: "BTC", amount: -100_000 },
        { type: "fee", currency: "MXN", amount: -1_105 },
      ]);
    }
    const sales = ((await callJson(`/v1/trades?spaceId=${spaceId}`, as(owner))).body as any[]).filter((r) => r.tradedQuantity === "0.00100000");
    expect(sales.map((r) => [r.grossAmount, r.fees, r.netAmount])).toEqual([["1700.00", "11.05", "1688.95"], ["1700.00", "11.05", "1688.95"]]);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("what the roundings leave against Bitso's balance is the sync's adjustment, at most a cent, and the next sync adds none", { timeout: 90_000 }, async () => {
    // Pesos a tenth of a millionth of a cent above 15,000.00: what the next trades round to decides the adjustment.
    const before = { mxn: "15000.00000010", btc: "" };
    const { owner, spaceId, res } = await connect((who) => [
      {
        path: "/v3/balance/", who,
        alter: (b) => {
          before.btc = b.payload.balances.find((x: any) => x.currency === "btc").total;
          return { ...b, payload: { balances: b.payload.balances.map((x: any) => (x.currency === "mxn" ? { ...x, total: before.mxn, available: before.mxn } : x)) } };
        },
      },
    ]);
    expect(res.status).toBe(201);
    expect((await waitForJob(res.body.jobId)).status).toBe("completed");
    const accounts = await accountsOf(owner, spaceId);
    const mxnId = accounts.MXN.id as string;
    const adjustments = async () =>
      (await env.DB.prepare("SELECT amount FROM transactions WHERE account_id = ? AND provider_transaction_id LIKE 'balance#%' AND status != 'cancelled' ORDER BY created_at, id").bind(mxnId).all<{ amount: number }>()).results.map((r) => r.amount);
    const opening = await adjustments();
    expect(opening.length).toBe(1);

    // Two trades since, as Bitso writes them: a small sale in the documentation's form (every digit of the product,
    // the fee negative) and a buy with the fee in the coin. Bitso's balances move by exactly what they moved.
    const P = 12; // places enough for every amount here
    const sale = { book: "btc_mxn", major: "-0.00012345", minor: "211.3890729615", fees_amount: "-1.37402897425", fees_currency: "mxn", price: "1712345.67", side: "sell" };
    const buy = COIN_FEE_BUY;
    const saleFee = -units(sale.fees_amount, P); // written negative, charged: what leaves the wallet
    const mxnMoved = units(sale.minor, P) - saleFee + units(buy.minor, P);
    const btcMoved = units(sale.major, 8) + units(buy.major, 8) - units(buy.fees_amount, 8);
    const mxnNow = units(before.mxn, P) + mxnMoved;
    const btcNow = units(before.btc, 8) + btcMoved;
    const newest = (await env.DB.prepare("SELECT MAX(date) AS d FROM transactions WHERE space_id = ? AND type = 'trade'").bind(spaceId).first<{ d: number }>())!.d;
    const at = new Date(newest + 3_600_000).toISOString().replace(/\.\d{3}Z$/, "+0000");
    const who = sandbox.list[0]!.who;
    sandbox.list = [
      { path: "/v3/user_trades/", who, alter: (b) => ({ ...b, payload: [trade({ ...sale, tid: 900_000_002, created_at: at }), trade({ ...buy, tid: 900_000_001, created_at: at }), ...b.payload] }) },
      {
        path: "/v3/balance/", who,
        alter: (b) => ({
          ...b,
          payload: { balances: b.payload.balances.map((x: any) => (x.currency === "mxn" ? { ...x, total: text(mxnNow, P), available: text(mxnNow, P) } : x.currency === "btc" ? { ...x, total: text(btcNow, 8), available: text(btcNow, 8) } : x)) },
        }),
      },
    ];
    const synced = await callJson("/v1/providers/bitso/sync", { ...as(owner), body: { spaceId } });
    expect(synced.status).toBe(202);
    expect((await waitForJob(synced.body.jobId)).status).toBe("completed");

    // Booked: each amount rounded on its own (211.39 in, 1.37 fee, 11.33 out); Bitso's balance rounded as a whole.
    const booked = toCents(units(sale.minor, P), P) - toCents(saleFee, P) + toCents(units(buy.minor, P), P);
    expect(booked).toBe(21_139n - 137n - 1_133n);
    // 15,000.00000010 + 198.68456482725 = 15,198.68456492735: Bitso's 15,198.68, the ledger's 15,000.00 + 198.69.
    const drift = toCents(mxnNow, P) - toCents(units(before.mxn, P), P) - booked;
    expect(drift).toBe(-1n);
    const after = await adjustments();
    expect(after).toEqual([...opening, -1]);
    expect((await callJson(`/v1/sync-jobs/${synced.body.jobId}`, as(owner))).body.stats).toMatchObject({ created: 2, adjustments: 1, errors: 0 });
    const now = await accountsOf(owner, spaceId);
    expect(now.MXN.balanceDecimal).toBe(text(toCents(mxnNow, P)));
    expect(now.BTC.balanceDecimal).toBe(text(btcNow, 8));

    // Nothing new: nothing booked, nothing adjusted.
    const again = await callJson("/v1/providers/bitso/sync", { ...as(owner), body: { spaceId } });
    expect((await waitForJob(again.body.jobId)).status).toBe("completed");
    expect((await callJson(`/v1/sync-jobs/${again.body.jobId}`, as(owner))).body.stats).toMatchObject({ created: 0, adjustments: 0, errors: 0 });
    expect(await adjustments()).toEqual(after);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("an amount that is not a decimal at all still fails the sync with INVALID_AMOUNT (the connect with a 502), nothing of it stored", { timeout: 90_000 }, async () => {
    for (const bad of ["1,013.54", "1.0e3", "", "abc"]) {
      const { spaceId, res } = await connect((who) => [
        { path: "/v3/user_trades/", who, alter: (b) => ({ ...b, payload: [trade({ ...DOCUMENTED, tid: 999_999_999, minor: bad, created_at: b.payload[0].created_at }), ...b.payload] }) },
      ]);
      expect(res.status).toBe(201);
      const job = await waitForJob(res.body.jobId);
      expect([job.status, job.error], bad).toEqual(["failed", `bitso INVALID_AMOUNT: Amount ${JSON.stringify(bad)} is not exact in MXN`]);
      expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM transactions WHERE space_id = ? AND type IN ('trade', 'fee')").bind(spaceId).first<{ n: number }>())!.n).toBe(0);
    }
    // A balance that is no decimal refuses the connect as Bitso's refusals do (it was a 500 that left the pending
    // connection and its sealed credentials behind): nothing kept.
    const { spaceId, res } = await connect((who) => [
      { path: "/v3/balance/", who, alter: (b) => ({ ...b, payload: { balances: b.payload.balances.map((x: any) => (x.currency === "mxn" ? { ...x, total: "15,000.00" } : x)) } }) },
    ]);
    expect(res.status).toBe(502);
    expect(res.body.error).toMatchObject({ code: "PROVIDER_ERROR", message: 'bitso: Amount "15,000.00" is not exact in MXN' });
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM provider_connections WHERE space_id = ?").bind(spaceId).first<{ n: number }>())!.n).toBe(0);
  });
});
