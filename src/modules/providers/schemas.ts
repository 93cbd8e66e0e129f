import { queryInt } from "../../lib/query-int";
import { z } from "@hono/zod-openapi";
import { CONNECTION_STATUSES } from "./connections";

const Id = z.string().min(1).max(64);

/** What a sync read and could not import, by currency (left-out.ts). */
const UnsupportedList = z
  .array(
    z.object({
      currency: z.string().openapi({ description: "The provider's currency code, upper-cased; `(none)` when it gave none, `(other)` past the twentieth code.", example: "CHF" }),
      accounts: z.number().int().openapi({ description: "Accounts in this currency, not imported." }),
      transactions: z.number().int().openapi({ description: "Transactions (Bitso: trades) in this currency, or, for a transaction, in a currency other than its account's, not imported." }),
    }),
  )
  .openapi("SyncUnsupported", {
    description:
      "What the provider listed and the sync could not import: an account or transaction in a currency with no asset here, or a transaction in a currency other than its account's (an amount is never booked in another currency). The imported accounts' balances stay the provider's (the sync's balance adjustments reconcile them). Empty when everything was imported.",
  });

export const ConnectionSchema = z
  .object({
    id: z.string(),
    spaceId: z.string(),
    provider: z.enum(["plaid", "belvo", "bitso"]),
    status: z.enum(CONNECTION_STATUSES),
    statusReason: z.string().nullable(),
    institution: z.object({ id: z.string().nullable(), name: z.string().nullable() }).nullable(),
    accountIds: z.array(z.string()),
    lastSyncedAt: z.string().nullable(),
    unsupported: UnsupportedList.openapi({ description: "What the last completed sync could not import (see `SyncUnsupported`); empty before the first." }),
    nextSyncAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    disconnectedAt: z.string().nullable(),
  })
  .openapi("ProviderConnection");

export const ListConnectionsQuery = z.object({ spaceId: Id });
export const ConnectionListSchema = z.object({ connections: z.array(ConnectionSchema) }).openapi("ProviderConnectionList");
export const ConnectionIdParam = z.object({ connectionId: Id.openapi({ param: { name: "connectionId", in: "path" } }) });
export const DisconnectSchema = z.object({ connection: ConnectionSchema, providerRemoved: z.boolean() }).openapi("ProviderDisconnect");

export const LinkTokenBody = z
  .object({
    spaceId: Id,
    /** Opens Link in update mode for this connection (repairs `reauth_required`). */
    connectionId: Id.optional(),
    userId: z.string().max(64).optional().openapi({ description: "Accepted for seed 000 compatibility; the caller's own id is used" }),
  })
  .strict()
  .openapi("PlaidLinkTokenRequest");
export const LinkTokenSchema = z
  .object({ linkToken: z.string(), expiration: z.string(), mode: z.enum(["create", "update"]) })
  .openapi("PlaidLinkToken");

export const ExchangeTokenBody = z
  .object({
    spaceId: Id,
    publicToken: z.string().min(1).max(200).openapi({ example: "public-sandbox-12345" }),
    metadata: z
      .object({
        institution: z.object({ name: z.string().max(120).optional(), institution_id: z.string().max(64).optional() }).optional(),
        accounts: z.array(z.object({ id: z.string().max(100), name: z.string().max(120).optional(), type: z.string().max(40).optional(), subtype: z.string().max(40).nullable().optional() })).max(50).optional(),
      })
      .optional(),
  })
  .strict()
  .openapi("PlaidExchangeTokenRequest");

/** The first import, queued on SYNC_QUEUE: follow it at GET /v1/sync-jobs/{jobId}. */
const FirstSync = z
  .object({ jobId: z.string(), status: z.enum(["queued"]) })
  .nullable()
  .openapi("ProviderFirstSync", { description: "The connection's first import, queued (null if the connection could not be read yet); poll GET /v1/sync-jobs/{jobId}" });

export const ConnectResultSchema = z
  .object({ connection: ConnectionSchema, jobId: z.string().nullable(), firstSync: FirstSync, message: z.string().optional() })
  .openapi("ProviderConnectResult");

export const WebhookBody = z.record(z.string(), z.unknown()).openapi("ProviderWebhookBody");
export const WebhookAckSchema = z.object({ received: z.boolean(), action: z.string() }).openapi("ProviderWebhookAck");

export const SyncBody = z
  .object({
    spaceId: Id,
    accountIds: z.array(Id).max(500).optional(),
    force: z.boolean().optional(),
  })
  .strict()
  .openapi("AccountSyncRequest");

const JobRef = z.object({ jobId: z.string(), connectionId: z.string(), provider: z.string(), accountIds: z.array(z.string()) });
export const SyncAcceptedSchema = z
  .object({
    jobId: z.string().nullable(),
    jobIds: z.array(z.string()),
    jobs: z.array(JobRef),
    skipped: z.array(z.object({
      accountId: z.string(),
      code: z.enum(["manual", "no_connection", "disconnected"]).openapi({ description: "Why, for a program: a manual account, an account with no connection, or one whose connection is disconnected" }),
      reason: z.string().openapi({ description: "Why, in the reader's language" }),
    })),
    status: z.enum(["queued", "nothing_to_sync"]),
  })
  .openapi("AccountSyncAccepted");

export const SpaceBody = z.object({ spaceId: Id }).strict().openapi("ProviderSpaceRequest");

const Stats = z.object({
  created: z.number().int(), updated: z.number().int(), unchanged: z.number().int(), errors: z.number().int(),
  removed: z.number().int(), corrections: z.number().int(), adjustments: z.number().int(), flagged: z.number().int(),
});
export const JobIdParam = z.object({ jobId: Id.openapi({ param: { name: "jobId", in: "path" } }) });
export const SyncJobSchema = z
  .object({
    id: z.string(),
    jobId: z.string(),
    spaceId: z.string(),
    connectionId: z.string(),
    provider: z.string().nullable(),
    trigger: z.string(),
    status: z.enum(["queued", "running", "completed", "failed"]),
    attempts: z.number().int(),
    accountIds: z.array(z.string()),
    stats: Stats.nullable(),
    transactions_created: z.number().int(),
    transactions_updated: z.number().int(),
    unsupported: UnsupportedList.openapi({ description: "What this sync could not import (see `SyncUnsupported`); empty unless it completed with something left out." }),
    message: z.string().nullable(),
    error: z.string().nullable(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .openapi("SyncJob");

export const BelvoLinkBody = z
  .object({ spaceId: Id, institution: z.string().min(1).max(64).openapi({ example: "banamex" }) })
  .strict()
  .openapi("BelvoLinkRequest");
export const BelvoLinkSchema = z.object({ accessToken: z.string(), institution: z.string(), expiresIn: z.number().int() }).openapi("BelvoLinkSession");
export const BelvoConnectBody = z
  .object({
    spaceId: Id,
    institution: z.string().min(1).max(64).openapi({ example: "banamex" }),
    username: z.string().min(1).max(200).openapi({ example: "user123" }),
    password: z.string().min(1).max(200).openapi({ example: "secure_password" }),
  })
  .strict()
  .openapi("BelvoConnectRequest");

export const BelvoRepairBody = z
  .object({
    spaceId: Id,
    connectionId: Id,
    password: z.string().min(1).max(200).openapi({ example: "new_secure_password" }),
  })
  .strict()
  .openapi("BelvoRepairRequest");
export const RepairResultSchema = z
  .object({ connection: ConnectionSchema, jobId: z.string().nullable(), message: z.string() })
  .openapi("ProviderRepairResult");

export const BitsoConnectBody = z
  .object({
    spaceId: Id,
    // The key travels in an Authorization header as `Bitso <key>:<nonce>:<signature>`: printable ASCII
    // without a colon, or the header cannot be built (or is read wrongly at Bitso). Bitso issues both as such.
    apiKey: z.string().min(1).max(100).regex(/^[!-9;-~]+$/, "An API key is printable ASCII with no spaces or colons, as Bitso issues it").openapi({ example: "your_api_key" }),
    apiSecret: z.string().min(1).max(200).regex(/^[!-~]+$/, "An API secret is printable ASCII with no spaces, as Bitso issues it").openapi({ example: "your_api_secret" }),
  })
  .strict()
  .openapi("BitsoConnectRequest");
const BitsoAccountValue = z.object({
  id: z.string().nullable(),
  name: z.string(),
  symbol: z.string(),
  balance: z.number(),
  balanceDecimal: z.string(),
  quote: z.string(),
  value: z.number().nullable(),
  valueDecimal: z.string().nullable(),
  priceDecimal: z.string().nullable(),
  priceStale: z.boolean().nullable(),
  priceSource: z.string().nullable(),
});
const BitsoUnsupportedBalances = z
  .array(
    z
      .object({
        connectionId: z.string(),
        currency: z.string().openapi({ example: "USDT" }),
        balance: z.string().openapi({ example: "57.123456", description: "As Bitso reports it: an exact decimal" }),
      })
      .openapi("BitsoUnsupportedBalance"),
  )
  .openapi({ description: "Nonzero balances in currencies without an account here (not imported, not in net worth)" });
const BitsoConnectionError = z
  .object({
    connectionId: z.string(),
    status: z.number().int().openapi({ example: 422, description: "The status a route answers for this provider error" }),
    code: z.string().openapi({ example: "PROVIDER_ERROR" }),
    message: z.string().openapi({ example: "bitso: Invalid Nonce or Invalid Signature" }),
    providerCode: z.string().openapi({ example: "0201", description: "Bitso's own error code" }),
    retryable: z.boolean().openapi({ description: "Bitso was unreachable or busy: the queued sync retries. False: Bitso refused the key, and the sync will fail" }),
  })
  .openapi("BitsoConnectionError");
export const BitsoConnectSchema = z
  .object({
    connection: ConnectionSchema, accounts: z.array(BitsoAccountValue), unsupported: BitsoUnsupportedBalances, jobId: z.string().nullable(), firstSync: FirstSync,
    message: z.string(),
  })
  .openapi("BitsoConnectResult");
export const BitsoSyncSchema = z
  .object({
    jobId: z.string().nullable(), jobIds: z.array(z.string()), accounts: z.array(BitsoAccountValue), unsupported: BitsoUnsupportedBalances,
    connectionErrors: z.array(BitsoConnectionError).openapi({ description: "Connections whose balances could not be read now; their `accounts` are missing, not zero" }),
    status: z.enum(["queued", "nothing_to_sync"]),
  })
  .openapi("BitsoSyncResult");

// Review flags: ambiguous pending/posted matches a person resolves.
const FlaggedTransaction = z
  .object({
    id: z.string(),
    accountId: z.string(),
    amount: z.number().openapi({ description: "Major units as a JSON number, for convenience" }),
    amountDecimal: z.string().openapi({ example: "-45.67", description: "The exact amount as a decimal string" }),
    currency: z.string(),
    description: z.string(),
    merchantName: z.string().nullable(),
    date: z.string().openapi({ description: "ISO 8601 in the space's time zone" }),
    status: z.string(),
  })
  .openapi("ReviewFlagTransaction");

export const ReviewFlagSchema = z
  .object({
    id: z.string(),
    spaceId: z.string(),
    reason: z.string().openapi({ example: "possible_pending_duplicate" }),
    status: z.enum(["open", "resolved", "closed"]).openapi({
      description:
        "`open`: waiting for a person. `resolved`: a person chose `resolution`. `closed`: ended by Dhanam with no resolution, because nothing was " +
        "left to resolve: none of the candidates is pending any more (another flag's merge or a sync made it a posted transaction, or it was " +
        "removed), or the flagged transaction was removed. A closed flag cannot be resolved (409).",
    }),
    /** The posted transaction the sync could not match with certainty. */
    transaction: FlaggedTransaction.nullable(),
    /** The pending transactions it might be (each a candidate for `merge`). */
    candidates: z.array(FlaggedTransaction),
    resolution: z.enum(["merge", "keep_both"]).nullable().openapi({ description: "What the person chose; null while open and when closed" }),
    mergedTransactionId: z.string().nullable().openapi({ description: "The pending transaction a merge kept (it now is the posted one)" }),
    resolvedAt: z.string().nullable().openapi({ description: "When the flag was resolved or closed" }),
    resolvedBy: z.string().nullable().openapi({ description: "Who resolved it; null while open and when closed" }),
    createdAt: z.string(),
  })
  .openapi("ProviderReviewFlag");

export const ListReviewFlagsQuery = z.object({
  spaceId: Id,
  status: z.enum(["open", "resolved", "closed", "all"]).default("open").openapi({ description: "The flags of one status (see ProviderReviewFlag.status), or all" }),
  limit: queryInt(1, 200).default(50),
  offset: queryInt(0, 1_000_000).default(0),
});
export const ReviewFlagListSchema = z
  .object({
    flags: z.array(ReviewFlagSchema),
    pagination: z.object({ total: z.number().int(), limit: z.number().int(), offset: z.number().int(), hasMore: z.boolean() }),
  })
  .openapi("ProviderReviewFlagList");
export const FlagIdParam = z.object({ flagId: Id.openapi({ param: { name: "flagId", in: "path" } }) });
export const ResolveFlagBody = z
  .object({
    action: z.enum(["merge", "keep_both"]),
    /** Which candidate to merge with; required when the flag has more than one. */
    pendingTransactionId: Id.optional(),
  })
  .strict()
  .openapi("ProviderReviewFlagResolve");
