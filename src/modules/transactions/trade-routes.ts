import { queryInt } from "../../lib/query-int";
import { CalendarDay, orderedRange } from "../../lib/dates";
import { createRoute, z } from "@hono/zod-openapi";
import { access, bearer, createRouter, errors, json } from "../../lib/openapi";
import { guards } from "../../middleware/auth";
import { tradeHistory } from "./trades";

export const tradeRoutes = createRouter();

const Trade = z
  .object({
    orderId: z.string(),
    accountId: z.string(),
    transactionType: z.enum(["BUY", "SELL"]),
    tradingSymbol: z.string(),
    customSymbol: z.string(),
    tradedQuantity: z.string(),
    tradedPrice: z.string(),
    grossAmount: z.string(),
    fees: z.string(),
    feesCurrency: z.string().openapi({ description: "The currency of `fees`: the account's for a manual trade; an exchange may charge in the coin" }),
    netAmount: z.string().openapi({ description: "Cash paid (negative) or received, with the fees charged in `currency`" }),
    currency: z.string(),
    status: z.string(),
    exchangeTime: z.string().openapi({ description: "When the trade was made, as the exchange shows it: `YYYY-MM-DD HH:MM:SS` in the space's time zone, without an offset" }),
    executedAt: z.string().openapi({ description: "The same instant with the space's offset, as a transaction's `date` (ISO 8601)" }),
    ledgerTxid: z.number().int(),
  })
  .openapi("Trade");

tradeRoutes.openapi(
  createRoute({
    ...access("viewer"),
    method: "get", path: "/", tags: ["Transactions"], security: bearer, middleware: guards.user,
    summary: "Trade history with fees, newest first; 50 per 0-based page, an empty array after the last",
    request: {
      query: z.object({
        spaceId: z.string().min(1).max(64),
        from: CalendarDay.optional(),
        to: CalendarDay.optional(),
        page: queryInt(0, 100_000).default(0),
      }).superRefine(orderedRange("from", "to")),
    },
    responses: { 200: json(z.array(Trade), "Trades"), ...errors(401, 404, 422, 429) },
  }),
  async (c) => c.json(await tradeHistory(c.get("services"), c.get("auth"), c.req.valid("query")), 200),
);
