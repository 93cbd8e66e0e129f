import { CalendarDay } from "../../lib/dates";
import { VisibleName } from "../../lib/visible-text";
import { z } from "@hono/zod-openapi";
import { MajorAmount } from "../../lib/amount-schema";
import { ConversionSchema } from "../rates/schemas";

export const PERIODS = ["monthly", "quarterly", "yearly"] as const;
export const STATUSES = ["active", "exceeded", "completed"] as const;

const Allocation = z.object({ categoryId: z.string().min(1).max(64), allocated: MajorAmount.optional() }).strict();
/**
 * Per list. Reads bind a budget's categories as one JSON parameter, so this
 * bounds request and response size, not D1's 100-parameter cap.
 */
export const MAX_BUDGET_CATEGORIES = 500;
/**
 * Per space. Every write into a watched category checks its watching budgets' spending in one batch, and a
 * change of the space's rates checks them all: this bounds that batch.
 */
export const MAX_BUDGETS_PER_SPACE = 200;
const EXPENSE_ONLY = "Expense categories of the space (an income or transfer category is `422 NOT_EXPENSE_CATEGORY`); a parent's subcategories count in it";
const CategoryIds = z.array(z.string().min(1).max(64)).max(MAX_BUDGET_CATEGORIES).openapi({ description: EXPENSE_ONLY });
const Allocations = z.array(Allocation).max(MAX_BUDGET_CATEGORIES).openapi({ description: EXPENSE_ONLY });

export const CreateBudgetBody = z
  .object({
    spaceId: z.string().min(1).max(64),
    name: VisibleName(120),
    amount: MajorAmount,
    period: z.enum(PERIODS),
    startDate: CalendarDay.optional().openapi({ description: "Defaults to the first day of the current month in the space's time zone" }),
    endDate: CalendarDay.optional(),
    categoryIds: CategoryIds.optional(),
    categories: Allocations.optional(),
    alertThreshold: z.number().int().min(1).max(100).optional(),
    alertsEnabled: z.boolean().optional(),
  })
  .strict()
  .openapi("CreateBudgetRequest");

export const UpdateBudgetBody = z
  .object({
    name: VisibleName(120).optional(),
    amount: MajorAmount.optional(),
    period: z.enum(PERIODS).optional(),
    startDate: CalendarDay.optional(),
    endDate: CalendarDay.nullable().optional(),
    categoryIds: CategoryIds.optional(),
    categories: Allocations.optional(),
    alertThreshold: z.number().int().min(1).max(100).nullable().optional(),
    alertsEnabled: z.boolean().optional(),
  })
  .strict()
  .openapi("UpdateBudgetRequest");

export const BudgetSchema = z
  .object({
    id: z.string(),
    spaceId: z.string(),
    name: z.string(),
    amount: z.number(),
    amountDecimal: z.string().openapi({ example: "800.00", description: "Exact decimal string; the numbers beside are for convenience" }),
    spent: z.number(),
    spentDecimal: z.string().openapi({
      description: "Spending in the current period in the budget's categories. Transactions in other currencies count converted at their own day's rate (the space's own rate wins), rounded half-even once per category; an amount with no rate is not counted and is listed in `conversion`",
    }),
    remaining: z.number(),
    remainingDecimal: z.string(),
    currency: z.string(),
    period: z.enum(PERIODS),
    startDate: z.string(),
    endDate: z.string().nullable(),
    currentPeriod: z.object({ startDate: z.string(), endDate: z.string() }),
    status: z.enum(STATUSES),
    categories: z.array(z.object({
      id: z.string(), name: z.string(), allocated: z.number().nullable(), allocatedDecimal: z.string().nullable(), spent: z.number(), spentDecimal: z.string(),
    })),
    alerts: z.object({
      threshold: z.number().int().openapi({ description: "The percentage spent at which it alerts: the budget's own, or 80 when it was given none" }),
      enabled: z.boolean(),
    }),
    conversion: ConversionSchema.nullable().openapi({ description: "How spending in other currencies was converted; null when all of it was in the budget's currency" }),
  })
  .openapi("Budget");

export const BudgetIdParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" } }) });
export const ListBudgetsQuery = z.object({
  spaceId: z.string().min(1).max(64),
  period: z.enum(PERIODS).optional(),
  status: z.enum(STATUSES).optional(),
});
