/**
 * Crypto holdings of a space: the crypto assets (`BTC/8`, `ETH/8`, ...) its
 * active ledger accounts hold, a coin wallet's own or coins bought in a
 * brokerage, with balances read from the ledger's volumes (the ledger is the
 * record; nothing is copied). Balances of the same asset across accounts are
 * added up.
 */
import type { Services } from "../../env";
import { FIAT_CURRENCIES } from "../../lib/money";
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

/**
 * The condition on `accounts a` (the space's active accounts) and an asset column of theirs that holds a crypto
 * asset: a coin account's own (`BTC/8` in a BTC wallet) and coin units bought in any other account (`ETH/8` in a
 * USD brokerage), which net worth values too; an account typed `crypto` holds its own asset whatever its symbol,
 * but a fiat currency's: an exchange's peso balance (Bitso's MXN account, typed `crypto`) is money, not a coin the
 * data set lacks. Binds `space`'s parameters, then the fiat codes, then the crypto symbols.
 */
const cryptoAssetsOf = (space: SqlGuard, asset: string) => ({
  sql: `a.space_id = ${space.sql} AND a.is_active = 1
    AND ((a.type = 'crypto' AND ${symbolOf(asset)} = a.currency AND a.currency NOT ${IN_JSON_LIST}) OR ${symbolOf(asset)} ${IN_JSON_LIST})`,
  params: [...space.params, jsonList(FIAT_CURRENCIES), jsonList(CRYPTO_SYMBOLS)],
});

/** An asset's code in SQL (`ETH` of `ETH/8`). */
const symbolOf = (asset: string) => `substr(${asset}, 1, instr(${asset} || '/', '/') - 1)`;

/**
 * SQL selecting the crypto symbols the space's accounts hold (a superset of its holdings' symbols: balances of
 * zero too), for a read in the same batch (e.g. their cached prices). Binds its `params`.
 */
export const cryptoSymbolsSql = (space: SqlGuard) => {
  const a = cryptoAssetsOf(space, "v.asset");
  return {
    sql: `SELECT ${symbolOf("v.asset")} FROM accounts a JOIN ledger_volumes v ON v.space_id = a.space_id AND v.address = 'accounts:' || a.id WHERE ${a.sql}`,
    params: a.params,
  };
};

/**
 * The rows `holdingsFrom` takes: the current holdings (ledger volumes), or with `beforeMs` the holdings
 * at that instant (the sum of the accounts' entries value-dated before it). `space` names the space (a
 * guarded value, for a role check's batch).
 */
export function cryptoHoldingsStatement(db: D1Database, space: SqlGuard, beforeMs?: number): D1PreparedStatement {
  if (beforeMs === undefined) {
    const a = cryptoAssetsOf(space, "v.asset");
    return db.prepare(
      `SELECT a.id, a.currency, v.asset, v.input - v.output AS balance
         FROM accounts a JOIN ledger_volumes v ON v.space_id = a.space_id AND v.address = 'accounts:' || a.id
        WHERE ${a.sql}
        ORDER BY a.created_at, a.id`,
    ).bind(...a.params);
  }
  const a = cryptoAssetsOf(space, "e.asset");
  return db.prepare(
    `SELECT a.id, a.currency, e.asset, ${exactSumSql("e.amount")} AS balance
       FROM accounts a JOIN ledger_entries e ON e.space_id = a.space_id AND e.address = 'accounts:' || a.id
      WHERE ${a.sql} AND e.timestamp < ?
      GROUP BY a.id, e.asset ORDER BY a.created_at, a.id`,
  ).bind(...a.params, beforeMs);
}

/** Holdings by symbol from `cryptoHoldingsStatement`'s rows (crypto assets only), balances of an asset added up. */
export function holdingsFrom(rows: Row[]): CryptoHolding[] {
  const bySymbol = new Map<string, CryptoHolding>();
  for (const r of rows) {
    const [code, scaleText] = r.asset.split("/");
    if (code === undefined) continue;
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
