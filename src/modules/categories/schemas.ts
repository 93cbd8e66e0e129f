import { z } from "@hono/zod-openapi";
import { MajorAmountValue } from "../../lib/amount-schema";
import { VisibleName } from "../../lib/visible-text";
import { CONDITIONS } from "./rules";

/**
 * Per space, system categories included. Every list, rule run and categorizer state reads all of a space's
 * categories (and a budget may watch them all): this bounds them, at what no household needs.
 */
export const MAX_CATEGORIES_PER_SPACE = 500;

const Hex = z.string().regex(/^#[0-9A-Fa-f]{6}$/, { message: "A hex color like #FF6B35" });
const Bound = MajorAmountValue;

const Text = z.string().trim().min(1).max(200);

/**
 * The conditions a rule can test, each with the fields `extra` adds; strict, so a misspelt field is refused. A
 * condition that is none of them (or none at all) is told which are: zod's own message names the "discriminator".
 */
const conditionWith = <E extends z.ZodRawShape>(extra: E) =>
  z.discriminatedUnion("condition", [
    z.object({ condition: z.literal("merchant_contains"), value: Text, ...extra }).strict(),
    z.object({ condition: z.literal("description_contains"), value: Text, ...extra }).strict(),
    z.object({ condition: z.literal("merchant_equals"), value: Text, ...extra }).strict(),
    z.object({ condition: z.literal("account_is"), value: z.string().min(1).max(64), ...extra }).strict(),
    z.object({ condition: z.literal("regex"), value: z.string().min(1).max(200), ...extra }).strict(),
    z.object({
      condition: z.literal("amount_between"),
      value: z.object({ min: Bound.optional(), max: Bound.optional() }).strict()
        .openapi({ description: "Inclusive bounds on the amount without its sign (a 15.00 expense and a 15.00 refund alike), in major units" }),
      ...extra,
    }).strict(),
  ], { error: (issue) => (issue.code === "invalid_union" ? `Must be one of: ${CONDITIONS.join(", ")}` : undefined) });

export const ConditionSchema = conditionWith({});

const Priority = z.number().int().min(-1000).max(1000).default(0);

const OneCondition = conditionWith({ priority: Priority });
const AllConditions = z.object({ conditions: z.array(ConditionSchema).min(1).max(10), priority: Priority }).strict();

/**
 * A rule: either one condition (the seed's shape) or several combined with AND, told apart by `conditions`, so a
 * mistake in either is reported at its field, as that form has it: zod's union of the two said only "Invalid
 * input" of the whole rule.
 */
export const RuleInput = z
  .preprocess((rule, ctx) => {
    const form = typeof rule === "object" && rule !== null && "conditions" in rule ? AllConditions : OneCondition;
    const parsed = form.safeParse(rule);
    // Its issues as they are (path, code, message), below this rule's path.
    if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0]);
    return rule;
  }, z.union([OneCondition, AllConditions]))
  .openapi("RuleInput");

export const CreateCategoryBody = z
  .object({
    spaceId: z.string().min(1).max(64),
    name: VisibleName(80),
    color: Hex.optional(),
    icon: z.string().max(40).optional(),
    type: z.enum(["income", "expense", "transfer"]),
    parentId: z.string().min(1).max(64).nullable().optional(),
    rules: z.array(RuleInput).max(50).optional(),
  })
  .strict()
  .openapi("CreateCategoryRequest");

export const UpdateCategoryBody = z
  .object({
    name: VisibleName(80).optional(),
    color: Hex.nullable().optional(),
    icon: z.string().max(40).nullable().optional(),
    parentId: z.string().min(1).max(64).nullable().optional(),
    /** Replaces all of the category's rules. */
    rules: z.array(RuleInput).max(50).optional(),
  })
  .strict()
  .openapi("UpdateCategoryRequest");

export const RuleSchema = z
  .object({ id: z.string(), condition: z.string(), value: z.unknown(), priority: z.number().int(), conditions: z.array(z.object({ condition: z.string(), value: z.unknown() })) })
  .openapi("Rule");

export const CategorySchema = z
  .object({
    id: z.string(),
    spaceId: z.string(),
    name: z.string(),
    color: z.string().nullable(),
    icon: z.string().nullable(),
    type: z.enum(["income", "expense", "transfer"]),
    parentId: z.string().nullable(),
    isSystem: z.boolean(),
    rules: z.array(RuleSchema),
    subcategories: z.array(z.object({ id: z.string(), name: z.string(), parentId: z.string() })),
  })
  .openapi("Category");

export const CategoryIdParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" } }) });

export const ApplyRulesBody = z.object({
  spaceId: z.string().min(1).max(64),
  dryRun: z.boolean().default(false).openapi({ description: "Report only. With a cursor, must be what the run it continues was sent with (else `422 CURSOR_CONFLICT`)" }),
  cursor: z.string().min(1).max(1000).optional().openapi({ description: "A previous answer's `next`: continues that run after the last transaction it evaluated (another space's, or altered: `422 INVALID_CURSOR`)" }),
}).strict().openapi("ApplyRulesRequest");

/** What an apply-rules cursor carries (signed; checked again as input when it comes back). */
/** Where a run of apply-rules stopped: the last row evaluated, by (date, id), the order of the space's date index. */
export const ApplyRulesCursor = z.strictObject({ afterDate: z.number().int(), after: z.string().min(1).max(64), dryRun: z.boolean() });

export const ApplyRulesResult = z
  .object({
    dryRun: z.boolean(),
    evaluated: z.number().int(),
    matched: z.number().int(),
    updated: z.number().int(),
    wouldUpdate: z.number().int().openapi({ description: "How many transactions the rules change (or would, with dryRun): `changes` lists the first 100" }),
    changes: z.array(z.object({ transactionId: z.string(), fromCategoryId: z.string().nullable(), toCategoryId: z.string(), ruleId: z.string() })),
    hasMore: z.boolean().openapi({ description: "The call reached its work budget before the last transaction: the figures above are this call's, and `next` continues the run" }),
    next: z.string().optional().openapi({ description: "With hasMore: send it back as `cursor` (with the same dryRun) for the rest" }),
  })
  .openapi("ApplyRulesResult", { description: "Rules apply to cash flows, as on arrival: never to transfers, trades, opening balances or balance adjustments" });
