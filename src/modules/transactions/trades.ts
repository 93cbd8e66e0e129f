/**
 * Trade history (seed 002): the space's investment trades, newest first, as a
 * bare array paged by a 0-based page number.
 */
import type { AuthContext, Services } from "../../env";
import { isoInZone } from "../../lib/zoned-time";
import { type Currency, CURRENCY_SCALES, formatMinor, parseMajor } from "../../lib/money";
import { readSpace } from "../spaces/access";
import { guardedValue, type SqlGuard } from "../../lib/sql";
import { heldAgain, relinkedAccountsSql } from "../../lib/relinks";
import { TRANSACTION_COLUMNS, transactionOfRow } from "./columns";
import { type ZoneFreeWindow, zoneFreePageStatements, zoneFreePage } from "./list";

export const TRADES_PAGE_SIZE = 50;

/**
 * An exchange account linked again imports its trades anew into its successor (relinks.ts): the old account's
 * trades from the successor's first imported row on are listed by the successor only, as cash flow counts them.
 * The space's relinked accounts and their cut-offs are worked out once for the statement (MATERIALIZED), not
 * once for each trade row read.
 */
const notRelisted = (space: SqlGuard) => ({
  sql: `NOT EXISTS (WITH r AS MATERIALIZED (${relinkedAccountsSql(space.sql)}) SELECT 1 FROM r WHERE r.id = t.account_id AND ${heldAgain("t", "r.since")})`,
  params: space.params,
});

/** The statements reading page `page` of the trades of the space `space` names, within window `w` (zoneFreePageStatements). */
export function tradePageStatements(db: D1Database, space: SqlGuard, w: ZoneFreeWindow, page: number): D1PreparedStatement[] {
  const relisted = notRelisted(space);
  return zoneFreePageStatements(db, {
    page: (where) => `SELECT ${TRANSACTION_COLUMNS} FROM transactions t WHERE ${where} ORDER BY t.date DESC, t.id DESC`,
    // A synced trade has a row on each account it touches (the exchange's cash and coin); it is listed once,
    // by its row in the currency it was priced in (the record's `quote`), as a manual trade's one row is.
    where: [`t.space_id = ${space.sql}`, "t.type = 'trade'", "t.currency = COALESCE(json_extract(t.trade, '$.quote'), t.currency)", relisted.sql],
    params: [...space.params, ...relisted.params],
    window: w,
    limit: TRADES_PAGE_SIZE,
    offset: page * TRADES_PAGE_SIZE,
    count: false,
  });
}

/**
 * The session, the caller's role and a page of trades in one round trip: a bare-date window is read
 * before the space's zone is known and trimmed to it (zoneFreePageStatements).
 */
export async function tradeHistory(svc: Services, auth: AuthContext, q: { spaceId: string; from?: string; to?: string; page: number }) {
  const db = svc.env.DB;
  const window = { from: q.from, to: q.to };
  const pageOver = (space: SqlGuard) => (w: ZoneFreeWindow) => tradePageStatements(db, space, w, q.page);
  const { membership, results } = await readSpace(svc, auth, q.spaceId, "viewer", (space) => pageOver(space)(window));
  const { space } = membership;
  const rows = (await zoneFreePage(db, window, space.timezone, TRADES_PAGE_SIZE, results, pageOver(guardedValue(q.spaceId)))).rows.map(transactionOfRow);
  return rows.map((r) => {
    const t = JSON.parse(r.trade!) as TradeRecord;
    const scale = CURRENCY_SCALES[r.currency as Currency];
    const { gross, net } = cashOf(t, r.amount, r.currency, scale);
    const executedAt = isoInZone(r.date, space.timezone);
    return {
      orderId: r.id,
      accountId: r.accountId,
      transactionType: t.side.toUpperCase() as "BUY" | "SELL",
      tradingSymbol: t.symbol,
      customSymbol: r.description,
      tradedQuantity: t.quantity,
      tradedPrice: t.unitPrice,
      grossAmount: gross,
      fees: t.fees,
      feesCurrency: t.feesCurrency ?? r.currency,
      /** Cash the account paid (negative) or received, fees in its currency included. */
      netAmount: formatMinor(net, scale),
      currency: r.currency,
      status: r.status,
      // Seed 002's "YYYY-MM-DD HH:MM:SS", in the space's zone like every date.
      exchangeTime: executedAt.replace("T", " ").slice(0, 19),
      executedAt,
      ledgerTxid: r.ledgerSeq,
    };
  });
}

/**
 * A trade's record: a manual trade's (trades.ts in the ledger's write path: `gross`, fees in the account's
 * currency, its row's amount the net) or a synced one's (the exchange's: `quote`, `feesCurrency`, its cash
 * row's amount the gross, the fee a row of its own).
 */
interface TradeRecord {
  symbol: string;
  side: string;
  quantity: string;
  unitPrice: string;
  fees: string;
  gross?: string;
  quote?: string;
  feesCurrency?: string;
}

/** The gross and the net cash of trade `t` whose listed row moved `amount` of `currency`. */
function cashOf(t: TradeRecord, amount: number, currency: string, scale: number): { gross: string; net: number } {
  if (t.gross !== undefined) return { gross: t.gross, net: amount };
  const fee = t.feesCurrency === undefined || t.feesCurrency === currency ? parseMajor(t.fees, scale) : null;
  return { gross: formatMinor(Math.abs(amount), scale), net: fee?.ok ? amount - fee.minor : amount };
}
