import { createRoute, z } from "@hono/zod-openapi";
import { access, bearer, createRouter, errors, json, jsonBody } from "../../lib/openapi";
import { guards } from "../../middleware/auth";
import { requestLanguage } from "../../middleware/errors";
import { BudgetIdParam, BudgetSchema, CreateBudgetBody, ListBudgetsQuery, UpdateBudgetBody, MAX_BUDGETS_PER_SPACE } from "./schemas";
import * as budgets from "./service";

export const budgetRoutes = createRouter();
const tags = ["Budgets"];
const user = { middleware: guards.user, security: bearer };

budgetRoutes.openapi(
  createRoute({
    ...access("viewer"),
    ...user, method: "get", path: "/", tags, summary: "List a space's budgets with current-period spending",
    request: { query: ListBudgetsQuery },
    responses: { 200: json(z.array(BudgetSchema), "Budgets"), ...errors(401, 404, 422, 429) },
  }),
  async (c) => c.json(await budgets.listBudgets(c.get("services"), c.get("auth"), c.req.valid("query"), requestLanguage(c)), 200),
);

budgetRoutes.openapi(
  createRoute({
    ...access("member"),
    ...user, method: "post", path: "/", tags, summary: "Create a budget over categories",
    description: `A space may have at most ${MAX_BUDGETS_PER_SPACE} budgets (\`422 LIMIT_REACHED\`).`,
    request: { body: jsonBody(CreateBudgetBody) },
    responses: { 201: json(BudgetSchema, "Created"), ...errors(401, 403, 404, 422, 429) },
  }),
  async (c) => c.json(await budgets.createBudget(c.get("services"), c.get("auth"), c.req.valid("json"), requestLanguage(c)), 201),
);

budgetRoutes.openapi(
  createRoute({
    ...access("viewer"),
    ...user, method: "get", path: "/{id}", tags, summary: "Get a budget",
    request: { params: BudgetIdParam },
    responses: { 200: json(BudgetSchema, "The budget"), ...errors(401, 404, 429) },
  }),
  async (c) => c.json(await budgets.getBudget(c.get("services"), c.get("auth"), c.req.valid("param").id, requestLanguage(c)), 200),
);

budgetRoutes.openapi(
  createRoute({
    ...access("member"),
    ...user, method: "patch", path: "/{id}", tags, summary: "Update a budget",
    request: { params: BudgetIdParam, body: jsonBody(UpdateBudgetBody) },
    responses: { 200: json(BudgetSchema, "Updated"), ...errors(401, 403, 404, 422, 429) },
  }),
  async (c) => c.json(await budgets.updateBudget(c.get("services"), c.get("auth"), c.req.valid("param").id, c.req.valid("json"), requestLanguage(c)), 200),
);

budgetRoutes.openapi(
  createRoute({
    ...access("member"),
    ...user, method: "delete", path: "/{id}", tags, summary: "Delete a budget",
    request: { params: BudgetIdParam },
    responses: { 204: { description: "Deleted" }, ...errors(401, 403, 404, 429) },
  }),
  async (c) => {
    await budgets.deleteBudget(c.get("services"), c.get("auth"), c.req.valid("param").id);
    return c.body(null, 204);
  },
);
