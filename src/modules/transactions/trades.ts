/**
 * Trade history (seed 002): the space's investment trades, newest first, as a
 * bare array paged by a 0-based page number.
 */
import { and, desc, eq, gte, lt } from "drizzle-orm";
import type { AuthContext, Services } from "../../env";
import { transactions } from "../../db/schema";
import { instantIn, rangeEndExclusive } from "../../lib/dates";
import { isoInZone } from "../../lib/zoned-time";
import { type Currency, CURRENCY_SCALES, formatMinor } from "../../lib/money";
import { requireSpaceRole } from "../spaces/access";

export const TRADES_PAGE_SIZE = 50;

export async function tradeHistory(svc: Services, auth: AuthContext, q: { spaceId: string; from?: string; to?: string; page: number }) {
  const { space } = await requireSpaceRole(svc, auth, q.spaceId, "viewer");
  const where = [eq(transactions.spaceId, q.spaceId), eq(transactions.type, "trade")];
  if (q.from) where.push(gte(transactions.date, instantIn(q.from, space.timezone)));
  if (q.to) where.push(lt(transactions.date, rangeEndExclusive(q.to, space.timezone)));
  const rows = await svc.db
    .select()
    .from(transactions)
    .where(and(...where))
    .orderBy(desc(transactions.date), desc(transactions.id))
    .limit(TRADES_PAGE_SIZE)
    .offset(q.page * TRADES_PAGE_SIZE);
  return rows.map((r) => {
    const t = JSON.parse(r.trade!) as { symbol: string; side: string; quantity: string; unitPrice: string; fees: string; gross: string };
    return {
      orderId: r.id,
      accountId: r.accountId,
      transactionType: t.side.toUpperCase() as "BUY" | "SELL",
      tradingSymbol: t.symbol,
      customSymbol: r.description,
      tradedQuantity: t.quantity,
      tradedPrice: t.unitPrice,
      grossAmount: t.gross,
      fees: t.fees,
      /** Cash the account paid (negative) or received, fees included. */
      netAmount: formatMinor(r.amount, CURRENCY_SCALES[r.currency as Currency]),
      currency: r.currency,
      status: r.status,
      // Seed 002's "YYYY-MM-DD HH:MM:SS", in the space's zone like every date.
      exchangeTime: isoInZone(r.date, space.timezone).replace("T", " ").slice(0, 19),
      ledgerTxid: r.ledgerSeq,
    };
  });
}
