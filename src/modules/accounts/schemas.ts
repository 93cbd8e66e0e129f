import { CalendarDay } from "../../lib/dates";
import { VisibleName } from "../../lib/visible-text";
import { queryInt } from "../../lib/query-int";
import { z } from "@hono/zod-openapi";
import { CURRENCIES } from "../../lib/money";

/** Account types of seed 000 (checking, savings, credit, crypto, investment) and seed 003, plus loans. */
export const ACCOUNT_TYPES = [
  "checking", "savings", "credit", "credit_card", "loan", "mortgage", "crypto", "investment",
  "brokerage", "ira", "roth_ira", "sep_ira", "simple_ira", "401k", "403b", "money_market", "cd", "hsa",
  "education", "trust", "other",
] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

/** Types whose balance is money owed: they may go negative by default. */
export const OVERDRAFT_BY_DEFAULT: ReadonlySet<AccountType> = new Set(["credit", "credit_card", "loan", "mortgage"]);

export const PROVIDERS = ["manual", "plaid", "belvo", "bitso"] as const;

// Shared with every module that takes amounts; re-exported for the modules that import it from here.
export { MajorAmount } from "../../lib/amount-schema";
import { MajorAmount } from "../../lib/amount-schema";

export const CreateAccountBody = z
  .object({
    spaceId: z.string().min(1).max(64),
    name: VisibleName(120),
    type: z.enum(ACCOUNT_TYPES),
    subtype: z.string().max(40).optional(),
    currency: z.enum(CURRENCIES),
    openingBalance: MajorAmount.optional().openapi({
      description:
        "Major units, as a decimal string (exact) or a JSON number. The balance on openingBalanceDate, as the account sees it: positive for money held, negative for money owed " +
        "(a credit card or loan with 500.00 owed opens at \"-500.00\", as provider-linked ones show their debt)",
    }),
    openingBalanceDate: CalendarDay.optional().openapi({
      description: "The day (in the space's time zone) the opening balance is as of; by default before any entry you record, so back-dated entries find it",
    }),
    allowOverdraft: z.boolean().optional(),
    institutionName: VisibleName(120).optional(),
    /** Stored masked: only the last four digits are kept. */
    accountNumber: z.string().regex(/^[0-9 -]{4,34}$/, { message: "Digits, spaces or dashes" }).optional(),
    routingNumber: z.string().regex(/^[0-9 -]{4,34}$/, { message: "Digits, spaces or dashes" }).optional(),
  })
  .strict()
  .openapi("CreateAccountRequest");

export const UpdateAccountBody = z
  .object({
    name: VisibleName(120).optional(),
    isActive: z.boolean().optional(),
    allowOverdraft: z.boolean().optional(),
    institutionName: VisibleName(120).optional(),
  })
  .strict()
  .openapi("UpdateAccountRequest");

export const AccountSchema = z
  .object({
    id: z.string(),
    spaceId: z.string(),
    name: z.string(),
    type: z.string(),
    subtype: z.string().nullable(),
    provider: z.string(),
    currency: z.string(),
    balance: z.number().openapi({ description: "Major units" }),
    balanceDecimal: z.string().openapi({ example: "1500.00", description: "The exact balance as a decimal string" }),
    isActive: z.boolean(),
    allowOverdraft: z.boolean(),
    lastSyncedAt: z.string().nullable(),
    disconnectedAt: z.string().nullable(),
    metadata: z.object({
      institutionName: z.string().nullable(),
      accountNumber: z.string().nullable(),
      routingNumber: z.string().nullable(),
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Account");

export const AccountIdParam = z.object({
  accountId: z.string().min(1).max(64).openapi({ param: { name: "accountId", in: "path" } }),
});

export const ListAccountsQuery = z.object({
  spaceId: z.string().min(1).max(64),
  provider: z.enum(PROVIDERS).optional(),
  type: z.enum(ACCOUNT_TYPES).optional(),
  limit: queryInt(1, 200).default(50),
  offset: queryInt(0, 1_000_000).default(0),
});

export const Pagination = z.object({ total: z.number().int(), limit: z.number().int(), offset: z.number().int(), hasMore: z.boolean() }).openapi("Pagination");

export const AccountListSchema = z.object({ accounts: z.array(AccountSchema), pagination: Pagination }).openapi("AccountList");

export const SummaryQuery = z.object({ spaceId: z.string().min(1).max(64) });
export const SummarySchema = z
  .object({
    totalCount: z.number().int(),
    activeCount: z.number().int(),
    totalBalanceByCurrency: z.record(z.string(), z.string()).openapi({ example: { USD: "75000.50" } }),
  })
  .openapi("AccountSummary");
