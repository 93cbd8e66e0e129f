import { z } from "@hono/zod-openapi";
import { VisibleName } from "../../lib/visible-text";
import { DEFI_NETWORKS, POSITION_TYPES } from "./client";

export const PositionsQuery = z.object({
  spaceId: z.string().min(1).max(64),
  protocol: z.string().min(1).max(64).optional().openapi({ example: "uniswap-v3" }),
  network: z.enum(DEFI_NETWORKS).optional(),
});

export const WalletIdParam = z.object({ walletId: z.string().min(1).max(64).openapi({ param: { name: "walletId", in: "path" } }) });

export const AddWalletBody = z
  .object({
    spaceId: z.string().min(1).max(64),
    address: z.string().min(1).max(64).openapi({
      example: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
      description: "EVM address. Mixed case must carry a valid EIP-55 checksum (otherwise 422); all-lowercase is accepted and returned checksummed.",
    }),
    // The wallet's name in every list: one line and visible, as every other name (lib/visible-text.ts).
    label: VisibleName(120).optional().openapi({ example: "Main DeFi Wallet" }),
    networks: z.array(z.enum(DEFI_NETWORKS)).min(1).max(DEFI_NETWORKS.length).optional().openapi({ example: ["ethereum", "polygon", "arbitrum"] }),
  })
  .strict()
  .openapi("AddDefiWalletRequest");

export const SyncBody = z
  .object({
    spaceId: z.string().min(1).max(64),
    walletIds: z.array(z.string().min(1).max(64)).min(1).max(200).optional().openapi({ description: "Defaults to every wallet of the space" }),
  })
  .strict()
  .openapi("DefiSyncRequest");

const Wallet = z.object({
  id: z.string(),
  spaceId: z.string(),
  address: z.string(),
  label: z.string(),
  networks: z.array(z.string()),
  createdAt: z.string(),
  lastSyncedAt: z.string().nullable(),
  lastSyncStatus: z.enum(["ok", "failed"]).nullable(),
  lastSyncError: z.string().nullable(),
});

const SyncResult = z.object({
  walletId: z.string(),
  status: z.enum(["ok", "failed"]),
  positions: z.number().int(),
  gamingPlatforms: z.number().int(),
  error: z.string().nullable(),
});

export const AddWalletResponse = z.object({ wallet: Wallet, sync: SyncResult }).openapi("DefiWallet");
export const SyncResponse = z.object({ spaceId: z.string(), syncedAt: z.string(), results: z.array(SyncResult) }).openapi("DefiSyncResult");

const Token = z.object({ symbol: z.string(), balance: z.number(), balanceDecimal: z.string(), balanceUSD: z.number(), balanceUSDDecimal: z.string() });

const Position = z.object({
  id: z.string(),
  walletId: z.string(),
  walletAddress: z.string(),
  protocol: z.string(),
  network: z.string(),
  type: z.string().openapi({ example: POSITION_TYPES[0] }),
  label: z.string(),
  tokens: z.array(Token),
  totalValueUSD: z.number(),
  totalValueUSDDecimal: z.string(),
  unrealizedGain: z.number(),
  unrealizedGainDecimal: z.string(),
  unrealizedGainSince: z.string().openapi({ description: "Gain is measured against the position's value when first synced, at this time" }),
  apy: z.number().nullable(),
  apyDecimal: z.string().nullable(),
  lastUpdated: z.string(),
  stale: z.boolean(),
});

export const PositionsResponse = z
  .object({
    positions: z.array(Position),
    summary: z.object({
      totalValueUSD: z.number(),
      totalValueUSDDecimal: z.string(),
      byProtocol: z.record(z.string(), z.number()),
      byProtocolDecimal: z.record(z.string(), z.string()),
      byNetwork: z.record(z.string(), z.number()),
      byNetworkDecimal: z.record(z.string(), z.string()),
      stale: z.boolean(),
    }),
    wallets: z.array(Wallet),
  })
  .openapi("DefiPositions");
