/**
 * DeFi positions as net-worth holdings, for analytics: each stored position
 * once (a position is unique per wallet and key, and a wallet address is
 * unique per space), valued at its last sync in USD minor units. Positions
 * first seen after `atMs` are left out; a value whose sync is more than a day
 * older than `atMs` is marked stale. Converting to the space's currency is the
 * caller's (it owns exchange rates).
 */
import type { Services } from "../../env";
import { iso } from "../../lib/clock";
import { decimalToMinor } from "../prices/decimal";
import { DEFI_STALE_AFTER_MS } from "./service";

export interface Holding {
  source: "defi";
  id: string;
  name: string;
  currency: string;
  valueMinor: bigint;
  asOf: string;
  stale?: boolean;
}

export async function defiHoldings(svc: Services, spaceId: string, atMs: number): Promise<Holding[]> {
  const res = await svc.env.DB.prepare(
    `SELECT p.id, p.protocol, p.network, p.label, p.total_value_usd, p.synced_at FROM defi_positions p
       JOIN defi_wallets w ON w.id = p.wallet_id AND w.space_id = p.space_id
      WHERE p.space_id = ? AND p.first_seen_at <= ? ORDER BY p.id`,
  )
    .bind(spaceId, atMs)
    .all<{ id: string; protocol: string; network: string; label: string; total_value_usd: string; synced_at: number }>();
  return res.results.map((p) => ({
    source: "defi" as const,
    id: p.id,
    name: `${p.protocol} ${p.label} (${p.network})`,
    currency: "USD",
    valueMinor: decimalToMinor(p.total_value_usd, 2),
    asOf: iso(p.synced_at),
    stale: atMs - p.synced_at > DEFI_STALE_AFTER_MS,
  }));
}
