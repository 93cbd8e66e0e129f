/** Per-account views of transactions: the seed 001 list and the seed 002 statement. */
import { createRoute, z } from "@hono/zod-openapi";
import { CalendarDay } from "../../lib/dates";
import { access, bearer, createRouter, errors, json } from "../../lib/openapi";
import { guards } from "../../middleware/auth";
import { AccountIdParam } from "../accounts/schemas";
import { AccountTransactionListSchema, AccountTransactionsQuery } from "./schemas";
import { listAccountTransactions } from "./list";
import { accountStatement } from "./statement";

export const accountTransactionRoutes = createRouter();
const tags = ["Accounts"];
const user = { middleware: guards.user, security: bearer };

accountTransactionRoutes.openapi(
  createRoute({
    ...access("viewer"),
    ...user, method: "get", path: "/{accountId}/transactions", tags, summary: "An account's transactions (seed 001 filters)",
    request: { params: AccountIdParam, query: AccountTransactionsQuery },
    responses: { 200: json(AccountTransactionListSchema, "A page"), ...errors(401, 404, 422, 429) },
  }),
  async (c) =>
    c.json(await listAccountTransactions(c.get("services"), c.get("auth"), c.req.valid("param").accountId, c.req.valid("query")), 200),
);

const Money = z.string().openapi({ example: "1250.00" });
const Statement = z
  .object({
    accountId: z.string(),
    currency: z.string(),
    from: z.string(),
    to: z.string(),
    openingBalance: Money,
    closingBalance: Money,
    currentBalance: Money.openapi({ description: "The account's balance now, future-dated entries included; equals closingBalance when `to` is omitted" }),
    totalDebit: Money,
    totalCredit: Money,
    entries: z.array(
      z.object({
        date: z.string(),
        narration: z.string(),
        voucherNumber: z.string(),
        ledgerTxid: z.number().int(),
        debit: Money,
        credit: Money,
        runningBalance: Money,
      }),
    ),
  })
  .openapi("AccountStatement");

accountTransactionRoutes.openapi(
  createRoute({
    ...access("viewer"),
    ...user, method: "get", path: "/{accountId}/ledger", tags,
    summary: "Statement for a date range: debit, credit and running balance per entry (exact decimals)",
    description:
      "Entries in value-date order, days in the space's time zone. `from` defaults to 30 days ago (30 days before `to` when `to` is earlier); without `to` the statement runs through " +
      "the later of today and the last entry, so its closing balance is the account's balance. A back-dated entry appears on its date.",
    request: {
      params: AccountIdParam,
      query: z.object({ from: CalendarDay.optional(), to: CalendarDay.optional() }),
    },
    responses: { 200: json(Statement, "The statement"), ...errors(401, 404, 422, 429) },
  }),
  async (c) => c.json(await accountStatement(c.get("services"), c.get("auth"), c.req.valid("param").accountId, c.req.valid("query")), 200),
);
