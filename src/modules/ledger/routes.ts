/** The double-entry ledger API of a space (seed 004 semantics, integer minor units). */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { access, idempotent, bearer, createRouter, errors, json, jsonBody } from "../../lib/openapi";
import { guards } from "../../middleware/auth";
import { PAGE_CHARS } from "./page-bytes";
import { idempotencyOf, markReplayed } from "../../middleware/idempotency";
import {
  AddressParams,
  BalancesQuery,
  BatchBody,
  cursorOf,
  dataOf,
  LedgerAccountSchema,
  LedgerTransactionSchema,
  ListAccountsQuery,
  ListLogsQuery,
  VerifyLogsQuery,
  ListTransactionsRequest,
  LogSchema,
  MetadataSchema,
  PreviewQuery,
  SpaceParam,
  TransactionBody,
  TxParams,
} from "./schemas";
import * as ledger from "./service";

export const ledgerRoutes = createRouter();
const tags = ["Ledger"];
/** Pages of large rows are cut short (page-bytes.ts). */
const PAGE_BY_SIZE =
  `A page holds at most \`pageSize\` rows, and fewer when its rows are large: it ends with the row that brings its postings, volumes and metadata past ${PAGE_CHARS.toLocaleString("en-US")} characters (at least one row a page). \`hasMore\` and \`next\` then go on from its last row, as after a full page.`;
const user = { middleware: guards.user, security: bearer };

/**
 * Both create routes: commits `intents` (or, with `preview`, computes them without committing; a client
 * asking for a preview must never get a commit) under the request's idempotency key, keyed by `body`.
 */
async function createFromRoute(c: Context<AppEnv>, spaceId: string, intents: Parameters<typeof ledger.createTransactions>[3], body: unknown, preview: boolean) {
  const result = await ledger.createTransactions(c.get("services"), c.get("auth"), spaceId, intents, { preview, idempotency: await idempotencyOf(c, body) });
  markReplayed(c, result.replayed);
  return result.transactions;
}

ledgerRoutes.openapi(
  createRoute({
    ...idempotent,
    ...access("member"),
    ...user, method: "post", path: "/{spaceId}/ledger/transactions", tags,
    summary: "Commit a transaction of postings (or compute it without committing with preview=true)",
    request: { params: SpaceParam, query: PreviewQuery, body: jsonBody(TransactionBody) },
    responses: {
      201: json(dataOf(z.array(LedgerTransactionSchema), "LedgerTransactionResponse"), "Committed (an array of one, as in seed 004)"),
      200: json(dataOf(z.array(LedgerTransactionSchema), "LedgerTransactionPreview"), "Preview: nothing was committed"),
      ...errors(401, 403, 404, 409, 422, 429),
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const { preview } = c.req.valid("query");
    return c.json({ data: await createFromRoute(c, c.req.valid("param").spaceId, [body], body, preview) }, preview ? 200 : 201);
  },
);

ledgerRoutes.openapi(
  createRoute({
    ...idempotent,
    ...access("member"),
    method: "post", path: "/{spaceId}/ledger/transactions/batch", tags, security: bearer, middleware: guards.bulk,
    summary: "Commit up to 100 transactions atomically: all or none (or compute them without committing with preview=true)",
    request: { params: SpaceParam, query: PreviewQuery, body: jsonBody(BatchBody) },
    responses: {
      201: json(dataOf(z.array(LedgerTransactionSchema), "LedgerBatchResponse"), "Committed"),
      200: json(dataOf(z.array(LedgerTransactionSchema), "LedgerBatchPreview"), "Preview: nothing was committed"),
      ...errors(401, 403, 404, 409, 422, 429),
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const { preview } = c.req.valid("query");
    return c.json({ data: await createFromRoute(c, c.req.valid("param").spaceId, body.transactions, body, preview) }, preview ? 200 : 201);
  },
);

ledgerRoutes.openapi(
  createRoute({
    ...access("viewer"),
    ...user, method: "get", path: "/{spaceId}/ledger/transactions", tags,
    summary: "List transactions, newest first, with filters; metadata[key]=value filters are also accepted",
    description: PAGE_BY_SIZE,
    request: { params: SpaceParam, query: ListTransactionsRequest },
    responses: { 200: json(cursorOf(LedgerTransactionSchema, "LedgerTransactionCursor"), "A page"), ...errors(401, 404, 422, 429) },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const page = await ledger.listTransactions(c.get("services"), c.get("auth"), c.req.valid("param").spaceId, {
      ...q,
      metadata: ledger.metadataFilters(c.req.url),
    });
    return c.json({ cursor: page }, 200);
  },
);

ledgerRoutes.openapi(
  createRoute({
    ...access("viewer"),
    ...user, method: "get", path: "/{spaceId}/ledger/transactions/{txid}", tags, summary: "Get a transaction",
    request: { params: TxParams },
    responses: { 200: json(dataOf(LedgerTransactionSchema, "LedgerTransactionGet"), "The transaction"), ...errors(401, 404, 429) },
  }),
  async (c) => {
    const { spaceId, txid } = c.req.valid("param");
    return c.json({ data: await ledger.getTransaction(c.get("services"), c.get("auth"), spaceId, txid) }, 200);
  },
);

ledgerRoutes.openapi(
  createRoute({
    ...idempotent,
    ...access("member"),
    ...user, method: "post", path: "/{spaceId}/ledger/transactions/{txid}/revert", tags,
    summary: "Revert a transaction with a compensating one (exactly once)",
    request: { params: TxParams },
    responses: { 201: json(dataOf(LedgerTransactionSchema, "LedgerRevertResponse"), "The compensating transaction"), ...errors(401, 403, 404, 409, 422, 429) },
  }),
  async (c) => {
    const { spaceId, txid } = c.req.valid("param");
    const result = await ledger.revertTransaction(c.get("services"), c.get("auth"), spaceId, txid, await idempotencyOf(c, { txid }));
    markReplayed(c, result.replayed);
    return c.json({ data: result.transaction }, 201);
  },
);

ledgerRoutes.openapi(
  createRoute({
    ...access("member"),
    ...user, method: "put", path: "/{spaceId}/ledger/transactions/{txid}/metadata", tags, summary: "Add or overwrite metadata keys of a transaction",
    request: { params: TxParams, body: jsonBody(MetadataSchema) },
    responses: { 204: { description: "Saved" }, ...errors(401, 403, 404, 422, 429) },
  }),
  async (c) => {
    const { spaceId, txid } = c.req.valid("param");
    await ledger.setTransactionMetadata(c.get("services"), c.get("auth"), spaceId, txid, c.req.valid("json"));
    return c.body(null, 204);
  },
);

ledgerRoutes.openapi(
  createRoute({
    ...access("viewer"),
    ...user, method: "get", path: "/{spaceId}/ledger/accounts", tags, summary: "List ledger accounts with volumes",
    request: { params: SpaceParam, query: ListAccountsQuery },
    responses: { 200: json(cursorOf(LedgerAccountSchema, "LedgerAccountCursor"), "A page"), ...errors(401, 404, 422, 429) },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const page = await ledger.listAccounts(c.get("services"), c.get("auth"), c.req.valid("param").spaceId, {
      ...q,
      metadata: ledger.metadataFilters(c.req.url),
    });
    return c.json({ cursor: page }, 200);
  },
);

ledgerRoutes.openapi(
  createRoute({
    ...access("viewer"),
    ...user, method: "get", path: "/{spaceId}/ledger/accounts/{address}", tags, summary: "Get a ledger account with its volumes",
    request: { params: AddressParams },
    responses: { 200: json(dataOf(LedgerAccountSchema, "LedgerAccountGet"), "The account"), ...errors(401, 404, 422, 429) },
  }),
  async (c) => {
    const { spaceId, address } = c.req.valid("param");
    return c.json({ data: await ledger.getAccount(c.get("services"), c.get("auth"), spaceId, address) }, 200);
  },
);

ledgerRoutes.openapi(
  createRoute({
    ...access("member"),
    ...user, method: "post", path: "/{spaceId}/ledger/accounts/{address}/metadata", tags, summary: "Add or overwrite metadata keys of a ledger account",
    request: { params: AddressParams, body: jsonBody(MetadataSchema) },
    responses: { 204: { description: "Saved" }, ...errors(401, 403, 404, 422, 429) },
  }),
  async (c) => {
    const { spaceId, address } = c.req.valid("param");
    await ledger.setAccountMetadata(c.get("services"), c.get("auth"), spaceId, address, c.req.valid("json"));
    return c.body(null, 204);
  },
);

ledgerRoutes.openapi(
  createRoute({
    ...access("viewer"),
    ...user, method: "get", path: "/{spaceId}/ledger/balances", tags, summary: "Balances per asset summed over the matching addresses",
    request: { params: SpaceParam, query: BalancesQuery },
    responses: { 200: json(dataOf(z.record(z.string(), z.number().int()), "AggregatedBalances"), "Balances by asset"), ...errors(401, 404, 422, 429) },
  }),
  async (c) => {
    const data = await ledger.aggregatedBalances(c.get("services"), c.get("auth"), c.req.valid("param").spaceId, c.req.valid("query").address);
    return c.json({ data }, 200);
  },
);

ledgerRoutes.openapi(
  createRoute({
    ...access("viewer"),
    ...user, method: "get", path: "/{spaceId}/ledger/stats", tags, summary: "Number of transactions and accounts",
    request: { params: SpaceParam },
    responses: { 200: json(dataOf(z.object({ transactions: z.number().int(), accounts: z.number().int() }), "LedgerStats"), "Stats"), ...errors(401, 404, 429) },
  }),
  async (c) => c.json({ data: await ledger.stats(c.get("services"), c.get("auth"), c.req.valid("param").spaceId) }, 200),
);

ledgerRoutes.openapi(
  createRoute({
    ...access("viewer"),
    ...user, method: "get", path: "/{spaceId}/ledger/logs", tags, summary: "The hash-chained log, newest first",
    description: PAGE_BY_SIZE,
    request: { params: SpaceParam, query: ListLogsQuery },
    responses: { 200: json(cursorOf(LogSchema, "LedgerLogCursor"), "A page"), ...errors(401, 404, 422, 429) },
  }),
  async (c) => {
    const page = await ledger.listLogs(c.get("services"), c.get("auth"), c.req.valid("param").spaceId, c.req.valid("query"));
    return c.json({ cursor: page }, 200);
  },
);

const Verdict = z
  .object({
    valid: z.boolean(),
    checked: z.number().int(),
    lastHash: z.string().optional(),
    firstBrokenId: z.number().int().optional(),
    reason: z.string().optional(),
    checkedFrom: z.number().int().openapi({ description: "The first log id this call rehashed: 0, or where the `cursor` it continues stopped (the logs before it were vouched for by the earlier calls, as they were then)" }),
    hasMore: z.boolean().openapi({ description: "The chain goes on past what this call checked (at most 100,000 logs a call): send `next` as `cursor` to continue" }),
    next: z.string().optional().openapi({ description: "Continues the verification where this call stopped, from the hash it reached" }),
  })
  .openapi("LogVerification");

ledgerRoutes.openapi(
  createRoute({
    ...access("viewer"),
    ...user, method: "get", path: "/{spaceId}/ledger/logs/verify", tags, summary: "Recompute the log's hash chain and report the first break",
    description: "At most 100,000 logs a call: a longer chain answers `hasMore: true` and `next`; sending it as `cursor` within 15 minutes goes on from there (`checked` counts from the start, `checkedFrom` says where this call began; a changed log just before it is reported as the break).",
    request: { params: SpaceParam, query: VerifyLogsQuery },
    responses: { 200: json(dataOf(Verdict, "LogVerificationResponse"), "Verdict"), ...errors(401, 404, 422, 429) },
  }),
  async (c) => c.json({ data: await ledger.verifyLogs(c.get("services"), c.get("auth"), c.req.valid("param").spaceId, c.req.valid("query").cursor) }, 200),
);
