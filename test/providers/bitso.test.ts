/**
 * Bitso: signatures match a vector computed independently here (node:crypto),
 * nonces stay strictly increasing per key under 20 concurrent calls, balances
 * become one ledger account per currency in its own asset with exact
 * quantities, trades and fees post as trades, and balances are valued at
 * market prices (MXN at par in an MXN space).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { bitsoAuthorization, BitsoClient, d1Nonces } from "../../src/providers/bitso/client";
import { ProviderError } from "../../src/providers/errors";
import { valueBalances } from "../../src/modules/providers/bitso";
import { tradesOf } from "../../src/sandbox/bitso";
import { tradeInstant } from "../../src/providers/bitso/adapter";
import { call, callJson, createSpace, registerUser, awayFromMidnight } from "../helpers";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { createWebhook } from "../webhooks/helpers";
import { as, directServices, waitForJob } from "./helpers";

// The days this file takes are the zone's: not across its midnight (helpers.ts).
await awayFromMidnight("America/Mexico_City", "Pacific/Auckland");

/** Vectors computed outside this code base (Python: hmac.new(secret, message, hashlib.sha256).hexdigest()). */
const VECTORS: Record<string, string> = {
  "BitsoSecret|1700000000000GET/v3/balance/": "330722a629295972e4320ea85159ab5abce2245ef97c7be8a185926068ba22c2",
  "s3cr3t|1700000000123GET/v3/user_trades/?limit=100&sort=desc": "79b54c437c3ab7b44d6a4f9fe1bcf942973a1321f5d36f7cd24c73bd5eebf7e9",
  's3cr3t|1700000000124POST/v3/orders/{"book":"btc_mxn","side":"buy","type":"market","major":"0.001"}': "1e9835a0fd6c08ad89e90013cfe4f0b358a552893a9bb944274d6a7e16935985",
  "s|1GET/v3/balance/": "b3bef9435293069f5ce0e9a808623b382c7691dec4ed00903c5d8c1ebcc267b7",
};

/** And with Web Crypto directly, written here rather than through lib/crypto. */
async function webCryptoHmac(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return [...new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message)))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function independent(secret: string, message: string): Promise<string> {
  const fixed = VECTORS[`${secret}|${message}`];
  const computed = await webCryptoHmac(secret, message);
  if (fixed !== undefined) expect(computed).toBe(fixed);
  return fixed ?? computed;
}

/** A simulator key whose MXN balance is 21,381.70: half a cent at 20 pesos to the dollar. */
const HALF_CENT_KEY = "key-half-cent-29";

describe("Bitso", () => {
  it("signs requests as Bitso specifies (vectors computed independently)", async () => {
    const get = await bitsoAuthorization("BitsoKey", "BitsoSecret", "1700000000000", "GET", "/v3/balance/");
    expect(get).toBe(`Bitso BitsoKey:1700000000000:${await independent("BitsoSecret", "1700000000000GET/v3/balance/")}`);
    const withQuery = await bitsoAuthorization("k", "s3cr3t", "1700000000123", "GET", "/v3/user_trades/?limit=100&sort=desc");
    expect(withQuery.split(":")[2]).toBe(await independent("s3cr3t", "1700000000123GET/v3/user_trades/?limit=100&sort=desc"));
    const body = JSON.stringify({ book: "btc_mxn", side: "buy", type: "market", major: "0.001" });
    const post = await bitsoAuthorization("k", "s3cr3t", "1700000000124", "post", "/v3/orders/", body);
    expect(post.split(":")[2]).toBe(await independent("s3cr3t", `1700000000124POST/v3/orders/${body}`));
    // The smallest vector, for anyone re-implementing this: HMAC-SHA256("s", "1GET/v3/balance/").
    expect((await bitsoAuthorization("k", "s", "1", "GET", "/v3/balance/")).split(":")[2]).toBe(await independent("s", "1GET/v3/balance/"));
    expect(Object.keys(VECTORS)).toHaveLength(4);
  });

  it("connects, syncs balances per currency and trades exactly, and values them (MXN at par)", { timeout: 60_000 }, async () => {
    const owner = await registerUser();
    const space = await createSpace(owner, { currency: "MXN" });
    // A listener: synced legs are announced only to a space that has one (test/providers/outbox.test.ts).
    await createWebhook(owner, space.id, { events: ["transaction.created"] });
    const apiKey = `key-${crypto.randomUUID()}`;
    const apiSecret = `secret-${crypto.randomUUID()}`;
    const res = await callJson("/v1/providers/bitso/connect", { ...as(owner), body: { spaceId: space.id, apiKey, apiSecret } });
    expect(res.status).toBe(201);
    expect(JSON.stringify(res.body)).not.toContain(apiSecret);
    const row = await env.DB.prepare("SELECT * FROM provider_connections WHERE id = ?").bind(res.body.connection.id).first();
    expect(JSON.stringify(row)).not.toContain(apiSecret);
    expect(JSON.stringify(row)).not.toContain(apiKey);
    const bySymbol = Object.fromEntries(res.body.accounts.map((a: any) => [a.symbol, a]));
    expect(Object.keys(bySymbol).sort()).toEqual(["BTC", "ETH", "MXN"]); // USDT has no asset here: skipped, not zero
    expect(bySymbol.MXN.valueDecimal).toBe(bySymbol.MXN.balanceDecimal);
    expect(bySymbol.MXN.priceSource).toBe("par");
    expect(bySymbol.BTC.balanceDecimal).toMatch(/^\d+\.\d{8}$/);

    expect((await waitForJob(res.body.jobId)).status).toBe("completed");
    expect(await ledgerViolations(space.id)).toEqual([]);
    const accounts = (await callJson(`/v1/accounts?spaceId=${space.id}&provider=bitso`, as(owner))).body.accounts as any[];
    for (const a of accounts) {
      const reported = bySymbol[a.currency];
      expect(a.balanceDecimal, a.currency).toBe(reported.balanceDecimal);
      expect(a.type).toBe("crypto");
    }
    const btc = accounts.find((a) => a.currency === "BTC");
    const vol = await env.DB.prepare("SELECT asset FROM ledger_volumes WHERE space_id = ? AND address = ?").bind(space.id, `accounts:${btc.id}`).first<{ asset: string }>();
    expect(vol!.asset).toBe("BTC/8");
    const rows = (await env.DB.prepare("SELECT type, subtype, currency, trade FROM transactions WHERE space_id = ? AND status != 'cancelled'").bind(space.id).all<any>()).results;
    const trades = rows.filter((r) => r.type === "trade");
    expect(trades.length).toBe(48); // 24 trades, a cash leg and a coin leg each
    expect(rows.filter((r) => r.type === "fee").length).toBe(24);
    expect(JSON.parse(trades[0].trade)).toMatchObject({ book: expect.stringMatching(/_mxn$/) });
    // Every synced leg (trade and fee) is announced once, as synced cash transactions are.
    const announced = (await env.DB.prepare("SELECT payload FROM event_outbox WHERE space_id = ? AND type = 'transaction.created'").bind(space.id).all<{ payload: string }>()).results.map((e) => JSON.parse(e.payload));
    expect(announced.length).toBe(72);
    expect(new Set(announced.map((e) => e.transactionId)).size).toBe(72);
    expect(announced.filter((e) => e.provider === "bitso" && e.connectionId === res.body.connection.id).length).toBe(72);
    expect(announced.find((e) => e.currency === "BTC").amountDecimal).toMatch(/^-?\d+\.\d{8}$/);

    // Syncing again changes nothing.
    const again = await callJson("/v1/providers/bitso/sync", { ...as(owner), body: { spaceId: space.id } });
    expect(again.status).toBe(202);
    expect((await waitForJob(again.body.jobId)).status).toBe("completed");
    const job = await callJson(`/v1/sync-jobs/${again.body.jobId}`, as(owner));
    expect(job.body.stats).toMatchObject({ created: 0, adjustments: 0, errors: 0 });
    expect(job.body.stats.unchanged).toBe(24);
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM event_outbox WHERE space_id = ? AND type = 'transaction.created'").bind(space.id).first<{ n: number }>())!.n).toBe(72);
    expect(await ledgerViolations(space.id)).toEqual([]);
  });

  it("lists each trade once, at its own instant, with its gross and its net of the fee charged in pesos", { timeout: 60_000 }, async () => {
    const owner = await registerUser();
    const zone = "America/Mexico_City";
    const space = (await callJson("/v1/spaces", { ...as(owner), body: { name: "Cripto", type: "personal", currency: "MXN", timezone: zone } })).body;
    const apiKey = `key-${crypto.randomUUID()}`;
    const res = await callJson("/v1/providers/bitso/connect", { ...as(owner), body: { spaceId: space.id, apiKey, apiSecret: "s" } });
    expect(res.status).toBe(201);
    expect((await waitForJob(res.body.jobId)).status).toBe("completed");
    // The simulator's own trades for this key, to check against.
    const key = (await env.DB.prepare("SELECT seed, created_at FROM sandbox_bitso_keys WHERE api_key = ?").bind(apiKey).first<{ seed: string; created_at: number }>())!;
    const byTid = new Map(tradesOf(key.seed, key.created_at).map((t) => [String(t.tid), t]));
    const list = await callJson(`/v1/trades?spaceId=${space.id}`, as(owner));
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(24); // not 48: the coin leg's row is the same trade
    const pesos = (await callJson(`/v1/accounts?spaceId=${space.id}&provider=bitso`, as(owner))).body.accounts.find((a: any) => a.currency === "MXN");
    // Bitso writes pesos to 8 decimals or more: in cents, half-even, worked out here on the digits.
    const cents = (s: string) => {
      const [whole, frac = ""] = s.replace(/^-/, "").split(".");
      const kept = BigInt(whole! + frac.padEnd(2, "0").slice(0, 2));
      const rest = frac.slice(2).replace(/0+$/, "");
      const up = rest > "5" || (rest === "5" && kept % 2n === 1n);
      return (kept + (up ? 1n : 0n)) * (s.startsWith("-") ? -1n : 1n);
    };
    const text = (c: bigint) => `${c < 0n ? "-" : ""}${(c < 0n ? -c : c).toString().padStart(3, "0").replace(/(\d{2})$/, ".$1")}`;
    const localTime = (iso: string) =>
      new Intl.DateTimeFormat("sv-SE", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" })
        .format(new Date(iso.replace("+0000", "Z")));
    for (const row of list.body) {
      const stored = (await env.DB.prepare("SELECT trade FROM transactions WHERE id = ?").bind(row.orderId).first<{ trade: string }>())!;
      const t = byTid.get(JSON.parse(stored.trade).tradeId)!;
      const minor = cents(t.minor);
      // The fee is charged whichever sign Bitso writes it with: its magnitude, in its currency's units.
      const charged = t.fees_amount.replace(/^-/, "");
      const fee = t.fees_currency === "mxn" ? cents(charged) : 0n;
      expect(row).toMatchObject({
        accountId: pesos.id, currency: "MXN", transactionType: t.side.toUpperCase(), tradingSymbol: t.book.split("_")[0]!.toUpperCase(),
        tradedQuantity: t.major.replace(/^-/, ""), tradedPrice: t.price,
        grossAmount: text(minor < 0n ? -minor : minor), fees: t.fees_currency === "mxn" ? text(fee) : charged, feesCurrency: t.fees_currency.toUpperCase(),
        netAmount: text(minor - fee),
        // Bitso's instant, in the space's zone: not the UTC date's midnight.
        exchangeTime: localTime(t.created_at),
      });
    }
    expect(list.body.some((r: any) => !r.exchangeTime.endsWith("00:00:00"))).toBe(true);
    // The simulator writes what Bitso writes: pesos finer than a cent, and fees written negative as well as positive.
    const sent = [...byTid.values()];
    expect(sent.filter((t) => /\.\d{2}\d*[1-9]/.test(t.minor)).length).toBeGreaterThan(12);
    expect(sent.filter((t) => t.fees_amount.startsWith("-")).length).toBe(6);
    expect(sent.filter((t) => t.fees_currency === "mxn" && /\.\d{2}\d*[1-9]/.test(t.fees_amount)).length).toBeGreaterThan(0);
    // Bitso's documented form too, and a time that does not read keeps its date (a day in the space's zone).
    expect(tradeInstant("2016-04-08T17:52:31.000+00:00")).toBe("2016-04-08T17:52:31.000+00:00");
    expect(tradeInstant("2016-04-08T17:52:31-0600")).toBe("2016-04-08T17:52:31-06:00");
    expect(tradeInstant("2016-04-08 17:52")).toBe("2016-04-08");
    expect(await ledgerViolations(space.id)).toEqual([]);
  });

  it("values the peso wallet of a USD space at the day's exchange rate, the space's own first (it had no value)", { timeout: 60_000 }, async () => {
    const owner = await registerUser();
    const zone = "Pacific/Auckland";
    const space = (await callJson("/v1/spaces", { ...as(owner), body: { name: "Cripto", type: "personal", currency: "USD", timezone: zone } })).body;
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
    expect((await callJson(`/v1/spaces/${space.id}/rates`, { ...as(owner), method: "PUT", body: { rates: [{ base: "USD", quote: "MXN", date: today, rate: "20" }] } })).status).toBe(200);
    // A key whose peso balance (21,381.70) is exactly half a cent at 20 (1,069.085): rounded once, half-even, as
    // net worth converts it (a review found the half cent rounded up: the rate cut to 12 places, then half away from zero).
    const res = await callJson("/v1/providers/bitso/connect", { ...as(owner), body: { spaceId: space.id, apiKey: HALF_CENT_KEY, apiSecret: "s" } });
    expect(res.status).toBe(201);
    const pesos = res.body.accounts.find((a: any) => a.symbol === "MXN");
    expect(pesos.balanceDecimal).toBe("21381.70");
    expect(pesos.valueDecimal).toBe("1069.08");
    expect(pesos).toMatchObject({ quote: "USD", priceDecimal: "0.05", priceSource: "rate:manual", priceStale: false });
    await waitForJob(res.body.jobId);
    const synced = await callJson("/v1/providers/bitso/sync", { ...as(owner), body: { spaceId: space.id } });
    expect(synced.body.accounts.find((a: any) => a.symbol === "MXN").valueDecimal).toBe(pesos.valueDecimal);
  });

  it("keeps nonces strictly increasing per key under 20 concurrent calls, and the simulator refuses a bad signature", { timeout: 60_000 }, async () => {
    const owner = await registerUser();
    const space = await createSpace(owner);
    const apiKey = `key-${crypto.randomUUID()}`;
    const apiSecret = "nonce-secret";
    const res = await callJson("/v1/providers/bitso/connect", { ...as(owner), body: { spaceId: space.id, apiKey, apiSecret } });
    expect(res.status).toBe(201);
    await waitForJob(res.body.jobId);
    const connectionId = res.body.connection.id as string;
    const { svc } = directServices();

    // The counter: 20 concurrent draws are 20 distinct values, and the next is above them all.
    const nonces = d1Nonces(env.DB, connectionId, () => Date.now());
    const drawn = await Promise.all(Array.from({ length: 20 }, () => nonces()));
    expect(new Set(drawn).size).toBe(20);
    expect(await nonces()).toBeGreaterThan(Math.max(...drawn));

    // 20 concurrent signed calls from one client, and from 20 clients (as separate workers would be): all accepted.
    const one = new BitsoClient(env, apiKey, apiSecret, d1Nonces(env.DB, connectionId, () => svc.clock.now()));
    const a = await Promise.all(Array.from({ length: 20 }, () => one.balances()));
    expect(a).toHaveLength(20);
    const many = Array.from({ length: 20 }, () => new BitsoClient(env, apiKey, apiSecret, d1Nonces(env.DB, connectionId, () => svc.clock.now())));
    const b = await Promise.all(many.map((c) => c.balances()));
    expect(b).toHaveLength(20);
    const stats = (await (await call(`/sandbox/bitso/sandbox/keys/${encodeURIComponent(apiKey)}`)).json()) as any;
    const stored = await env.DB.prepare("SELECT nonce FROM provider_connections WHERE id = ?").bind(connectionId).first<{ nonce: number }>();
    // Every nonce the simulator accepted was above the one before; the last it saw is the last handed out.
    expect(stats.payload.last_nonce).toBe(stored!.nonce);
    expect(stats.payload.requests).toBeGreaterThanOrEqual(40);

    const forged = new BitsoClient(env, apiKey, "wrong-secret", d1Nonces(env.DB, connectionId, () => Date.now()));
    const err = await forged.balances().catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.code).toBe("0201");
  });

  it("values balances exactly with the price lookup it is given", async () => {
    const { svc } = directServices();
    const lookup = async () => new Map([["BTC", { priceDecimal: "1234567.891", day: "2026-12-03", source: "test", stale: false }]]);
    const out = await valueBalances(svc, [
      { accountId: "acc_btc", currency: "BTC", quantityMinor: 2_500_000 },
      { accountId: "acc_mxn", currency: "MXN", quantityMinor: 1_523_055 },
      { accountId: "acc_eth", currency: "ETH", quantityMinor: 1 },
    ], "MXN", lookup);
    expect(out[0]).toMatchObject({ balanceDecimal: "0.02500000", valueDecimal: "30864.20", priceDecimal: "1234567.891" });
    expect(out[1]).toMatchObject({ valueDecimal: "15230.55", priceSource: "par" });
    expect(out[2]).toMatchObject({ valueDecimal: null, value: null });
  });
});
