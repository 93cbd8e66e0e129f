import { createRoute } from "@hono/zod-openapi";
import { access, idempotent, bearer, createRouter, errors, json, jsonBody } from "../../lib/openapi";
import { guards } from "../../middleware/auth";
import { idempotencyOf, markReplayed } from "../../middleware/idempotency";
import {
  AccountIdParam,
  AccountListSchema,
  AccountSchema,
  CreateAccountBody,
  ListAccountsQuery,
  SummaryQuery,
  SummarySchema,
  UpdateAccountBody,
} from "./schemas";
import * as accounts from "./service";
import { MAX_ACCOUNTS_PER_SPACE } from "./account-cap";

export const accountRoutes = createRouter();
const tags = ["Accounts"];
const user = { middleware: guards.user, security: bearer };

accountRoutes.openapi(
  createRoute({
    ...access("viewer"),
    ...user, method: "get", path: "/", tags, summary: "List a space's accounts",
    request: { query: ListAccountsQuery },
    responses: { 200: json(AccountListSchema, "Accounts"), ...errors(401, 404, 422, 429) },
  }),
  async (c) => c.json(await accounts.listAccounts(c.get("services"), c.get("auth"), c.req.valid("query")), 200),
);

accountRoutes.openapi(
  createRoute({
    ...access("viewer"),
    ...user, method: "get", path: "/summary", tags, summary: "Counts and exact balance totals by currency (active accounts)",
    request: { query: SummaryQuery },
    responses: { 200: json(SummarySchema, "Summary"), ...errors(401, 404, 422, 429) },
  }),
  async (c) => c.json(await accounts.accountSummary(c.get("services"), c.get("auth"), c.req.valid("query").spaceId), 200),
);

accountRoutes.openapi(
  createRoute({
    ...idempotent,
    ...access("member"),
    ...user, method: "post", path: "/", tags, summary: "Create a manual account, optionally with an opening balance",
    description: `A space may hold at most ${MAX_ACCOUNTS_PER_SPACE} accounts, provider-linked and disconnected ones included (\`422 LIMIT_REACHED\`; accounts keep their history and are never deleted).`,
    request: {
      body: jsonBody(CreateAccountBody),
    },
    responses: { 201: json(AccountSchema, "Created"), ...errors(401, 403, 404, 422, 429) },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const result = await accounts.createManualAccount(c.get("services"), c.get("auth"), body, await idempotencyOf(c, body));
    markReplayed(c, result.replayed);
    return c.json(result.account, 201);
  },
);

accountRoutes.openapi(
  createRoute({
    ...access("viewer"),
    ...user, method: "get", path: "/{accountId}", tags, summary: "Get an account",
    request: { params: AccountIdParam },
    responses: { 200: json(AccountSchema, "The account"), ...errors(401, 404, 429) },
  }),
  async (c) => c.json(await accounts.getAccount(c.get("services"), c.get("auth"), c.req.valid("param").accountId), 200),
);

accountRoutes.openapi(
  createRoute({
    ...access("member"),
    ...user, method: "patch", path: "/{accountId}", tags, summary: "Update account settings",
    description:
      "Requires the `member` role or above in the space; `isActive` (deactivate, or reconnect) requires `admin`, as disconnecting does, and then a caller with two-factor authentication enabled must have confirmed it in this session within the last 15 minutes (`POST /v1/auth/2fa/verify`), else 403 `TWO_FACTOR_REQUIRED`.",
    request: { params: AccountIdParam, body: jsonBody(UpdateAccountBody) },
    responses: { 200: json(AccountSchema, "Updated"), ...errors(401, 403, 404, 422, 429) },
  }),
  async (c) =>
    c.json(await accounts.updateAccount(c.get("services"), c.get("auth"), c.req.valid("param").accountId, c.req.valid("json")), 200),
);

accountRoutes.openapi(
  createRoute({
    ...access("admin"),
    ...user, method: "delete", path: "/{accountId}", tags, summary: "Disconnect an account (admin); its history and balance are kept",
    request: { params: AccountIdParam },
    responses: { 200: json(AccountSchema, "Disconnected"), ...errors(401, 403, 404, 429) },
  }),
  async (c) => c.json(await accounts.disconnectAccount(c.get("services"), c.get("auth"), c.req.valid("param").accountId), 200),
);
