/**
 * Gaming data simulator: `GET /v1/platforms/{platform}/wallets/{address}/portfolio`
 * for The Sandbox, Axie Infinity, Decentraland, Illuvium and Gala (other
 * platforms: 404, as they have no client). Checks the `x-api-key` header (the
 * key `invalid` is refused) and the address. Deterministic: whether a wallet
 * plays a platform (The Sandbox: always) and its sizes follow from a hash of
 * platform and address; daily earnings for the last 90 days follow from a
 * hash of the day. Amounts are decimal strings. A wallet's tokens and staking
 * can be resized per platform, or the platform made to no longer know the
 * wallet (404), through `POST /sandbox/gaming/sandbox/wallets/{address}`
 * (wallet-settings.ts).
 */
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { fnv1a } from "./hash";
import { systemClock } from "../lib/clock";
import { canonicalDecimal, scaleDecimal } from "../modules/prices/decimal";
import { setWalletSettings, walletSettings } from "./wallet-settings";


/** `base` × pct / 100, exact, trailing zeros trimmed. */
const pctOf = (base: string, pct: number, scale = 8) => canonicalDecimal(scaleDecimal(base, BigInt(pct), 100n, scale))!;

interface Earning {
  source: string;
  /** Daily base amount in USD. */
  daily: string;
}

interface Template {
  tokens: [string, string][];
  staking: [string, string, string][];
  land: { parcelId: string; coordinates: string; size: string; rentalStatus: string; monthlyRentalUsd: string; acquisitionCostUsd: string; currentValueUsd: string }[];
  nfts: { tokenId: string; name: string; collection: string; acquisitionCostUsd: string; currentValueUsd: string; acquiredAt: string }[];
  guilds: { guildName: string; role: string; scholarCount: number; revenueSharePercent: string; monthlyIncomeUsd: string }[];
  governance: { votingPower: string; totalVotesCast: number; proposals: { id: string; title: string; status: string }[] } | null;
  earnings: Earning[];
}

const TEMPLATES: Record<string, Template> = {
  sandbox: {
    tokens: [["SAND", "12500"]],
    staking: [["SAND", "10000", "8.5"]],
    land: [
      { parcelId: "LAND-117-45", coordinates: "(-12, 45)", size: "3x3", rentalStatus: "rented", monthlyRentalUsd: "150", acquisitionCostUsd: "4200", currentValueUsd: "5100" },
      { parcelId: "LAND-10-3", coordinates: "(10, -3)", size: "1x1", rentalStatus: "vacant", monthlyRentalUsd: "0", acquisitionCostUsd: "900", currentValueUsd: "650" },
      { parcelId: "LAND-33-7", coordinates: "(33, 7)", size: "1x1", rentalStatus: "self-use", monthlyRentalUsd: "0", acquisitionCostUsd: "1100", currentValueUsd: "700" },
    ],
    nfts: [],
    guilds: [],
    governance: { votingPower: "15000", totalVotesCast: 14, proposals: [{ id: "SIP-42", title: "Creator Fund Allocation Q1 2026", status: "active" }, { id: "SIP-41", title: "LAND Staking Rewards Rebalance", status: "passed" }] },
    earnings: [{ source: "staking", daily: "2.35" }, { source: "rental", daily: "5.00" }],
  },
  axie: {
    tokens: [["AXS", "120"], ["SLP", "25000"]],
    staking: [["AXS", "100", "42"]],
    land: [],
    nfts: [
      { tokenId: "axie-11527", name: "Axie #11527", collection: "Axie", acquisitionCostUsd: "150", currentValueUsd: "35", acquiredAt: "2021-08-14" },
      { tokenId: "axie-88210", name: "Axie #88210", collection: "Axie", acquisitionCostUsd: "220", currentValueUsd: "48", acquiredAt: "2021-09-02" },
    ],
    guilds: [{ guildName: "Ronin Raiders", role: "manager", scholarCount: 5, revenueSharePercent: "30", monthlyIncomeUsd: "200" }],
    governance: { votingPower: "100", totalVotesCast: 3, proposals: [{ id: "AIP-12", title: "Treasury Diversification", status: "active" }] },
    earnings: [{ source: "scholarship", daily: "6.60" }, { source: "play-to-earn", daily: "1.10" }, { source: "staking", daily: "11.50" }],
  },
  decentraland: {
    tokens: [["MANA", "5000"]],
    staking: [],
    land: [{ parcelId: "LAND--45-88", coordinates: "(-45, 88)", size: "1x1", rentalStatus: "rented", monthlyRentalUsd: "90", acquisitionCostUsd: "3800", currentValueUsd: "1900" }],
    nfts: [{ tokenId: "dcl-wearable-5521", name: "Genesis Jacket", collection: "Decentraland Wearables", acquisitionCostUsd: "60", currentValueUsd: "85", acquiredAt: "2022-03-10" }],
    guilds: [],
    governance: { votingPower: "5000", totalVotesCast: 6, proposals: [{ id: "DCL-2026-118", title: "Grants Program Budget", status: "active" }] },
    earnings: [{ source: "rental", daily: "3.00" }],
  },
  illuvium: {
    tokens: [["ILV", "25"]],
    staking: [["ILV", "20", "18"]],
    land: [],
    nfts: [{ tokenId: "illuvial-3391", name: "Rhamphyre (Holo)", collection: "Illuvials", acquisitionCostUsd: "410", currentValueUsd: "520", acquiredAt: "2023-06-21" }],
    guilds: [],
    governance: null,
    earnings: [{ source: "staking", daily: "7.50" }],
  },
  gala: {
    tokens: [["GALA", "50000"]],
    staking: [],
    land: [],
    nfts: [{ tokenId: "gala-node-7781", name: "Founder's Node #7781", collection: "Gala Founder's Nodes", acquisitionCostUsd: "18500", currentValueUsd: "3200", acquiredAt: "2021-11-30" }],
    guilds: [],
    governance: { votingPower: "1", totalVotesCast: 9, proposals: [{ id: "GALA-N-55", title: "Node Reward Distribution Update", status: "closed" }] },
    earnings: [{ source: "play-to-earn", daily: "0.80" }, { source: "creator", daily: "0.40" }],
  },
};

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/** Served at /sandbox/gaming/... (its own app, mounted as a whole by sandbox/routes.ts). */
export const gamingSandbox = new Hono<AppEnv>().basePath("/sandbox/gaming");

gamingSandbox.post("/sandbox/wallets/:address", (c) => setWalletSettings(c, "gaming"));

gamingSandbox.get("/v1/platforms/:platform/wallets/:address/portfolio", async (c) => {
  const key = c.req.header("x-api-key");
  if (!key || key === "invalid") return json(401, { error: "invalid_api_key" });
  const platform = c.req.param("platform");
  const address = c.req.param("address").toLowerCase();
  if (!/^0x[0-9a-f]{40}$/.test(address)) return json(400, { error: "invalid_address" });
  const t = Object.prototype.hasOwnProperty.call(TEMPLATES, platform) ? TEMPLATES[platform] : undefined;
  if (!t) return json(404, { error: "unknown_platform" });
  const h = fnv1a(`${platform}:${address}`);
  if (platform !== "sandbox" && (h & 1) === 0) return json(404, { error: "wallet_not_found" });
  const settings = await walletSettings(c.env, "gaming", address);
  if (settings.closed.includes(platform)) return json(404, { error: "wallet_not_found" });
  const size = 100 + (h % 50); // 100%..149% of the template's holdings
  const percent = settings.percent[platform] ?? 100;
  const sized = (amount: string) => (percent === 100 ? pctOf(amount, size) : pctOf(pctOf(amount, size), percent));
  const now = systemClock.now();
  const earnings: { day: string; source: string; amountUsd: string }[] = [];
  for (let d = 89; d >= 0; d--) {
    const day = new Date(now - d * 86_400_000).toISOString().slice(0, 10);
    for (const e of t.earnings) earnings.push({ day, source: e.source, amountUsd: pctOf(e.daily, 80 + (fnv1a(`${platform}:${address}:${e.source}:${day}`) % 41), 2) });
  }
  return json(200, {
    platform,
    address,
    asOf: new Date(now).toISOString(),
    tokens: t.tokens.map(([symbol, balance]) => ({ symbol, balance: sized(balance) })),
    staking: t.staking.map(([symbol, amount, apy]) => ({
      symbol, amount: sized(amount), apy, rewardsPerMonth: canonicalDecimal(scaleDecimal(sized(amount), BigInt(Math.round(Number(apy) * 100)), 120_000n, 8))!,
    })),
    land: t.land,
    nfts: t.nfts,
    guilds: t.guilds,
    governance: t.governance,
    earnings,
  });
});
