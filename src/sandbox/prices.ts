/**
 * Market price simulator: CoinGecko's `GET /api/v3/simple/price` as the real
 * Pro API answers it (`{ "<coin id>": { "<vs>": <price>, "last_updated_at": <unix s> } }`),
 * with the same checks: the `x-cg-pro-api-key` header is required (the key
 * `CG-invalid` is refused, to exercise the client's failure path), `ids` and
 * `vs_currencies` are required, unknown ids and currencies are left out.
 *
 * Deterministic: each coin has a base USD price that moves by a fixed amount
 * per UTC day (a hash of coin and day, within ±3%, ±0.05% for stablecoins),
 * converted at fixed FX rates. All arithmetic is exact (BigInt decimals).
 */
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { fnv1a } from "./hash";
import { systemClock } from "../lib/clock";
import { canonicalDecimal, decimalParts, scaleDecimal } from "../modules/prices/decimal";

/** Base prices in USD, exact decimal strings. */
export const SANDBOX_BASE_USD: Readonly<Record<string, string>> = {
  bitcoin: "97000", ethereum: "3400", tether: "1.0000", ripple: "2.20", binancecoin: "650", solana: "210",
  "usd-coin": "1.0000", tron: "0.27", dogecoin: "0.38", cardano: "0.95", hyperliquid: "28", chainlink: "22.50",
  "bitcoin-cash": "480", stellar: "0.42", sui: "4.10", "avalanche-2": "41", litecoin: "105", "hedera-hashgraph": "0.29",
  "shiba-inu": "0.0000245", "the-open-network": "5.60", polkadot: "7.80", monero: "195", dai: "1.0000", uniswap: "13.40",
  "crypto-com-chain": "0.15", "leo-token": "9.10", near: "5.90", aptos: "11.20", "internet-computer": "10.50",
  "ethereum-classic": "28", pepe: "0.0000198", aave: "310", "polygon-ecosystem-token": "0.52", "matic-network": "0.52",
  cosmos: "8.10", algorand: "0.38", filecoin: "5.40", tezos: "1.30", arbitrum: "0.82", optimism: "2.10",
  weth: "3400", "staked-ether": "3398", "wrapped-bitcoin": "96950", maker: "1550", "compound-governance-token": "72",
  "curve-dao-token": "0.85", "lido-dao": "1.90", "the-sandbox": "0.62", "axie-infinity": "7.40", "smooth-love-potion": "0.0041",
  decentraland: "0.55", illuvium: "38", gala: "0.041", enjincoin: "0.29", "immutable-x": "1.60", "yield-guild-games": "0.52",
  ronin: "2.40",
};

const STABLE = new Set(["tether", "usd-coin", "dai"]);

/** Units of each quote per 1 USD. */
const FX_PER_USD: Readonly<Record<string, string>> = {
  usd: "1", mxn: "17.25", eur: "0.92", gbp: "0.79", cad: "1.37", brl: "5.45", ars: "1015", clp: "935", jpy: "151.2", cop: "4010", pen: "3.72",
};


/** The simulator's price of `id` in `vs` on UTC `day`, or undefined when it has none. */
export function sandboxPrice(id: string, vs: string, day: string): string | undefined {
  const base = Object.prototype.hasOwnProperty.call(SANDBOX_BASE_USD, id) ? SANDBOX_BASE_USD[id] : undefined;
  const fx = Object.prototype.hasOwnProperty.call(FX_PER_USD, vs) ? FX_PER_USD[vs] : undefined;
  if (!base || !fx) return undefined;
  const span = STABLE.has(id) ? 5 : 300; // basis points either way
  const bp = (fnv1a(`${id}:${day}`) % (2 * span + 1)) - span;
  const [fxDigits, fxScale] = decimalParts(fx);
  const scale = Number(base) < 0.01 ? 12 : 8;
  return canonicalDecimal(scaleDecimal(base, BigInt(10_000 + bp) * fxDigits, 10_000n * 10n ** BigInt(fxScale), scale)) ?? undefined;
}

const cgError = (status: number, message: string) =>
  new Response(JSON.stringify({ status: { error_code: status, error_message: message } }), {
    status,
    headers: { "content-type": "application/json" },
  });

/** Served at /sandbox/prices/... (its own app, mounted as a whole by sandbox/routes.ts). */
export const pricesSandbox = new Hono<AppEnv>().basePath("/sandbox/prices");

pricesSandbox.get("/api/v3/simple/price", (c) => {
  const key = c.req.header("x-cg-pro-api-key") ?? c.req.header("x-cg-demo-api-key");
  if (!key) return cgError(401, "Missing API key");
  if (key === "CG-invalid") return cgError(401, "Invalid API key");
  const ids = (c.req.query("ids") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const vsList = (c.req.query("vs_currencies") ?? "").split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (ids.length === 0 || vsList.length === 0) return cgError(400, "ids and vs_currencies are required");
  const withUpdated = c.req.query("include_last_updated_at") === "true";
  const now = systemClock.now();
  const day = new Date(now).toISOString().slice(0, 10);
  // Built as text so that every price leaves with exactly its decimal digits.
  const entries: string[] = [];
  for (const id of [...new Set(ids)]) {
    const fields: string[] = [];
    for (const vs of vsList) {
      const p = sandboxPrice(id, vs, day);
      if (p !== undefined) fields.push(`${JSON.stringify(vs)}:${p}`);
    }
    if (fields.length === 0) continue;
    if (withUpdated) fields.push(`"last_updated_at":${Math.floor(now / 1000) - (fnv1a(id) % 300)}`);
    entries.push(`${JSON.stringify(id)}:{${fields.join(",")}}`);
  }
  return new Response(`{${entries.join(",")}}`, { status: 200, headers: { "content-type": "application/json" } });
});

/** CoinGecko's `GET /api/v3/coins/{id}/history?date=DD-MM-YYYY`: that day's price in every quote the simulator knows. */
pricesSandbox.get("/api/v3/coins/:id/history", (c) => {
  const key = c.req.header("x-cg-pro-api-key") ?? c.req.header("x-cg-demo-api-key");
  if (!key) return cgError(401, "Missing API key");
  if (key === "CG-invalid") return cgError(401, "Invalid API key");
  const m = /^(\d{2})-(\d{2})-(\d{4})$/.exec(c.req.query("date") ?? "");
  if (!m) return cgError(400, "date must be DD-MM-YYYY");
  const day = `${m[3]}-${m[2]}-${m[1]}`;
  const id = c.req.param("id");
  if (sandboxPrice(id, "usd", day) === undefined) return cgError(404, "coin not found");
  if (day > new Date(systemClock.now()).toISOString().slice(0, 10)) return new Response(JSON.stringify({ id, symbol: id, name: id }), { headers: { "content-type": "application/json" } });
  const prices = Object.keys(FX_PER_USD).map((vs) => `${JSON.stringify(vs)}:${sandboxPrice(id, vs, day)}`);
  return new Response(`{"id":${JSON.stringify(id)},"symbol":${JSON.stringify(id)},"name":${JSON.stringify(id)},"market_data":{"current_price":{${prices.join(",")}}}}`, {
    headers: { "content-type": "application/json" },
  });
});

/** CoinGecko's `GET /api/v3/coins/{id}/market_chart/range`: one `[ms, price]` point at 00:00 UTC of each day in range, up to today. */
pricesSandbox.get("/api/v3/coins/:id/market_chart/range", (c) => {
  const key = c.req.header("x-cg-pro-api-key") ?? c.req.header("x-cg-demo-api-key");
  if (!key) return cgError(401, "Missing API key");
  if (key === "CG-invalid") return cgError(401, "Invalid API key");
  const vs = (c.req.query("vs_currency") ?? "").toLowerCase();
  const from = Number(c.req.query("from"));
  const to = Number(c.req.query("to"));
  if (!vs || !Number.isSafeInteger(from) || !Number.isSafeInteger(to) || to < from) return cgError(400, "vs_currency, from and to are required");
  const id = c.req.param("id");
  if (sandboxPrice(id, "usd", "2026-01-01") === undefined) return cgError(404, "coin not found");
  const DAY = 86_400_000;
  const end = Math.min(to * 1000, systemClock.now());
  const points: string[] = [];
  // Days whose 00:00 UTC lies in the range; at most ten years of them.
  for (let ms = Math.ceil((from * 1000) / DAY) * DAY; ms <= end && points.length < 3660; ms += DAY) {
    const p = sandboxPrice(id, vs, new Date(ms).toISOString().slice(0, 10));
    if (p !== undefined) points.push(`[${ms},${p}]`);
  }
  return new Response(`{"prices":[${points.join(",")}],"market_caps":[],"total_volumes":[]}`, { headers: { "content-type": "application/json" } });
});
