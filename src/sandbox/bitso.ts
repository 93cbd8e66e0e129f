/**
 * A deterministic, offline Bitso (API v3): balances and user trades of an API
 * key, answered only to requests signed as Bitso requires (HMAC-SHA256 over
 * nonce + method + path with query + body) with a nonce above the key's last.
 *
 * A real Bitso key is issued in Bitso's web app; here
 * POST /sandbox/bitso/sandbox/keys {api_key, api_secret} issues one (any
 * pair), which the connect flow does in sandbox mode before its first call.
 */
import { Hono } from "hono";
import { hmacSha256Hex, sha256Hex, timingSafeEqual } from "../lib/crypto";
import type { BitsoBalance, BitsoTrade } from "../providers/bitso/client";
import { fnv1a, prng } from "./hash";

export const bitsoSandbox = new Hono<{ Bindings: Env; Variables: { seed: string } }>().basePath("/sandbox/bitso");

const fail = (status: number, code: string, message: string) => Response.json({ success: false, error: { code, message } }, { status });

interface KeyRow {
  api_key: string;
  api_secret: string;
  seed: string;
  last_nonce: number;
}


const fixed = (minor: bigint, scale: number) => {
  const neg = minor < 0n;
  const digits = (neg ? -minor : minor).toString().padStart(scale + 1, "0");
  return `${neg ? "-" : ""}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
};

/**
 * The key's trades: 24 over the last 60 days on btc_mxn and eth_mxn, written as Bitso writes them (the answers its
 * own SDK recorded, and ccxt's): `major` and `minor` are the trade's balance updates, gross of the fee, `minor` being
 * `major` × `price` to 8 decimals (pesos finer than cents, as Bitso keeps them), every sixth with every digit of the
 * product instead (10 decimals: docs.bitso.com's example writes 12); the fee, 0.65 % of what the trade's side
 * receives, to 8 decimals in that currency (a buy's in the coin), a debit of its own: written positive, as in every
 * recorded answer, and every fourth negative, as the documentation's example writes it.
 */
export function tradesOf(seed: string, createdAt: number): BitsoTrade[] {
  const r = prng(`${seed}|trades`);
  const out: BitsoTrade[] = [];
  for (let i = 0; i < 24; i++) {
    const book = r() < 0.6 ? "btc_mxn" : "eth_mxn";
    const side = r() < 0.65 ? "buy" : "sell";
    const price = book === "btc_mxn" ? 1_650_000_00n + BigInt(Math.floor(r() * 20_000_000)) : 62_000_00n + BigInt(Math.floor(r() * 800_000)); // MXN cents
    const qty = book === "btc_mxn" ? 50_000n + BigInt(Math.floor(r() * 400_000)) : 1_000_000n + BigInt(Math.floor(r() * 9_000_000)); // 1e-8 units
    const product = qty * price; // 1e-10 MXN: exact
    const minor8 = (product + 50n) / 100n; // 1e-8 MXN, half-up
    const feeRate = 65n; // 0.65 % in basis points x 10
    const fee = (side === "buy" ? qty : minor8) * feeRate / 10_000n; // 1e-8 of the currency received
    const feeSign = i % 4 === 3 ? -1n : 1n;
    const minorText = i % 6 === 5 ? fixed(side === "buy" ? -product : product, 10) : fixed(side === "buy" ? -minor8 : minor8, 8);
    out.push({
      book, side, tid: 1_000_000 + fnv1a(`${seed}|tid|${i}`) % 1_000_000 * 100 + i, oid: `o${fnv1a(`${seed}|oid|${i}`).toString(16)}`,
      major: fixed(side === "buy" ? qty : -qty, 8), minor: minorText, price: fixed(price, 2),
      fees_amount: fixed(feeSign * fee, 8), fees_currency: side === "buy" ? book.split("_")[0]! : "mxn",
      created_at: new Date(createdAt - (60 - i * 2.5) * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "+0000"), maker_side: side,
    });
  }
  return out.sort((a, b) => b.tid - a.tid);
}

/**
 * The key's balances, as `/v3/balance` writes them: pesos to 8 decimals as Bitso keeps them ("15000.00100210" in
 * its SDK's recorded answer), the part finer than a cent below half of one (from a stream of its own, so that the
 * cents of every key stay what they were: HALF_CENT_KEY's 21,381.70 in the tests).
 */
export function balancesOf(seed: string): BitsoBalance[] {
  const r = prng(`${seed}|balances`);
  const mxn = 500_000n + BigInt(Math.floor(r() * 5_000_000)); // cents
  const btc = 1_000_000n + BigInt(Math.floor(r() * 4_000_000)); // sats
  const eth = 10_000_000n + BigInt(Math.floor(r() * 50_000_000));
  const usdt = 10_000_000n + BigInt(Math.floor(r() * 90_000_000)); // 1e-6
  const finer = BigInt(Math.floor(prng(`${seed}|balance-digits`)() * 500_000)); // 1e-8 MXN, below half a cent
  const row = (currency: string, total: string): BitsoBalance => ({ currency, total, locked: "0.00000000", available: total });
  return [row("mxn", fixed(mxn * 1_000_000n + finer, 8)), row("btc", fixed(btc, 8)), row("eth", fixed(eth, 8)), row("usdt", fixed(usdt, 6))];
}

bitsoSandbox.use("/v3/*", async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const m = /^Bitso ([^:\s]{1,100}):(\d{1,20}):([0-9a-f]{64})$/.exec(header);
  if (!m) return fail(401, "0201", "Invalid Nonce or Invalid Signature");
  const [, key, nonce, signature] = m;
  const row = await c.env.DB.prepare("SELECT api_key, api_secret, seed, last_nonce FROM sandbox_bitso_keys WHERE api_key = ?").bind(key).first<KeyRow>();
  if (!row) return fail(401, "0202", "Invalid API key");
  const url = new URL(c.req.url);
  const body = c.req.method === "GET" || c.req.method === "DELETE" ? "" : await c.req.text();
  const expected = await hmacSha256Hex(row.api_secret, `${nonce}${c.req.method}${url.pathname}${url.search}${body}`);
  if (!timingSafeEqual(expected, signature!)) return fail(401, "0201", "Invalid Nonce or Invalid Signature");
  // The nonce must exceed the key's last one: checked and recorded in one statement.
  const took = await c.env.DB.prepare("UPDATE sandbox_bitso_keys SET last_nonce = ?, requests = requests + 1 WHERE api_key = ? AND last_nonce < ?")
    .bind(Number(nonce), key, Number(nonce))
    .run();
  if (took.meta.changes === 0) {
    await c.env.DB.prepare("UPDATE sandbox_bitso_keys SET rejected_nonces = rejected_nonces + 1 WHERE api_key = ?").bind(key).run();
    return fail(401, "0201", "Invalid Nonce or Invalid Signature");
  }
  c.set("seed", row.seed);
  await next();
});

/**
 * The account behind a key, as Bitso's account status gives it: its `client_id` is the account's (the seed's
 * here: keys issued for one account share its seed), the same for every key the user issues.
 */
export function accountStatusOf(seed: string) {
  const r = prng(`${seed}|account`);
  return {
    client_id: String(100_000 + (fnv1a(`${seed}|client_id`) % 9_000_000)),
    first_name: "Sandbox",
    last_name: "User",
    status: "active",
    daily_limit: "5300.00",
    monthly_limit: "32000.00",
    daily_remaining: fixed(BigInt(Math.floor(r() * 530_000)), 2),
    monthly_remaining: fixed(BigInt(Math.floor(r() * 3_200_000)), 2),
    cellphone_number: "verified",
    official_id: "submitted",
    proof_of_residency: "submitted",
    signed_contract: "unsubmitted",
    origin_of_funds: "unsubmitted",
  };
}

bitsoSandbox.get("/v3/account_status/", (c) => c.json({ success: true, payload: accountStatusOf(c.get("seed")) }));

bitsoSandbox.get("/v3/balance/", (c) => c.json({ success: true, payload: { balances: balancesOf(c.get("seed")) } }));

bitsoSandbox.get("/v3/user_trades/", async (c) => {
  const seed = c.get("seed");
  const created = await c.env.DB.prepare("SELECT created_at FROM sandbox_bitso_keys WHERE seed = ? LIMIT 1").bind(seed).first<{ created_at: number }>();
  const limit = Math.min(100, Math.max(1, Number(c.req.query("limit") ?? 25) || 25));
  const marker = c.req.query("marker");
  let trades = tradesOf(seed, created?.created_at ?? 0);
  if (marker) trades = trades.filter((t) => t.tid < Number(marker));
  return c.json({ success: true, payload: trades.slice(0, limit) });
});

bitsoSandbox.post("/sandbox/keys", async (c) => {
  const body = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
  if (typeof body.api_key !== "string" || typeof body.api_secret !== "string" || !body.api_key || body.api_key.length > 100 || body.api_secret.length > 200) {
    return fail(400, "0101", "api_key and api_secret are required");
  }
  await c.env.DB.prepare(
    "INSERT INTO sandbox_bitso_keys (api_key, api_secret, seed, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (api_key) DO UPDATE SET api_secret = excluded.api_secret",
  )
    .bind(body.api_key, body.api_secret, await sha256Hex(`bitso|${body.api_key}`), Date.now())
    .run();
  return c.json({ success: true, payload: { api_key: body.api_key } });
});

bitsoSandbox.get("/sandbox/keys/:key", async (c) => {
  const row = await c.env.DB.prepare("SELECT last_nonce, requests, rejected_nonces FROM sandbox_bitso_keys WHERE api_key = ?").bind(c.req.param("key")).first();
  return row ? c.json({ success: true, payload: row }) : fail(404, "0202", "Invalid API key");
});
