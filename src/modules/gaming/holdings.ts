/**
 * Gaming holdings for net worth (analytics): one entry per wallet and
 * platform, valued at its last sync in USD minor units (tokens and staked
 * tokens at market prices, land and NFTs at the platform's current value;
 * unknown values count as nothing). Each (wallet, platform) row exists once.
 * Rows first seen after an instant are left out at that instant (the value is
 * the latest known, as for DeFi); a sync more than a day older than the
 * instant is stale. Converting to the space's currency is the caller's. One
 * statement reads the rows for any number of instants.
 */
import type { Services } from "../../env";
import { iso } from "../../lib/clock";
import type { SqlGuard } from "../../lib/sql";
import { decimalToMinor } from "../prices/decimal";
import { platformOf } from "./platforms";
import { GAMING_STALE_AFTER_MS } from "./service";
import { walletKnownSinceSql } from "../defi/holdings";

export interface Holding {
  source: "gaming";
  id: string;
  name: string;
  currency: string;
  valueMinor: bigint;
  asOf: string;
  stale?: boolean;
  knownSince?: number;
}

interface PositionRow {
  wallet_id: string;
  platform: string;
  total_value_usd: string;
  first_seen_at: number;
  synced_at: number;
  address: string;
  linked_at: number;
}

/** The (wallet, platform) rows of the space `space` names (a guarded value) first seen by `lastMs`, in the portfolio's order. */
export const gamingPositionsStatement = (db: D1Database, space: SqlGuard, lastMs: number) =>
  db.prepare(
    `SELECT g.wallet_id, g.platform, g.total_value_usd, g.first_seen_at, g.synced_at, w.address, ${walletKnownSinceSql("w")} AS linked_at FROM gaming_positions g
       JOIN defi_wallets w ON w.id = g.wallet_id AND w.space_id = g.space_id
      WHERE g.space_id = ${space.sql} AND g.first_seen_at <= ? ORDER BY g.platform, g.wallet_id`,
  ).bind(...space.params, lastMs);

/** The rows held at each of `instants`, from `gamingPositionsStatement`'s rows. */
export function gamingHoldingsAt(rows: PositionRow[], instants: number[]): Holding[][] {
  return instants.map((atMs) =>
    rows
      .filter((r) => r.first_seen_at <= atMs)
      .map((r) => ({
        source: "gaming" as const,
        id: `${r.wallet_id}:${r.platform}`,
        name: `${platformOf(r.platform)?.label ?? r.platform} (${r.address.slice(0, 6)}…${r.address.slice(-4)})`,
        currency: "USD",
        valueMinor: decimalToMinor(r.total_value_usd, 2),
        asOf: iso(r.synced_at),
        stale: atMs - r.synced_at > GAMING_STALE_AFTER_MS,
        knownSince: r.linked_at,
      })),
  );
}

export async function gamingHoldings(svc: Services, spaceId: string, atMs: number): Promise<Holding[]> {
  const res = await gamingPositionsStatement(svc.env.DB, { sql: "?", params: [spaceId] }, atMs).all<PositionRow>();
  return gamingHoldingsAt(res.results, [atMs])[0]!;
}
