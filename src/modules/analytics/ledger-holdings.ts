/**
 * The ledger's accounts as holdings: each account's balance at an instant is
 * the sum of its entries dated before that instant (entries carry their value
 * date), read from `ledger_entries`, never from a stored snapshot. Cash is in
 * the account's currency; coins (a BTC/8 account) and securities units (AAPL/8
 * in a brokerage account) are holdings in their symbol, valued by a market
 * price where one is known. Each account appears once per asset it holds.
 */
import type { Services } from "../../env";
import { dateOfDay, localDayOf } from "./days";
import type { Holding } from "./net-worth-sources";

/** `accounts:` addresses as an index range (address, then time: the ledger_entries_time_idx index). */
const ACCOUNT_RANGE = "address >= 'accounts:' AND address < 'accounts;'";

export interface AccountInfo {
  id: string;
  name: string;
  type: string;
  currency: string;
  isActive: boolean;
}

export async function accountsOf(svc: Services, spaceId: string): Promise<Map<string, AccountInfo>> {
  const res = await svc.env.DB.prepare("SELECT id, name, type, currency, is_active FROM accounts WHERE space_id = ?")
    .bind(spaceId)
    .all<{ id: string; name: string; type: string; currency: string; is_active: number }>();
  return new Map(res.results.map((a) => [a.id, { id: a.id, name: a.name, type: a.type, currency: a.currency, isActive: !!a.is_active }]));
}

export interface AccountBalance {
  accountId: string;
  /** Ledger asset, `USD/2`, `BTC/8`, `AAPL/8`. */
  asset: string;
  minor: bigint;
}

const key = (accountId: string, asset: string) => `${accountId}|${asset}`;

/**
 * Balances of every account and asset at each instant of `points` (ascending,
 * exclusive: entries dated before the instant). Two statements whatever the
 * number of points: the balances before the first point, and the day-by-day
 * movements between the first and the last.
 */
export async function accountBalancesAt(svc: Services, spaceId: string, points: number[]): Promise<Map<string, bigint>[]> {
  if (points.length === 0) return [];
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const db = svc.env.DB;
  const stmts = [
    db.prepare(`SELECT address, asset, CAST(SUM(amount) AS TEXT) AS total FROM ledger_entries WHERE space_id = ? AND ${ACCOUNT_RANGE} AND timestamp < ? GROUP BY address, asset`).bind(spaceId, first),
  ];
  if (last > first && points.length === 2) {
    // Two instants: the movements between them per account and asset, in one sum (stamped with the second instant).
    stmts.push(
      db.prepare(
        `SELECT address, asset, ? AS timestamp, CAST(SUM(amount) AS TEXT) AS total FROM ledger_entries
          WHERE space_id = ? AND ${ACCOUNT_RANGE} AND timestamp >= ? AND timestamp < ? GROUP BY address, asset`,
      ).bind(first, spaceId, first, last),
    );
  } else if (last > first) {
    stmts.push(
      db.prepare(
        `SELECT address, asset, timestamp, CAST(SUM(amount) AS TEXT) AS total FROM ledger_entries
          WHERE space_id = ? AND ${ACCOUNT_RANGE} AND timestamp >= ? AND timestamp < ? GROUP BY address, asset, timestamp ORDER BY timestamp`,
      ).bind(spaceId, first, last),
    );
  }
  const [opening, moves] = await db.batch<{ address: string; asset: string; timestamp?: number; total: string }>(stmts);
  const running = new Map<string, bigint>();
  for (const r of opening!.results) running.set(key(r.address.slice("accounts:".length), r.asset), BigInt(r.total));
  const out: Map<string, bigint>[] = [new Map(running)];
  const rows = moves?.results ?? [];
  let i = 0;
  for (let p = 1; p < points.length; p++) {
    while (i < rows.length && rows[i]!.timestamp! < points[p]!) {
      const r = rows[i++]!;
      const k = key(r.address.slice("accounts:".length), r.asset);
      running.set(k, (running.get(k) ?? 0n) + BigInt(r.total));
    }
    out.push(new Map(running));
  }
  return out;
}

/** Turns balances into holdings: one per account and asset; cash in the account's currency, units in their symbol. */
export function holdingsFromBalances(balances: Map<string, bigint>, accounts: Map<string, AccountInfo>, asOf: string, includeZero: boolean): Holding[] {
  const out: Holding[] = [];
  const seen = new Set<string>();
  for (const [k, minor] of balances) {
    const [accountId, asset] = k.split("|") as [string, string];
    const symbol = asset.split("/")[0]!;
    const acc = accounts.get(accountId);
    seen.add(accountId);
    if (minor === 0n && !includeZero) continue;
    const isCash = acc ? symbol === acc.currency : true;
    out.push({
      source: "ledger",
      id: isCash ? accountId : `${accountId}:${symbol}`,
      name: acc ? (isCash ? acc.name : `${acc.name} · ${symbol}`) : accountId,
      currency: symbol,
      valueMinor: minor,
      asOf,
    });
  }
  if (includeZero) {
    for (const acc of accounts.values()) {
      if (!seen.has(acc.id)) out.push({ source: "ledger", id: acc.id, name: acc.name, currency: acc.currency, valueMinor: 0n, asOf });
    }
  }
  return out;
}

/** The `HoldingsSource` of the ledger's accounts. */
export async function ledgerAccountHoldings(svc: Services, spaceId: string, atMs: number): Promise<Holding[]> {
  const [accounts, [balances], tz] = await Promise.all([
    accountsOf(svc, spaceId),
    accountBalancesAt(svc, spaceId, [atMs]),
    svc.env.DB.prepare("SELECT timezone FROM spaces WHERE id = ?").bind(spaceId).first<string>("timezone"),
  ]);
  return holdingsFromBalances(balances!, accounts, dateOfDay(localDayOf(atMs - 1, tz ?? "UTC")), true);
}
