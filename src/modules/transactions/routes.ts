import { createRoute, z } from "@hono/zod-openapi";
import { access, idempotent, bearer, createRouter, errors, json, jsonBody } from "../../lib/openapi";
import { guards } from "../../middleware/auth";
import { idempotencyOf, markReplayed } from "../../middleware/idempotency";
import {
  BulkCategorizeBody,
  CreateTransactionBody,
  ListTransactionsQuery,
  TransactionIdParam,
  TransactionListSchema,
  TransactionSchema,
  TransferBody,
  UpdateTransactionBody,
} from "./schemas";
import { listTransactions } from "./list";
import * as txs from "./service";

export const transactionRoutes = createRouter();
const tags = ["Transactions"];
const user = { middleware: guards.user, security: bearer };

transactionRoutes.openapi(
  createRoute({
    ...access("viewer"),
    ...user, method: "get", path: "/", tags, summary: "List a space's transactions with filters and search",
    request: { query: ListTransactionsQuery },
    responses: { 200: json(TransactionListSchema, "A page"), ...errors(401, 404, 422, 429) },
  }),
  async (c) => c.json(await listTransactions(c.get("services"), c.get("auth"), c.req.valid("query")), 200),
);

transactionRoutes.openapi(
  createRoute({
    ...idempotent,
    ...access("member"),
    // createTransaction's first D1 call is accountFor's batch, which checks the session first.
    middleware: guards.userSessionInBatch, security: bearer,
    method: "post", path: "/", tags, summary: "Create a manual expense, income, fee or investment trade",
    request: { body: jsonBody(CreateTransactionBody) },
    responses: { 201: json(TransactionSchema, "Created"), ...errors(401, 403, 404, 409, 422, 429) },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const idempotency = await idempotencyOf(c, body);
    const created = await txs.createTransaction(c.get("services"), c.get("auth"), body, idempotency);
    markReplayed(c, created.replayed);
    return c.json(created.transaction, 201);
  },
);

transactionRoutes.openapi(
  createRoute({
    ...idempotent,
    ...access("member"),
    // createTransfer's first D1 call is accountFor's batch, which checks the session first.
    middleware: guards.userSessionInBatch, security: bearer,
    method: "post", path: "/transfer", tags, summary: "Move money between two of the space's accounts",
    request: { body: jsonBody(TransferBody) },
    responses: {
      201: json(z.object({ from: TransactionSchema, to: TransactionSchema }).openapi("TransferResult"), "The two sides of the transfer"),
      ...errors(401, 403, 404, 409, 422, 429),
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const result = await txs.createTransfer(c.get("services"), c.get("auth"), body, await idempotencyOf(c, body));
    markReplayed(c, result.replayed);
    return c.json({ from: result.from, to: result.to }, 201);
  },
);

transactionRoutes.openapi(
  createRoute({
    ...access("member"),
    method: "post", path: "/bulk-categorize", tags, security: bearer, middleware: guards.bulk,
    summary: "Set one category on many transactions",
    request: { body: jsonBody(BulkCategorizeBody) },
    responses: {
      200: json(z.object({ updated: z.number().int(), notFound: z.number().int() }).openapi("BulkCategorizeResult"), "Counts"),
      ...errors(401, 403, 404, 422, 429),
    },
  }),
  async (c) => c.json(await txs.bulkCategorize(c.get("services"), c.get("auth"), c.req.valid("json")), 200),
);

transactionRoutes.openapi(
  createRoute({
    ...access("viewer"),
    ...user, method: "get", path: "/{id}", tags, summary: "Get a transaction",
    request: { params: TransactionIdParam },
    responses: { 200: json(TransactionSchema, "The transaction"), ...errors(401, 404, 429) },
  }),
  async (c) => c.json(await txs.getTransaction(c.get("services"), c.get("auth"), c.req.valid("param").id), 200),
);

transactionRoutes.openapi(
  createRoute({
    ...access("member"),
    ...user, method: "patch", path: "/{id}", tags, summary: "Categorize, tag or annotate a transaction, or post a manual pending one (money fields are immutable)",
    request: { params: TransactionIdParam, body: jsonBody(UpdateTransactionBody) },
    responses: { 200: json(TransactionSchema, "Updated"), ...errors(401, 403, 404, 409, 422, 429) },
  }),
  async (c) => c.json(await txs.updateTransaction(c.get("services"), c.get("auth"), c.req.valid("param").id, c.req.valid("json")), 200),
);

transactionRoutes.openapi(
  createRoute({
    ...idempotent,
    ...access("member"),
    ...user, method: "delete", path: "/{id}", tags, summary: "Void a transaction by posting its reversal (history is kept)",
    request: { params: TransactionIdParam },
    responses: {
      200: json(z.object({ transaction: TransactionSchema, reversalLedgerTxid: z.number().int() }).openapi("VoidResult"), "Voided"),
      ...errors(401, 403, 404, 409, 422, 429),
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const result = await txs.voidTransaction(c.get("services"), c.get("auth"), id, await idempotencyOf(c, { id }));
    markReplayed(c, result.replayed);
    return c.json({ transaction: result.transaction, reversalLedgerTxid: result.reversalLedgerTxid }, 200);
  },
);
