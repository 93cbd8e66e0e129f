import { createRoute, z } from "@hono/zod-openapi";
import { access, bearer, createRouter, errors, json, jsonBody } from "../../lib/openapi";
import { guards } from "../../middleware/auth";
import { ApplyRulesBody, ApplyRulesResult, CategoryIdParam, CategorySchema, CreateCategoryBody, MAX_CATEGORIES_PER_SPACE, UpdateCategoryBody } from "./schemas";
import * as cats from "./service";
import { MAX_SPACE_REGEX_STATES, MAX_SPACE_RULE_CHARS, MAX_SPACE_RULES } from "./rule-budget";

export const categoryRoutes = createRouter();
const tags = ["Categories"];
const user = { middleware: guards.user, security: bearer };
/** What every arriving transaction is matched against is bounded (rule-budget.ts). */
const RULE_BUDGET = `A space's rules hold at most ${MAX_SPACE_RULES} rules (\`422 LIMIT_REACHED\`), ${MAX_SPACE_RULE_CHARS} characters of conditions and ${MAX_SPACE_REGEX_STATES} regex pattern states in all (\`422 TOO_BIG\`).`;

categoryRoutes.openapi(
  createRoute({
    ...access("viewer"),
    ...user, method: "get", path: "/", tags, summary: "List a space's categories with their rules and subcategories",
    request: { query: z.object({ spaceId: z.string().min(1).max(64) }) },
    responses: { 200: json(z.array(CategorySchema), "Categories"), ...errors(401, 404, 422, 429) },
  }),
  async (c) => c.json(await cats.listCategories(c.get("services"), c.get("auth"), c.req.valid("query").spaceId), 200),
);

categoryRoutes.openapi(
  createRoute({
    ...access("member"),
    ...user, method: "post", path: "/", tags, summary: "Create a category, optionally with rules",
    description: `A space may have at most ${MAX_CATEGORIES_PER_SPACE} categories, its system categories included (\`422 LIMIT_REACHED\`). ${RULE_BUDGET}`,
    request: { body: jsonBody(CreateCategoryBody) },
    responses: { 201: json(CategorySchema, "Created"), ...errors(401, 403, 404, 409, 422, 429) },
  }),
  async (c) => c.json(await cats.createCategory(c.get("services"), c.get("auth"), c.req.valid("json")), 201),
);

categoryRoutes.openapi(
  createRoute({
    ...access("member"),
    ...user, method: "post", path: "/apply-rules", tags, summary: "Run the rules over transactions not categorized by hand (dryRun reports only)",
    description: "A call does a bounded amount of matching work: a space whose rules and transactions need more gets `hasMore: true` and a `next` cursor, and each call with it (and the same dryRun) continues after the last transaction the previous one evaluated. Each answer's figures are its own call's.",
    request: { body: jsonBody(ApplyRulesBody) },
    responses: { 200: json(ApplyRulesResult, "What matched and what changed"), ...errors(401, 403, 404, 422, 429) },
  }),
  async (c) => {
    const { spaceId, dryRun, cursor } = c.req.valid("json");
    return c.json(await cats.applyRules(c.get("services"), c.get("auth"), spaceId, dryRun, cursor), 200);
  },
);

categoryRoutes.openapi(
  createRoute({
    ...access("member"),
    ...user, method: "patch", path: "/{id}", tags, summary: "Update a category (rules, when given, replace the existing ones)",
    description: RULE_BUDGET,
    request: { params: CategoryIdParam, body: jsonBody(UpdateCategoryBody) },
    responses: { 200: json(CategorySchema, "Updated"), ...errors(401, 403, 404, 409, 422, 429) },
  }),
  async (c) => c.json(await cats.updateCategory(c.get("services"), c.get("auth"), c.req.valid("param").id, c.req.valid("json")), 200),
);

categoryRoutes.openapi(
  createRoute({
    ...access("member"),
    ...user, method: "delete", path: "/{id}", tags, summary: "Delete a category; pass reassignTo while transactions use it",
    description: "`reassignTo` names a category of the same type (else `422 CATEGORY_TYPE_MISMATCH`), which takes over the deleted one's transactions, budget links (a budget that allotted money to both allots the sum to the target), rules and what the model learned of it. Subcategories move up to the deleted category's parent, and the budgets that watched the deleted category watch them.",
    request: { params: CategoryIdParam, query: z.object({ reassignTo: z.string().min(1).max(64).optional() }) },
    responses: {
      200: json(z.object({
        deleted: z.string(), reassignedTo: z.string().nullable(), movedTransactions: z.number().int(),
        movedRules: z.number().int().openapi({ description: "The deleted category's rules now the target's (0 without reassignTo: they go with it)" }),
      }).openapi("CategoryDeleted"), "Deleted"),
      ...errors(401, 403, 404, 409, 422, 429),
    },
  }),
  async (c) => c.json(await cats.deleteCategory(c.get("services"), c.get("auth"), c.req.valid("param").id, c.req.valid("query").reassignTo), 200),
);
