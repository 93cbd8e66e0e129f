/**
 * DeFi positions as net-worth holdings, for analytics: each position once (a position is unique per wallet
 * and key, and a wallet address is unique per space), at the value of the point in effect at an instant
 * (`defi_position_values`, in USD minor units; at most one a day of the space's, holding the day's last
 * value, so within the current day that is the latest): a later day's sync never rewrites a past day. A
 * position counts from the first sync that saw it, and one a sync no longer saw counts until that day's point.
 * Converting to the space's currency is the caller's (it owns exchange rates). One statement reads the
 * points of any number of instants (the ones in effect at each span's start and those inside it).
 */
import type { Services } from "../../env";
import { iso } from "../../lib/clock";
import type { SqlGuard } from "../../lib/sql";
import { groupRuns, historyPointsCte, type Span, valuesInEffect } from "../../lib/value-history";
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
  knownSince?: number;
}

interface PointRow {
  id: string;
  synced_at: number;
  value_usd: string | null;
  /** The position's current row (null once a sync no longer saw it). */
  protocol: string | null;
  network: string | null;
  label: string | null;
  last_synced_at: number | null;
  linked_at: number;
}

/**
 * SQL: when Dhanam first knew the wallet `w` (a table alias): its link, or the first sync that saw any of its
 * DeFi or gaming positions if earlier (a wallet whose rows were carried over). A position first seen later in
 * a wallet known before is new money (a deposit moved into it), not a past Dhanam could not see.
 */
export const walletKnownSinceSql = (w: string) =>
  `MIN(${w}.created_at, COALESCE((SELECT MIN(q.first_seen_at) FROM defi_positions q WHERE q.wallet_id = ${w}.id), ${w}.created_at),
       COALESCE((SELECT MIN(r.first_seen_at) FROM gaming_positions r WHERE r.wallet_id = ${w}.id), ${w}.created_at))`;

/**
 * The value points of the positions of the space `space` names (a guarded value) that decide their values at
 * every instant of `spans` (inclusive, up to `lastMs`), each position's in order.
 */
export const defiPositionsStatement = (db: D1Database, space: SqlGuard, lastMs: number, spans: Span[] = [{ lo: lastMs, hi: lastMs }]) => {
  const cte = historyPointsCte(
    { table: "defi_position_values", keys: ["position_id"], current: "SELECT id FROM defi_positions WHERE space_id = (SELECT id FROM sp)" },
    space,
    spans,
  );
  // CROSS JOIN: the few points chosen drive the read (sorting by the table's key would scan all of it).
  return db.prepare(
    `${cte.sql}
     SELECT v.position_id AS id, v.synced_at, v.value_usd, p.protocol, p.network, p.label, p.synced_at AS last_synced_at, ${walletKnownSinceSql("w")} AS linked_at
       FROM pts CROSS JOIN defi_position_values v ON v.position_id = pts.position_id AND v.synced_at = pts.synced_at
       JOIN defi_wallets w ON w.id = v.wallet_id AND w.space_id = v.space_id
       LEFT JOIN defi_positions p ON p.id = v.position_id
      ORDER BY v.position_id, v.synced_at`,
  ).bind(...cte.params);
};

/** The positions held at each of `instants` (ascending), from `defiPositionsStatement`'s rows. */
export function defiHoldingsAt(rows: PointRow[], instants: number[]): Holding[][] {
  const out: Holding[][] = instants.map(() => []);
  for (const points of groupRuns(rows, (r) => r.id)) {
    const now = points[points.length - 1]!;
    // A closed position's row is gone; it is never listed (only past instants hold it), but a holding has a name.
    const name = now.protocol === null ? "DeFi position (closed)" : `${now.protocol} ${now.label} (${now.network})`;
    valuesInEffect(points, instants).forEach((p, i) => {
      if (!p) return;
      const atMs = instants[i]!;
      // Syncs that changed nothing leave no point, so how fresh a value was is known only from the last sync on.
      const synced = now.last_synced_at !== null && now.last_synced_at <= atMs ? now.last_synced_at : null;
      out[i]!.push({
        source: "defi",
        id: p.id,
        name,
        currency: "USD",
        valueMinor: decimalToMinor(p.value_usd!, 2),
        asOf: iso(synced ?? p.synced_at),
        stale: synced !== null && atMs - synced > DEFI_STALE_AFTER_MS,
        knownSince: p.linked_at,
      });
    });
  }
  return out;
}

export async function defiHoldings(svc: Services, spaceId: string, atMs: number): Promise<Holding[]> {
  const res = await defiPositionsStatement(svc.env.DB, { sql: "?", params: [spaceId] }, atMs).all<PointRow>();
  return defiHoldingsAt(res.results, [atMs])[0]!;
}
