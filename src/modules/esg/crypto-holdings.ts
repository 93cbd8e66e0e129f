/**
 * Crypto holdings of a space: its active ledger accounts whose currency is a
 * crypto asset (`BTC/8`, `ETH/8`, ...), with balances read from the ledger's
 * volumes (the ledger is the record; nothing is copied). Balances of the same
 * asset across accounts are added up.
 */
import type { Services } from "../../env";
import { exactSumSql, IN_JSON_LIST, jsonList, readExactSum, type SqlGuard } from "../../lib/sql";
import { COINGECKO_IDS } from "../prices/assets";
import { ESG_DATASET } from "./dataset";

/** Currencies treated as crypto assets even on accounts not typed `crypto`. */
export const CRYPTO_SYMBOLS: readonly string[] = [...new Set([...Object.keys(COINGECKO_IDS), ...ESG_DATASET.assets.map((a) => a.symbol)])];

export interface CryptoHolding {
  symbol: string;
  /** Minor units at `scale`. */
  quantityMinor: bigint;
  scale: number;
  accountIds: string[];
}

export interface Row {
  id: string;
  currency: string;
  asset: string;
  /** Minor units: a number from the volumes, exact text from `exactSumSql` for a past instant. */
  balance: number | string;
}

/** The condition on `accounts a` of the space's active accounts held in a crypto asset: binds `space`'s parameters, then the crypto symbols. */
const cryptoAccountsOf = (space: SqlGuard) => ({
  sql: `a.space_id = ${space.sql} AND a.is_active = 1 AND (a.type = 'crypto' OR a.currency ${IN_JSON_LIST})`,
  params: [...space.params, jsonList(CRYPTO_SYMBOLS)],
});

/**
 * SQL selecting the currencies of the space's crypto accounts (a superset of its holdings' symbols), for
 * a read in the same batch (e.g. their cached prices). Binds its `params`.
 */
export const cryptoSymbolsSql = (space: SqlGuard) => {
  const a = cryptoAccountsOf(space);
  return { sql: `SELECT a.currency FROM accounts a WHERE ${a.sql}`, params: a.params };
};

/**
 * The rows `holdingsFrom` takes: the current holdings (ledger volumes), or with `beforeMs` the holdings
 * at that instant (the sum of the accounts' entries value-dated before it). `space` names the space (a
 * guarded value, for a role check's batch).
 */
export function cryptoHoldingsStatement(db: D1Database, space: SqlGuard, beforeMs?: number): D1PreparedStatement {
  const a = cryptoAccountsOf(space);
  if (beforeMs === undefined) {
    return db.prepare(
      `SELECT a.id, a.currency, v.asset, v.input - v.output AS balance
         FROM accounts a JOIN ledger_volumes v ON v.space_id = a.space_id AND v.address = 'accounts:' || a.id
        WHERE ${a.sql}
        ORDER BY a.created_at, a.id`,
    ).bind(...a.params);
  }
  return db.prepare(
    `SELECT a.id, a.currency, e.asset, ${exactSumSql("e.amount")} AS balance
       FROM accounts a JOIN ledger_entries e ON e.space_id = a.space_id AND e.address = 'accounts:' || a.id
      WHERE ${a.sql} AND e.timestamp < ?
      GROUP BY a.id, e.asset ORDER BY a.created_at, a.id`,
  ).bind(...a.params, beforeMs);
}

/** Holdings by symbol from `cryptoHoldingsStatement`'s rows: each account's own asset, balances of an asset added up. */
export function holdingsFrom(rows: Row[]): CryptoHolding[] {
  const bySymbol = new Map<string, CryptoHolding>();
  for (const r of rows) {
    const [code, scaleText] = r.asset.split("/");
    if (code !== r.currency) continue; // only the account's own asset
    const scale = scaleText === undefined ? 0 : Number(scaleText);
    const h = bySymbol.get(code) ?? { symbol: code, quantityMinor: 0n, scale, accountIds: [] };
    if (h.scale !== scale) continue; // one scale per asset (the account currency's)
    h.quantityMinor += typeof r.balance === "string" ? readExactSum(r.balance) : BigInt(r.balance);
    h.accountIds.push(r.id);
    bySymbol.set(code, h);
  }
  return [...bySymbol.values()];
}

/** The holdings now, or at `beforeMs`, read on their own. */
export async function cryptoHoldings(svc: Services, spaceId: string, beforeMs?: number): Promise<CryptoHolding[]> {
  return holdingsFrom((await cryptoHoldingsStatement(svc.env.DB, { sql: "?", params: [spaceId] }, beforeMs).all<Row>()).results);
}
