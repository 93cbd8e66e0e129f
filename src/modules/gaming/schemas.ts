import { z } from "@hono/zod-openapi";
import { PLATFORMS } from "./platforms";

/** The days an earnings period names ("30d": 30, "1y": 365). */
export const periodDays = (period: string) => (period === "1y" ? 365 : Number(period.slice(0, -1)));

export const SpaceQuery = z.object({ spaceId: z.string().min(1).max(64) });
export const EarningsQuery = z.object({
  spaceId: z.string().min(1).max(64),
  period: z
    .string()
    // The dashboard's periods (7d, 30d, 90d, 1y) are all taken here too; 1y is 365 days, as there.
    // Aborting: the length check below would read "month" as NaN days and refuse it a second time.
    .regex(/^(?:[1-9]\d{0,2}d|1y)$/, { message: "Must be a number of days such as 7d, 30d or 90d, or 1y", abort: true })
    .refine((p) => periodDays(p) <= 365, { message: "At most 365d", params: { code: "TOO_BIG" } })
    .default("30d")
    .openapi({ example: "30d", description: "Days back from today, e.g. 7d, 30d, 90d (max 365d), or 1y (365 days)" }),
});
export const PlatformParam = z.object({ platform: z.string().min(1).max(32).openapi({ example: PLATFORMS[0]!.platform }) });

const Loose = z.record(z.string(), z.unknown());

export const PlatformsResponse = z
  .object({
    platforms: z.array(
      z.object({ platform: z.string(), label: z.string(), chain: z.string(), token: z.string(), available: z.boolean(), reason: z.string().optional() }),
    ),
  })
  .openapi("GamingPlatforms");

const PlatformSummary = z.object({
  platform: z.string(),
  label: z.string(),
  chain: z.string(),
  available: z.boolean(),
  totalValueUsd: z.number(),
  totalValueUsdDecimal: z.string(),
  tokensCount: z.number().int(),
  stakingValueUsd: z.number(),
  stakingValueUsdDecimal: z.string(),
  stakingApy: z.number().nullable(),
  landCount: z.number().int(),
  nftCount: z.number().int(),
  monthlyEarningsUsd: z.number(),
  monthlyEarningsUsdDecimal: z.string(),
  lastSyncedAt: z.string(),
  stale: z.boolean(),
  unpricedTokens: z.array(z.string()),
});

const Earning = z.object({ platform: z.string(), source: z.string(), amountUsd: z.number(), amountUsdDecimal: z.string(), color: z.string() });

const Nft = z.object({
  platform: z.string(),
  tokenId: z.string(),
  name: z.string(),
  collection: z.string(),
  currentValue: z.number().nullable(),
  currentValueDecimal: z.string().nullable(),
  acquisitionCost: z.number().nullable(),
  acquisitionCostDecimal: z.string().nullable(),
  unrealizedGain: z.number().nullable(),
  unrealizedGainDecimal: z.string().nullable(),
  acquiredAt: z.string().nullable(),
  currency: z.string(),
});

export const PortfolioResponse = z
  .object({
    spaceId: z.string(),
    currency: z.string(),
    totalValueUsd: z.number(),
    totalValueUsdDecimal: z.string(),
    platforms: z.array(PlatformSummary),
    unavailablePlatforms: z.array(z.object({ platform: z.string(), label: z.string(), available: z.literal(false) })),
    earnings: z.array(Earning),
    guilds: z.array(
      z.object({
        platform: z.string(), guildName: z.string(), role: z.string(), scholarCount: z.number().int(), revenueSharePercent: z.number(),
        monthlyIncomeUsd: z.number(), monthlyIncomeUsdDecimal: z.string(),
      }),
    ),
    chains: z.array(z.object({ chain: z.string(), totalValueUsd: z.number(), totalValueUsdDecimal: z.string(), platformCount: z.number().int(), platforms: z.array(z.string()) })),
    parcels: z.array(
      z.object({
        parcelId: z.string(), coordinates: z.string(), size: z.string(), rentalStatus: z.string(), monthlyRental: z.number(), monthlyRentalDecimal: z.string(),
        platform: z.string(), currentValue: z.number().nullable(),
      }),
    ),
    nfts: z.array(Nft),
    proposals: z.array(z.object({ id: z.string(), title: z.string(), status: z.string(), dao: z.string(), platform: z.string() })),
    governance: z.array(
      z.object({ platform: z.string(), dao: z.string(), votingPower: z.number(), votingPowerDecimal: z.string(), votingPowerToken: z.string(), totalVotesCast: z.number().int() }),
    ),
    totalVotesCast: z.number().int(),
    votingPower: z.number(),
    votingPowerToken: z.string().nullable(),
  })
  .openapi("GamingPortfolio");

export const NftsResponse = z
  .object({
    nfts: z.array(Nft.extend({ walletId: z.string() })),
    totals: z.object({
      count: z.number().int(), currentValue: z.number(), currentValueDecimal: z.string(), acquisitionCost: z.number(), acquisitionCostDecimal: z.string(), currency: z.string(),
    }),
  })
  .openapi("GamingNfts");

export const EarningsResponse = z
  .object({
    period: z.string(),
    from: z.string(),
    to: z.string(),
    currency: z.string(),
    total: z.number(),
    totalDecimal: z.string(),
    earnings: z.array(Earning),
    byPlatform: z.array(z.object({ platform: z.string(), amountUsd: z.number(), amountUsdDecimal: z.string() })),
    bySource: z.array(z.object({ source: z.string(), amountUsd: z.number(), amountUsdDecimal: z.string() })),
  })
  .openapi("GamingEarnings");

export const PositionsResponse = z
  .object({
    platform: z.string(),
    label: z.string(),
    chain: z.string(),
    token: z.string(),
    available: z.boolean(),
    summary: PlatformSummary.nullable(),
    positions: z.array(
      z.object({
        walletId: z.string(),
        walletAddress: z.string(),
        totalValueUsd: z.number(),
        totalValueUsdDecimal: z.string(),
        lastSyncedAt: z.string(),
        stale: z.boolean(),
        tokens: z.array(Loose),
        staking: z.array(Loose),
        land: z.array(Loose),
        nfts: z.array(Nft),
        guilds: z.array(Loose),
        governance: Loose.nullable(),
      }),
    ),
  })
  .openapi("GamingPlatformPositions");
