/**
 * Gaming holdings for net worth (analytics): one entry per wallet and
 * platform, valued at its last sync in USD minor units (tokens and staked
 * tokens at market prices, land and NFTs at the platform's current value;
 * unknown values count as nothing). Each (wallet, platform) row exists once.
 * Rows first seen after `atMs` are left out (the value is the latest known,
 * as for DeFi); a sync more than a day older than `atMs` is stale. Converting
 * to the space's currency is the caller's.
 */
import type { Services } from "../../env";
import { iso } from "../../lib/clock";
import { decimalToMinor } from "../prices/decimal";
import { platformOf } from "./platforms";
import { GAMING_STALE_AFTER_MS, gamingHoldingRows } from "./service";

export interface Holding {
  source: "gaming";
  id: string;
  name: string;
  currency: string;
  valueMinor: bigint;
  asOf: string;
  stale?: boolean;
}

export async function gamingHoldings(svc: Services, spaceId: string, atMs: number): Promise<Holding[]> {
  const rows = await gamingHoldingRows(svc, spaceId);
  return rows
    .filter((r) => r.first_seen_at <= atMs)
    .map((r) => ({
      source: "gaming" as const,
      id: `${r.wallet_id}:${r.platform}`,
      name: `${platformOf(r.platform)?.label ?? r.platform} (${r.address.slice(0, 6)}…${r.address.slice(-4)})`,
      currency: "USD",
      valueMinor: decimalToMinor(r.total_value_usd, 2),
      asOf: iso(r.synced_at),
      stale: atMs - r.synced_at > GAMING_STALE_AFTER_MS,
    }));
}
