/**
 * The ledger's accounts as holdings: each account's balance at an instant is
 * the sum of its entries dated before that instant (entries carry their value
 * date), read from `ledger_entries`, never from a stored snapshot. Cash is in
 * the account's currency; coins (a BTC/8 account) and securities units (AAPL/8
 * in a brokerage account) are holdings in their symbol, valued by a market
 * price where one is known. Each account appears once per asset it holds.
 */
import type { Services } from "../../env";
import { exactSumSql, readExactSum, type SqlGuard } from "../../lib/sql";
import type { Holding } from "./net-worth-sources";
import { handedOverAt } from "../../lib/relinks";

/** `accounts:` addresses as an index range (address, then time: the ledger_entries_time_idx index). */
const ACCOUNT_RANGE = "address >= 'accounts:' AND address < 'accounts;'";

export interface AccountInfo {
  id: string;
  name: string;
  type: string;
  currency: string;
  isActive: boolean;
  /** From when the account is out of net worth (deactivated, disconnected, or linked again); null while it counts. */
  inactiveSince: number | null;
}

/**
 * The space's accounts, and where a relink hands over (relinks.ts): `handed_over_at`, the start of the history
 * that took over an inactive provider account (NULL: none did, or none has synced).
 */
const ACCOUNTS_SQL = (space: string) => `SELECT a.id, a.name, a.type, a.currency, a.is_active, a.disconnected_at,
    CASE WHEN a.is_active = 0 AND a.provider != 'manual' THEN ${handedOverAt("a")} END AS handed_over_at
  FROM accounts a WHERE a.space_id = ${space}`;

type AccountRow = {
  id: string; name: string; type: string; currency: string; is_active: number; disconnected_at: number | null;
  handed_over_at: number | null;
};

/** The space's accounts, for a batch: `space` names the space (a guarded value). */
export const accountsStatement = (db: D1Database, space: SqlGuard) => db.prepare(ACCOUNTS_SQL(space.sql)).bind(...space.params);

export const accountsFrom = (rows: AccountRow[]): Map<string, AccountInfo> =>
  new Map(rows.map((a) => [a.id, {
    id: a.id, name: a.name, type: a.type, currency: a.currency, isActive: !!a.is_active,
    // An account deactivated before the time was recorded is out since always.
    inactiveSince: a.is_active ? null : Math.min(a.disconnected_at ?? Number.NEGATIVE_INFINITY, a.handed_over_at ?? Number.POSITIVE_INFINITY),
  }]));

/**
 * Whether an account counts in net worth at instant `atMs`: an inactive one (deactivated, or its connection
 * disconnected) is out from the moment it was, as in the accounts' summary now, and in as it was before, so
 * that closing an account does not rewrite the past. A bank disconnected and linked again hands over where the
 * successor's history from the provider begins (its opening, dated just before its rows, stands for what the bank
 * held then): the old account is out from that instant. The successor always counts: before that instant it
 * holds only what the user wrote on it (a transfer into it, say), which the old account does not.
 */
export const countsAt = (a: AccountInfo, atMs: number) => a.inactiveSince === null || atMs < a.inactiveSince;

export async function accountsOf(svc: Services, spaceId: string): Promise<Map<string, AccountInfo>> {
  const res = await accountsStatement(svc.env.DB, { sql: "?", params: [spaceId] }).all<AccountRow>();
  return accountsFrom(res.results);
}

export interface AccountBalance {
  accountId: string;
  /** Ledger asset, `USD/2`, `BTC/8`, `AAPL/8`. */
  asset: string;
  minor: bigint;
}

const key = (accountId: string, asset: string) => `${accountId}|${asset}`;

/**
 * Where an instant of a valuation may fall: `lo <= instant <= hi`. The batch that reads the balances is
 * built before the space's zone is known (it rides with the role check), so a local day's end is known
 * only to within a day; `lo === hi` for an instant known exactly.
 */
export interface InstantRange {
  lo: number;
  hi: number;
}

/** Ranges merged where they touch, ascending; more than two become one (a series: every movement by its instant). */
function zonesOf(ranges: InstantRange[]): InstantRange[] {
  const sorted = [...ranges].sort((a, b) => a.lo - b.lo);
  const out: InstantRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.lo <= last.hi) last.hi = Math.max(last.hi, r.hi);
    else out.push({ ...r });
  }
  return out.length > 2 ? [{ lo: out[0]!.lo, hi: out[out.length - 1]!.hi }] : out;
}

type MoveRow = { address: string; asset: string; timestamp?: number; total: string };

/**
 * The statements `balancesAt` reads, whatever the number of instants: the balances before the first
 * range; inside each range the movements by instant; between two ranges their sum (stamped with the
 * gap's start, which every instant after the gap passes and no instant before it does).
 */
export function balanceStatements(db: D1Database, space: SqlGuard, ranges: InstantRange[]): D1PreparedStatement[] {
  if (ranges.length === 0) return [];
  const zones = zonesOf(ranges);
  const from = `FROM ledger_entries WHERE space_id = ${space.sql} AND ${ACCOUNT_RANGE}`;
  const stmts = [db.prepare(`SELECT address, asset, ${exactSumSql("amount")} AS total ${from} AND timestamp < ? GROUP BY address, asset`).bind(...space.params, zones[0]!.lo)];
  zones.forEach((z, i) => {
    if (z.hi > z.lo) {
      stmts.push(
        db.prepare(`SELECT address, asset, timestamp, ${exactSumSql("amount")} AS total ${from} AND timestamp >= ? AND timestamp < ? GROUP BY address, asset, timestamp`)
          .bind(...space.params, z.lo, z.hi),
      );
    }
    const next = zones[i + 1];
    if (next) {
      stmts.push(
        db.prepare(`SELECT address, asset, ? AS timestamp, ${exactSumSql("amount")} AS total ${from} AND timestamp >= ? AND timestamp < ? GROUP BY address, asset`)
          .bind(z.hi, ...space.params, z.hi, next.lo),
      );
    }
  });
  return stmts;
}

/**
 * Balances of every account and asset at each instant of `points` (ascending, exclusive: entries dated
 * before the instant, each within one of the `ranges` the statements were built for), from the results
 * of `balanceStatements`.
 */
export function balancesAt(results: D1Result[], points: number[]): Map<string, bigint>[] {
  if (points.length === 0) return [];
  const [opening, ...rest] = results as D1Result<MoveRow>[];
  const running = new Map<string, bigint>();
  const apply = (r: MoveRow) => {
    const k = key(r.address.slice("accounts:".length), r.asset);
    running.set(k, (running.get(k) ?? 0n) + readExactSum(r.total));
  };
  opening!.results.forEach(apply);
  const rows = rest.flatMap((r) => r.results).sort((a, b) => a.timestamp! - b.timestamp!);
  const out: Map<string, bigint>[] = [];
  let i = 0;
  for (const p of points) {
    while (i < rows.length && rows[i]!.timestamp! < p) apply(rows[i++]!);
    out.push(new Map(running));
  }
  return out;
}

/** Balances at each instant of `points` (ascending, exclusive), read on their own. */
export async function accountBalancesAt(svc: Services, spaceId: string, points: number[]): Promise<Map<string, bigint>[]> {
  if (points.length === 0) return [];
  const stmts = balanceStatements(svc.env.DB, { sql: "?", params: [spaceId] }, points.map((p) => ({ lo: p, hi: p })));
  return balancesAt(await svc.env.DB.batch(stmts), points);
}

/** Turns balances at instant `atMs` (day `asOf`) into holdings: one per account and asset; cash in the account's currency, units in their symbol. */
export function holdingsFromBalances(balances: Map<string, bigint>, accounts: Map<string, AccountInfo>, at: { atMs: number; date: string }, includeZero: boolean): Holding[] {
  const asOf = at.date;
  const out: Holding[] = [];
  const seen = new Set<string>();
  for (const [k, minor] of balances) {
    const [accountId, asset] = k.split("|") as [string, string];
    const symbol = asset.split("/")[0]!;
    const acc = accounts.get(accountId);
    seen.add(accountId);
    if (acc && !countsAt(acc, at.atMs)) continue;
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
      if (!seen.has(acc.id) && countsAt(acc, at.atMs)) out.push({ source: "ledger", id: acc.id, name: acc.name, currency: acc.currency, valueMinor: 0n, asOf });
    }
  }
  return out;
}
