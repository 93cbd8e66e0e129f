import { queryInt } from "../../lib/query-int";
import { z } from "@hono/zod-openapi";
import { DateOrDateTime, DateOrDateTimeBound, orderedRange } from "../../lib/dates";
import { CURRENCIES } from "../../lib/money";
import { MajorAmount } from "../../lib/amount-schema";
import { Pagination } from "../accounts/schemas";

/** Optional on money movements: when sent it must be the account's currency (never converted, never ignored). */
const AccountCurrency = z.enum(CURRENCIES).optional().openapi({ description: "If sent, must equal the account's currency" });

export const TRANSACTION_TYPES = ["income", "expense", "transfer", "trade", "fee", "other"] as const;
export const TRANSACTION_STATUSES = ["pending", "posted", "settled", "failed", "cancelled"] as const;

/** Seed 001's subtypes by type. */
export const SUBTYPES: Record<(typeof TRANSACTION_TYPES)[number], readonly string[]> = {
  trade: ["buy", "sell", "short_sell", "buy_to_cover"],
  transfer: ["deposit", "withdrawal", "transfer_in", "transfer_out", "wire_in", "wire_out", "ach_in", "ach_out"],
  income: ["dividend", "interest", "capital_gain", "return_of_capital"],
  fee: ["commission", "management_fee", "margin_interest", "other_fee"],
  expense: [],
  other: ["opening_balance", "adjustment"],
};

const Tags = z.array(z.string().trim().min(1).max(50)).max(20);
const Location = z.object({
  address: z.string().max(300).optional(),
  coordinates: z.object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }).strict().optional(),
}).strict();

export const TradeInput = z
  .object({
    symbol: z.string().regex(/^[A-Z][A-Z0-9]{0,15}$/, { message: "Upper-case letters and digits, e.g. AAPL" }),
    side: z.enum(["buy", "sell"]),
    quantity: MajorAmount.openapi({ example: "1.5" }),
    unitPrice: MajorAmount.openapi({
      example: "190.25",
      description: "In the account's currency, up to 18 decimals (a coin priced in another may be worth less than its smallest unit) and of any size: only quantity × unitPrice, rounded half-up once to the currency's minor unit, must fit as an amount",
    }),
    fees: MajorAmount.optional(),
  })
  .strict()
  .openapi("TradeInput");

export const CreateTransactionBody = z
  .object({
    spaceId: z.string().min(1).max(64),
    accountId: z.string().min(1).max(64),
    amount: MajorAmount.optional().openapi({ description: "Signed: negative spends, positive receives. Computed for trades." }),
    currency: AccountCurrency,
    description: z.string().trim().min(1).max(500),
    merchantName: z.string().trim().max(200).optional(),
    date: DateOrDateTime,
    categoryId: z.string().min(1).max(64).optional(),
    tags: Tags.optional(),
    notes: z.string().max(2000).optional(),
    location: Location.optional(),
    type: z.enum(["income", "expense", "fee", "other"]).optional(),
    subtype: z.string().max(40).optional(),
    status: z.enum(["pending", "posted"]).optional(),
    trade: TradeInput.optional(),
  })
  .strict()
  // `amount` is optional only because a trade computes it. Judged with the other fields, even when they fail
  // (`when`), so that `{}` names amount among the missing fields at once rather than on the next try.
  .refine((body) => body.trade !== undefined || body.amount !== undefined, {
    path: ["amount"], message: "Required", params: { code: "REQUIRED" },
    when: ({ value }) => isPlainObject(value) && value.trade === undefined && value.amount === undefined,
  })
  .openapi("CreateTransactionRequest");

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export const TransferBody = z
  .object({
    spaceId: z.string().min(1).max(64),
    fromAccountId: z.string().min(1).max(64),
    toAccountId: z.string().min(1).max(64),
    amount: MajorAmount.openapi({ description: "Positive: what leaves fromAccountId, in its currency" }),
    toAmount: MajorAmount.optional().openapi({
      description:
        "Positive: what arrives in toAccountId, in its currency (never converted by the API). Required when the two accounts hold different currencies (fiat ones: a coin for another currency is a trade); between accounts of one currency it may be omitted, or must equal amount.",
    }),
    currency: AccountCurrency.openapi({ description: "If sent, must equal fromAccountId's currency (the currency of amount)" }),
    date: DateOrDateTime,
    description: z.string().trim().min(1).max(500),
  })
  .strict()
  .openapi("TransferRequest", {
    // Between two currencies: 10,000.00 MXN left the peso account and arrived as 500.00 USD.
    example: { spaceId: "spc_123", fromAccountId: "acc_mxn", toAccountId: "acc_usd", amount: "10000.00", toAmount: "500.00", date: "2024-01-01", description: "Pesos to the dollar account" },
  });

export const UpdateTransactionBody = z
  .object({
    categoryId: z.string().min(1).max(64).nullable().optional(),
    tags: Tags.optional(),
    notes: z.string().max(2000).nullable().optional(),
    description: z.string().trim().min(1).max(500).optional(),
    merchantName: z.string().trim().max(200).nullable().optional(),
    status: z.literal("posted").optional().openapi({
      description: "Posts a manual pending transaction (its amount already counts in the balance: only its status changes). A provider's rows are posted by their sync.",
    }),
  })
  .strict()
  .openapi("UpdateTransactionRequest");

export const BulkCategorizeBody = z
  .object({
    spaceId: z.string().min(1).max(64),
    transactionIds: z.array(z.string().min(1).max(64)).min(1).max(200),
    categoryId: z.string().min(1).max(64),
  })
  .strict()
  .openapi("BulkCategorizeRequest");

export const TransactionSchema = z
  .object({
    id: z.string(),
    spaceId: z.string(),
    accountId: z.string(),
    amount: z.number().openapi({ description: "Major units" }),
    amountDecimal: z.string().openapi({ example: "-45.67", description: "The exact amount as a decimal string" }),
    currency: z.string(),
    description: z.string(),
    merchantName: z.string().nullable(),
    date: z.string().openapi({ description: "ISO 8601 in the space's time zone, with its offset: the date part is the day the transaction is for" }),
    type: z.enum(TRANSACTION_TYPES),
    subtype: z.string().nullable(),
    status: z.enum(TRANSACTION_STATUSES),
    category: z.object({ id: z.string(), name: z.string(), color: z.string().nullable() }).nullable(),
    /** Who chose the category: by hand, a rule, or the learned model. */
    categorySource: z.enum(["manual", "rule", "ml"]).nullable(),
    account: z.object({ id: z.string(), name: z.string() }),
    location: Location.nullable(),
    tags: z.array(z.string()),
    notes: z.string().nullable(),
    transferAccountId: z.string().nullable(),
    trade: z
      .object({
        symbol: z.string(), side: z.string(), quantity: z.string(), unitPrice: z.string(), fees: z.string(),
        gross: z.string().optional().openapi({ description: "A trade written through this API: quantity times unit price, in the account's currency" }),
        quote: z.string().optional().openapi({ description: "A synced trade (Bitso): the currency it was priced in" }),
        book: z.string().optional().openapi({ description: "A synced trade: the exchange's order book, e.g. btc_mxn" }),
        feesCurrency: z.string().optional().openapi({ description: "A synced trade: the currency its fee was charged in (a buy's is the coin)" }),
        tradeId: z.string().optional().openapi({ description: "A synced trade: the exchange's id" }),
      })
      .nullable()
      .openapi({ description: "The trade's record: GET /v1/trades lists every trade in one shape, gross and net included" }),
    ledgerTxid: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Transaction");

export const TransactionIdParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" } }) });

const dateBound = DateOrDateTimeBound;

export const ListTransactionsQuery = z.object({
  spaceId: z.string().min(1).max(64),
  accountId: z.string().max(64).optional(),
  categoryId: z.string().max(64).optional().openapi({
    description: "The category's transactions and, unless includeSubcategories is false, its subcategories' (as budgets and the dashboard count a parent)",
  }),
  includeSubcategories: z.enum(["true", "false"]).optional().transform((v) => v !== "false").openapi({
    description: "With categoryId: false lists the category's own transactions only. Default true",
  }),
  type: z.enum(TRANSACTION_TYPES).optional(),
  status: z.enum(TRANSACTION_STATUSES).optional(),
  startDate: dateBound.optional(),
  endDate: dateBound.optional().openapi({ description: "Inclusive; a bare date includes that whole day" }),
  search: z.string().trim().min(1).max(100).optional().openapi({
    description:
      "Text found anywhere in the description or the merchant name (not the notes), taken literally (% _ \\ and quotes are letters). " +
      "Case, accents, full-width forms and invisible format characters are ignored: `cafe` finds `Café`, `SAO PAULO` finds `São Paulo`",
  }),
  limit: queryInt(1, 200).default(50),
  offset: queryInt(0, 1_000_000).default(0),
}).superRefine(orderedRange("startDate", "endDate"));

export const AccountTransactionsQuery = z.object({
  transactionType: z.enum(TRANSACTION_TYPES).optional(),
  status: z.enum(TRANSACTION_STATUSES).optional(),
  startDate: dateBound.optional(),
  endDate: dateBound.optional(),
  // Seed 001 shows 1-100; API.md's lists take up to 200, as the space's list does.
  limit: queryInt(1, 200).default(50),
  offset: queryInt(0, 1_000_000).default(0),
}).superRefine(orderedRange("startDate", "endDate"));

export const TransactionListSchema = z
  .object({ transactions: z.array(TransactionSchema), pagination: Pagination })
  .openapi("TransactionList");

export const AccountTransactionListSchema = z
  .object({ transactions: z.array(TransactionSchema), pagination: Pagination, totalCount: z.number().int(), hasMore: z.boolean() })
  .openapi("AccountTransactionList");
