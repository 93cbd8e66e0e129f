/**
 * Gaming holdings for net worth (analytics): one entry per wallet and platform, at the value of the point in
 * effect at an instant (`gaming_position_values`, in USD minor units: tokens and staked tokens at market
 * prices, land and NFTs at the platform's value then; unknown values count as nothing; at most a point a day
 * of the space's, holding the day's last value). A row counts from the first sync that saw the wallet on the
 * platform, and until the day's point of a sync the platform no longer knew it, not after; a later day's sync
 * never rewrites a past day. Converting to the space's currency is the caller's. One statement reads the
 * points of any number of instants.
 */
import type { Services } from "../../env";
import { iso } from "../../lib/clock";
import type { SqlGuard } from "../../lib/sql";
import { groupRuns, historyPointsCte, type Span, valuesInEffect } from "../../lib/value-history";
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

interface PointRow {
  wallet_id: string;
  platform: string;
  synced_at: number;
  value_usd: string | null;
  /** The row's last sync (null once the platform no longer knew the wallet). */
  last_synced_at: number | null;
  address: string;
  linked_at: number;
}

/**
 * The value points of the (wallet, platform) rows of the space `space` names (a guarded value) that decide
 * their values at every instant of `spans` (inclusive, up to `lastMs`), in the portfolio's order.
 */
export const gamingPositionsStatement = (db: D1Database, space: SqlGuard, lastMs: number, spans: Span[] = [{ lo: lastMs, hi: lastMs }]) => {
  const cte = historyPointsCte(
    { table: "gaming_position_values", keys: ["wallet_id", "platform"], current: "SELECT wallet_id, platform FROM gaming_positions WHERE space_id = (SELECT id FROM sp)" },
    space,
    spans,
  );
  // CROSS JOIN: the few points chosen drive the read (sorting by the table's key would scan all of it).
  return db.prepare(
    `${cte.sql}
     SELECT v.wallet_id, v.platform, v.synced_at, v.value_usd, g.synced_at AS last_synced_at, w.address, ${walletKnownSinceSql("w")} AS linked_at
       FROM pts CROSS JOIN gaming_position_values v ON v.wallet_id = pts.wallet_id AND v.platform = pts.platform AND v.synced_at = pts.synced_at
       JOIN defi_wallets w ON w.id = v.wallet_id AND w.space_id = v.space_id
       LEFT JOIN gaming_positions g ON g.wallet_id = v.wallet_id AND g.platform = v.platform
      ORDER BY v.platform, v.wallet_id, v.synced_at`,
  ).bind(...cte.params);
};

/** The rows held at each of `instants` (ascending), from `gamingPositionsStatement`'s rows. */
export function gamingHoldingsAt(rows: PointRow[], instants: number[]): Holding[][] {
  const out: Holding[][] = instants.map(() => []);
  for (const points of groupRuns(rows, (r) => `${r.platform}|${r.wallet_id}`)) {
    const now = points[points.length - 1]!;
    valuesInEffect(points, instants).forEach((r, i) => {
      if (!r) return;
      const atMs = instants[i]!;
      // Syncs that changed nothing leave no point, so how fresh a value was is known only from the last sync on.
      const synced = now.last_synced_at !== null && now.last_synced_at <= atMs ? now.last_synced_at : null;
      out[i]!.push({
        source: "gaming",
        id: `${r.wallet_id}:${r.platform}`,
        name: `${platformOf(r.platform)?.label ?? r.platform} (${r.address.slice(0, 6)}…${r.address.slice(-4)})`,
        currency: "USD",
        valueMinor: decimalToMinor(r.value_usd!, 2),
        asOf: iso(synced ?? r.synced_at),
        stale: synced !== null && atMs - synced > GAMING_STALE_AFTER_MS,
        knownSince: r.linked_at,
      });
    });
  }
  return out;
}

export async function gamingHoldings(svc: Services, spaceId: string, atMs: number): Promise<Holding[]> {
  const res = await gamingPositionsStatement(svc.env.DB, { sql: "?", params: [spaceId] }, atMs).all<PointRow>();
  return gamingHoldingsAt(res.results, [atMs])[0]!;
}
