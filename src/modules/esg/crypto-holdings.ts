/**
 * Crypto holdings of a space: its active ledger accounts whose currency is a
 * crypto asset (`BTC/8`, `ETH/8`, ...), with balances read from the ledger's
 * volumes (the ledger is the record; nothing is copied). Balances of the same
 * asset across accounts are added up.
 */
import type { Services } from "../../env";
import { IN_JSON_LIST, jsonList } from "../../lib/sql";
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

interface Row {
  id: string;
  currency: string;
  asset: string;
  balance: number;
}

/**
 * Current holdings (ledger volumes), or with `beforeMs` the holdings at that
 * instant: the sum of the accounts' entries value-dated before it.
 */
export async function cryptoHoldings(svc: Services, spaceId: string, beforeMs?: number): Promise<CryptoHolding[]> {
  const res =
    beforeMs === undefined
      ? await svc.env.DB.prepare(
          `SELECT a.id, a.currency, v.asset, v.input - v.output AS balance
             FROM accounts a JOIN ledger_volumes v ON v.space_id = a.space_id AND v.address = 'accounts:' || a.id
            WHERE a.space_id = ? AND a.is_active = 1 AND (a.type = 'crypto' OR a.currency ${IN_JSON_LIST})
            ORDER BY a.created_at, a.id`,
        )
          .bind(spaceId, jsonList(CRYPTO_SYMBOLS))
          .all<Row>()
      : await svc.env.DB.prepare(
          `SELECT a.id, a.currency, e.asset, SUM(e.amount) AS balance
             FROM accounts a JOIN ledger_entries e ON e.space_id = a.space_id AND e.address = 'accounts:' || a.id
            WHERE a.space_id = ? AND a.is_active = 1 AND (a.type = 'crypto' OR a.currency ${IN_JSON_LIST}) AND e.timestamp < ?
            GROUP BY a.id, e.asset ORDER BY a.created_at, a.id`,
        )
          .bind(spaceId, jsonList(CRYPTO_SYMBOLS), beforeMs)
          .all<Row>();
  const bySymbol = new Map<string, CryptoHolding>();
  for (const r of res.results) {
    const [code, scaleText] = r.asset.split("/");
    if (code !== r.currency) continue; // only the account's own asset
    const scale = scaleText === undefined ? 0 : Number(scaleText);
    const h = bySymbol.get(code) ?? { symbol: code, quantityMinor: 0n, scale, accountIds: [] };
    if (h.scale !== scale) continue; // one scale per asset (the account currency's)
    h.quantityMinor += BigInt(r.balance);
    h.accountIds.push(r.id);
    bySymbol.set(code, h);
  }
  return [...bySymbol.values()];
}
