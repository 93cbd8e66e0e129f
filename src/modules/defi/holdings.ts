/**
 * DeFi positions as net-worth holdings, for analytics: each stored position
 * once (a position is unique per wallet and key, and a wallet address is
 * unique per space), valued at its last sync in USD minor units. Positions
 * first seen after an instant are left out at that instant; a value whose
 * sync is more than a day older than the instant is marked stale. Converting
 * to the space's currency is the caller's (it owns exchange rates). One
 * statement reads the positions for any number of instants.
 */
import type { Services } from "../../env";
import { iso } from "../../lib/clock";
import type { SqlGuard } from "../../lib/sql";
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

interface PositionRow {
  id: string;
  protocol: string;
  network: string;
  label: string;
  total_value_usd: string;
  first_seen_at: number;
  synced_at: number;
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

/** The positions of the space `space` names (a guarded value) first seen by `lastMs`. */
export const defiPositionsStatement = (db: D1Database, space: SqlGuard, lastMs: number) =>
  db.prepare(
    `SELECT p.id, p.protocol, p.network, p.label, p.total_value_usd, p.first_seen_at, p.synced_at, ${walletKnownSinceSql("w")} AS linked_at FROM defi_positions p
       JOIN defi_wallets w ON w.id = p.wallet_id AND w.space_id = p.space_id
      WHERE p.space_id = ${space.sql} AND p.first_seen_at <= ? ORDER BY p.id`,
  ).bind(...space.params, lastMs);

/** The positions held at each of `instants`, from `defiPositionsStatement`'s rows. */
export function defiHoldingsAt(rows: PositionRow[], instants: number[]): Holding[][] {
  return instants.map((atMs) =>
    rows
      .filter((p) => p.first_seen_at <= atMs)
      .map((p) => ({
        source: "defi" as const,
        id: p.id,
        name: `${p.protocol} ${p.label} (${p.network})`,
        currency: "USD",
        valueMinor: decimalToMinor(p.total_value_usd, 2),
        asOf: iso(p.synced_at),
        stale: atMs - p.synced_at > DEFI_STALE_AFTER_MS,
        knownSince: p.linked_at,
      })),
  );
}

export async function defiHoldings(svc: Services, spaceId: string, atMs: number): Promise<Holding[]> {
  const res = await defiPositionsStatement(svc.env.DB, { sql: "?", params: [spaceId] }, atMs).all<PositionRow>();
  return defiHoldingsAt(res.results, [atMs])[0]!;
}
