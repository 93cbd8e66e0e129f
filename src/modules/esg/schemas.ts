import { z } from "@hono/zod-openapi";

export const SpaceQuery = z.object({ spaceId: z.string().min(1).max(64) });

const Score = z.object({
  environmental: z.number().int(),
  social: z.number().int(),
  governance: z.number().int(),
  overall: z.number().int(),
  grade: z.string().openapi({ example: "B" }),
});

const PriceView = z.object({ priceDecimal: z.string(), quote: z.string(), day: z.string(), source: z.string(), stale: z.boolean() });

const AssetScore = z.object({
  symbol: z.string().openapi({ example: "BTC" }),
  name: z.string(),
  environmental: z.number().int(),
  social: z.number().int(),
  governance: z.number().int(),
  overall: z.number().int(),
  grade: z.string(),
  consensus: z.string(),
  energyIntensity: z.number().nullable().openapi({ description: "Energy per transaction (see energyIntensityUnit); null when unknown" }),
  energyIntensityUnit: z.string(),
  carbonFootprint: z.number().nullable(),
  carbonFootprintUnit: z.string(),
  renewableShare: z.number().nullable(),
  balance: z.number(),
  balanceDecimal: z.string(),
  value: z.number().openapi({ description: "Market value in the space's currency (quantity × price)" }),
  valueDecimal: z.string(),
  currency: z.string(),
  balanceUSD: z.number().nullable(),
  balanceUSDDecimal: z.string().nullable(),
  weight: z.number(),
  weightDecimal: z.string(),
  price: PriceView,
  priceStale: z.boolean(),
  accountIds: z.array(z.string()),
});

const Unscored = z.object({
  symbol: z.string(),
  balance: z.number(),
  balanceDecimal: z.string(),
  reason: z.enum(["not-in-dataset", "no-price", "negative-balance"]),
  value: z.number().nullable(),
  valueDecimal: z.string().nullable(),
  priceStale: z.boolean().nullable(),
});

const Trend = z.object({
  date: z.string(),
  environmental: z.number().int(),
  social: z.number().int(),
  governance: z.number().int(),
  overall: z.number().int(),
  grade: z.string(),
  datasetVersion: z.string(),
});

export const EsgScoresSchema = z
  .object({
    spaceId: z.string(),
    currency: z.string(),
    datasetVersion: z.string(),
    asOf: z.string(),
    portfolioScore: Score.nullable(),
    scoredValue: z.number(),
    scoredValueDecimal: z.string(),
    scores: z.array(AssetScore),
    unscored: z.array(Unscored),
    stalePrices: z.array(z.string()),
    trends: z.array(Trend),
    impactMetrics: z.object({
      totalCarbonFootprint: z.number().nullable(),
      totalCarbonFootprintUnit: z.string(),
      carbonCoveragePercent: z.number(),
      renewableEnergyScore: z.number().nullable(),
      renewableCoveragePercent: z.number(),
      lowCarbonAllocation: z.number(),
    }),
  })
  .openapi("EsgScores");

export const MethodologySchema = z
  .object({
    version: z.string(),
    framework: z.string(),
    dataset: z.object({
      version: z.string(),
      compiledOn: z.string(),
      description: z.string(),
      assetCount: z.number().int(),
      caveats: z.array(z.string()),
      assets: z.array(z.record(z.string(), z.unknown())),
    }),
    components: z.object({
      environmental: z.object({ weight: z.number(), factors: z.array(z.string()) }).catchall(z.unknown()),
      social: z.object({ weight: z.number(), factors: z.array(z.string()) }).catchall(z.unknown()),
      governance: z.object({ weight: z.number(), factors: z.array(z.string()) }).catchall(z.unknown()),
    }),
    overall: z.string(),
    portfolio: z.record(z.string(), z.string()),
    impactMetrics: z.record(z.string(), z.string()),
    grading: z.record(z.string(), z.string()),
  })
  .openapi("EsgMethodology");

export const SnapshotBody = z
  .object({
    spaceId: z.string().min(1).max(64),
    backfillDays: z.number().int().min(0).max(30).optional().openapi({ description: "Missing past days to fill from ledger balances and historical prices (default 30)" }),
  })
  .strict()
  .openapi("EsgSnapshotRequest");

export const SnapshotResponse = z.object({ spaceId: z.string(), created: z.array(z.string()), trends: z.array(Trend) }).openapi("EsgSnapshots");
