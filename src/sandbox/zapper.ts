/**
 * Zapper simulator: `GET /v2/balances/apps?addresses[]=&networks[]=` in
 * Zapper's REST v2 shape (apps → products → assets → tokens, with
 * displayProps.statsItems carrying the APY). Checks HTTP Basic auth (the key
 * `invalid` is refused), the address format and the networks asked for.
 *
 * Deterministic: which positions a wallet holds and their sizes follow from
 * a hash of the address; token values use the price simulator's price of the
 * day, so DeFi values move day to day exactly as sandbox prices do. A wallet's
 * positions can be resized, closed or repeated through
 * `POST /sandbox/zapper/sandbox/wallets/{address}` (wallet-settings.ts), as a
 * later answer of the real provider would change them.
 */
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { fnv1a } from "./hash";
import { systemClock } from "../lib/clock";
import { canonicalDecimal, minorToDecimal, valueMinor, decimalToMinor } from "../modules/prices/decimal";
import { sandboxPrice } from "./prices";
import { setWalletSettings, walletSettings } from "./wallet-settings";

interface Template {
  appId: string;
  appName: string;
  network: string;
  groupId: string;
  label: string;
  apy: string;
  /** [symbol, coin id, base quantity] */
  tokens: [string, string, string][];
  always?: boolean;
}

const TEMPLATES: Template[] = [
  { appId: "uniswap-v3", appName: "Uniswap V3", network: "ethereum", groupId: "pool", label: "ETH / USDC", apy: "12.5", tokens: [["ETH", "ethereum", "1.5"], ["USDC", "usd-coin", "3500"]], always: true },
  { appId: "aave-v3", appName: "Aave V3", network: "polygon", groupId: "supply", label: "USDC Supply", apy: "4.2", tokens: [["USDC", "usd-coin", "7000"]] },
  { appId: "lido", appName: "Lido", network: "ethereum", groupId: "staking", label: "stETH", apy: "3.1", tokens: [["STETH", "staked-ether", "2.25"]], always: true },
  { appId: "curve", appName: "Curve", network: "arbitrum", groupId: "pool", label: "USDC / USDT", apy: "6.8", tokens: [["USDC", "usd-coin", "1500"], ["USDT", "tether", "1500"]] },
  { appId: "compound-v3", appName: "Compound V3", network: "ethereum", groupId: "supply", label: "WBTC Supply", apy: "0.9", tokens: [["WBTC", "wrapped-bitcoin", "0.05"]] },
];


const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/** Served at /sandbox/zapper/... (its own app, mounted as a whole by sandbox/routes.ts). */
export const zapperSandbox = new Hono<AppEnv>().basePath("/sandbox/zapper");

zapperSandbox.post("/sandbox/wallets/:address", (c) => setWalletSettings(c, "zapper"));

zapperSandbox.get("/v2/balances/apps", async (c) => {
  const auth = c.req.header("authorization") ?? "";
  let key = "";
  if (auth.startsWith("Basic ")) {
    try {
      key = atob(auth.slice(6)).split(":")[0] ?? "";
    } catch {
      key = "";
    }
  }
  if (!key || key === "invalid") return json(401, { statusCode: 401, message: "Unauthorized" });
  const url = new URL(c.req.url);
  const addresses = url.searchParams.getAll("addresses[]");
  const networks = new Set(url.searchParams.getAll("networks[]"));
  if (addresses.length === 0 || addresses.some((a) => !/^0x[0-9a-fA-F]{40}$/.test(a))) return json(400, { statusCode: 400, message: "addresses[] must be EVM addresses" });
  const day = new Date(systemClock.now()).toISOString().slice(0, 10);
  // Built as text so each figure leaves with exactly its decimal digits.
  const apps: string[] = [];
  for (const address of addresses.map((a) => a.toLowerCase())) {
    const h = fnv1a(address);
    const settings = await walletSettings(c.env, "zapper", address);
    TEMPLATES.forEach((t, i) => {
      if (!(t.always || (h >> i) & 1)) return;
      if (networks.size > 0 && !networks.has(t.network)) return;
      if (settings.closed.includes(t.appId)) return;
      const factor = 100 + ((h >>> (i * 3)) % 50); // 100%..149% of the base size
      const percent = BigInt(settings.percent[t.appId] ?? 100);
      let totalMinor = 0n;
      const tokens = t.tokens.map(([symbol, id, base]) => {
        const balance = canonicalDecimal(minorToDecimal((decimalToMinor(base, 8) * BigInt(factor) * percent) / 10_000n, 8))!;
        const price = sandboxPrice(id, "usd", day)!;
        const usdMinor = valueMinor(decimalToMinor(balance, 8), 8, price, 2);
        totalMinor += usdMinor;
        return `{"metaType":"supplied","type":"base-token","network":"${t.network}","symbol":"${symbol}","balance":${balance},"balanceUSD":${minorToDecimal(usdMinor, 2)},"price":${price}}`;
      });
      const total = minorToDecimal(totalMinor, 2);
      for (let copy = 0; copy < settings.copies; copy++) {
        const assetKey = `${t.appId}-${t.groupId}-${i}${copy ? `-${copy}` : ""}`;
        apps.push(
          `{"key":"${t.appId}:${t.network}:${address}","address":"${address}","appId":"${t.appId}","appName":"${t.appName}","network":"${t.network}","balanceUSD":${total},` +
            `"products":[{"label":"${t.groupId}","assets":[{"type":"contract-position","key":"${assetKey}","appId":"${t.appId}","groupId":"${t.groupId}","network":"${t.network}","balanceUSD":${total},` +
            `"tokens":[${tokens.join(",")}],"displayProps":{"label":"${t.label}","statsItems":[{"label":"APY","value":{"type":"pct","value":${t.apy}}}]}}]}]}`,
        );
      }
    });
  }
  return new Response(`[${apps.join(",")}]`, { status: 200, headers: { "content-type": "application/json" } });
});
