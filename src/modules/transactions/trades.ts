/**
 * Trade history (seed 002): the space's investment trades, newest first, as a
 * bare array paged by a 0-based page number.
 */
import { and, desc, eq, gte, lt } from "drizzle-orm";
import type { AuthContext, Services } from "../../env";
import { transactions } from "../../db/schema";
import { endOfDateExclusive } from "../../lib/dates";
import { type Currency, CURRENCY_SCALES, formatMinor } from "../../lib/money";
import { requireSpaceRole } from "../spaces/access";

export const TRADES_PAGE_SIZE = 50;

export async function tradeHistory(svc: Services, auth: AuthContext, q: { spaceId: string; from?: string; to?: string; page: number }) {
  await requireSpaceRole(svc, auth, q.spaceId, "viewer");
  const where = [eq(transactions.spaceId, q.spaceId), eq(transactions.type, "trade")];
  if (q.from) where.push(gte(transactions.date, Date.parse(`${q.from}T00:00:00Z`)));
  if (q.to) where.push(lt(transactions.date, endOfDateExclusive(q.to)));
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
      exchangeTime: new Date(r.date).toISOString().replace("T", " ").slice(0, 19),
      ledgerTxid: r.ledgerSeq,
    };
  });
}
