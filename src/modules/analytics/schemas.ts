import { z } from "@hono/zod-openapi";
import { VisibleName } from "../../lib/visible-text";
import { CalendarDay } from "../../lib/dates";
import { MajorAmount } from "../../lib/amount-schema";
import { CADENCES } from "./recurring";
import { ConversionSchema as Conversion } from "../rates/schemas";

const SpaceId = z.string().min(1).max(64);
const Dec = z.string().openapi({ description: "Exact decimal string; the number beside it is for convenience" });
const Notes = z.array(z.string()).openapi({
  description: "Sentences for a reader about what the figures leave out or how they were made (a rate of an earlier day, a missing rate or price, " +
    "what the change or the estimate leaves out), in the request's language; figures in them are written as that language writes numbers",
});


export const DashboardQuery = z.object({
  spaceId: SpaceId,
  period: z.enum(["7d", "30d", "90d", "1y"]).default("30d"),
});

export const DashboardSchema = z
  .object({
    spaceId: z.string(),
    currency: z.string(),
    period: z.string(),
    from: z.string(),
    to: z.string(),
    asOf: z.string(),
    netWorth: z.object({
      current: z.number(), currentDecimal: Dec, previous: z.number(), previousDecimal: Dec, previousDate: z.string(),
      change: z.number(), changeDecimal: Dec, changePercent: z.number().nullable(), changePercentDecimal: z.string().nullable(),
      trend: z.enum(["up", "down", "flat"]),
      complete: z.boolean().openapi({ description: "Both `current` and `previous` are complete, so `change` compares whole figures" }),
      currentComplete: z.boolean().openapi({ description: "`current` converts every holding (as the net-worth history's `complete` for today)" }),
      previousComplete: z.boolean().openapi({ description: "`previous` converts every holding" }),
      holdings: z.array(z.object({
        source: z.string(), id: z.string(), name: z.string(), currency: z.string(), value: z.number(), valueDecimal: Dec, asOf: z.string(), stale: z.boolean(),
      })),
    }),
    cashFlow: z.object({
      income: z.number(), incomeDecimal: Dec, expenses: z.number(), expensesDecimal: Dec, net: z.number(), netDecimal: Dec, period: z.string(),
    }).openapi({
      description: "Income is money in and expenses money out, but a refund (money in under an expense category) reduces that category's spending, " +
        "as budgets count it: expenses are below zero when the period's refunds exceed its spending",
    }),
    accounts: z.object({
      total: z.number().int(), active: z.number().int(), banking: z.number().int(), credit: z.number().int(), loan: z.number().int(),
      crypto: z.number().int(), investment: z.number().int(), other: z.number().int(),
    }),
    budgetCompliance: z.object({ onTrack: z.number().int(), atRisk: z.number().int(), exceeded: z.number().int(), total: z.number().int() }),
    topCategories: z.array(z.object({
      categoryId: z.string().nullable(), category: z.string(), amount: z.number(), amountDecimal: Dec, percentage: z.number(), percentageDecimal: z.string(),
    })).openapi({
      description: "The five categories with the most spending after their refunds, and the rest in one row (categoryId null, labelled as the category " +
        "Other is in the reader's language, or \"Everything else\" when a category of that name is listed); shares sum to 100.0 and " +
        "amounts to the expenses, but for a category whose refunds exceed its spending: it is not listed, and the others share their own spending",
    }),
    conversion: Conversion,
    notes: Notes,
  })
  .openapi("Dashboard");

export const NetWorthQuery = z.object({
  spaceId: SpaceId,
  from: CalendarDay.optional().openapi({ description: "Default: 90 days before `to`" }),
  to: CalendarDay.optional().openapi({ description: "Default: today in the space's time zone" }),
  interval: z.enum(["day", "week", "month"]).default("day"),
});

export const NetWorthSchema = z
  .object({
    spaceId: z.string(),
    currency: z.string(),
    from: z.string(),
    to: z.string(),
    interval: z.string(),
    points: z.array(z.object({ date: z.string(), netWorth: z.number(), netWorthDecimal: Dec, complete: z.boolean() })),
    conversion: Conversion,
    notes: Notes,
  })
  .openapi("NetWorthHistory");

const SeriesSchema = z
  .object({
    id: z.string(), name: z.string(), merchant: z.string(), direction: z.enum(["income", "expense"]),
    transfer: z.boolean().openapi({
      description: "A move between the space's own accounts (a transfer made here, or rows filed under a transfer category): it moves this account's projected balance, and is neither income nor spending in the forecast",
    }),
    cadence: z.enum(CADENCES),
    currency: z.string(), accountId: z.string(), categoryId: z.string().nullable(), amount: z.number(), amountDecimal: Dec,
    amountRange: z.object({ min: z.number(), minDecimal: Dec, max: z.number(), maxDecimal: Dec }), spreadDecimal: Dec,
    occurrences: z.number().int(), firstDate: z.string(), lastDate: z.string(), nextExpectedDate: z.string(), active: z.boolean(),
    status: z.enum(["detected", "confirmed", "edited", "dismissed"]), confidence: z.number(), transactionIds: z.array(z.string()),
  })
  .openapi("RecurringSeries");

export const RecurringQuery = z.object({
  spaceId: SpaceId,
  includeDismissed: z.enum(["true", "false"]).optional().openapi({ description: "Also list dismissed series (marked)" }),
});
export const RecurringListSchema = z.object({ spaceId: z.string(), series: z.array(SeriesSchema), dismissedCount: z.number().int() }).openapi("RecurringList");

export const SeriesParam = z.object({
  seriesId: z.string().regex(/^rec_[0-9a-f]{24}$/).openapi({ param: { name: "seriesId", in: "path" }, example: "rec_0123456789abcdef01234567" }),
});
export const PatchRecurringBody = z
  .object({
    spaceId: SpaceId,
    action: z.enum(["dismiss", "confirm", "edit", "restore"]).openapi({ example: "dismiss", description: "dismiss (stays dismissed), confirm, edit (name/amount/cadence) or restore (undo a decision)" }),
    name: VisibleName(120).optional(),
    amount: MajorAmount.optional(),
    cadence: z.enum(CADENCES).optional(),
  })
  .strict()
  .openapi("PatchRecurringRequest");
export const PatchRecurringResult = z
  .object({ id: z.string(), spaceId: z.string(), status: z.enum(["detected", "confirmed", "edited", "dismissed"]), series: SeriesSchema.nullable() })
  .openapi("PatchRecurringResult");

export const ForecastQuery = z.object({ spaceId: SpaceId });
export const ForecastSchema = z
  .object({
    spaceId: z.string(),
    currency: z.string(),
    asOfDate: z.string(),
    horizon: z.object({ from: z.string(), to: z.string(), days: z.number().int() }),
    forecast: z.array(z.object({
      week: z.string(), weekEnd: z.string(), projectedIncome: z.number(), projectedIncomeDecimal: Dec, projectedExpenses: z.number(),
      projectedExpensesDecimal: Dec, netFlow: z.number(), netFlowDecimal: Dec, confidence: z.number(),
    })),
    summary: z.object({
      totalProjectedIncome: z.number(), totalProjectedIncomeDecimal: Dec, totalProjectedExpenses: z.number(), totalProjectedExpensesDecimal: Dec,
      netCashFlow: z.number(), netCashFlowDecimal: Dec,
      riskFactors: z.array(z.string()).openapi({
        description: "Sentences for a reader, in the request's language: an account already overdrawn, the day one is projected below zero, irregular income, seasonal spending",
      }),
    }),
    accounts: z.array(z.object({
      accountId: z.string(), name: z.string(), type: z.string(), currency: z.string(), currentBalance: z.number(), currentBalanceDecimal: Dec,
      projectedBalance: z.number(), projectedBalanceDecimal: Dec, lowestBalance: z.number(), lowestBalanceDecimal: Dec, lowestBalanceDate: z.string(),
      negativeOn: z.string().nullable().openapi({
        description: "For an account that may not go negative (not a credit card, credit line, loan or mortgage): the first day of the horizon on which " +
          "its projected balance is below zero, the horizon's first day when it is already overdrawn now (each also a risk factor); null otherwise",
      }),
    })),
    recurringSeriesUsed: z.number().int(),
    method: z.string().openapi({ description: "How the forecast was made, a sentence in the request's language" }),
    conversion: Conversion,
    notes: Notes,
    cache: z.object({ hit: z.boolean(), computedAt: z.string(), ledgerSeq: z.number().int(), changesSince: z.number().int() }),
  })
  .openapi("Forecast");
