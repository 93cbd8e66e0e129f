import { queryInt, queryIntOf } from "../../lib/query-int";
import { VisibleName } from "../../lib/visible-text";
import { z } from "@hono/zod-openapi";
import { MajorAmountValue } from "../../lib/amount-schema";
import { explained } from "../../lib/explained";

/** Major units of the space currency: a number or a decimal string with no more decimals than the currency allows. No example: an example is sent by request synthesizers, and these fields are optional. */
const amount = (description: string) => MajorAmountValue.optional().openapi({ type: "number", description });

export const LIFE_EVENT_TYPES = ["home_purchase", "college", "retirement", "inheritance", "other"] as const;
export const MAX_LIFE_EVENTS = 50;
export const MAX_COMPARE = 5;
/** Saved scenarios a space may hold (as a space holds at most 500 assets): each row keeps its inputs, up to 50 life events with their descriptions. */
export const MAX_SCENARIOS_PER_SPACE = 500;
export const MAX_SEED = 4294967295;

const Seed = z.number().int().min(0).max(MAX_SEED).openapi({ description: "Unsigned 32-bit seed of the generator; the same inputs and seed give the same result. Generated when absent and returned in the response" });
const Years = z.number().int().min(10).max(30);
const Scenarios = z.number().int().min(100).max(10_000);
// zod's union of the two said "Invalid input" of a 6.
const Steps = explained(z.union([z.literal(1), z.literal(12)]), "INVALID_VALUE", (v) => (v === 1 || v === 12 ? undefined : "Must be 1 (yearly steps) or 12 (monthly steps)")).openapi({ type: "integer", enum: [1, 12], description: "1: yearly steps; 12: monthly contributions, withdrawals and returns" });

const Rate = (min: number, max: number, description: string) => z.number().min(min).max(max).openapi({ description });

export const Assumptions = z
  .object({
    inflationRate: Rate(-0.05, 0.25, "Yearly; grows spending (default 0.03)").optional(),
    incomeGrowthRate: Rate(-0.2, 0.3, "Yearly; grows income (default 0.025)").optional(),
    portfolioReturn: Rate(-0.5, 0.5, "Mean yearly return (default 0.07)").optional(),
    portfolioVolatility: Rate(0, 1, "Standard deviation of the yearly return (default 0.15); 0 makes every scenario the same").optional(),
    currentAge: z.number().int().min(0).max(120).optional().openapi({ description: "Needed with retirementAge unless a `retirement` life event gives the year" }),
    retirementAge: z.number().int().min(0).max(120).optional(),
    retirementSpending: amount("Yearly spending in retirement, in today's money (inflated)"),
  })
  .strict()
  .openapi("ProjectionAssumptions");

export const LifeEvent = z
  .object({
    year: z.number().int().min(1).max(30),
    type: z.enum(LIFE_EVENT_TYPES),
    amount: amount("One-off flow in that year (negative: money out), nominal"),
    incomeChange: amount("Change to yearly income from that year on"),
    description: z.string().max(200).optional(),
  })
  .strict()
  .openapi("ProjectionLifeEvent");

export const ProjectionBody = z
  .object({
    spaceId: z.string().min(1).max(64),
    name: VisibleName(120).optional().openapi({ description: "Name of the saved scenario (default: a dated name)" }),
    save: z.boolean().optional().openapi({ description: "Save as a scenario (default true)" }),
    years: Years.optional().openapi({ description: "Horizon, 10 to 30 (default 30)" }),
    scenarios: Scenarios.optional().openapi({ description: "Monte Carlo runs, 100 to 10,000 (default 1000)" }),
    stepsPerYear: Steps.optional(),
    seed: Seed.optional(),
    startingNetWorth: amount("Default: the space's net worth (ledger balances in the space currency)"),
    annualContribution: amount(
      "Yearly income minus spending. With annualIncome or annualExpenses it gives the other; alone it is the whole yearly flow, not split against the ledger: " +
        "a positive one is income with no spending (growing by incomeGrowthRate), a negative one spending with no income (growing by inflationRate). " +
        "Default: the ledger's last 12 months",
    ),
    annualIncome: amount("Yearly income now. Default: the ledger's last 12 months (money in, but refunds: see annualExpenses)"),
    annualExpenses: amount("Yearly spending now. Default: the ledger's last 12 months, less refunds (money in under an expense category), as budgets count them; refunds beyond the whole spending count as income"),
    assumptions: Assumptions.optional(),
    lifeEvents: z.array(LifeEvent).max(MAX_LIFE_EVENTS).optional(),
  })
  .strict()
  .openapi("CreateProjectionRequest");

export const ProjectionQuery = z.object({
  spaceId: z.string().min(1).max(64),
  years: queryIntOf(Years).optional().openapi({ description: "Horizon, 10 to 30 (default 30)" }),
  scenarios: queryIntOf(Scenarios).optional().openapi({ description: "Monte Carlo runs, 100 to 10,000 (default 1000)" }),
  stepsPerYear: z.enum(["1", "12"]).optional(),
  seed: queryIntOf(Seed).optional().openapi({ description: "Unsigned 32-bit seed of the generator; the same inputs and seed give the same result. Generated when absent and returned in the response" }),
});

export const ScenarioIdParam = z.object({ scenarioId: z.string().min(1).max(64).openapi({ param: { name: "scenarioId", in: "path" } }) });

export const ScenarioListQuery = z.object({
  spaceId: z.string().min(1).max(64),
  limit: queryInt(1, 200).default(50),
  offset: queryInt(0, 1_000_000).default(0),
});

export const CompareBody = z
  .object({
    spaceId: z.string().min(1).max(64).optional().openapi({ description: "With no scenarioIds: compares the space's most recent saved scenarios" }),
    scenarioIds: z.array(z.string().min(1).max(64)).min(1).max(MAX_COMPARE).optional(),
    seed: Seed.optional(),
  })
  .strict()
  .openapi("CompareProjectionsRequest");

// ---------------------------------------------------------------------------
// Responses. Money: a JSON number (major units, convenience) and beside it the
// exact `*Decimal` string, rounded once to the currency's minor units.
// ---------------------------------------------------------------------------

const Money = z.number();
const Exact = z.string().openapi({ description: "Exact decimal string in the space currency" });
const NullableMoney = z.number().nullable();
const NullableExact = z.string().nullable();

const Horizons = z.object({
  year10: NullableMoney, year10Decimal: NullableExact,
  year20: NullableMoney, year20Decimal: NullableExact,
  year30: NullableMoney, year30Decimal: NullableExact,
});

export const YearRow = z
  .object({
    year: z.number().int(),
    age: z.number().int().nullable().openapi({ description: "Age at the start of the year (with currentAge)" }),
    projectedNetWorth: Money, projectedNetWorthDecimal: Exact,
    percentile10: Money, percentile10Decimal: Exact,
    percentile90: Money, percentile90Decimal: Exact,
    mean: Money, meanDecimal: Exact,
    projectedIncome: Money, projectedIncomeDecimal: Exact,
    projectedExpenses: Money, projectedExpensesDecimal: Exact,
    projectedSavings: Money, projectedSavingsDecimal: Exact,
    lifeEvents: z.array(z.enum(LIFE_EVENT_TYPES)),
    runOutProbability: z.number().openapi({ description: "Share of scenarios that have run out by the end of this year" }),
  })
  .openapi("ProjectionYear");

export const ProjectionSchema = z
  .object({
    horizon: z.number().int(),
    scenarios: z.number().int(),
    stepsPerYear: z.number().int(),
    seed: z.number().int(),
    currency: z.string(),
    startingNetWorth: Money, startingNetWorthDecimal: Exact,
    annualIncome: Money, annualIncomeDecimal: Exact,
    annualExpenses: Money, annualExpensesDecimal: Exact,
    annualContribution: Money, annualContributionDecimal: Exact,
    assumptions: z.object({
      inflationRate: z.number(),
      incomeGrowthRate: z.number(),
      portfolioReturn: z.number(),
      portfolioVolatility: z.number(),
      currentAge: z.number().int().nullable(),
      retirementAge: z.number().int().nullable(),
      retirementYear: z.number().int().nullable(),
      retirementSpending: NullableMoney,
      retirementSpendingDecimal: NullableExact,
    }),
    lifeEvents: z.array(z.object({
      year: z.number().int(), type: z.enum(LIFE_EVENT_TYPES),
      amount: Money, amountDecimal: Exact, incomeChange: Money, incomeChangeDecimal: Exact,
      description: z.string().nullable(),
    })),
    outcomes: z.object({ median: Horizons, percentile10: Horizons, percentile90: Horizons }),
    successProbability: z.number(),
    runOutYear: z.number().int().nullable().openapi({ description: "First year by whose end at least half the scenarios have run out (null: fewer than half ever do)" }),
    earliestRunOutYear: z.number().int().nullable().openapi({ description: "First year in which any scenario runs out" }),
    sources: z.object({
      startingNetWorth: z.enum(["request", "ledger"]),
      annualContribution: z.enum(["request", "ledger"]),
      ledgerWindow: z.object({ from: z.string(), to: z.string() }).nullable(),
    }),
  })
  .openapi("Projection");

export const ScenarioRef = z.object({ id: z.string(), name: z.string(), spaceId: z.string(), createdAt: z.string(), createdBy: z.string() });

export const ProjectionResponse = z
  .object({
    scenario: ScenarioRef.nullable(),
    projection: ProjectionSchema,
    yearByYear: z.array(YearRow),
    notes: z.array(z.string()).openapi({
      description: "Sentences for a reader about the inputs (retirement, the ledger's defaults), in the request's language; " +
        "a conversion's notes (a missing rate, a fallback, a price) too, after the field they concern",
    }),
  })
  .openapi("ProjectionResult");

export const SavedScenario = ScenarioRef.extend({
  currency: z.string(),
  seed: z.number().int(),
  inputs: z.record(z.string(), z.unknown()),
  summary: z.record(z.string(), z.unknown()),
}).openapi("ProjectionScenario");

export const ScenarioList = z.object({
  scenarios: z.array(SavedScenario),
  pagination: z.object({ total: z.number().int(), limit: z.number().int(), offset: z.number().int(), hasMore: z.boolean() }),
});

export const CompareResponse = z
  .object({
    seed: z.number().int(),
    currency: z.string(),
    scenarios: z.array(z.object({ id: z.string(), name: z.string(), projection: ProjectionSchema, yearByYear: z.array(YearRow) })),
    notes: z.array(z.string()),
  })
  .openapi("ProjectionComparison");
